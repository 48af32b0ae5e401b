-- One transaction (.tx.up.sql): no instance ever sees the responses table without its insert trigger.
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
--bun:split
-- Every revocation, pairing or removal of a kiosk or API key changes meta cred_epoch, whoever makes it (any
-- instance, the CLI, plain SQL): each instance reads it once a second and drops its cached credentials when it
-- has changed (survey/store_credential_cache.go). A heartbeat or a new enrolment code touches neither column: no change.
CREATE FUNCTION bump_cred_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO meta (key, value) VALUES ('cred_epoch', gen_random_uuid()::text)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END $$;
--bun:split
CREATE TRIGGER kiosks_cred_epoch AFTER UPDATE OF revoked_us, token_hash OR DELETE ON kiosks
FOR EACH STATEMENT EXECUTE FUNCTION bump_cred_epoch();
--bun:split
CREATE TRIGGER api_keys_cred_epoch AFTER UPDATE OF revoked_us OR DELETE ON api_keys
FOR EACH STATEMENT EXECUTE FUNCTION bump_cred_epoch();
