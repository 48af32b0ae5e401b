package survey_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiymet/qiymet/survey"
)

// The example of RFC 8785 §3.2.3 (numbers, escapes, key order) comes out exactly as the RFC prints it.
func TestCanonicalRFC8785Example(t *testing.T) {
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
	got, err := survey.Canonical([]byte(in))
	if err != nil || string(got) != want {
		t.Fatalf("got %s (%v)\nwant %s", got, err, want)
	}
	if _, err := survey.Canonical([]byte("{\"a\":\"\xff\"}")); err == nil {
		t.Fatal("invalid UTF-8 accepted")
	}
}

func sealed(t *testing.T) (*survey.Snapshot, []byte) {
	t.Helper()
	idx, lo, hi := 92.78, 92.1, 93.43
	n := int64(4012)
	snap := &survey.Snapshot{Period: survey.SnapshotPeriod{Label: "2025-Q3", Start: "2025-07-01T00:00:00+04:00", End: "2025-10-01T00:00:00+04:00"},
		Revision: 1, PublishedAt: "2025-10-02T10:00:00+04:00", Reason: "<b>ə ş ç ğ ı İ ö ü</b> «тест» \u2028",
		Methodology: survey.SnapshotMethodology{MinN: 30, Confidence: 0.95, TimeZone: "Asia/Baku", Surveys: []survey.SnapshotSurvey{}},
		Overall:     survey.Estimate{Index: &idx, CILow: &lo, CIHigh: &hi, N: &n},
		Groups: []survey.SnapshotGroup{{Group: "central", Name: survey.Names{AZ: "Mərkəzi"}, Estimate: survey.NewEstimate(88, 87, 89, 10, 30),
			Rows:         []survey.SnapshotRow{{Rank: 1, Agency: "migration", Name: survey.Names{AZ: "Miqrasiya", EN: "Migration", RU: "Миграция"}, Index: 100, N: 40, Status: "ranked", RankLow: 1, RankHigh: 1}},
			Insufficient: []survey.SnapshotUnranked{{Agency: "justice", Name: survey.Names{AZ: "Ədliyyə"}, Status: survey.Insufficient}}}},
		Agencies: []survey.SnapshotAgency{}, Excluded: map[string]int64{"burst": 3}, Changes: []survey.FieldChange{}}
	doc, err := snap.Seal()
	if err != nil {
		t.Fatal(err)
	}
	return snap, doc
}

// A sealed snapshot is canonical, verifies, and fails on any change of content; whitespace does not matter.
func TestSealAndVerify(t *testing.T) {
	snap, doc := sealed(t)
	if c, _ := survey.Canonical(doc); !bytes.Equal(c, doc) {
		t.Fatal("the stored document is not canonical")
	}
	if ok, err := survey.VerifySnapshot(doc); !ok || err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !bytes.Contains(doc, []byte(`"index":100,`)) || bytes.Contains(doc, []byte(`100.0`)) {
		t.Fatalf("numbers not in shortest form: %s", doc)
	}
	if bytes.Contains(doc, []byte(`"status":"insufficient","index"`)) || !bytes.Contains(doc, []byte(`{"agency":"justice","name":{"az":"Ədliyyə"},"status":"insufficient"}`)) {
		t.Fatalf("an insufficient row carries more than its name: %s", doc)
	}
	var group map[string]any
	b, _ := json.Marshal(snap.Groups[0])
	json.Unmarshal(b, &group)
	if _, ok := group["index"]; ok || group["status"] != survey.Insufficient {
		t.Fatalf("a group below min_n publishes a figure: %s", b)
	}
	for i := range doc {
		if doc[i] == ' ' || doc[i] == '\n' {
			continue
		}
		changed := bytes.Clone(doc)
		changed[i] ^= 0x01
		if ok, _ := survey.VerifySnapshot(changed); ok {
			t.Fatalf("a change at byte %d (%q) still verifies", i, doc[max(0, i-20):min(len(doc), i+20)])
		}
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, doc, "", "  ")
	if ok, _ := survey.VerifySnapshot(pretty.Bytes()); !ok {
		t.Fatal("an indented copy does not verify")
	}
}

func TestCheckReason(t *testing.T) {
	for reason, ok := range map[string]bool{"Late kiosk batch": true, "  trimmed  ": true, "line\nbreak": true, "form\r\nbreak": true, "": false, "   ": false,
		"bell\a": false, "del\x7f": false, strings.Repeat("ə", 500): true, strings.Repeat("ə", 501): false, "bad \xff": false} {
		if _, err := survey.CheckReason(reason); (err == nil) != ok {
			t.Errorf("%q: %v", reason, err)
		}
	}
}

// DiffSnapshots names every changed field of an agency's line, and agencies that appear or drop out.
func TestDiffSnapshots(t *testing.T) {
	a, _ := sealed(t)
	b, _ := sealed(t)
	b.Groups[0].Rows[0].N, b.Groups[0].Rows[0].Name.EN = 41, "Migration Service"
	b.Groups[0].Insufficient = nil
	prev := 2.5
	b.Groups[0].Rows[0].Change.PreviousPeriod = &prev
	got := survey.DiffSnapshots(a, b)
	var fields []string
	for _, c := range got {
		fields = append(fields, c.Agency+"."+c.Field)
	}
	want := "justice.group justice.name.az justice.status migration.change.previous_period migration.n migration.name.en"
	if strings.Join(fields, " ") != want {
		t.Fatalf("changes %v, want %s", fields, want)
	}
	if len(survey.DiffSnapshots(a, a)) != 0 {
		t.Fatal("a snapshot differs from itself")
	}
}

// FuzzSnapshotHash: any input either fails cleanly or hashes; canonicalisation is idempotent, and a sealed
// document's hash survives any re-canonicalisation.
func FuzzSnapshotHash(f *testing.F) {
	f.Add([]byte(`{"a":1,"sha256":"00"}`))
	f.Add([]byte(`{"numbers":[1E30,4.50,2e-3,-0],"s":"\u20ac\u000f","sha256":"x"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"a":{"b":[null,true,{"c":"ə"}]}} trailing`))
	f.Add([]byte(`{"sha256":5}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		computed, _, err := survey.SnapshotHash(doc)
		if err != nil {
			return
		}
		if len(computed) != 64 {
			t.Fatalf("hash %q", computed)
		}
		c, err := survey.Canonical(doc)
		if err != nil {
			return
		}
		c2, err := survey.Canonical(c)
		if err != nil || !bytes.Equal(c, c2) {
			t.Fatalf("not idempotent: %s → %s (%v)", c, c2, err)
		}
		again, _, err := survey.SnapshotHash(c)
		if err != nil || again != computed {
			t.Fatalf("the canonical form hashes differently: %v", err)
		}
	})
}

// FuzzCheckReason: an accepted reason is trimmed, valid text of at most MaxReasonRunes, without control
// characters other than newlines.
func FuzzCheckReason(f *testing.F) {
	for _, s := range []string{"Late kiosk batch", " \n ", "ə\x00", strings.Repeat("я", 501), "a\r\nb", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := survey.CheckReason(in)
		if err != nil {
			if survey.ErrorCode(err) != survey.CodeInvalidField {
				t.Fatalf("%q: %v", in, err)
			}
			return
		}
		if r == "" || r != strings.TrimSpace(r) || !utf8.ValidString(r) || utf8.RuneCountInString(r) > survey.MaxReasonRunes {
			t.Fatalf("%q accepted as %q", in, r)
		}
		for _, c := range r {
			if c < 0x20 && c != '\n' || c == 0x7f {
				t.Fatalf("%q accepted with a control character", in)
			}
		}
	})
}
