package figures

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Figure is a pooled estimate as published: the index and its interval rounded to 2 decimals, and n.
type Figure struct {
	Index, CILow, CIHigh float64
	N                    int64
}

// Pooled is the figure over every counted response of p, per peer group and overall (key ""), pooling all
// agencies' responses as a group's index is defined (docs/method.md).
func (f *Figures) Pooled(ctx context.Context, p scoring.Period) (map[string]Figure, error) {
	if err := f.store.AwaitCells(ctx); err != nil {
		return nil, err
	}
	cv, err := f.store.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	var cells []survey.AgencySums
	if m, ok := monthSpan(p); ok {
		cells, err = f.store.MonthCells(ctx, "", m.from, m.to)
	} else {
		cells, err = f.store.DayTotals(ctx, daySpan(p).days())
	}
	if err != nil {
		return nil, err
	}
	sums := map[string]*scoring.Stats{"": {}}
	for _, c := range cells {
		a, ok := cv.Agency(c.Agency)
		if !ok {
			continue
		}
		if sums[a.Group] == nil {
			sums[a.Group] = &scoring.Stats{}
		}
		sums[a.Group].Add(c.Stats)
		sums[""].Add(c.Stats)
	}
	out := make(map[string]Figure, len(sums))
	for k, s := range sums {
		e := s.Estimate()
		out[k] = Figure{Index: scoring.Round2(e.Index), CILow: scoring.Round2(e.CILow), CIHigh: scoring.Round2(e.CIHigh), N: e.N}
	}
	return out, nil
}

// LastSubmitted is the latest submission time of a counted response in p (zero when there is none): a date taken
// from the data, so a report of unchanged data is byte-identical whenever it is generated.
func (f *Figures) LastSubmitted(ctx context.Context, p scoring.Period) (int64, error) {
	return f.store.LastSubmitted(ctx, p.Start, p.End)
}
