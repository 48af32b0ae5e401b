-- Cases of CONTRACT §11 (survey/case.go): one per counted response whose primary answer is in the bottom two
-- points, opened in the response's transaction. The unique response_id is what makes "exactly once" hold
-- whatever is replayed, retried or imported twice.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    response_id TEXT NOT NULL UNIQUE,
    agency_code TEXT NOT NULL,
    center_code TEXT,
    service_code TEXT,
    score REAL NOT NULL,
    comment TEXT,
    opened_us INTEGER NOT NULL,
    due_us INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    resolution TEXT,
    note TEXT,
    resolved_us INTEGER,
    overdue_us INTEGER
);
--bun:split
CREATE INDEX cases_agency_opened ON cases (agency_code, opened_us);
--bun:split
CREATE INDEX cases_opened ON cases (opened_us);
--bun:split
-- case.overdue: the background loop looks for unresolved cases past due that were not yet reported.
CREATE INDEX cases_due_unreported ON cases (due_us) WHERE overdue_us IS NULL AND status <> 'resolved';
--bun:split
-- The trail of a case: who did what, when (opened, acknowledged, resolved, reopened, commented).
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases (id),
    at_us INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    resolution TEXT,
    note TEXT
);
--bun:split
CREATE INDEX case_events_case ON case_events (case_id, id);
--bun:split
-- The agency's case SLA in hours (NULL: the default of 72 h), set by admins (catalog sla_hours or the Cases page).
ALTER TABLE agencies ADD COLUMN sla_hours INTEGER;
