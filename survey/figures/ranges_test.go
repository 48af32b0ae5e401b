package figures_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/uptrace/bun"
)

// rangeSums is a direct GROUP BY agency over the counted responses submitted in [p.Start, p.End): the
// figures' inputs for p without any cell.
func rangeSums(t *testing.T, s *survey.Store, p scoring.Period, agency string) map[string]scoring.Stats {
	t.Helper()
	q := `SELECT agency_code, COUNT(*), SUM(score), SUM(score * score), SUM(CASE WHEN top2 THEN 1 ELSE 0 END) FROM responses
		WHERE status = 'counted' AND submitted_us >= ? AND submitted_us < ?`
	args := []any{p.Start.UnixMicro(), p.End.UnixMicro()}
	if agency != "" {
		q += " AND agency_code = ?"
		args = append(args, agency)
	}
	rows, err := s.DB().QueryContext(context.Background(), q+" GROUP BY agency_code", args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]scoring.Stats{}
	for rows.Next() {
		var a string
		var st scoring.Stats
		if err := rows.Scan(&a, &st.N, &st.SumR, &st.SumR2, &st.NTop2); err != nil {
			t.Fatal(err)
		}
		out[a] = st
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// nearSum is the cells' tolerance (survey.VerifyCells): floating sums added in another order.
func nearSum(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func sameStats(a, b scoring.Stats) bool {
	return a.N == b.N && a.NTop2 == b.NTop2 && nearSum(a.SumR, b.SumR) && nearSum(a.SumR2, b.SumR2)
}

// TestRangeSumsEqualGroupBy proves that the cells a custom range is read from (agg_month for its whole
// months, agg_agency_day for its edge days) give, per agency, the same n and top-two count and the same ΣR
// and ΣR² (to 1e-9 relative) as a GROUP BY over the raw responses: for ranges inside a month, across months
// and years, single days (Baku midnight included), and for the previous range and previous year a ranking
// reads; DayTotals the same; DaySums per day of one agency the same as a GROUP BY of that day. On both
// dialects, with the fixture's bulk insert, roll-up, exclusions and re-inclusion.
func TestRangeSumsEqualGroupBy(t *testing.T) {
	storetest.Each(t, survey.Options{Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		fixture(t, s)
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		var periods []scoring.Period
		for _, r := range [][2]string{
			{"2025-06-15", "2025-08-10"}, {"2025-07-03", "2025-07-19"}, {"2025-08-14", "2025-08-14"}, {"2025-08-15", "2025-08-15"},
			{"2024-12-20", "2025-02-03"}, {"2023-01-01", "2023-12-31"}, {"2022-03-31", "2023-04-01"}, {"2025-07-01", "2025-09-30"},
		} {
			p, err := scoring.ParseRange(r[0], r[1], s.Location())
			if err != nil {
				t.Fatal(err)
			}
			periods = append(periods, p, p.Previous(), p.PreviousYear())
		}
		var ranges []survey.DayRange
		for _, p := range periods {
			a, b := p.DayRange()
			ranges = append(ranges, survey.DayRange{From: a, To: b})
		}
		got, err := s.RangeSums(ctx, ranges)
		if err != nil {
			t.Fatal(err)
		}
		byRange := make([]map[string]scoring.Stats, len(ranges))
		for i := range byRange {
			byRange[i] = map[string]scoring.Stats{}
		}
		for _, c := range got {
			st := byRange[c.Key][c.Agency]
			st.N, st.SumR, st.SumR2, st.NTop2 = st.N+c.Stats.N, st.SumR+c.Stats.SumR, st.SumR2+c.Stats.SumR2, st.NTop2+c.Stats.NTop2
			byRange[c.Key][c.Agency] = st
		}
		compare := func(what string, got, want map[string]scoring.Stats) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %d agencies from the cells, %d from GROUP BY", what, len(got), len(want))
			}
			for a, w := range want {
				if g := got[a]; !sameStats(g, w) {
					t.Errorf("%s %s: cells %+v, GROUP BY %+v", what, a, g, w)
				}
			}
		}
		nonEmpty := 0
		for i, p := range periods {
			want := rangeSums(t, s, p, "")
			nonEmpty += min(1, len(want))
			compare("RangeSums "+p.Label, byRange[i], want)
			totals, err := s.DayTotals(ctx, ranges[i])
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]scoring.Stats{}
			for _, c := range totals {
				m[c.Agency] = c.Stats
			}
			compare("DayTotals "+p.Label, m, want)
		}
		if nonEmpty < len(periods)/2 {
			t.Fatalf("only %d of %d ranges hold responses: the test proves little", nonEmpty, len(periods))
		}
		// One agency's days, each against a GROUP BY of that day.
		month, _ := scoring.ParseRange("2025-08-01", "2025-08-31", s.Location())
		a, b := month.DayRange()
		days, err := s.DaySums(ctx, "b1", survey.DayRange{From: a, To: b})
		if err != nil {
			t.Fatal(err)
		}
		byDay := map[int]scoring.Stats{}
		for _, c := range days {
			byDay[c.Key] = c.Stats
		}
		for _, k := range month.DayKeys() {
			d := fmt.Sprintf("%04d-%02d-%02d", k/10000, k/100%100, k%100)
			p, _ := scoring.ParseRange(d, d, s.Location())
			want := rangeSums(t, s, p, "b1")["b1"]
			if g := byDay[k]; !sameStats(g, want) {
				t.Errorf("DaySums b1 %s: cells %+v, GROUP BY %+v", d, g, want)
			}
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAgencyDayBackfillEqualsRollup proves that the migration's backfill of agg_agency_day (from agg_day)
// writes exactly what the roll-up and the bulk import wrote: the table is emptied and refilled by the
// migration's own INSERT, on both dialects, and must hold the same rows (counts equal, sums to 1e-9).
func TestAgencyDayBackfillEqualsRollup(t *testing.T) {
	storetest.Each(t, survey.Options{Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		fixture(t, s)
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		read := func() map[string]scoring.Stats {
			rows, err := s.DB().QueryContext(ctx, "SELECT day, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_agency_day")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]scoring.Stats{}
			for rows.Next() {
				var day int
				var a string
				var st scoring.Stats
				if err := rows.Scan(&day, &a, &st.N, &st.SumR, &st.SumR2, &st.NTop2); err != nil {
					t.Fatal(err)
				}
				out[fmt.Sprint(day, a)] = st
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return out
		}
		rolled := read()
		if len(rolled) < 100 {
			t.Fatalf("only %d agency-day cells", len(rolled))
		}
		src, err := os.ReadFile("../../migrations/" + s.Dialect() + "/20261205001020_agg_agency_day.tx.up.sql")
		if err != nil {
			t.Fatal(err)
		}
		var backfill string
		for _, part := range strings.Split(string(src), "--bun:split") {
			if strings.Contains(part, "INSERT INTO agg_agency_day") {
				backfill = part
			}
		}
		if backfill == "" {
			t.Fatal("no backfill in the migration")
		}
		err = s.DB().RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "DELETE FROM agg_agency_day"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, backfill)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		filled := read()
		if len(filled) != len(rolled) {
			t.Errorf("backfill: %d cells, roll-up: %d", len(filled), len(rolled))
		}
		for k, w := range rolled {
			if g := filled[k]; !sameStats(g, w) {
				t.Errorf("cell %s: backfill %+v, roll-up %+v", k, g, w)
			}
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
