-- One response per invitation: a one-time link is enforced by the database itself, and a link's response is
-- found by its invitation (a group commit gives back the invitation of a link whose row was not stored).
CREATE UNIQUE INDEX responses_invitation ON responses (invitation_id) WHERE invitation_id IS NOT NULL;
--bun:split
-- A group commit locks its kiosks (so the burst rule holds across instances) with one CALL in its
-- multi-statement query: a procedure returns no rows, and unlike a DO block it is compiled once per session.
-- Keys: 7310002 << 32 | kiosk id, taken in the order given (ascending, so two groups never deadlock).
CREATE PROCEDURE lock_kiosks(kiosks bigint[]) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock((7310002::bigint << 32) | k) FROM unnest(kiosks) WITH ORDINALITY AS u (k, i) ORDER BY i;
END
$$;
--bun:split
-- The pending row of each counted response is written once per statement instead of once per row: a group
-- commit's INSERT of many rows runs one trigger call, not one plpgsql call per row. (Bulk imports still skip it:
-- they mark their transaction with qiymet.bulk and keep the cells current themselves.)
CREATE FUNCTION agg_pending_on_insert_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('qiymet.bulk', true) IS DISTINCT FROM 'on' THEN
        INSERT INTO agg_pending (response_seq, sign) SELECT seq, 1 FROM inserted WHERE status = 'counted' ORDER BY seq;
    END IF;
    RETURN NULL;
END $$;
--bun:split
DROP TRIGGER responses_counted_insert ON responses;
--bun:split
DROP FUNCTION agg_pending_on_insert();
--bun:split
CREATE TRIGGER responses_counted_insert AFTER INSERT ON responses REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION agg_pending_on_insert_rows();
