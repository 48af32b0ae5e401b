-- Kiosk fleet view (docs/api.md, "Kiosk heartbeat"): what the tablet's browser knows about its battery, when
-- it knows it (both optional, NULL when never reported).
ALTER TABLE kiosks ADD COLUMN battery_pct INTEGER;
--bun:split
ALTER TABLE kiosks ADD COLUMN charging BOOLEAN;
--bun:split
-- Admin flash (web/admin_flash.go): the outcome of an admin form, shown once on the page the form redirects to
-- (Post/Redirect/Get). One row per session; the body is sealed with a key derived from the session cookie,
-- which the database never holds, so a one-time secret is not readable from the table.
CREATE TABLE admin_flashes (
    session_hash TEXT PRIMARY KEY,
    sealed TEXT NOT NULL,
    expires_us BIGINT NOT NULL
);
