-- PostgreSQL's response_keys compares ids byte by byte (migrations/pg, same ID); SQLite keeps its ids unique in
-- responses, compared byte by byte already (BINARY). Nothing to do here.
SELECT 1;
