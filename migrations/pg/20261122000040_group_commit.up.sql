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
