-- PostgreSQL leaves room on the summary cells' pages for in-place updates (migrations/pg, same ID); SQLite has
-- no such setting. Nothing to do here.
SELECT 1;
