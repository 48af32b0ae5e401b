package survey_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestSpreadsheetSafe(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"", ""}, {"plain", "plain"}, {"=1+2", "'=1+2"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"}, {"\rx", "'\rx"}, {"'=x", "''=x"}, {"''-", "'''-"}, {"'quoted'", "'quoted'"}, {"'", "'"},
		{"''", "''"}, {"a=b", "a=b"}, {" =x", " =x"}, {"ə=", "ə="},
	} {
		if got := survey.SpreadsheetSafe(c.in); got != c.out {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", c.in, got, c.out)
		}
		if got := survey.FromSpreadsheetSafe(c.out); got != c.in {
			t.Errorf("FromSpreadsheetSafe(%q) = %q, want %q", c.out, got, c.in)
		}
	}
	// A hand-written cell keeps a ' that guards nothing.
	if got := survey.FromSpreadsheetSafe("'quoted"); got != "'quoted" {
		t.Errorf("'quoted read as %q", got)
	}
}

func FuzzSpreadsheetSafe(f *testing.F) {
	for _, s := range []string{"=x", "'=x", "''-", "'a", "\t", "'\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := survey.SpreadsheetSafe(s)
		if e != "" && strings.IndexByte("=+-@\t\r", e[0]) >= 0 {
			t.Fatalf("%q escaped as %q still starts with a formula character", s, e)
		}
		if back := survey.FromSpreadsheetSafe(e); back != s {
			t.Fatalf("%q → %q → %q", s, e, back)
		}
	})
}

// TestCSVFormulaInjection: hostile comments and text answers leave the export with a leading ' (checked on the
// bytes and through Python's csv reader), and import into an empty database stores them exactly as they were.
func TestCSVFormulaInjection(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://x","y")`, "+1", "-2+3", "@SUM(1)", "'=already quoted", "''-two quotes",
		"'\tquote then tab", "'plain quote", "=cmd|' /C calc'!A0", "safe = text"}
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, a *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, a)
		key, _, err := a.AddAPIKey(ctx, "queue")
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hostile {
			body, _ := json.Marshal(map[string]any{"agency": "migration", "comment": h,
				"answers": map[string]any{"overall": 4, "comment": h}})
			sub, err := survey.DecodeSubmission(body)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Submit(ctx, sub, survey.Credential{APIKey: key}); err != nil {
				t.Fatalf("submit %q: %v", h, err)
			}
			clock.Advance(time.Second)
		}
		out := exportString(t, a, survey.ExportFilter{})
		for _, want := range []string{`,"'=HYPERLINK(""http://x"",""y"")",`, ",'+1,", ",'-2+3,", ",'@SUM(1),", ",''=already quoted,",
			",'''-two quotes,", ",''\tquote then tab,", ",'plain quote,", ",safe = text,"} {
			if !strings.Contains(out, want) {
				t.Errorf("export lacks %q:\n%s", want, out)
			}
		}
		// A real CSV reader sees no cell that a spreadsheet would run.
		file := filepath.Join(t.TempDir(), "export.csv")
		if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := exec.LookPath("python3"); err == nil {
			py := `import csv,sys
rows=list(csv.reader(open(sys.argv[1],newline='',encoding='utf-8')))
bad=[c for r in rows[1:] for c in r if c[:1] in ('=','+','-','@','\t','\r')]
n=sum(1 for r in rows[1:] for c in r if c.startswith("'"))
print(len(rows)-1, len(bad), n)`
			got, err := exec.Command("python3", "-c", py, file).CombinedOutput()
			if err != nil {
				t.Fatalf("python csv: %v %s", err, got)
			}
			// every row has a comment and a text answer; all but the two plain ones start with '
			if want := "10 0 18\n"; string(got) != want {
				t.Fatalf("python csv reader: rows, live formulas, quoted cells = %q, want %q", got, want)
			}
		}
		b := storetest.New(t, a.Dialect(), survey.Options{Now: clock.Now})
		loadTestCatalog(t, b)
		if res, err := importString(t, b, out); err != nil || res.Inserted != int64(len(hostile)) {
			t.Fatalf("import: %+v %v", res, err)
		}
		for _, s := range []*survey.Store{a, b} {
			var rows []struct {
				Comment string
				Answers string
			}
			if err := s.DB().NewSelect().Table("responses").Column("comment", "answers").Order("seq").Scan(ctx, &rows); err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				var ans map[string]any
				json.Unmarshal([]byte(r.Answers), &ans)
				if r.Comment != hostile[i] || ans["comment"] != hostile[i] {
					t.Errorf("row %d stored comment %q, text answer %v; want %q", i, r.Comment, ans["comment"], hostile[i])
				}
			}
		}
		if again := exportString(t, b, survey.ExportFilter{}); again != out {
			t.Fatalf("export of the import differs:\n%s\n%s", out, again)
		}
	})
}
