package figures_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

// compositeFixture: in 2025-Q3, migration has 30 responses (20 × overall 5 = 100, 10 × 4 = 75: index
// 91.67), justice 30 (15 × 3 = 50, 15 × 4 = 75: 62.5), property 10 (n < min_n). Assessed with
// testdata/methodology.json (citizen weight 0.4; e: info-site 2, info-phone 2, e-apply 2):
//
//	migration: info-site 1/2, info-phone n/a, e-apply 3/3 → inform 50, online 100, S = 100·(1+2)/(2+2) = 75
//	justice:   everything full → 100
//	property:  e-apply 0/3 → 0
//
// composite: migration 0.4·91.6667 + 0.6·75 = 81.67; justice 0.4·62.5 + 0.6·100 = 85 → justice 1st.
// With the citizen weight ×1.2 (0.48): migration 44 + 39 = 83, justice 30 + 52 = 82 → the two swap;
// ×0.8 (0.32): 80.33 and 88 → unchanged; inform ×0.8/×1.2 moves migration's S to 77.78/72.73 only
// (composite 83.33/80.30 < 85) → unchanged; online likewise.
func compositeFixture(t *testing.T, s *survey.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ApplyCatalog(ctx, storetest.Catalog(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyMethodology(ctx, storetest.Methodology(t)); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("submitted_at,agency,center,q.overall\n")
	at := func(i int) string { return time.Date(2025, 8, 1+i%28, 10, i, 0, 0, time.UTC).Format(time.RFC3339) }
	for i := range 30 {
		fmt.Fprintf(&b, "%s,migration,baku-1,%d\n", at(i), map[bool]int{true: 5, false: 4}[i < 20])
		fmt.Fprintf(&b, "%s,justice,baku-1,%d\n", at(i), map[bool]int{true: 3, false: 4}[i < 15])
	}
	for i := range 10 {
		fmt.Fprintf(&b, "%s,property,baku-1,5\n", at(i))
	}
	if _, err := s.Import(ctx, strings.NewReader(b.String()), survey.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	csv := "methodology,version,period,agency,service,criterion,points,evidence\n" +
		"test-asan,1,2025-Q3,migration,temp-residence,info-site,1,\n" +
		"test-asan,1,2025-Q3,migration,temp-residence,info-phone,,\n" +
		"test-asan,1,2025-Q3,migration,temp-residence,e-apply,3,\n" +
		"test-asan,1,2025-Q3,justice,notary,info-site,2,\n" +
		"test-asan,1,2025-Q3,justice,notary,info-phone,1,\n" +
		"test-asan,1,2025-Q3,justice,notary,e-apply,3,\n" +
		"test-asan,1,2025-Q3,property,registry,e-apply,0,\n"
	if _, err := s.ImportAssessments(ctx, strings.NewReader(csv), survey.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestCompositeRankingsAndSensitivity(t *testing.T) {
	now := func() time.Time { return time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC) }
	storetest.Each(t, survey.Options{Now: now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		compositeFixture(t, s)
		f := figures.New(s, scoring.DefaultConfig())
		p, _ := scoring.ParsePeriod("2025-Q3", s.Location())
		res, err := f.CompositeRankings(ctx, p, "test-asan", 0, "", "en")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range res.Groups {
			for _, r := range g.Rows {
				rank := "-"
				if r.Rank != nil {
					rank = fmt.Sprint(*r.Rank)
				}
				got = append(got, fmt.Sprintf("%s %s#%s %s c=%s i=%.2f n=%d inform=%s online=%s %s", g.Group, r.Agency, rank, r.Name,
					str(r.Composite), r.Index, r.N, str(r.Parameters["inform"]), str(r.Parameters["online"]), r.Status))
			}
		}
		want := []string{
			"central justice#1 Ministry of Justice c=85.00 i=62.50 n=30 inform=100.00 online=100.00 ranked",
			"central migration#2 State Migration Service c=81.67 i=91.67 n=30 inform=50.00 online=100.00 ranked",
			"state-services property#- State Service for Property Issues c=null i=100.00 n=10 inform=null online=0.00 insufficient",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if res.Composite.CitizenWeight != 0.4 || len(res.Composite.Parameters) != 2 || res.Composite.Parameters[0].Name != "Informing about the service" {
			t.Errorf("methodology %+v", res.Composite)
		}

		sens, err := f.Sensitivity(ctx, p, "test-asan", 1, "", "az")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sens.Changes)
		wantJSON := `[{"weight":"citizen_weight","factor":1.2,"group":"central","agency":"justice","rank":1,"new_rank":2},` +
			`{"weight":"citizen_weight","factor":1.2,"group":"central","agency":"migration","rank":2,"new_rank":1}]`
		if string(b) != wantJSON {
			t.Errorf("sensitivity\n got %s\nwant %s", b, wantJSON)
		}

		// Errors: unknown methodology or version, a custom range, a period not started, an unknown group.
		_, err = f.CompositeRankings(ctx, p, "nope", 0, "", "")
		wantErr(t, err, survey.CodeNotFound, "methodology")
		_, err = f.CompositeRankings(ctx, p, "test-asan", 7, "", "")
		wantErr(t, err, survey.CodeNotFound, "version")
		_, err = f.CompositeRankings(ctx, p, "", 0, "", "")
		wantErr(t, err, survey.CodeInvalidField, "methodology")
		custom, _ := scoring.ParseRange("2025-07-01", "2025-07-31", s.Location())
		_, err = f.Sensitivity(ctx, custom, "test-asan", 0, "", "")
		wantErr(t, err, survey.CodeInvalidField, "period")
		future, _ := scoring.ParsePeriod("2026-Q1", s.Location())
		_, err = f.CompositeRankings(ctx, future, "test-asan", 0, "", "")
		wantErr(t, err, survey.CodeInvalidField, "period")
		_, err = f.CompositeRankings(ctx, p, "test-asan", 0, "nope", "")
		wantErr(t, err, survey.CodeNotFound, "group")

		// Another period has citizens but no assessment: nothing is ranked, every row is unassessed.
		q2, _ := scoring.ParsePeriod("2025-08", s.Location())
		res, err = f.CompositeRankings(ctx, q2, "test-asan", 0, "central", "")
		if err != nil || len(res.Groups) != 1 || res.Groups[0].Rows[0].Status != "unassessed" || res.Groups[0].Rows[0].Composite != nil {
			t.Fatalf("unassessed month: %+v %v", res, err)
		}
	})
}

func str(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%.2f", *v)
}

func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	e, ok := survey.AsError(err)
	if !ok || e.Code != code || e.Field != field {
		t.Errorf("want %s (%s), got %v", code, field, err)
	}
}
