-- The summary cells are updated in place all the time (every roll-up, and an import adds to each of its cells
-- once): with room left on each page, the new version of a cell goes on the same page and its indexes are not
-- touched (a HOT update), which also leaves less for vacuum. Measured: adding a 200k-row import's cells to the
-- demo's took 5.3 s with full pages and 3.1 s with half-full ones, every update HOT (docs/scaling.md).
-- New pages get the room; pages written before keep theirs full until the table is rewritten (VACUUM FULL).
ALTER TABLE agg_day SET (fillfactor = 50);
--bun:split
ALTER TABLE agg_agency_day SET (fillfactor = 50);
--bun:split
ALTER TABLE agg_month SET (fillfactor = 50);
--bun:split
ALTER TABLE agg_answer SET (fillfactor = 50);
