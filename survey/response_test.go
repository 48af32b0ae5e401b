package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// testNow is the server clock of the pure validation tests.
var testNow = time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)

// testCatalogView loads testdata/catalog.json into a CatalogView without a database.
func testCatalogView(t testing.TB) *CatalogView {
	t.Helper()
	f, err := os.Open("../testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := DecodeCatalog(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(nil); err != nil {
		t.Fatal(err)
	}
	return newCatalogView(*c, "test")
}

// decodeAndPrepare runs what POST /api/v1/responses runs before the database: decode, then validate.
func decodeAndPrepare(cv *CatalogView, body []byte, tg Target, now time.Time) (*Response, error) {
	sub, err := DecodeSubmission(body)
	if err != nil {
		return nil, err
	}
	return cv.Prepare(sub, tg, now)
}

// obj builds a submission body from a base object with some top-level fields replaced (raw JSON values).
func obj(fields map[string]string) string {
	base := map[string]string{
		"agency":  `"migration"`,
		"answers": `{"overall": 5, "waiting": 4, "resolved": true}`,
	}
	for k, v := range fields {
		if v == "" {
			delete(base, k)
			continue
		}
		base[k] = v
	}
	var b strings.Builder
	b.WriteString("{")
	first := true
	for _, k := range []string{"id", "token", "agency", "service", "center", "survey", "survey_version", "answers", "comment", "lang", "submitted_at"} {
		if v, ok := base[k]; ok {
			if !first {
				b.WriteString(",")
			}
			first = false
			b.WriteString(`"` + k + `":` + v)
			delete(base, k)
		}
	}
	for k, v := range base { // unknown fields last
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"` + k + `":` + v)
	}
	b.WriteString("}")
	return b.String()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestPrepareValidation(t *testing.T) {
	cv := testCatalogView(t)
	api := Target{Channel: ChannelAPI}
	at := func(d time.Duration) string { return jsonString(testNow.Add(d).Format(time.RFC3339Nano)) }
	az := func(n int) string { return strings.Repeat("ə", n) } // 2 bytes per character in UTF-8
	deep := `{"agency":"migration","answers":{"overall":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`

	cases := []struct {
		name  string
		body  string
		code  string // "" = valid
		field string
	}{
		{"valid minimal", obj(nil), "", ""},
		{"unknown question key", obj(map[string]string{"answers": `{"overall":5,"speed":3}`}), CodeInvalidField, "answers.speed"},
		{"scale 4.5", obj(map[string]string{"answers": `{"overall":4.5}`}), CodeInvalidField, "answers.overall"},
		{"scale string 5", obj(map[string]string{"answers": `{"overall":"5"}`}), CodeInvalidField, "answers.overall"},
		{"scale true", obj(map[string]string{"answers": `{"overall":true}`}), CodeInvalidField, "answers.overall"},
		{"scale 1e0", obj(map[string]string{"answers": `{"overall":1e0}`}), CodeInvalidField, "answers.overall"},
		{"scale 5.0", obj(map[string]string{"answers": `{"overall":5.0}`}), CodeInvalidField, "answers.overall"},
		{"scale object", obj(map[string]string{"answers": `{"overall":{"v":5}}`}), CodeInvalidField, "answers.overall"},
		{"scale 0", obj(map[string]string{"answers": `{"overall":0}`}), CodeInvalidField, "answers.overall"},
		{"scale 6", obj(map[string]string{"answers": `{"overall":6}`}), CodeInvalidField, "answers.overall"},
		{"scale -1", obj(map[string]string{"answers": `{"overall":-1}`}), CodeInvalidField, "answers.overall"},
		{"scale 99999999999", obj(map[string]string{"answers": `{"overall":99999999999}`}), CodeInvalidField, "answers.overall"},
		{"scale min 1 ok", obj(map[string]string{"answers": `{"overall":1}`}), "", ""},
		{"yes_no 1", obj(map[string]string{"answers": `{"overall":5,"resolved":1}`}), CodeInvalidField, "answers.resolved"},
		{"yes_no string", obj(map[string]string{"answers": `{"overall":5,"resolved":"true"}`}), CodeInvalidField, "answers.resolved"},
		{"yes_no null is unanswered", obj(map[string]string{"answers": `{"overall":5,"resolved":null}`}), "", ""},
		{"text answer number", obj(map[string]string{"answers": `{"overall":5,"comment":5}`}), CodeInvalidField, "answers.comment"},
		{"missing required", obj(map[string]string{"answers": `{"waiting":4,"resolved":true}`}), CodeInvalidField, "answers.overall"},
		{"required given null", obj(map[string]string{"answers": `{"overall":null,"waiting":4}`}), CodeInvalidField, "answers.overall"},
		{"only text answered", obj(map[string]string{"answers": `{"comment":"salam"}`}), CodeInvalidField, "answers.overall"},
		{"no answers", obj(map[string]string{"answers": ""}), CodeInvalidField, "answers.overall"},
		{"answers array", obj(map[string]string{"answers": `[5]`}), CodeInvalidField, "answers"},
		{"comment 2000 az chars", obj(map[string]string{"comment": jsonString(az(2000))}), "", ""},
		{"comment 2001 az chars", obj(map[string]string{"comment": jsonString(az(2001))}), CodeInvalidField, "comment"},
		{"lang en", obj(map[string]string{"lang": `"en"`}), "", ""},
		{"lang ru", obj(map[string]string{"lang": `"ru"`}), "", ""},
		{"lang de", obj(map[string]string{"lang": `"de"`}), CodeInvalidField, "lang"},
		{"lang AZ upper", obj(map[string]string{"lang": `"AZ"`}), CodeInvalidField, "lang"},
		{"lang number", obj(map[string]string{"lang": `1`}), CodeInvalidField, "lang"},
		{"submitted 5 min ahead", obj(map[string]string{"submitted_at": at(5 * time.Minute)}), "", ""},
		{"submitted 5 min 1 s ahead", obj(map[string]string{"submitted_at": at(5*time.Minute + time.Second)}), CodeInvalidField, "submitted_at"},
		{"submitted 30 days behind", obj(map[string]string{"submitted_at": at(-30 * 24 * time.Hour)}), "", ""},
		{"submitted 30 days 1 s behind", obj(map[string]string{"submitted_at": at(-30*24*time.Hour - time.Second)}), CodeInvalidField, "submitted_at"},
		{"submitted in Baku offset", obj(map[string]string{"submitted_at": `"2025-08-14T10:00:00+04:00"`}), "", ""},
		{"submitted date only", obj(map[string]string{"submitted_at": `"2025-08-14"`}), CodeInvalidField, "submitted_at"},
		{"submitted no zone", obj(map[string]string{"submitted_at": `"2025-08-14T10:00:00"`}), CodeInvalidField, "submitted_at"},
		{"submitted words", obj(map[string]string{"submitted_at": `"yesterday"`}), CodeInvalidField, "submitted_at"},
		{"submitted unix number", obj(map[string]string{"submitted_at": `1755151200`}), CodeInvalidField, "submitted_at"},
		{"submitted month 13", obj(map[string]string{"submitted_at": `"2025-13-14T10:00:00Z"`}), CodeInvalidField, "submitted_at"},
		{"id uuid", obj(map[string]string{"id": `"1B4E28BA-2FA1-4D2E-8A3C-5F2D9B1C7E01"`}), "", ""},
		{"id not uuid", obj(map[string]string{"id": `"12345"`}), CodeInvalidField, "id"},
		{"id uuid with junk", obj(map[string]string{"id": `"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01x"`}), CodeInvalidField, "id"},
		{"id number", obj(map[string]string{"id": `5`}), CodeInvalidField, "id"},
		{"unknown top-level field", obj(map[string]string{"rating": `5`}), CodeInvalidField, "rating"},
		{"agency number", obj(map[string]string{"agency": `5`}), CodeInvalidField, "agency"},
		{"agency missing", obj(map[string]string{"agency": ""}), CodeInvalidField, "agency"},
		{"agency unknown", obj(map[string]string{"agency": `"nope"`}), CodeUnknownAgency, "agency"},
		{"service of another agency", obj(map[string]string{"service": `"notary"`}), CodeInvalidField, "service"},
		{"service unknown", obj(map[string]string{"service": `"nope"`}), CodeInvalidField, "service"},
		{"center not hosting", obj(map[string]string{"agency": `"justice"`, "center": `"ganja"`}), CodeInvalidField, "center"},
		{"center unknown", obj(map[string]string{"center": `"nope"`}), CodeInvalidField, "center"},
		{"survey unknown", obj(map[string]string{"survey": `"nope"`}), CodeInvalidField, "survey"},
		{"survey version unknown", obj(map[string]string{"survey_version": `7`}), CodeInvalidField, "survey_version"},
		{"survey version negative", obj(map[string]string{"survey_version": `-1`}), CodeInvalidField, "survey_version"},
		{"survey version fraction", obj(map[string]string{"survey_version": `1.5`}), CodeInvalidField, "survey_version"},
		{"survey version 1", obj(map[string]string{"survey_version": `1`}), "", ""},
		{"invalid UTF-8", "{\"agency\":\"migration\xff\",\"answers\":{\"overall\":5}}", CodeInvalidJSON, ""},
		{"raw NUL", "{\"agency\":\"migration\",\"comment\":\"a\x00b\",\"answers\":{\"overall\":5}}", CodeInvalidJSON, ""},
		{"escaped NUL in comment", obj(map[string]string{"comment": `"a\u0000b"`}), CodeInvalidJSON, ""},
		{"escaped NUL in text answer", obj(map[string]string{"answers": `{"overall":5,"comment":"x\u0000"}`}), CodeInvalidJSON, ""},
		{"escaped NUL in answer key", obj(map[string]string{"answers": `{"overall":5,"a\u0000":1}`}), CodeInvalidJSON, ""},
		{"escaped NUL in unknown field name", `{"agency":"migration","answers":{"overall":5},"x\u0000":1}`, CodeInvalidJSON, ""},
		{"escaped backslash-u is not NUL", obj(map[string]string{"comment": `"a\\u0000b"`}), "", ""},
		{"trailing garbage", obj(nil) + "x", CodeInvalidJSON, ""},
		{"two objects", obj(nil) + obj(nil), CodeInvalidJSON, ""},
		{"trailing whitespace ok", obj(nil) + "\n\t ", "", ""},
		{"empty body", "", CodeInvalidJSON, ""},
		{"whitespace body", "  \n", CodeInvalidJSON, ""},
		{"null body", "null", CodeInvalidField, "agency"},
		{"array body", "[" + obj(nil) + "]", CodeInvalidJSON, ""},
		{"string body", `"hello"`, CodeInvalidJSON, ""},
		{"truncated", `{"agency":"migration","answers":{"overall":5}`, CodeInvalidJSON, ""},
		{"deeply nested", deep, CodeInvalidJSON, ""},
		{"hostile strings kept", obj(map[string]string{"comment": jsonString("'; DROP TABLE responses;-- <script>alert(1)</script> \u202eevil\u202c 😀")}), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := decodeAndPrepare(cv, []byte(c.body), api, testNow)
			if c.code == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if r.Agency == "" || r.Survey != "visit" || r.SurveyVersion != 1 || r.ID == "" {
					t.Fatalf("incomplete response row: %+v", r)
				}
				return
			}
			if err == nil {
				t.Fatalf("want %s, got valid %+v", c.code, r)
			}
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("want *Error, got %T %v", err, err)
			}
			if e.Code != c.code || e.Field != c.field {
				t.Fatalf("want %s field %q, got %s field %q (%s)", c.code, c.field, e.Code, e.Field, e.Message)
			}
			if e.Message == "" || strings.ContainsRune(e.Message, '\n') {
				t.Fatalf("message must be one non-empty line: %q", e.Message)
			}
		})
	}
}

func TestPrepareKeepsCommentVerbatim(t *testing.T) {
	cv := testCatalogView(t)
	hostile := "'; DROP TABLE responses;-- <script>alert(1)</script> \u202eevil\u202c 😀 Tez və nəzakətli"
	r, err := decodeAndPrepare(cv, []byte(obj(map[string]string{"comment": jsonString(hostile)})), Target{Channel: ChannelAPI}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.Comment != hostile {
		t.Fatalf("comment changed: %q", r.Comment)
	}
}

func TestPrepareIDAndTimes(t *testing.T) {
	cv := testCatalogView(t)
	r, err := decodeAndPrepare(cv, []byte(obj(map[string]string{"id": `"1B4E28BA-2FA1-4D2E-8A3C-5F2D9B1C7E01"`,
		"submitted_at": `"2025-08-14T09:59:00+04:00"`})), Target{Channel: ChannelAPI}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01" {
		t.Errorf("id not normalised: %s", r.ID)
	}
	if want := testNow.Add(-time.Minute).UnixMicro(); r.SubmittedUS != want {
		t.Errorf("submitted_us = %d, want %d", r.SubmittedUS, want)
	}
	if r.ReceivedUS != testNow.UnixMicro() {
		t.Errorf("received_us = %d, want %d", r.ReceivedUS, testNow.UnixMicro())
	}
	r2, err := decodeAndPrepare(cv, []byte(obj(nil)), Target{Channel: ChannelAPI}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if r2.SubmittedUS != r2.ReceivedUS {
		t.Errorf("without submitted_at the receive time counts: %d vs %d", r2.SubmittedUS, r2.ReceivedUS)
	}
	if !IsUUID(r2.ID) || r2.ID == r.ID {
		t.Errorf("missing id must be generated: %q", r2.ID)
	}
}

func TestPrepareTargets(t *testing.T) {
	cv := testCatalogView(t)
	inv := &Invitation{ID: 7, Agency: "migration", Service: "temp-residence", Center: "ganja"}
	cases := []struct {
		name       string
		body       string
		target     Target
		code       string
		field      string
		wantCenter string
		wantAgency string
	}{
		{"kiosk center default", obj(nil), Target{Channel: ChannelKiosk, KioskID: 1, KioskCenter: "baku-1"}, "", "", "baku-1", "migration"},
		{"kiosk other center", obj(map[string]string{"center": `"ganja"`}), Target{Channel: ChannelKiosk, KioskID: 1, KioskCenter: "baku-1"}, CodeInvalidField, "center", "", ""},
		{"kiosk center not hosting agency", obj(map[string]string{"agency": `"justice"`}), Target{Channel: ChannelKiosk, KioskID: 1, KioskCenter: "ganja"}, CodeInvalidField, "center", "", ""},
		{"bound kiosk agency default", obj(map[string]string{"agency": ""}), Target{Channel: ChannelKiosk, KioskID: 1, KioskCenter: "baku-1", KioskAgency: "justice"}, "", "", "baku-1", "justice"},
		{"bound kiosk other agency", obj(nil), Target{Channel: ChannelKiosk, KioskID: 1, KioskCenter: "baku-1", KioskAgency: "justice"}, CodeInvalidField, "agency", "", ""},
		{"invitation fills target", obj(map[string]string{"agency": ""}), Target{Channel: ChannelLink, InvitationID: 7, Invitation: inv}, "", "", "ganja", "migration"},
		{"invitation with agency", obj(nil), Target{Channel: ChannelLink, InvitationID: 7, Invitation: inv}, CodeInvalidField, "agency", "", ""},
		{"invitation with service", obj(map[string]string{"agency": "", "service": `"temp-residence"`}), Target{Channel: ChannelLink, Invitation: inv}, CodeInvalidField, "service", "", ""},
		{"invitation with center", obj(map[string]string{"agency": "", "center": `"ganja"`}), Target{Channel: ChannelLink, Invitation: inv}, CodeInvalidField, "center", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := decodeAndPrepare(cv, []byte(c.body), c.target, testNow)
			if c.code != "" {
				if e, ok := AsError(err); !ok || e.Code != c.code || e.Field != c.field {
					t.Fatalf("want %s/%s, got %v", c.code, c.field, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Center != c.wantCenter || r.Agency != c.wantAgency || r.Channel != c.target.Channel {
				t.Fatalf("got agency %q centre %q channel %q", r.Agency, r.Center, r.Channel)
			}
		})
	}
}

// TestResponseScore checks R = Σ wᵢ·sᵢ / Σ wᵢ (docs/method.md) against sums worked out by hand.
func TestResponseScore(t *testing.T) {
	cv := testCatalogView(t)
	// A second survey with uneven weights and a 0..10 scale.
	w2, w0 := 2.0, 0.0
	custom := Survey{Code: "nps", Version: 1, Primary: "recommend", Questions: []Question{
		{Key: "recommend", Type: TypeScale, Min: 0, Max: 10, Weight: &w2, Text: Names{AZ: "x"}},
		{Key: "resolved", Type: TypeYesNo, Text: Names{AZ: "x"}},
		{Key: "courtesy", Type: TypeScale, Min: 1, Max: 5, Weight: &w0, Text: Names{AZ: "x"}},
		{Key: "note", Type: TypeText, Text: Names{AZ: "x"}},
	}}
	if err := custom.Validate("nps"); err != nil {
		t.Fatal(err)
	}
	visit, _ := cv.Survey("visit", 0)
	cases := []struct {
		name     string
		sv       *Survey
		answers  string
		want     float64
		wantTop2 bool
		code     string
	}{
		// overall 5 → 100, waiting 4 → 75, resolved true → 100: 275/3
		{"all three", visit, `{"overall":5,"waiting":4,"resolved":true}`, 275.0 / 3, true, ""},
		// overall 4 → 75 (top two of 1..5), waiting 2 → 25: 100/2
		{"two scales", visit, `{"overall":4,"waiting":2}`, 50, true, ""},
		// overall 3 → 50, resolved false → 0: 50/2; 3 < 5-1 so not top two
		{"scale and no", visit, `{"overall":3,"resolved":false}`, 25, false, ""},
		// courtesy has weight 0: overall 1 → 0 only
		{"weight-0 ignored", visit, `{"overall":1,"courtesy":5}`, 0, false, ""},
		// comment (text) never counts
		{"text ignored", visit, `{"overall":2,"comment":"pis"}`, 25, false, ""},
		// recommend 9 of 0..10 → 90 ×2, resolved true → 100 ×1: 280/3; 9 ≥ 10-1 → top two
		{"weighted", &custom, `{"recommend":9,"resolved":true}`, 280.0 / 3, true, ""},
		// recommend 0 → 0 ×2, resolved true → 100: 100/3
		{"weighted low", &custom, `{"recommend":0,"resolved":true,"courtesy":1}`, 100.0 / 3, false, ""},
		// only resolved false → 0; primary unanswered → not top two
		{"only yes_no", &custom, `{"resolved":false}`, 0, false, ""},
		// only weight-0 and text: nothing scored
		{"nothing scored", &custom, `{"courtesy":5,"note":"x"}`, 0, false, CodeInvalidField},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(c.answers), &raw); err != nil {
				t.Fatal(err)
			}
			answers, err := c.sv.ParseAnswers(raw)
			if err != nil {
				t.Fatal(err)
			}
			r, top2, err := c.sv.Score(answers)
			if c.code != "" {
				if ErrorCode(err) != c.code {
					t.Fatalf("want %s, got %v (R=%v)", c.code, err, r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r-c.want) > 1e-9 || top2 != c.wantTop2 {
				t.Fatalf("R = %v top2 = %v, want %v %v", r, top2, c.want, c.wantTop2)
			}
		})
	}
}

// TestResultRounding: the API answers score rounded half away from zero to 2 decimals.
func TestResultRounding(t *testing.T) {
	cases := []struct {
		name   string
		score  float64
		want   float64
		reason string
	}{
		{"two thirds", 200.0 / 3, 66.67, ""},
		{"one third", 100.0 / 3, 33.33, ""},
		{"exact", 87.5, 87.5, ""},
		{"excluded burst", 50, 50, ReasonBurst},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := ResultOf(&Response{ID: "x", Status: StatusCounted, Score: c.score, Reason: c.reason})
			if res.Score != c.want {
				t.Fatalf("score %v, want %v", res.Score, c.want)
			}
			if (c.reason == "") != (res.Reason == nil) || (res.Reason != nil && *res.Reason != c.reason) {
				t.Fatalf("reason %v, want %q", res.Reason, c.reason)
			}
		})
	}
}

// TestContentHashUnchanged: the content hash is built without fmt now; it must stay what fmt wrote (stored rows
// are compared with it on every replay and import).
func TestContentHashUnchanged(t *testing.T) {
	old := func(r *Response, at int64) string {
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%s\x00%d",
			r.ID, r.Agency, r.Service, r.Center, r.Survey, r.SurveyVersion, r.Answers, r.Comment, r.Lang, at)
		return hex.EncodeToString(h.Sum(nil))[:32]
	}
	for _, r := range []*Response{
		{ID: "018c42ac-ebb0-7849-8423-b035692dc72b", Agency: "migration", Service: "temp-residence", Center: "baku-1", Survey: "visit",
			SurveyVersion: 3, Answers: `{"overall":5}`, Comment: "Tez və nəzakətli.\x00\n", Lang: "az", SubmittedUS: 1_733_000_000_123_456},
		{ID: "x", SurveyVersion: -1, SubmittedUS: -5},
		{},
	} {
		for _, hasTime := range []bool{false, true} {
			at := int64(0)
			if hasTime {
				at = r.SubmittedUS
			}
			if got, want := contentHash(r, hasTime), old(r, at); got != want {
				t.Errorf("%+v (time %v): %s, want %s", r, hasTime, got, want)
			}
		}
	}
}

// TestServerMadeIDsAreTimeOrdered: a submission without an id gets a UUIDv7 of the moment it was prepared, so
// that the ids' unique index takes new ones at its recent end (docs/scaling.md, "From 10M to 100M").
func TestServerMadeIDsAreTimeOrdered(t *testing.T) {
	var prev string
	for range 3 {
		id, err := uuid.Parse(NewResponseID())
		if err != nil || id.Version() != 7 {
			t.Fatalf("id %v is not a UUIDv7 (%v)", id, err)
		}
		if at := time.Unix(id.Time().UnixTime()); time.Since(at).Abs() > time.Minute {
			t.Fatalf("id %s carries %s, not now", id, at)
		}
		if id.String() <= prev {
			t.Fatalf("id %s made after %s sorts before it", id, prev)
		}
		prev = id.String()
	}
}
