-- PostgreSQL only (events_horizon(), one round trip for the dispatcher's horizon): SQLite runs one write
-- transaction at a time, so the highest seq is always the horizon. Both dialects list the same migrations.
SELECT 1;
