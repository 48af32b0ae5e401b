-- PostgreSQL's response_keys carries each row's primary key (migrations/pg, same ID); SQLite keeps its ids
-- unique in responses itself and has no response_keys. Nothing to do here.
SELECT 1;
