package figures_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestPackedRankingsEqualDirect proves that rankings read from the packed cells (agg_pack, survey/store_pack.go)
// are the rankings read from the cells row by row (Options.DirectCells), as published (every field of the
// JSON), for every period kind the dashboard offers (quarter, month, year, custom range): while the packs are
// still to be built, once they are stored, after new responses arrive (an import, which writes the cells
// itself, and submissions rolled up by the roll-up) and after responses are excluded and counted again
// (status changes). Two instances on one database, on both dialects: one reads packs, the other reads rows.
// The reader keeps the packs it read (store_pack_cache.go): every comparison after the first ones also proves
// that a kept pack is never served once its cells changed.
func TestPackedRankingsEqualDirect(t *testing.T) {
	for _, d := range []string{"sqlite-file", "pg"} {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			now := func() time.Time { return time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) }
			dsn := storetest.DSN(t, d)
			s := storetest.Open(t, dsn, survey.Options{Location: storetest.Baku, Now: now})
			direct := storetest.Open(t, dsn, survey.Options{Location: storetest.Baku, Now: now, DirectCells: true})
			fixture(t, s)
			packed, plain := figures.New(s, scoring.DefaultConfig()), figures.New(direct, scoring.DefaultConfig())
			var periods []scoring.Period
			for _, l := range []string{"2025-Q3", "2025-Q1", "2024-Q4", "2025-08", "2025-01", "2024", "2025"} {
				p, err := scoring.ParsePeriod(l, storetest.Baku)
				if err != nil {
					t.Fatal(err)
				}
				periods = append(periods, p)
			}
			for _, r := range [][2]string{{"2025-06-15", "2025-08-10"}, {"2025-07-03", "2025-07-19"}, {"2024-12-20", "2025-02-03"}, {"2025-08-14", "2025-08-14"}} {
				p, err := scoring.ParseRange(r[0], r[1], storetest.Baku)
				if err != nil {
					t.Fatal(err)
				}
				periods = append(periods, p)
			}
			stored := func() int {
				var n int
				if err := s.DB().NewRaw("SELECT COUNT(*) FROM agg_pack WHERE data IS NOT NULL").Scan(ctx, &n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			same := func(when string) {
				t.Helper()
				for _, p := range periods {
					a, err := packed.Rankings(ctx, p, "", "en")
					if err != nil {
						t.Fatal(err)
					}
					b, err := plain.Rankings(ctx, p, "", "en")
					if err != nil {
						t.Fatal(err)
					}
					ja, _ := json.Marshal(a)
					jb, _ := json.Marshal(b)
					if string(ja) != string(jb) {
						t.Fatalf("%s, %s: packed cells\n%s\ndirect\n%s", when, p.Label, ja, jb)
					}
					if len(a.Groups) == 0 {
						t.Fatalf("%s, %s: no groups: the comparison proves nothing", when, p.Label)
					}
				}
				s.WaitPacks()
			}
			same("packs not built yet")
			if n := stored(); n < 20 {
				t.Fatalf("only %d packs stored after the first rankings", n)
			}
			hits := s.PackCacheHits()
			same("packs stored")
			// The second reading of the same periods takes every pack it read as stored from the cache.
			if s.PackCacheHits() == hits {
				t.Fatal("no pack came from the cache on the second reading")
			}

			// New responses: an import (cells written by the import itself) into packed months and days.
			cv, err := s.CatalogView(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var rows []*survey.Response
			for i, at := range []time.Time{
				time.Date(2025, 8, 14, 10, 0, 0, 0, storetest.Baku), time.Date(2025, 7, 10, 10, 0, 0, 0, storetest.Baku),
				time.Date(2025, 1, 20, 10, 0, 0, 0, storetest.Baku), time.Date(2024, 12, 25, 10, 0, 0, 0, storetest.Baku),
			} {
				for j, ag := range []string{"a2", "b3", "c1", "a4"} {
					for k := range 12 {
						sub := &survey.Submission{ID: fmt.Sprintf("00000000-0000-4000-9000-%04d%04d%04d", i, j, k), Agency: ag,
							SubmittedAt: at.Add(time.Duration(k) * time.Minute).Format(time.RFC3339Nano),
							Answers:     map[string]json.RawMessage{"overall": json.RawMessage(fmt.Sprint(5 - k%2))}}
						r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, now())
						if err != nil {
							t.Fatal(err)
						}
						rows = append(rows, r)
					}
				}
			}
			if _, err := s.BulkInsert(ctx, rows); err != nil {
				t.Fatal(err)
			}
			same("after an import")

			// Status changes, folded in by the roll-up: exclusions, then one counted again.
			for _, r := range rows[:20] {
				if err := s.SetStatus(ctx, r.ID, survey.StatusExcluded, "test"); err != nil {
					t.Fatal(err)
				}
			}
			same("after exclusions")
			if err := direct.SetStatus(ctx, rows[3].ID, survey.StatusCounted, ""); err != nil { // by the other instance
				t.Fatal(err)
			}
			same("after a response is counted again")
			// Responses stored through the trigger and the roll-up (not an import): counted ones flipped back.
			if _, err := s.DB().ExecContext(ctx, "UPDATE responses SET status = 'counted', reason = NULL WHERE status = 'excluded' AND agency_code = 'c1'"); err != nil {
				t.Fatal(err)
			}
			same("after a bulk status change")
			if err := s.VerifyCells(ctx); err != nil {
				t.Fatal(err)
			}
			if stored() == 0 {
				t.Fatal("no pack stored: VerifyCells compared none")
			}
			// VerifyCells compares the stored packs with their cells: a pack holding another key's cells, or one
			// emptied, is found.
			for _, corrupt := range []string{
				`UPDATE agg_pack SET data = (SELECT o.data FROM agg_pack o WHERE o.kind = 'm' AND o.part = 0 AND o.data IS NOT NULL AND o.k <> agg_pack.k ORDER BY o.k LIMIT 1)
					WHERE kind = 'm' AND part = 0 AND data IS NOT NULL AND k = (SELECT MAX(k) FROM agg_pack WHERE kind = 'm' AND data IS NOT NULL)`,
				`UPDATE agg_pack SET data = ? WHERE kind = 'd' AND part = 0 AND data IS NOT NULL`,
			} {
				tx, err := s.DB().BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				args := []any{}
				if strings.Contains(corrupt, "?") {
					args = append(args, []byte{1}) // a pack of no cell
				}
				if res, err := tx.ExecContext(ctx, corrupt, args...); err != nil {
					t.Fatal(err)
				} else if n, _ := res.RowsAffected(); n == 0 {
					t.Fatalf("%s: changed nothing", corrupt)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				if err := s.VerifyCells(ctx); err == nil || !strings.Contains(err.Error(), "agg_pack") {
					t.Fatalf("after %s: VerifyCells said %v", corrupt, err)
				}
				// Mark every pack stale again: the next reader rebuilds them from the cells.
				if _, err := s.DB().ExecContext(ctx, "UPDATE agg_pack SET version = version + 1, data = NULL WHERE part = 0"); err != nil {
					t.Fatal(err)
				}
				if _, err := s.DB().ExecContext(ctx, "DELETE FROM agg_pack WHERE part > 0"); err != nil {
					t.Fatal(err)
				}
				same("after packs were rebuilt")
				if err := s.VerifyCells(ctx); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
