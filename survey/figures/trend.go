package figures

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Trend is one agency's figures in the n periods of p's kind ending with p, oldest first (one query).
// Periods without counted responses have N == 0 and zero figures. An unknown agency is not_found.
func (f *Figures) Trend(ctx context.Context, agency string, p scoring.Period, n int) ([]TrendPoint, error) {
	if n < 1 {
		return nil, survey.FieldError("n", "n must be at least 1")
	}
	if _, _, err := f.agency(ctx, agency); err != nil {
		return nil, err
	}
	if err := f.store.AwaitCells(ctx); err != nil {
		return nil, err
	}
	periods := make([]scoring.Period, n)
	for i := range periods {
		periods[i] = p.Back(n - 1 - i)
	}
	first := periods[0]
	var cells []survey.AgencySums
	var err error
	whole := false
	if m, ok := monthSpan(p); ok && p.Kind != scoring.Custom { // a custom range's earlier ranges need not be whole months
		whole = true
		m0, _ := monthSpan(first)
		cells, err = f.store.MonthCells(ctx, agency, m0.from, m.to)
	} else {
		cells, err = f.store.DaySums(ctx, agency, span{daySpan(first).from, daySpan(p).to}.days())
	}
	if err != nil {
		return nil, err
	}
	out := make([]TrendPoint, n)
	for i, q := range periods {
		s := daySpan(q)
		if whole {
			s, _ = monthSpan(q)
		}
		var st scoring.Stats
		for _, c := range cells {
			if s.has(c.Key) {
				st.Add(c.Stats)
			}
		}
		e := st.Estimate()
		out[i] = TrendPoint{Label: q.Label, P: q, N: e.N, Index: scoring.Round2(e.Index),
			CILow: scoring.Round2(e.CILow), CIHigh: scoring.Round2(e.CIHigh), CSAT: scoring.Round2(e.CSAT)}
	}
	return out, nil
}

// Excluded counts the excluded responses submitted in p by reason ("" agency = every agency). A response
// excluded without a reason is counted under "".
func (f *Figures) Excluded(ctx context.Context, p scoring.Period, agency string) (map[string]int64, error) {
	return f.store.ExcludedCounts(ctx, agency, p.Start, p.End)
}
