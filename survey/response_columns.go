package survey

import "strings"

// responseColumns are the columns a bulk write stores (seq comes from the database).
var responseColumns = []string{"id", "submitted_us", "received_us", "agency_code", "service_code", "center_code", "channel",
	"kiosk_id", "invitation_id", "survey_code", "survey_version", "lang", "status", "reason", "comment", "answers", "score",
	"top2", "content_hash"}

// responseColumnList is responseColumns as SQL.
var responseColumnList = strings.Join(responseColumns, ", ")
