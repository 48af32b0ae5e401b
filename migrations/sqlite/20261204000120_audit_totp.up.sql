-- The audit log (docs/api.md, "Audit log"): one row per administrative change, append-only. The triggers refuse
-- UPDATE and DELETE, so not even a stray statement can rewrite history.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_us INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
--bun:split
CREATE INDEX audit_log_at ON audit_log (at_us);
--bun:split
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--bun:split
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--bun:split
-- Two-factor sign-in (docs/api.md, "Two-factor sign-in"): the TOTP secret sealed with the server key, the last
-- time step used (a code is good once), recovery codes as hashes.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
--bun:split
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
--bun:split
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_us INTEGER,
    PRIMARY KEY (user_id, code_hash)
);
--bun:split
-- A sign-in half done: the password was right, the code (or the enrolment) is still to come. Not a session.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    expires_us INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    pending_secret TEXT
);
