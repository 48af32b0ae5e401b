package survey_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// BenchmarkSubmitCases: API submissions from 32 goroutines through the batch committer, with no answer opening
// a case and with every 10th in the bottom two points (one case each), on in-memory SQLite, a SQLite file (WAL,
// as `serve` runs it) and PostgreSQL. Compare ns/op of the two, in interleaved pairs on a shared machine:
//
//	go test -run '^$' -bench BenchmarkSubmitCases -count 3 ./survey/
func BenchmarkSubmitCases(b *testing.B) {
	for _, dialect := range append(slices.Clone(storetest.Dialects), "sqlite-file") {
		for _, every := range benchLowEvery {
			b.Run(fmt.Sprintf("%s/low_every_%d", dialect, every), func(b *testing.B) {
				s := storetest.New(b, dialect, survey.Options{})
				storetest.ApplyCatalog(b, s)
				cred := apiCred(b, s)
				var n atomic.Int64
				b.SetParallelism(16)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						v := 4
						if every > 0 && i%int64(every) == 0 {
							v = 1
						}
						sub, _ := survey.DecodeSubmission(fmt.Appendf(nil, `{"id":%q,"agency":"migration","center":"baku-1","answers":{"overall":%d,"waiting":3},"comment":"Növbə"}`, uuid.NewString(), v))
						if _, _, err := s.Submit(context.Background(), sub, cred); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				if every > 0 {
					if got := countRows(b, s, "cases"); got != n.Load()/int64(every) {
						b.Fatalf("%d cases for %d submissions", got, n.Load())
					}
				}
			})
		}
	}
}

// benchLowEvery are the variants of BenchmarkSubmitCases, in the order they run.
var benchLowEvery = []int{0, 10}
