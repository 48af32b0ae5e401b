package survey_test

import (
	"context"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestCellUpdatesStayOnTheirPage: on PostgreSQL the cells' pages keep room for in-place updates, so adding to
// cells that fill their pages rewrites no index entry (HOT updates). With full pages (the default fillfactor)
// almost none of these updates is HOT.
func TestCellUpdatesStayOnTheirPage(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	for _, table := range []string{"agg_day", "agg_answer"} {
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		insert := map[string]string{
			"agg_day": `INSERT INTO agg_day (day, agency_code, service_code, center_code, channel, n, sum_r, sum_r2, n_top2)
				SELECT 20250101 + g / 100, 'a' || (g % 100), '', '', 'api', 1, 1, 1, 1 FROM generate_series(0, 4999) g`,
			"agg_answer": `INSERT INTO agg_answer (day, agency_code, survey_code, survey_version, question, value, n)
				SELECT 20250101 + g / 100, 'a' || (g % 100), 'visit', 1, 'overall', 1, 1 FROM generate_series(0, 4999) g`,
		}[table]
		var updated, hot int64
		if _, err := tx.ExecContext(ctx, insert); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET n = n + 1"); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT pg_stat_get_xact_tuples_updated(?::regclass), pg_stat_get_xact_tuples_hot_updated(?::regclass)",
			table, table).Scan(&updated, &hot); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if updated != 5000 || hot < updated*9/10 {
			t.Errorf("%s: %d of %d updates in place, want at least 90%%", table, hot, updated)
		}
	}
}
