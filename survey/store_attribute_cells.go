package survey

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
)

// AttributeCell is an agency's sums over a range of days for one (service, centre, channel); "" is "none".
type AttributeCell struct {
	Service, Center, Channel string
	Stats                    scoring.Stats
}

// AttributeCells sums an agency's day cells in [fromDay, toDay) (scoring day keys) per service, centre and
// channel in one scan, so a page needing all three breakdowns reads the cells once instead of three times.
func (s *Store) AttributeCells(ctx context.Context, agency string, fromDay, toDay int) ([]AttributeCell, error) {
	if _, err := s.Rollup(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT service_code, center_code, channel, CAST(SUM(n) AS BIGINT), SUM(sum_r),
		SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day WHERE agency_code = ? AND day >= ? AND day < ?
		GROUP BY service_code, center_code, channel`, agency, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AttributeCell
	for rows.Next() {
		var c AttributeCell
		if err := rows.Scan(&c.Service, &c.Center, &c.Channel, &c.Stats.N, &c.Stats.SumR, &c.Stats.SumR2, &c.Stats.NTop2); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
