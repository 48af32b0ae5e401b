-- The dispatcher's horizon (survey/store_delivery.go, eventHorizon) in one round trip: try the event writers'
-- lock exclusively, transaction-level, read the highest seq, and let the lock go when this one statement ends.
-- Before, the lock was a session lock held across two more round trips (read, unlock), and every event writer
-- (the one batch committer among them) waited behind it meanwhile. The snapshot of the MAX is taken after the
-- lock is held (a VOLATILE function takes one per statement), so every writer that held it has committed.
-- Returns -1 when tries attempts (pause_ms apart) never found the lock free.
CREATE FUNCTION events_horizon(tries INTEGER, pause_ms INTEGER) RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    h BIGINT;
BEGIN
    FOR i IN 1..tries LOOP
        IF pg_try_advisory_xact_lock(8172196475491542390) THEN
            SELECT COALESCE(MAX(seq), 0) INTO h FROM events;
            RETURN h;
        END IF;
        IF i < tries THEN
            PERFORM pg_sleep(pause_ms / 1000.0);
        END IF;
    END LOOP;
    RETURN -1;
END;
$$;
