-- The invitation SMS texts (survey/sms.go, edited on /admin/sms): the sender's name and one template per
-- language as key/value rows, and the agencies' short names for SMS (a JSON object of names per language). No
-- foreign key to agencies: the catalog may change on its own; a short name of a gone agency is simply unused.
CREATE TABLE sms_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
--bun:split
CREATE TABLE agency_short_names (
    agency_code TEXT PRIMARY KEY,
    names TEXT NOT NULL
);
