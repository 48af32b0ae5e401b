-- response_keys finds a response's row by its id (issue 20): each key carries its row's primary key (seq,
-- submitted_us), written in the same statement as the row, so responses needs no index of its own on the id.
-- That index was the one random text index every stored row went into besides response_keys' own (a third of
-- the time moving an import's rows into responses, by hand), and part of every submission batch (docs/scaling.md).
-- A key whose row was archived before this migration gets the position (0, 0), where no row is; one archived
-- later keeps its row's position in the detached table. Either way the lookup finds no row, as before.
-- The position is NOT NULL, so an instance of the previous version still running against this database (it
-- writes keys without it) has its writes refused (the client retries them elsewhere) instead of storing rows
-- that no lookup by id could find: upgrade all instances together.
-- The backfill rewrites response_keys once (one pass over both tables, inside the migration's transaction).
ALTER TABLE response_keys ADD COLUMN seq BIGINT, ADD COLUMN submitted_us BIGINT;
--bun:split
UPDATE response_keys k SET seq = r.seq, submitted_us = r.submitted_us FROM responses r WHERE r.id = k.id;
--bun:split
UPDATE response_keys SET seq = 0, submitted_us = 0 WHERE seq IS NULL;
--bun:split
ALTER TABLE response_keys ALTER COLUMN seq SET NOT NULL, ALTER COLUMN submitted_us SET NOT NULL;
--bun:split
DROP INDEX responses_id;
