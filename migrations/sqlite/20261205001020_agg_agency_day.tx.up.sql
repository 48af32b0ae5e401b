-- One transaction (.tx.up.sql): the table appears already filled, so no instance ever reads it half built.
-- agg_agency_day is agg_day summed over service, centre and channel: one row per day key × agency. A custom
-- range's days are read from it (docs/method.md#from-cells-to-figures): ~1 row per agency and day instead of
-- one per agency × service × centre × channel. Kept by the roll-up and bulk imports in the same transaction as
-- the other cells. WITHOUT ROWID: a range of days is one contiguous run of the primary key's B-tree, with no
-- lookup per row into a rowid table (8× faster to read on modernc's SQLite, 1,000 agencies, 16 days).
CREATE TABLE agg_agency_day (
    day INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    n INTEGER NOT NULL,
    sum_r REAL NOT NULL,
    sum_r2 REAL NOT NULL,
    n_top2 INTEGER NOT NULL,
    PRIMARY KEY (day, agency_code)
) WITHOUT ROWID;
--bun:split
CREATE INDEX agg_agency_day_agency ON agg_agency_day (agency_code, day);
--bun:split
-- Backfill from the existing day cells (cells + pending changes = the responses, so the same holds for the new
-- table; the pending changes are folded into it by the roll-up like into the others). In key order: on PostgreSQL
-- a range of days is then a few adjacent heap pages, as when the roll-up appends the cells day after day.
INSERT INTO agg_agency_day (day, agency_code, n, sum_r, sum_r2, n_top2)
SELECT day, agency_code, SUM(n), SUM(sum_r), SUM(sum_r2), SUM(n_top2) FROM agg_day GROUP BY day, agency_code
ORDER BY day, agency_code;
--bun:split
-- agg_month becomes WITHOUT ROWID for the same reason (a ranking reads up to 40 periods of month cells).
CREATE TABLE agg_month_new (
    month INTEGER NOT NULL,
    agency_code TEXT NOT NULL,
    n INTEGER NOT NULL,
    sum_r REAL NOT NULL,
    sum_r2 REAL NOT NULL,
    n_top2 INTEGER NOT NULL,
    PRIMARY KEY (month, agency_code)
) WITHOUT ROWID;
--bun:split
INSERT INTO agg_month_new (month, agency_code, n, sum_r, sum_r2, n_top2)
SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month;
--bun:split
DROP TABLE agg_month;
--bun:split
ALTER TABLE agg_month_new RENAME TO agg_month;
