-- agg_pack: a ranking's cells packed per key: per month (kind 'm', k = month index, the agg_month rows of that
-- month) and per day (kind 'd', k = day key, the agg_agency_day rows of that day), so that a ranking of 1,000
-- agencies reads a few hundred rows instead of ~33,000-80,000 (docs/scaling.md). A key's pack is split into
-- parts (part 0, 1, …) of under 4,000 bytes each (SQLite reads a longer value into a fresh allocation, which
-- modernc's allocator maps and unmaps each time).
-- data is a cache: NULL until a reader packs the key's cells, and part 0 is set back to (version + 1, NULL),
-- the other parts deleted, by every write of the key's cells (the roll-up and imports, in the same transaction:
-- upsertCells; a zone rebuild: every key). A reader stores a pack only when part 0 still has the version it
-- read and no data, so a pack never outlives its cells (survey/store_pack.go). Every key that has cells has its
-- part 0 (writers insert it), so a key without one has no cells.
CREATE TABLE agg_pack (
    kind TEXT NOT NULL,
    k BIGINT NOT NULL,
    part INTEGER NOT NULL,
    version BIGINT NOT NULL,
    data BYTEA,
    PRIMARY KEY (kind, k, part)
);
--bun:split
-- Parts are short (< 4,000 bytes): kept in the row, uncompressed, so that reading them needs no TOAST lookup
-- and no decompression (measured ~1.5-2x faster to read a quarter's streak span of 1,000 agencies).
ALTER TABLE agg_pack ALTER COLUMN data SET STORAGE PLAIN;
--bun:split
INSERT INTO agg_pack (kind, k, part, version) SELECT DISTINCT 'm', month, 0, 1 FROM agg_month;
--bun:split
INSERT INTO agg_pack (kind, k, part, version) SELECT DISTINCT 'd', day, 0, 1 FROM agg_agency_day;
