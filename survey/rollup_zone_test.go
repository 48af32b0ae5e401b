package survey_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestSubmitDuringZoneRebuild: the cells are rebuilt from the stored rows whenever an instance rolls up in
// another time zone than the one they were built in, while other instances go on storing submissions. Every
// response is counted once, whichever side of the rebuild its transaction commits on: after thirty rebuilds back
// and forth under load, the cells equal a recount.
func TestSubmitDuringZoneRebuild(t *testing.T) {
	for _, d := range []string{"sqlite-file", "pg"} {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			baku := storetest.Open(t, dsn, survey.Options{Location: storetest.Baku})
			utc := storetest.Open(t, dsn, survey.Options{Location: time.UTC})
			loadTestCatalog(t, baku)
			key, _, err := baku.AddAPIKey(ctx, "load")
			if err != nil {
				t.Fatal(err)
			}
			var stop atomic.Bool
			var acked atomic.Int64
			wg, _ := submitLoad(baku, key, 2, &stop, func(string) { acked.Add(1) })
			for i := range 30 {
				for deadline := time.Now().Add(10 * time.Second); acked.Load() < int64(10*(i+1)) && time.Now().Before(deadline); {
					time.Sleep(2 * time.Millisecond)
				}
				s := []*survey.Store{utc, baku}[i%2] // each roll-up finds the cells built in the other zone
				if _, err := s.Rollup(ctx); err != nil {
					t.Fatal(err)
				}
			}
			stop.Store(true)
			wg.Wait()
			if _, err := baku.Rollup(ctx); err != nil {
				t.Fatal(err)
			}
			if n := countStored(t, baku); n != acked.Load() || n < 200 {
				t.Fatalf("%d responses stored, %d acknowledged (want the same, at least 200)", n, acked.Load())
			}
			if err := baku.VerifyCells(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
