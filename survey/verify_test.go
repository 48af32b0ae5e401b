package survey_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestVerifyCellsFollowEveryWrite proves the cells equal a recount of the raw responses after every kind of
// write: API submissions (kiosk and API key), bulk inserts, exclusions by a plain UPDATE of status, a
// re-inclusion through SetStatus, both before the roll-up (cells + pending) and after it; and that a
// tampered cell is caught.
func TestVerifyCellsFollowEveryWrite(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now, Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		verify := func(step string) {
			t.Helper()
			if err := s.VerifyCells(ctx); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
		rollup := func() {
			t.Helper()
			if _, err := s.Rollup(ctx); err != nil {
				t.Fatal(err)
			}
		}
		verify("empty")
		rng := rand.New(rand.NewPCG(1, 2))
		answers := func() map[string]any {
			a := map[string]any{"overall": 1 + rng.IntN(5)}
			if rng.IntN(3) > 0 {
				a["waiting"] = 1 + rng.IntN(5)
			}
			if rng.IntN(2) == 0 {
				a["resolved"] = rng.IntN(2) == 0
			}
			if rng.IntN(2) == 0 {
				a["courtesy"] = 1 + rng.IntN(5)
			}
			if rng.IntN(4) == 0 {
				a["comment"] = "yaxşı"
			}
			return a
		}
		agencies := []string{"migration", "justice", "property"}
		kiosk, _, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		key, _, err := s.AddAPIKey(ctx, "crm")
		if err != nil {
			t.Fatal(err)
		}
		submit := func(cred survey.Credential, agency string, at time.Time) {
			t.Helper()
			body, _ := json.Marshal(map[string]any{"agency": agency, "center": "baku-1", "answers": answers(),
				"submitted_at": at.Format(time.RFC3339)})
			sub, err := survey.DecodeSubmission(body)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Submit(ctx, sub, cred); err != nil {
				t.Fatal(err)
			}
		}
		// API writes, several days apart, including one at Baku midnight (20:00 UTC).
		for i := range 40 {
			clock.Advance(37 * time.Minute)
			at := clock.Now().Add(-time.Duration(i) * 7 * time.Hour)
			if i == 5 {
				at = time.Date(2025, 8, 10, 20, 0, 0, 0, time.UTC)
			}
			cred := survey.Credential{APIKey: key}
			if i%2 == 0 {
				cred = survey.Credential{Kiosk: kiosk}
			}
			submit(cred, agencies[i%3], at)
		}
		verify("after API inserts, before roll-up")
		rollup()
		verify("after API inserts and roll-up")

		// Bulk (historic) inserts over two years, across month boundaries.
		cv, err := s.CatalogView(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rows []*survey.Response
		for i := range 1500 {
			at := time.Date(2024, 1, 1, 0, 0, 0, 0, storetest.Baku).Add(time.Duration(rng.Int64N(int64(600 * 24 * time.Hour))))
			if i%100 == 0 {
				at = time.Date(2025, 6, 30, 20, 0, 0, 0, time.UTC) // 2025-07-01 00:00 in Baku
			}
			body, _ := json.Marshal(map[string]any{"agency": agencies[rng.IntN(3)], "answers": answers(),
				"submitted_at": at.Format(time.RFC3339Nano)})
			sub, err := survey.DecodeSubmission(body)
			if err != nil {
				t.Fatal(err)
			}
			ch := []string{survey.ChannelKiosk, survey.ChannelLink, survey.ChannelAPI}[rng.IntN(3)]
			r, err := cv.Prepare(sub, survey.Target{Channel: ch, Historic: true}, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r)
		}
		if n, err := s.BulkInsert(ctx, rows); err != nil || n != int64(len(rows)) {
			t.Fatalf("bulk insert: %d %v", n, err)
		}
		verify("after bulk insert, before roll-up")
		if n, err := s.Pending(ctx); err != nil || n != 0 {
			t.Fatalf("a bulk insert keeps the cells itself, but %d changes are pending (%v)", n, err)
		}
		// Again, with half of the rows already stored: only the new half may reach the cells.
		more := append([]*survey.Response{}, rows[:750]...)
		for _, r := range rows[:750] {
			c := *r
			c.ID = "00000000-0000-4000-8000-" + fmt.Sprintf("%012d", len(more))
			more = append(more, &c)
		}
		if n, err := s.BulkInsert(ctx, more); err != nil || n != 750 {
			t.Fatalf("second bulk insert: %d %v", n, err)
		}
		verify("after a bulk insert that skipped stored ids")
		rollup()
		verify("after bulk insert and roll-up")

		// Exclusions by a plain UPDATE of status (not through the store), half rolled up.
		res, err := s.DB().ExecContext(ctx, `UPDATE responses SET status = 'excluded', reason = 'test'
			WHERE seq % 7 = 3 AND status = 'counted'`)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n < 100 {
			t.Fatalf("excluded only %d rows", n)
		}
		verify("after UPDATE exclusion, before roll-up")
		rollup()
		verify("after UPDATE exclusion and roll-up")

		// Re-inclusion of some, and an exclusion of an already excluded row (no change).
		var ids []string
		if err := s.DB().NewSelect().Table("responses").Column("id").Where("status = 'excluded' AND reason = 'test'").
			OrderExpr("seq").Limit(60).Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			if i%2 == 0 {
				if err := s.SetStatus(ctx, id, survey.StatusCounted, ""); err != nil {
					t.Fatal(err)
				}
			} else if err := s.SetStatus(ctx, id, survey.StatusExcluded, "duplicate"); err != nil {
				t.Fatal(err)
			}
		}
		verify("after re-inclusion, before roll-up")
		rollup()
		verify("after re-inclusion and roll-up")
		if err := s.VerifyCellsOf(ctx, "migration"); err != nil {
			t.Fatal(err)
		}

		// The check can fail: tamper with one cell of each table in turn.
		for _, tamper := range []struct{ table, set string }{
			{"agg_day", "n = n + 1"}, {"agg_day", "sum_r = sum_r + 0.01"}, {"agg_month", "sum_r2 = sum_r2 * 1.001"},
			{"agg_month", "n_top2 = n_top2 + 1"}, {"agg_answer", "n = n - 1"},
		} {
			var pick string
			switch tamper.table {
			case "agg_month":
				pick = "month = (SELECT MIN(month) FROM agg_month WHERE agency_code = 'justice') AND agency_code = 'justice'"
			default:
				pick = fmt.Sprintf("day = (SELECT MAX(day) FROM %s WHERE agency_code = 'justice') AND agency_code = 'justice'", tamper.table)
			}
			if _, err := s.DB().ExecContext(ctx, "UPDATE "+tamper.table+" SET "+tamper.set+" WHERE "+pick); err != nil {
				t.Fatal(err)
			}
			err := s.VerifyCells(ctx)
			if err == nil || !strings.Contains(err.Error(), tamper.table) {
				t.Fatalf("tampered %s (%s): VerifyCells = %v", tamper.table, tamper.set, err)
			}
			if err := s.VerifyCellsOf(ctx, "migration"); err != nil {
				t.Fatalf("tampering justice must not affect migration: %v", err)
			}
			if err := s.VerifyCellsOf(ctx, "justice"); err == nil {
				t.Fatal("VerifyCellsOf(justice) missed the tampered cell")
			}
			undo := strings.NewReplacer("+ 1", "- 1", "- 1", "+ 1", "+ 0.01", "- 0.01", "* 1.001", "/ 1.001").Replace(tamper.set)
			if _, err := s.DB().ExecContext(ctx, "UPDATE "+tamper.table+" SET "+undo+" WHERE "+pick); err != nil {
				t.Fatal(err)
			}
			verify("after undoing " + tamper.set)
		}
	})
}
