-- The composite index (CONTRACT §12, survey/methodology.go, survey/assessment.go). A methodology version is
-- stored whole as JSON and never changes once an assessment uses it; assessments are append-only: the latest
-- row of a service and period under a methodology version counts, the earlier ones stay as history.
CREATE TABLE methodologies (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    PRIMARY KEY (code, version)
);
--bun:split
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    methodology_code TEXT NOT NULL,
    methodology_version INTEGER NOT NULL,
    period TEXT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    service_code TEXT NOT NULL REFERENCES services (code),
    scores TEXT NOT NULL,
    evidence TEXT NOT NULL,
    assessor TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    FOREIGN KEY (methodology_code, methodology_version) REFERENCES methodologies (code, version)
);
--bun:split
CREATE INDEX assessments_latest ON assessments (methodology_code, methodology_version, period, service_code, id);
