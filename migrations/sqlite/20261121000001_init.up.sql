-- Catalog: codes are the identity of every entry (docs/api.md#catalog-file); names are {"az","en","ru"} JSON text.
CREATE TABLE peer_groups (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
--bun:split
CREATE TABLE surveys (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    PRIMARY KEY (code, version)
);
--bun:split
CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    group_code TEXT NOT NULL REFERENCES peer_groups (code),
    survey_code TEXT NOT NULL,
    name TEXT NOT NULL
);
--bun:split
CREATE TABLE services (
    code TEXT PRIMARY KEY,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    name TEXT NOT NULL
);
--bun:split
CREATE TABLE centers (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
--bun:split
CREATE TABLE center_agencies (
    center_code TEXT NOT NULL REFERENCES centers (code),
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    PRIMARY KEY (center_code, agency_code)
);
--bun:split
-- meta holds small counters, e.g. the catalog revision that invalidates every instance's cache.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
--bun:split
CREATE TABLE kiosks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    center_code TEXT NOT NULL REFERENCES centers (code),
    agency_code TEXT REFERENCES agencies (code),
    token_hash TEXT NOT NULL UNIQUE,
    pairing_hash TEXT UNIQUE,
    pairing_expires_us INTEGER,
    created_us INTEGER NOT NULL,
    revoked_us INTEGER,
    last_seen_us INTEGER,
    app_version TEXT,
    queue_len INTEGER,
    last_submit_us INTEGER
);
--bun:split
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_us INTEGER NOT NULL,
    revoked_us INTEGER,
    last_used_us INTEGER
);
--bun:split
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    service_code TEXT REFERENCES services (code),
    center_code TEXT REFERENCES centers (code),
    visit_id TEXT NOT NULL,
    operator TEXT,
    api_key_id INTEGER,
    created_us INTEGER NOT NULL,
    expires_us INTEGER NOT NULL,
    used_us INTEGER,
    token_enc TEXT,
    UNIQUE (agency_code, visit_id)
);
--bun:split
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_code TEXT REFERENCES agencies (code),
    lang TEXT,
    created_us INTEGER NOT NULL,
    disabled_us INTEGER,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_us INTEGER
);
--bun:split
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_us INTEGER NOT NULL,
    expires_us INTEGER NOT NULL,
    last_seen_us INTEGER NOT NULL
);
--bun:split
-- responses is append-only apart from status changes. seq orders exports; id is the client's idempotency key.
-- Times are UTC microseconds since the epoch: exact, and comparable the same way in both dialects.
CREATE TABLE responses (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    submitted_us INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    service_code TEXT,
    center_code TEXT,
    channel TEXT NOT NULL,
    kiosk_id INTEGER,
    invitation_id INTEGER,
    survey_code TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    comment TEXT,
    answers TEXT NOT NULL,
    score REAL NOT NULL,
    top2 BOOLEAN NOT NULL,
    content_hash TEXT NOT NULL
);
--bun:split
CREATE INDEX responses_agency_time ON responses (agency_code, submitted_us);
--bun:split
CREATE INDEX responses_time ON responses (submitted_us);
--bun:split
CREATE INDEX responses_kiosk_time ON responses (kiosk_id, submitted_us) WHERE kiosk_id IS NOT NULL;
--bun:split
CREATE INDEX responses_excluded ON responses (submitted_us) WHERE status = 'excluded';
--bun:split
-- Additive cells (docs/method.md#additive-cells): kept current by a roll-up of agg_pending, which triggers fill
-- inside the writing transaction, so no insert ever contends on a hot cell row.
CREATE TABLE agg_pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    response_seq INTEGER NOT NULL,
    sign INTEGER NOT NULL
);
--bun:split
CREATE TRIGGER responses_counted_insert AFTER INSERT ON responses
WHEN NEW.status = 'counted'
BEGIN
    INSERT INTO agg_pending (response_seq, sign) VALUES (NEW.seq, 1);
END;
--bun:split
CREATE TRIGGER responses_status_update AFTER UPDATE OF status ON responses
WHEN OLD.status IS NOT NEW.status AND (OLD.status = 'counted' OR NEW.status = 'counted')
BEGIN
    INSERT INTO agg_pending (response_seq, sign)
    VALUES (NEW.seq, CASE WHEN NEW.status = 'counted' THEN 1 ELSE -1 END);
END;
--bun:split
-- day is YYYYMMDD and month is year*12+month-1, both in QIYMET_TIMEZONE (meta 'agg_timezone').
-- '' stands for "no service/center" so the primary keys stay plain.
CREATE TABLE agg_day (
    day INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    service_code TEXT NOT NULL,
    center_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    n INTEGER NOT NULL,
    sum_r REAL NOT NULL,
    sum_r2 REAL NOT NULL,
    n_top2 INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day, service_code, center_code, channel)
);
--bun:split
CREATE INDEX agg_day_day ON agg_day (day);
--bun:split
CREATE TABLE agg_month (
    month INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    n INTEGER NOT NULL,
    sum_r REAL NOT NULL,
    sum_r2 REAL NOT NULL,
    n_top2 INTEGER NOT NULL,
    PRIMARY KEY (month, agency_code)
);
--bun:split
CREATE TABLE agg_answer (
    day INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    survey_code TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    question TEXT NOT NULL,
    value INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day, survey_code, survey_version, question, value)
);
