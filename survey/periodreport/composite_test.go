package periodreport_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
	"github.com/qiymet/qiymet/survey/storetest"
)

// The report of a period with assessments has a composite section with the same figures as the API; a
// period without assessments has none.
func TestReportCompositeSection(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		seed(t, s)
		ctx := context.Background()
		if _, err := s.ApplyMethodology(ctx, storetest.Methodology(t)); err != nil {
			t.Fatal(err)
		}
		csv := "methodology,version,period,agency,service,criterion,points,evidence\n" +
			"test-asan,1,2025-Q2,migration,temp-residence,info-site,1,\n" +
			"test-asan,1,2025-Q2,migration,temp-residence,e-apply,3,\n" +
			"test-asan,1,2025-Q2,justice,notary,info-site,2,\n" +
			"test-asan,1,2025-Q2,justice,notary,info-phone,1,\n"
		if _, err := s.ImportAssessments(ctx, strings.NewReader(csv), survey.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		f := figures.New(s, scoring.Config{MinN: 30}).WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })
		q2, _ := scoring.ParsePeriod("2025-Q2", s.Location())
		in, err := periodreport.Build(ctx, f, q2, periodreport.Options{Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Composites) != 1 {
			t.Fatalf("%d composites", len(in.Composites))
		}
		api, _ := f.CompositeRankings(ctx, q2, "test-asan", 0, "", "en")
		c := in.Composites[0]
		if c.Name != "Test methodology" || c.CitizenWeight != 0.4 || len(c.Parameters) != 2 || c.Parameters[0].Name != "Informing about the service" {
			t.Errorf("composite %+v", c)
		}
		for gi, g := range api.Groups {
			for ri, r := range g.Rows {
				got := c.Groups[gi].Rows[ri]
				if got.Name != r.Name || str(got.Composite) != str(r.Composite) || str(got.Checklist) != str(r.Checklist) ||
					str(got.Parameters[0]) != str(r.Parameters["inform"]) || (r.Rank == nil) != (got.Rank == 0) {
					t.Errorf("row %s: report %+v, API %+v", r.Agency, got, r)
				}
			}
		}
		var buf bytes.Buffer
		if err := periodreport.Write(ctx, &buf, f, q2, periodreport.Options{Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes())
		for _, want := range []string{"Composite index — Test methodology", "Sensitivity analysis", "OECD/JRC Handbook"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		q1, _ := scoring.ParsePeriod("2025-Q3", s.Location())
		if in, err := periodreport.Build(ctx, f, q1, periodreport.Options{Lang: "en"}); err != nil || len(in.Composites) != 0 {
			t.Errorf("a period without assessments: %d composites, %v", len(in.Composites), err)
		}
	})
}

func str(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%.2f", *v)
}
