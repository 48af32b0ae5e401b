package demo

import (
	"context"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// testNow is a fixed clock: a Saturday afternoon in Baku.
var testNow = time.Date(2026, 11, 21, 14, 30, 0, 0, storetest.Baku)

// demoCatalogView applies the demo catalog to a fresh in-memory SQLite store and returns its view.
func demoCatalogView(t testing.TB) *survey.CatalogView {
	t.Helper()
	s := storetest.New(t, "sqlite", survey.Options{})
	ctx := context.Background()
	c := Catalog()
	if _, err := s.ApplyCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cv
}

// generateAll collects every row of a run.
func generateAll(t testing.TB, cv *survey.CatalogView, opt Options) ([]*survey.Response, Summary) {
	t.Helper()
	var rows []*survey.Response
	sum, err := Generate(cv, opt, func(chunk []*survey.Response) error {
		rows = append(rows, chunk...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, sum
}

// quarterUnits sums counted rows into per-agency stats per quarter label, the way the cells would.
func quarterUnits(cv *survey.CatalogView, rows []*survey.Response) map[string][]scoring.Unit {
	type key struct{ quarter, agency string }
	stats := map[key]*scoring.Stats{}
	for _, r := range rows {
		if r.Status != survey.StatusCounted {
			continue
		}
		q := scoring.PeriodContaining(scoring.Quarter, time.UnixMicro(r.SubmittedUS), storetest.Baku).Label
		k := key{q, r.Agency}
		if stats[k] == nil {
			stats[k] = &scoring.Stats{}
		}
		stats[k].AddResponse(r.Score, r.Top2)
	}
	out := map[string][]scoring.Unit{}
	for k, st := range stats {
		a, _ := cv.Agency(k.agency)
		out[k.quarter] = append(out[k.quarter], scoring.Unit{Agency: k.agency, Group: a.Group, Stats: *st})
	}
	return out
}
