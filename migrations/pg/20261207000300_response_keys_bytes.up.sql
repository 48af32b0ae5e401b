-- response_keys.id compares byte by byte (COLLATE "C"). The ids are UUIDs in ASCII, whose order is only used to
-- find them; the database's collation (en_US, az_AZ, even C.UTF-8) compares through the locale, which is what
-- most of a key's insertion costs: by hand, COPYing 1M random ids took 3.5 s of CPU in "C", 4.1 s in C.UTF-8 and
-- 4.9 s in ICU's "az" (docs/scaling.md). An id compared with a text of the default collation takes the column's
-- (PostgreSQL chooses the non-default one), so every lookup by id still uses the index.
-- The primary key's index is rebuilt (the rows are not rewritten), holding the table locked meanwhile: 4.7 s at
-- 10M ids, about a minute at 100M. Run the upgrade when a short stop of ingest is acceptable.
ALTER TABLE response_keys ALTER COLUMN id TYPE TEXT COLLATE "C";
