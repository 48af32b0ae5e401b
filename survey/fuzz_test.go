package survey

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// contractCodes are the error codes a client may see (docs/api.md).
var contractCodes = map[string]bool{
	CodeInvalidJSON: true, CodeInvalidField: true, CodeUnknownAgency: true, CodeUnauthorized: true,
	CodeForbidden: true, CodeNotFound: true, CodeTokenUsed: true, CodeIDConflict: true, CodeTokenExpired: true,
	CodePayloadTooLarge: true, CodeRateLimited: true, CodeUnavailable: true,
}

func checkContractError(t *testing.T, err error) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error is %T, not *survey.Error: %v", err, err)
	}
	if !contractCodes[e.Code] {
		t.Fatalf("code %q is not a contract code: %v", e.Code, e)
	}
	if e.Message == "" || strings.ContainsAny(e.Message, "\n\r") {
		t.Fatalf("message must be one non-empty line: %q", e.Message)
	}
}

// FuzzDecodeSubmission: any body either becomes a sound response row or a contract error; never a panic.
func FuzzDecodeSubmission(f *testing.F) {
	seeds := []string{
		`{"id":"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01","agency":"migration","service":"temp-residence","center":"baku-1","answers":{"overall":5,"waiting":4,"resolved":true},"comment":"Tez və nəzakətli.","lang":"az","submitted_at":"2025-08-14T10:21:07+04:00"}`,
		`{"agency":"migration","answers":{"overall":1,"courtesy":5}}`,
		`{"agency":"justice","center":"ganja","answers":{"overall":3}}`,
		`{"agency":"migration","answers":{"overall":4.5}}`,
		`{"agency":"migration","answers":{"overall":"5"}}`,
		`{"agency":"migration","answers":{"overall":1e0}}`,
		`{"agency":"migration","answers":{"overall":99999999999}}`,
		`{"agency":5,"answers":{"overall":5}}`,
		`{"agency":"migration","answers":{"overall":5},"x":1}`,
		`{"agency":"migration","answers":{"overall":5},"comment":"a\u0000b"}`,
		`{"agency":"migration","answers":{"overall":5,"comment":"'; DROP TABLE responses;--"}}`,
		`{"agency":"migration","answers":{"overall":5},"comment":"<script>alert(1)</script>\u202e😀"}`,
		`{"agency":"migration","answers":{"overall":5},"survey":"visit","survey_version":1,"lang":"ru"}`,
		`{"agency":"migration","answers":{"overall":5},"submitted_at":"2025-08-14T10:21:07.123456789+04:00"}`,
		`{"agency":"migration","answers":{"overall":[[[[[[]]]]]]}}`,
		`{"agency":"migration","answers":null}`,
		`[]`, `null`, `"x"`, ``, `{`, `{}{}`, "{\"agency\":\"\xff\"}", "{\"a\":\"\x00\"}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	cv := testCatalogView(f)
	now := time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, tg := range []Target{{Channel: ChannelAPI}, {Channel: ChannelKiosk, KioskID: 1, KioskCenter: "baku-1"}} {
			r, err := decodeAndPrepare(cv, body, tg, now)
			if err != nil {
				checkContractError(t, err)
				continue
			}
			if math.IsNaN(r.Score) || r.Score < 0 || r.Score > 100 {
				t.Fatalf("R out of range: %v", r.Score)
			}
			if !IsUUID(r.ID) || r.Agency == "" || r.Survey == "" || r.SurveyVersion < 1 || !ValidLang(r.Lang) {
				t.Fatalf("unsound row: %+v", r)
			}
			var answers map[string]any
			if err := json.Unmarshal([]byte(r.Answers), &answers); err != nil {
				t.Fatalf("answers are not JSON: %q", r.Answers)
			}
			if strings.ContainsRune(r.Comment+r.Answers, 0) {
				t.Fatalf("a NUL got through: %q %q", r.Comment, r.Answers)
			}
			// The accepted row, sent again as a body, is accepted as the same row with the same canonical answers.
			again, _ := json.Marshal(map[string]any{"id": r.ID, "agency": r.Agency, "service": r.Service,
				"center": r.Center, "survey": r.Survey, "survey_version": r.SurveyVersion, "comment": r.Comment,
				"lang": r.Lang, "answers": json.RawMessage(r.Answers),
				"submitted_at": time.UnixMicro(r.SubmittedUS).UTC().Format(time.RFC3339Nano)})
			r2, err := decodeAndPrepare(cv, again, tg, now)
			if err != nil {
				t.Fatalf("re-encoded row refused: %v\n%s", err, again)
			}
			r.ContentHash, r2.ContentHash = "", "" // depends on whether submitted_at was given
			if *r2 != *r {
				t.Fatalf("round trip changed the row:\n%+v\n%+v", r, r2)
			}
		}
	})
}

// FuzzDecodeCatalog: any catalog file either decodes to one that validates (or only lacks stored references),
// or is refused with one clear contract error; never a panic.
func FuzzDecodeCatalog(f *testing.F) {
	good, err := os.ReadFile("../testdata/catalog.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, s := range []string{
		`{}`,
		`{"groups":[{"code":"a","name":{"az":"A"}}]}`,
		`{"agencies":[{"code":"x","group":"nope","survey":"visit","name":{"az":"X"}}]}`,
		`{"surveys":[{"code":"s","version":1,"primary":"q","questions":[{"key":"q","type":"scale","min":1,"max":2,"text":{"az":"Q"}}]}]}`,
		`{"surveys":[{"code":"s","version":1,"primary":"q","questions":[{"key":"q","type":"text","weight":1,"text":{"az":"Q"}}]}]}`,
		`{"surveys":[{"code":"s","version":1,"primary":"q","questions":[{"key":"q","type":"scale","min":1,"max":5,"weight":-1,"text":{"az":"Q"}}]}]}`,
		`{"groups":[{"code":"A B","name":{"az":"A"}}]}`,
		`{"groups":[{"code":"a","name":{"en":"A"}}]}`,
		`{"groups":[{"code":"a","name":{"az":"A"}},{"code":"a","name":{"az":"A"}}]}`,
		`{"groups":"x"}`, `[]`, `null`, ``,
		`{"groups":[{"code":"a","name":{"az":"A\u0000"}}]}`,
		`{"groups":[{"code":"unknown X","name":{"az":"A"}}]}`, // an error that merely mentions "unknown"
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := DecodeCatalog(strings.NewReader(string(body)))
		if err != nil {
			checkContractError(t, err)
			return
		}
		verr := c.Validate(nil)
		if verr != nil {
			checkContractError(t, verr)
		}
		// Accepted means valid once every code it refers to is stored: only the references may be missing.
		stored := &Catalog{}
		for _, a := range c.Agencies {
			stored.Groups = append(stored.Groups, Group{Code: a.Group})
			stored.Surveys = append(stored.Surveys, Survey{Code: a.Survey})
		}
		for _, s := range c.Services {
			stored.Agencies = append(stored.Agencies, Agency{Code: s.Agency})
		}
		for _, ce := range c.Centers {
			for _, a := range ce.Agencies {
				stored.Agencies = append(stored.Agencies, Agency{Code: a})
			}
		}
		if err := c.Validate(stored); err != nil {
			t.Fatalf("accepted a catalog that cannot validate: %v", err)
		}
		// What decoded re-encodes to a file that decodes again to the same catalog, with the same verdict.
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		c2, err := DecodeCatalog(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("re-encoded catalog refused: %v\n%s", err, raw)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("JSON round trip changed the catalog:\n%+v\n%+v", c, c2)
		}
		if verr2 := c2.Validate(nil); fmt.Sprint(verr) != fmt.Sprint(verr2) {
			t.Fatalf("Validate changed after a round trip: %v / %v", verr, verr2)
		}
		_ = newCatalogView(*c, "fuzz") // must not panic; last, as it sorts c's slices in place
	})
}

// FuzzShapeChecks: the hand-written checks of an id and of a scale answer accept exactly what their regular
// expressions accept.
func FuzzShapeChecks(f *testing.F) {
	uuidShape := regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	intShape := regexp.MustCompile(`^-?[0-9]{1,9}$`)
	for _, s := range []string{"018c42ac-ebb0-7849-8423-b035692dc72b", "018C42AC-EBB0-7849-8423-B035692DC72B", "018c42ac-ebb0-7849-8423-b035692dc72", "018c42acxebb0-7849-8423-b035692dc72b",
		"018c42ac-ebb0-7849-8423-b035692dc72g", "", "-", "5", "-5", "123456789", "1234567890", "--1", "1-", " 1", "٣", "0x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsUUID(s), uuidShape.MatchString(s); got != want {
			t.Fatalf("IsUUID(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := isSmallInt(s), intShape.MatchString(s); got != want {
			t.Fatalf("isSmallInt(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}

// FuzzCanonicalAnswers: the answers written by hand are byte for byte what encoding/json writes (content hashes
// and stored rows depend on it).
func FuzzCanonicalAnswers(f *testing.F) {
	f.Add("overall", "waiting", 5, true, "Tez və nəzakətli")
	f.Add("a", "b", -123456789, false, `<script>"&"</script>\`)
	f.Add("q", "q2", 0, true, "\x00\u2028\xff tab\t")
	f.Fuzz(func(t *testing.T, k1, k2 string, n int, yes bool, text string) {
		answers := map[string]any{k1: n, k2: yes, k1 + "_text": text}
		want, err := json.Marshal(answers)
		if err != nil {
			t.Skip()
		}
		if got := canonicalAnswers(answers); got != string(want) {
			t.Fatalf("canonicalAnswers = %s\nencoding/json   = %s", got, want)
		}
	})
}
