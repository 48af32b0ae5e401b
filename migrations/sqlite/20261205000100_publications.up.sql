-- Published periods (CONTRACT §10, survey/publication.go): one row per revision of a period's snapshot. The
-- document is the snapshot's canonical JSON (RFC 8785) with its sha256, stored once and served as stored;
-- the triggers refuse UPDATE and DELETE, so a published revision can never change.
CREATE TABLE publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    revision INTEGER NOT NULL,
    published_us INTEGER NOT NULL,
    reason TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    counted INTEGER NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (period, revision)
);
--bun:split
CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END;
--bun:split
CREATE TRIGGER publications_no_delete BEFORE DELETE ON publications BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END;
