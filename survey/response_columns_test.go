package survey

import "testing"

// The model's columns are those of the responses table (migrations), in this order.
func TestResponseColumns(t *testing.T) {
	want := "id, submitted_us, received_us, agency_code, service_code, center_code, channel, kiosk_id, " +
		"invitation_id, survey_code, survey_version, lang, status, reason, comment, answers, score, top2, content_hash"
	if got := responseColumns.sql(""); got != want {
		t.Errorf("responseColumns:\n got %s\nwant %s", got, want)
	}
	if got, want := responseColumns.placeholders(true), "(?::text, ?::bigint, ?::bigint, ?::text, ?::text, ?::text, ?::text, "+
		"?::bigint, ?::bigint, ?::text, ?::integer, ?::text, ?::text, ?::text, ?::text, ?::text, ?::double precision, "+
		"?::boolean, ?::text)"; got != want {
		t.Errorf("typed placeholders:\n got %s\nwant %s", got, want)
	}
	if got, want := cellColumns.scanned("r."), "r.submitted_us, r.agency_code, COALESCE(r.service_code, ''), "+
		"COALESCE(r.center_code, ''), r.channel, r.survey_code, r.survey_version, r.answers, r.score, r.top2"; got != want {
		t.Errorf("cell columns:\n got %s\nwant %s", got, want)
	}
}

func TestResponseCopyLine(t *testing.T) {
	full := &Response{Seq: 9, ID: "a\\b", SubmittedUS: 1, ReceivedUS: 2, Agency: "ag", Service: "sv", Center: "ce",
		Channel: "kiosk", KioskID: 3, InvitationID: 4, Survey: "visit", SurveyVersion: 5, Lang: "az",
		Status: "excluded", Reason: "burst", Comment: "tab\there\nline\r", Answers: `{"overall":5}`, Score: 87.5,
		Top2: true, ContentHash: "h"}
	want := "a\\\\b\t1\t2\tag\tsv\tce\tkiosk\t3\t4\tvisit\t5\taz\texcluded\tburst\ttab\\there\\nline\\r\t" +
		"{\"overall\":5}\t87.5\tt\th\n"
	if got := string(responseColumns.appendCopy(nil, full)); got != want {
		t.Errorf("full row:\n got %q\nwant %q", got, want)
	}
	bare := &Response{ID: "x", Channel: "api", Survey: "visit", SurveyVersion: 1, Lang: "en", Status: "counted",
		Answers: "{}", Score: 1.0 / 3}
	want = "x\t0\t0\t\t\\N\t\\N\tapi\t\\N\t\\N\tvisit\t1\ten\tcounted\t\\N\t\\N\t{}\t0.3333333333333333\tf\t\n"
	if got := string(responseColumns.appendCopy(nil, bare)); got != want {
		t.Errorf("bare row:\n got %q\nwant %q", got, want)
	}
	vals := responseColumns.values(bare)
	if vals[4] != nil || vals[7] != nil || vals[3] != "" || vals[1] != int64(0) {
		t.Errorf("values: nullable zero columns must be NULL, others their value: %#v", vals)
	}
}
