package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// A rankings CSV cell that a spreadsheet would run as a formula is quoted; numbers stay plain.
func TestRankingsCSVIsFormulaSafe(t *testing.T) {
	b := rankingsCSV(rankingsTable{Header: []string{"Group", "Agency", "Index"},
		Groups: []rankingsSheet{{Name: "g", Rows: [][]any{{"g", "=HYPERLINK(\"http://x\")", 72.5}, {"g", "-2+3", int64(-2)}}}}})
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatal("no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[1][1] != `'=HYPERLINK("http://x")` || recs[1][2] != "72.50" || recs[2][1] != "'-2+3" || recs[2][2] != "-2" {
		t.Fatalf("cells: %q", recs)
	}
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{"sheet1": true}
	for _, c := range []struct{ in, want string }{
		{"Mərkəzi icra hakimiyyəti orqanları", "Mərkəzi icra hakimiyyəti orqanl"},
		{"Mərkəzi icra hakimiyyəti orqanları (2)", "Mərkəzi icra hakimiyyəti orq (2)"},
		{"a/b:c*d?[e]", "a-b-c-d--e-"},
		{"", "Sheet"},
		{"sheet1", "sheet1 (2)"},
	} {
		got := sheetName(c.in, used)
		if c.in == "Mərkəzi icra hakimiyyəti orqanları (2)" { // cut to 31, equal to the first: numbered
			if utf8.RuneCountInString(got) > 31 || got == "Mərkəzi icra hakimiyyəti orqanl" {
				t.Errorf("sheetName(%q) = %q", c.in, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("sheetName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Labels wrap onto up to three lines and, when even that is too long, keep their end: five "Baku ASAN service
// centre No. N" stay apart.
func TestWrapLabel(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range []string{"1", "2", "3", "4", "5"} {
		lines, _ := wrapLabel("3. Baku ASAN service centre No. "+n+" (Xətai district, Heydər Əliyev avenue)", 170)
		if len(lines) > maxLabelLines {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if textWidth(l) > 170 {
				t.Errorf("line %q is %v wide", l, textWidth(l))
			}
		}
		seen[strings.Join(lines, "|")] = true
	}
	if len(seen) != 5 {
		t.Errorf("labels cannot be told apart: %v", seen)
	}
	if lines, full := wrapLabel("Ədliyyə Nazirliyi", 170); len(lines) != 1 || !full {
		t.Errorf("short label: %v", lines)
	}
	if lines, full := wrapLabel("Государственная служба по имущественным вопросам", 170); len(lines) < 2 || !full {
		t.Errorf("wrapped label: %v", lines)
	}
	if lines, full := wrapLabel(strings.Repeat("Ş", 60), 170); len(lines) != 1 || full || textWidth(lines[0]) > 170 {
		t.Errorf("one long word: %v", lines)
	}
}

// FuzzCommentQuery: any query string either names a bad field or gives a query inside the period with
// valid choices; it never panics.
func FuzzCommentQuery(f *testing.F) {
	s := storetest.New(f, "sqlite", survey.Options{Location: storetest.Baku})
	storetest.ApplyCatalog(f, s)
	cv, err := s.CatalogView(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	ag, _ := cv.Agency("migration")
	p, _ := scoring.ParsePeriod("2025-Q3", storetest.Baku)
	for _, seed := range []string{"", "band=high&sort=low", "center=ganja&service=temp-residence&channel=kiosk&clang=ru",
		"cfrom=2025-07-01&cto=2025-09-30", "cfrom=2025-10-01", "band=%00", "q=" + strings.Repeat("ə", 300), "cto=2025-02-30"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		cq, bad := parseCommentQuery(q, cv, ag, p, storetest.Baku)
		if bad != "" {
			if filterFieldKey[bad] == "" {
				t.Fatalf("field %q has no name in words", bad)
			}
			return
		}
		if !survey.ValidBand(cq.Band) || !survey.ValidCommentSort(cq.Sort) || len(cq.Search) > maxSearch || !utf8.ValidString(cq.Search) && utf8.ValidString(q.Get("q")) {
			t.Fatalf("accepted %+v", cq)
		}
		if cq.From.Before(p.Start) || cq.To.After(p.End) || !cq.From.Before(cq.To) {
			t.Fatalf("range %v–%v outside %v", cq.From, cq.To, p)
		}
	})
}
