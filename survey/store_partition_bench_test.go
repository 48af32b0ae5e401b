package survey_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

// BenchmarkPartitions compares, on PostgreSQL, the same responses stored in monthly partitions and in one table
// (every row in the default partition, which is what an unpartitioned table is), at the same volume: the bulk
// import, HTTP-less ingest through the group commit (32 submitters), a ranking of a quarter, a month's export,
// and the roll-up of status changes (the one join of responses by seq, which probes every partition).
// QIYMET_BENCH_PART_ROWS sets the volume (default 1,000,000; -short 100,000); genCSV spreads the rows over the 24
// months of 2024–2025. `make bench` runs it once (docs/scaling.md, "Partitions and archives").
func BenchmarkPartitions(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	if v, err := strconv.Atoi(os.Getenv("QIYMET_BENCH_PART_ROWS")); err == nil && v > 0 {
		n = v
	}
	path := genFile(b, n, 11)
	for _, layout := range []string{"monthly", "one-table"} {
		b.Run(fmt.Sprintf("%s/%d", layout, n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				clock := storetest.NewClock(time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC))
				s := storetest.New(b, "pg", survey.Options{Now: clock.Now})
				ctx := context.Background()
				loadTestCatalog(b, s)
				if layout == "monthly" {
					if _, err := s.EnsureMonthPartitions(ctx, time.Date(2024, 1, 1, 0, 0, 0, 0, s.Location()), time.Date(2026, 4, 1, 0, 0, 0, 0, s.Location())); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				if res, err := importFile(b, s, path); err != nil || res.Inserted != int64(n) {
					b.Fatalf("import: %+v %v", res, err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "import-s")
				if _, err := s.DB().ExecContext(ctx, "ANALYZE responses; ANALYZE response_keys"); err != nil {
					b.Fatal(err)
				}

				// Ingest: 32 submitters, 6,000 API submissions of the running month.
				key, _, err := s.AddAPIKey(ctx, "bench")
				if err != nil {
					b.Fatal(err)
				}
				const subs, workers = 6000, 32
				start = time.Now()
				var wg sync.WaitGroup
				errs := make(chan error, workers)
				for w := range workers {
					wg.Go(func() {
						for i := w; i < subs; i += workers {
							body := fmt.Sprintf(`{"id":"%08x-0000-4000-8000-%012x","agency":"migration","answers":{"overall":%d}}`, w, i, 1+i%5)
							if _, _, err := submit(b, s, body, survey.Credential{APIKey: key}); err != nil {
								errs <- err
								return
							}
						}
					})
				}
				wg.Wait()
				close(errs)
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(subs)/time.Since(start).Seconds(), "ingest/s")
				if _, err := s.Rollup(ctx); err != nil {
					b.Fatal(err)
				}

				// Rankings of a quarter (cells only: the same work whatever the layout), p95 of 50.
				f := figures.New(s, scoring.Config{MinN: 30})
				p, _ := scoring.ParseLabel("2025-Q3", s.Location())
				var ds []time.Duration
				for range 50 {
					t0 := time.Now()
					if _, err := f.Rankings(ctx, p, "", "en"); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
				}
				slices.Sort(ds)
				b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, "rankings-p95-ms")

				// A month's export (by date: the partition, or a range of the one table's time index).
				start = time.Now()
				from := time.Date(2025, 3, 1, 0, 0, 0, 0, s.Location())
				if _, err := s.Export(ctx, io.Discard, survey.ExportFilter{From: from, To: from.AddDate(0, 1, 0)}); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(start).Seconds()*1000, "export-month-ms")

				// Roll-up of 2,000 status changes spread over the two years.
				var ids []string
				if err := s.DB().NewRaw("SELECT id FROM responses WHERE status = 'counted' ORDER BY md5(id) LIMIT 2000").Scan(ctx, &ids); err != nil {
					b.Fatal(err)
				}
				for _, id := range ids {
					if err := s.SetStatus(ctx, id, "excluded", "test"); err != nil {
						b.Fatal(err)
					}
				}
				start = time.Now()
				if _, err := s.Rollup(ctx); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(start).Seconds()*1000, "rollup-2000-ms")
			}
		})
	}
}
