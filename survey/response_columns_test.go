package survey

import "testing"

// The model's columns are those of the responses table (migrations), in this order.
func TestResponseColumns(t *testing.T) {
	want := "id, submitted_us, received_us, agency_code, service_code, center_code, channel, kiosk_id, " +
		"invitation_id, survey_code, survey_version, lang, status, reason, comment, answers, score, top2, content_hash"
	if got := responseColumns.sql(""); got != want {
		t.Errorf("responseColumns:\n got %s\nwant %s", got, want)
	}
	if got, want := responseColumns.typed(), "id text, submitted_us bigint, received_us bigint, agency_code text, "+
		"service_code text, center_code text, channel text, kiosk_id bigint, invitation_id bigint, survey_code text, "+
		"survey_version integer, lang text, status text, reason text, comment text, answers text, score double precision, "+
		"top2 boolean, content_hash text"; got != want {
		t.Errorf("typed columns:\n got %s\nwant %s", got, want)
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

// A batch's rows as JSON ($1 of the PostgreSQL batch statement): NULL for the zero value of a nullable column,
// strings escaped, floats exact.
func TestResponseJSON(t *testing.T) {
	full := &Response{ID: "a\"b", SubmittedUS: 1, ReceivedUS: 2, Agency: "ag", Service: "sv", Center: "ce", Channel: "kiosk",
		KioskID: 3, InvitationID: 4, Survey: "visit", SurveyVersion: 5, Lang: "az", Status: "counted", Reason: "r",
		Comment: "Növbə <uzun>\n", Answers: `{"overall":1}`, Score: 100.0 / 6, Top2: true, ContentHash: "h"}
	bare := &Response{ID: "x", Agency: "ag", Channel: "api", Survey: "visit", Lang: "ru", Status: "counted", Answers: "{}"}
	want := `[{"id":"a\"b","submitted_us":1,"received_us":2,"agency_code":"ag","service_code":"sv","center_code":"ce",` +
		`"channel":"kiosk","kiosk_id":3,"invitation_id":4,"survey_code":"visit","survey_version":5,"lang":"az",` +
		`"status":"counted","reason":"r","comment":"Növbə \u003cuzun\u003e\n","answers":"{\"overall\":1}",` +
		`"score":16.666666666666668,"top2":true,"content_hash":"h"},` +
		`{"id":"x","submitted_us":0,"received_us":0,"agency_code":"ag","service_code":null,"center_code":null,` +
		`"channel":"api","kiosk_id":null,"invitation_id":null,"survey_code":"visit","survey_version":0,"lang":"ru",` +
		`"status":"counted","reason":null,"comment":null,"answers":"{}","score":0,"top2":false,"content_hash":""}]`
	if got := string(responseColumns.appendJSON(nil, []*Response{full, bare})); got != want {
		t.Errorf("JSON rows:\n got %s\nwant %s", got, want)
	}
}
