-- One response per invitation: a one-time link is enforced by the database itself, and a link's response is
-- found by its invitation (a group commit gives back the invitation of a link whose row was not stored).
CREATE UNIQUE INDEX responses_invitation ON responses (invitation_id) WHERE invitation_id IS NOT NULL;
--bun:split
-- Every revocation, pairing or removal of a kiosk or API key changes meta cred_epoch, whoever makes it (the
-- server, the CLI, plain SQL): the server reads it once a second and drops its cached credentials when it has
-- changed (survey/store_credential_cache.go). A heartbeat or a new enrolment code touches neither column: no change.
CREATE TRIGGER kiosks_cred_epoch AFTER UPDATE OF revoked_us, token_hash ON kiosks
BEGIN
    INSERT OR REPLACE INTO meta (key, value) VALUES ('cred_epoch', lower(hex(randomblob(12))));
END;
--bun:split
CREATE TRIGGER kiosks_cred_epoch_delete AFTER DELETE ON kiosks
BEGIN
    INSERT OR REPLACE INTO meta (key, value) VALUES ('cred_epoch', lower(hex(randomblob(12))));
END;
--bun:split
CREATE TRIGGER api_keys_cred_epoch AFTER UPDATE OF revoked_us ON api_keys
BEGIN
    INSERT OR REPLACE INTO meta (key, value) VALUES ('cred_epoch', lower(hex(randomblob(12))));
END;
--bun:split
CREATE TRIGGER api_keys_cred_epoch_delete AFTER DELETE ON api_keys
BEGIN
    INSERT OR REPLACE INTO meta (key, value) VALUES ('cred_epoch', lower(hex(randomblob(12))));
END;
