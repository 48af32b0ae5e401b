-- The outbox of CONTRACT §11 (survey/event.go): events written in the transaction of what causes them, read in
-- seq order by the delivery dispatcher. Append-only in practice; delivery state lives elsewhere.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    agency TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL
);
