-- PostgreSQL partitions the responses by month (migrations/pg, same ID); SQLite has no partitions and
-- `qiymet archive` refuses to run on it. The archive tables exist in both dialects so the same code reads them
-- (always empty here).
CREATE TABLE response_archives (
    partition TEXT PRIMARY KEY,
    from_us INTEGER NOT NULL,
    to_us INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    state TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    archived_us INTEGER NOT NULL,
    kept_table TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE TABLE archived_excluded (
    day_us INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day_us, agency_code, reason)
);
--bun:split
CREATE TABLE archived_last (
    day_us INTEGER PRIMARY KEY,
    last_us INTEGER NOT NULL
);
--bun:split
CREATE TABLE archived_refs (
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, code, version)
);
--bun:split
-- PostgreSQL's roll-up joins a pending change to its response by seq and submitted_us (one partition); the
-- column exists here too so that both dialects share the cell rebuild's SQL (SQLite's triggers leave it NULL).
ALTER TABLE agg_pending ADD COLUMN submitted_us INTEGER;
