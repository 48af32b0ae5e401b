-- A bulk import keeps the cells current itself, in its own transaction, instead of queueing a pending row per
-- response. It marks its transaction with a row in agg_bulk (inserted and deleted inside that transaction, so
-- no other connection ever sees it); the trigger then leaves the row alone.
CREATE TABLE agg_bulk (
    flag INTEGER NOT NULL
);
--bun:split
DROP TRIGGER responses_counted_insert;
--bun:split
CREATE TRIGGER responses_counted_insert AFTER INSERT ON responses
WHEN NEW.status = 'counted' AND NOT EXISTS (SELECT 1 FROM agg_bulk)
BEGIN
    INSERT INTO agg_pending (response_seq, sign) VALUES (NEW.seq, 1);
END;
