package demo

import (
	"context"
	"testing"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestDemoMethodology(t *testing.T) {
	m := Methodology()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(m.Parameters) != 7 || m.CriteriaCount() < 20 {
		t.Fatalf("%d parameters, %d criteria", len(m.Parameters), m.CriteriaCount())
	}
	for _, p := range m.Parameters {
		for _, nm := range append([]survey.Names{p.Name}, func() (out []survey.Names) {
			for _, c := range p.Criteria {
				out = append(out, c.Name)
			}
			return out
		}()...) {
			if nm.AZ == "" || nm.EN == "" || nm.RU == "" {
				t.Errorf("%s: a name lacks a language: %+v", p.Code, nm)
			}
		}
	}
	// The name says that criteria and weights are invented, in every language.
	for _, s := range []string{m.Name.AZ, m.Name.EN, m.Name.RU} {
		if s == "" {
			t.Error("unnamed")
		}
	}
}

// The demo loads its methodology and assessments, and the latest complete quarter has a composite table in
// which some ranks depend on the weights (the sensitivity has something to say).
func TestLoadComposite(t *testing.T) {
	clock := storetest.NewClock(testNow)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		res, err := Load(ctx, s, Options{Responses: 6_000}, nil)
		if err != nil {
			t.Fatal(err)
		}
		services := len(Catalog().Services)
		if res.Assessments != services*(assessedQuarters+1) {
			t.Errorf("%d assessments, want %d", res.Assessments, services*(assessedQuarters+1))
		}
		f := figures.New(s, scoring.Config{MinN: 5})
		p := scoring.PeriodContaining(scoring.Quarter, testNow, s.Location()).Previous()
		rk, err := f.CompositeRankings(ctx, p, MethodologyCode, 0, "central", "az")
		if err != nil {
			t.Fatal(err)
		}
		ranked := 0
		for _, r := range rk.Groups[0].Rows {
			if r.Rank != nil {
				ranked++
				if *r.Checklist <= 0 || *r.Checklist > 100 || len(r.Parameters) != 7 {
					t.Errorf("%s: checklist %v, %d parameters", r.Agency, *r.Checklist, len(r.Parameters))
				}
			}
		}
		if ranked < 5 {
			t.Errorf("only %d central agencies ranked by composite", ranked)
		}
		if _, err := f.Sensitivity(ctx, p, MethodologyCode, 0, "", "en"); err != nil {
			t.Fatal(err)
		}
	})
}

// An older demo database gains the composite index once; another catalog is left alone.
func TestEnsureComposite(t *testing.T) {
	clock := storetest.NewClock(testNow)
	s := storetest.New(t, "sqlite", survey.Options{Now: clock.Now})
	ctx := context.Background()
	if _, err := s.ApplyCatalog(ctx, Catalog()); err != nil {
		t.Fatal(err)
	}
	n, err := EnsureComposite(ctx, s)
	if err != nil || n != len(Catalog().Services)*(assessedQuarters+1) {
		t.Fatalf("first: %d %v", n, err)
	}
	if n, err := EnsureComposite(ctx, s); err != nil || n != 0 {
		t.Fatalf("again: %d %v", n, err)
	}
	other := storetest.New(t, "sqlite", survey.Options{Now: clock.Now})
	storetest.ApplyCatalog(t, other)
	if n, err := EnsureComposite(ctx, other); err != nil || n != 0 {
		t.Fatalf("another catalog: %d %v", n, err)
	}
}
