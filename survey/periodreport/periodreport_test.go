package periodreport_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
	"github.com/qiymet/qiymet/survey/storetest"
)

// seed stores a few hundred historic responses across two quarters for the test catalog's agencies.
func seed(t *testing.T, s *survey.Store) {
	t.Helper()
	ctx := context.Background()
	storetest.ApplyCatalog(t, s)
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2025, 4, 1, 8, 0, 0, 0, storetest.Baku)
	quality := map[string]int{"migration": 4, "justice": 3, "property": 2}
	var rows []*survey.Response
	for i := 0; i < 600; i++ {
		agency := []string{"migration", "justice", "property"}[i%3]
		v := min(5, max(1, quality[agency]+rng.IntN(3)-1+i%2))
		at := base.Add(time.Duration(i) * 4 * time.Hour)
		body := fmt.Sprintf(`{"agency":%q,"center":"baku-1","answers":{"overall":%d,"waiting":%d,"resolved":%v},"submitted_at":%q}`,
			agency, v, max(1, v-1), v > 2, at.Format(time.RFC3339))
		sub, err := survey.DecodeSubmission([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		ch := []string{survey.ChannelKiosk, survey.ChannelLink, survey.ChannelAPI}[(i/3)%3]
		r, err := cv.Prepare(sub, survey.Target{Channel: ch, Historic: true}, at.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if _, err := s.BulkInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
}

// The same data and options give a byte-identical PDF, on both databases, with the figures the API publishes.
func TestReportIsReproducibleAndMatchesRankings(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		seed(t, s)
		ctx := context.Background()
		f := figures.New(s, scoring.Config{MinN: 30})
		p, err := scoring.ParsePeriod("2025-Q2", storetest.Baku)
		if err != nil {
			t.Fatal(err)
		}
		in, err := periodreport.Build(ctx, f, p, periodreport.Options{Lang: "az"})
		if err != nil {
			t.Fatal(err)
		}
		rk, err := f.Rankings(ctx, p, "", "az")
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Groups) != len(rk.Groups) || len(in.Agencies) != 3 {
			t.Fatalf("groups %d (want %d), agency sections %d (want 3)", len(in.Groups), len(rk.Groups), len(in.Agencies))
		}
		if in.Groups[0].Rows[0].Index != rk.Groups[0].Rows[0].Index {
			t.Fatalf("report row %+v differs from rankings %+v", in.Groups[0].Rows[0], rk.Groups[0].Rows[0])
		}
		var total int64
		for _, g := range rk.Groups {
			total += g.N
		}
		if in.Overall.N != total {
			t.Fatalf("overall n %d, sum of groups %d", in.Overall.N, total)
		}
		// "Data as of" is the last response of the period; the generation date is today (no
		// SOURCE_DATE_EPOCH given); a complete period is not provisional.
		if in.DataAsOf.IsZero() || !in.DataAsOf.Before(p.End) || in.DataAsOf.Before(p.Start) {
			t.Fatalf("data as of %v should be the last response in %s", in.DataAsOf, p.Label)
		}
		if y, m, d := time.Now().In(storetest.Baku).Date(); in.GeneratedAt.Year() != y || in.GeneratedAt.Month() != m || in.GeneratedAt.Day() != d {
			t.Fatalf("generated %v, want today", in.GeneratedAt)
		}
		if in.Provisional {
			t.Fatal("a complete period is provisional")
		}
		for _, sec := range in.Agencies {
			if len(sec.Trend) != periodreport.TrendPeriods || len(sec.ByQuestion) == 0 || len(sec.ByChannel) != 3 {
				t.Fatalf("section %s: trend %d, questions %d, channels %d", sec.Code, len(sec.Trend), len(sec.ByQuestion), len(sec.ByChannel))
			}
		}
		var a, b bytes.Buffer
		for _, buf := range []*bytes.Buffer{&a, &b} {
			if err := periodreport.Write(ctx, buf, f, p, periodreport.Options{Lang: "az"}); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) || a.Len() < 10_000 {
			t.Fatalf("two runs differ or too small (%d, %d bytes)", a.Len(), b.Len())
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			path := t.TempDir() + "/r.pdf"
			os.WriteFile(path, a.Bytes(), 0o644)
			out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Dövlət Miqrasiya Xidməti", "Əmlak Məsələləri Dövlət Xidməti", "2025-ci ilin II rübü", "Səhifə 1 /"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
		}
		// A manager's edition has only their agency's section.
		in, err = periodreport.Build(ctx, f, p, periodreport.Options{Lang: "ru", Agency: "justice"})
		if err != nil || len(in.Agencies) != 1 || in.Agencies[0].Code != "justice" {
			t.Fatalf("manager edition: %v %+v", err, in.Agencies)
		}
	})
}

func TestGenerationDate(t *testing.T) {
	now := time.Date(2026, 3, 5, 22, 30, 0, 0, time.UTC) // already 6 March in Baku
	got, err := periodreport.GenerationDate("", now, storetest.Baku)
	if err != nil || !got.Equal(time.Date(2026, 3, 6, 0, 0, 0, 0, storetest.Baku)) {
		t.Fatalf("today: %v %v", got, err)
	}
	got, err = periodreport.GenerationDate("1700000000", now, storetest.Baku)
	if err != nil || got.Unix() != 1700000000 {
		t.Fatalf("SOURCE_DATE_EPOCH: %v %v", got, err)
	}
	for _, bad := range []string{"yesterday", "-5", "1.5"} {
		if _, err := periodreport.GenerationDate(bad, now, storetest.Baku); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// SOURCE_DATE_EPOCH fixes the generation date: two builds at different times give the same bytes, and
// the cover shows that date beside "data as of". A running period is provisional on every page; one that
// has not started is refused as an invalid period.
func TestReportDatesAndProvisional(t *testing.T) {
	s := storetest.New(t, "sqlite", survey.Options{Location: storetest.Baku})
	seed(t, s)
	ctx := context.Background()
	f := figures.New(s, scoring.Config{MinN: 30})
	p, _ := scoring.ParsePeriod("2025-Q2", storetest.Baku)
	gen, err := periodreport.GenerationDate("1767225600", time.Now(), storetest.Baku) // 2026-01-01 UTC
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	for i, buf := range []*bytes.Buffer{&a, &b} {
		now := time.Date(2026, 1, 2+i*40, 9, 0, 0, 0, storetest.Baku)
		if err := periodreport.Write(ctx, buf, f, p, periodreport.Options{Lang: "az", Now: now, Generated: gen}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same data and SOURCE_DATE_EPOCH, different bytes")
	}
	text := pdfText(t, a.Bytes())
	last, _ := f.LastSubmitted(ctx, p)
	asOf := time.UnixMicro(last).In(storetest.Baku)
	for _, want := range []string{"Hazırlanma tarixi 1 yanvar 2026", "Məlumatların tarixi " + fmt.Sprintf("%d iyun 2025, %s", asOf.Day(), asOf.Format("15:04"))} {
		if !strings.Contains(text, want) {
			t.Errorf("cover lacks %q", want)
		}
	}
	if strings.Contains(text, "İLKİN") {
		t.Error("a complete period is marked provisional")
	}

	// The same quarter read while it runs (after its last response): provisional on the cover and in every
	// header, as of the last response, and still reproducible.
	now := asOf.Add(time.Hour)
	var c, c2 bytes.Buffer
	for i, buf := range []*bytes.Buffer{&c, &c2} {
		o := periodreport.Options{Lang: "ru", Now: now.Add(time.Duration(i) * time.Minute), Generated: gen}
		if err := periodreport.Write(ctx, buf, f, p, o); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(c.Bytes(), c2.Bytes()) {
		t.Error("a running period's report differs between two runs on the same data")
	}
	text = pdfText(t, c.Bytes())
	pages := strings.Count(text, "Страница ")
	if n := strings.Count(text, "ПРЕДВАРИТЕЛЬНО"); pages < 3 || n != pages {
		t.Errorf("provisional marks %d, pages %d", n, pages)
	}
	elapsed := int(100 * float64(asOf.Sub(p.Start)) / float64(p.End.Sub(p.Start)))
	if !strings.Contains(text, fmt.Sprintf("прошло %d%% периода", elapsed)) {
		t.Errorf("the banner lacks the elapsed share %d%%", elapsed)
	}

	// Not started yet: refused, field "period".
	err = periodreport.Write(ctx, &c, f, p, periodreport.Options{Lang: "en", Now: p.Start.Add(-time.Second)})
	if e, ok := survey.AsError(err); !ok || e.Field != "period" {
		t.Fatalf("a period that has not started: %v", err)
	}
}

// pdfText extracts the text of a PDF with pdftotext, whitespace collapsed (skips without poppler-utils
// outside CI).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required in CI (poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	path := t.TempDir() + "/r.pdf"
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// GenerationDate accepts exactly the non-negative integers of seconds, and gives back that instant.
func FuzzGenerationDate(f *testing.F) {
	for _, s := range []string{"", "0", "1767225600", "-1", "1.5", "0x10", " 12", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := periodreport.GenerationDate(s, now, storetest.Baku)
		if s == "" {
			if err != nil || got.Hour() != 0 || got.Location() != storetest.Baku {
				t.Fatalf("today: %v %v", got, err)
			}
			return
		}
		sec, perr := strconv.ParseInt(s, 10, 64)
		if (perr == nil && sec >= 0) != (err == nil) {
			t.Fatalf("%q: accepted %v, want %v", s, err == nil, perr == nil && sec >= 0)
		}
		if err == nil && got.Unix() != sec {
			t.Fatalf("%q gave %v", s, got)
		}
	})
}

// TestReportStatesStoredCaseFigures (CONTRACT §11): the PDF's agency sections state the cases stored for the
// period — opened, and the share resolved within the SLA — as the rankings count them.
func TestReportStatesStoredCaseFigures(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 6, 20, 12, 0, 0, 0, storetest.Baku))
	s := storetest.New(t, "sqlite", survey.Options{Location: storetest.Baku, Now: clock.Now})
	seed(t, s)
	ctx := context.Background()
	k, _, err := s.AddAPIKey(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	for i, agency := range []string{"justice", "justice", "justice", "property"} {
		body := fmt.Sprintf(`{"agency":%q,"center":"baku-1","answers":{"overall":%d}}`, agency, 1+i%2)
		sub, err := survey.DecodeSubmission([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Submit(ctx, sub, survey.Credential{APIKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	cases, err := s.ListCases(ctx, survey.CaseFilter{Agency: "justice"})
	if err != nil || len(cases) != 3 {
		t.Fatalf("justice cases %d, %v", len(cases), err)
	}
	clock.Advance(time.Hour)
	if _, err := s.ActOnCase(ctx, cases[0].ID, survey.CaseAction{Action: "resolve", Resolution: "fixed", Note: "Növbə azaldı"}, func(string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	f := figures.New(s, scoring.Config{MinN: 30})
	p, _ := scoring.ParsePeriod("2025-Q2", storetest.Baku)
	var buf bytes.Buffer
	if err := periodreport.Write(ctx, &buf, f, p, periodreport.Options{Lang: "en", Now: time.Date(2025, 7, 2, 9, 0, 0, 0, storetest.Baku)}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{
		"Cases from low ratings opened in the period: 3; resolved within the SLA: 100",              // justice: 1 decided, in time
		"Cases from low ratings opened in the period: 1; resolved within the SLA: none decided yet", // property
		"Cases from low ratings opened in the period: 0;",                                           // migration
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
