-- A bulk import keeps the cells current itself, in its own transaction, instead of queueing a pending row per
-- response. It marks its transaction with SET LOCAL qiymet.bulk = 'on' (invisible to other sessions); the
-- trigger's WHEN clause then skips the row without even calling the function. agg_bulk exists for the same
-- schema on both dialects; SQLite uses it as its marker.
CREATE TABLE agg_bulk (
    flag INTEGER NOT NULL
);
--bun:split
DROP TRIGGER responses_counted_insert ON responses;
--bun:split
CREATE TRIGGER responses_counted_insert AFTER INSERT ON responses
FOR EACH ROW WHEN (NEW.status = 'counted' AND current_setting('qiymet.bulk', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION agg_pending_on_insert();
