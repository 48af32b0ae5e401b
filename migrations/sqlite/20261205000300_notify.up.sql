-- Delivery of the events outbox (docs/api.md, "Webhooks and e-mail"): webhook endpoints, one durable job per
-- (event, target), the dispatcher's watermark and the kiosk silence episodes already reported.
-- (SQLite runs one write transaction at a time, so events become visible in seq order.)
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_us INTEGER NOT NULL,
    removed_us INTEGER
);
--bun:split
-- One row per (event, target): target is "webhook:<id>" or "mail:<user id>". status: pending, delivered,
-- failed (gave up after the retry period), cancelled (endpoint removed). lease_us: an attempt runs until then.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    target TEXT NOT NULL,
    webhook_id INTEGER,
    recipient TEXT,
    lang TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_us INTEGER NOT NULL,
    next_us INTEGER NOT NULL,
    lease_us INTEGER,
    last_us INTEGER,
    last_status INTEGER,
    last_error TEXT,
    done_us INTEGER,
    UNIQUE (event_id, target)
);
--bun:split
CREATE INDEX deliveries_due ON deliveries (next_us) WHERE status = 'pending';
--bun:split
CREATE TABLE notify_watermark (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
--bun:split
INSERT INTO notify_watermark (name, seq) VALUES ('events', 0);
--bun:split
CREATE TABLE kiosk_silences (
    kiosk_id INTEGER NOT NULL,
    since_us INTEGER NOT NULL,
    reported_us INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, since_us)
);
