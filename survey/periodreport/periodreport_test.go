package periodreport_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
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
		if in.GeneratedAt.IsZero() || !in.GeneratedAt.Before(p.End.Add(time.Hour)) {
			t.Fatalf("generated at %v should come from the data", in.GeneratedAt)
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
			for _, want := range []string{"Dövlət Miqrasiya Xidməti", "Əmlak Məsələləri Dövlət Xidməti", "2025-Q2", "Səhifə 1 /"} {
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
