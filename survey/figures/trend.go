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
	cv, err := f.store.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := cv.Agency(agency); !ok {
		return nil, survey.Errorf(survey.CodeNotFound, "agency", "no agency %q", agency)
	}
	if err := f.rollup(ctx); err != nil {
		return nil, err
	}
	periods := make([]scoring.Period, n)
	for i := range periods {
		periods[i] = p.Back(n - 1 - i)
	}
	first := periods[0]
	var cells []cell
	whole := false
	if m, ok := monthSpan(p); ok && p.Kind != scoring.Custom { // a custom range's earlier ranges need not be whole months
		whole = true
		m0, _ := monthSpan(first)
		cells, err = f.query(ctx, `SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month
			WHERE agency_code = ? AND month >= ? AND month < ?`, agency, m0.from, m.to)
	} else {
		cells, err = f.query(ctx, `SELECT day, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day
			WHERE agency_code = ? AND day >= ? AND day < ? GROUP BY day, agency_code`, agency, daySpan(first).from, daySpan(p).to)
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
			if s.has(c.key) {
				st.Add(c.stats)
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
	q := `SELECT COALESCE(reason, ''), COUNT(*) FROM responses
		WHERE status = 'excluded' AND submitted_us >= ? AND submitted_us < ?`
	args := []any{p.Start.UnixMicro(), p.End.UnixMicro()}
	if agency != "" {
		q += ` AND agency_code = ?`
		args = append(args, agency)
	}
	rows, err := f.store.DB().QueryContext(ctx, q+` GROUP BY COALESCE(reason, '')`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var reason string
		var n int64
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, err
		}
		out[reason] = n
	}
	return out, rows.Err()
}
