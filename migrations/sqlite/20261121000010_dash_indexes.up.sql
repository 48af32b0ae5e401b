-- Dashboard: an agency's comments of a period (count, page, search) and its excluded responses are read
-- from small partial indexes instead of every response of the agency in the period.
CREATE INDEX responses_comments ON responses (agency_code, submitted_us) WHERE comment IS NOT NULL AND comment <> '';
--bun:split
CREATE INDEX responses_excluded_agency ON responses (agency_code, submitted_us) WHERE status = 'excluded';
