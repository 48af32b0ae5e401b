package figures

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
)

// Pooled is the estimate over every counted response of p, per peer group and overall (key ""), pooling
// all agencies' responses as CONTRACT §6 defines a group's index. Unrounded.
func (f *Figures) Pooled(ctx context.Context, p scoring.Period) (map[string]scoring.Estimate, error) {
	if err := f.rollup(ctx); err != nil {
		return nil, err
	}
	cv, err := f.store.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	var cells []cell
	if m, ok := monthSpan(p); ok {
		cells, err = f.query(ctx, `SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month
			WHERE month >= ? AND month < ? AND n > 0`, m.from, m.to)
	} else {
		d := daySpan(p)
		cells, err = f.query(ctx, `SELECT 0, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT)
			FROM agg_day WHERE day >= ? AND day < ? GROUP BY agency_code`, d.from, d.to)
	}
	if err != nil {
		return nil, err
	}
	sums := map[string]*scoring.Stats{"": {}}
	for _, c := range cells {
		a, ok := cv.Agency(c.agency)
		if !ok {
			continue
		}
		if sums[a.Group] == nil {
			sums[a.Group] = &scoring.Stats{}
		}
		sums[a.Group].Add(c.stats)
		sums[""].Add(c.stats)
	}
	out := make(map[string]scoring.Estimate, len(sums))
	for k, s := range sums {
		out[k] = s.Estimate()
	}
	return out, nil
}

// LastSubmitted is the latest submission time of a response in p (zero when there is none): a date taken
// from the data, so a report of unchanged data is byte-identical whenever it is generated. One index probe.
func (f *Figures) LastSubmitted(ctx context.Context, p scoring.Period) (int64, error) {
	var v *int64
	err := f.store.DB().NewRaw(`SELECT MAX(submitted_us) FROM responses WHERE submitted_us >= ? AND submitted_us < ?`,
		p.Start.UnixMicro(), p.End.UnixMicro()).Scan(ctx, &v)
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}
