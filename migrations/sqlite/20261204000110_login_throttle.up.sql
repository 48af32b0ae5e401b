-- Sign-in throttling per (account, source) replaces the per-account lock-out (docs/api.md, sign-in): anyone
-- could lock any account with five wrong passwords. email_hash is the SHA-256 of the normalised e-mail as
-- typed, known or not, so unknown addresses are throttled exactly like real ones; source is the client's
-- address (an IPv6 client's /64). Instances sharing one database share the counts.
CREATE TABLE login_failures (
    email_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_us INTEGER NOT NULL,
    blocked_until_us INTEGER NOT NULL,
    PRIMARY KEY (email_hash, source)
);
--bun:split
CREATE INDEX login_failures_last ON login_failures (last_us);
--bun:split
ALTER TABLE users DROP COLUMN failed_logins;
--bun:split
ALTER TABLE users DROP COLUMN locked_until_us;
