package figures_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/uptrace/bun"
)

// readerKey marks the context of the reading goroutine.
type readerKey struct{}

// writeWatch is a query hook that sorts writing statements by whose context ran them.
type writeWatch struct {
	mu       sync.Mutex
	byReader []string // writes run under a reader's context: there must be none
	rollups  int      // roll-up deletes of pending changes run by anyone else
}

func (w *writeWatch) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (w *writeWatch) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	q := strings.ToUpper(strings.TrimSpace(e.Query))
	write := false
	for _, verb := range []string{"INSERT", "UPDATE", "DELETE", "BEGIN", "SELECT PG_ADVISORY"} {
		write = write || strings.HasPrefix(q, verb)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case write && ctx.Value(readerKey{}) != nil:
		w.byReader = append(w.byReader, e.Query)
	case strings.HasPrefix(q, "DELETE") && strings.Contains(q, "AGG_PENDING"):
		w.rollups++
	}
}

// A read right after a write sees it, yet the reading goroutine never writes: the store's roll-up goroutine
// folds the change into the cells while the read waits.
func TestReadsSeeWritesWithoutWriting(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		w := &writeWatch{}
		//lint:ignore SA1019 WithQueryHook returns a clone, and the store's own *bun.DB is what must be watched
		s.DB().AddQueryHook(w)
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		k, _, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		reader := context.WithValue(ctx, readerKey{}, true)
		f := figures.New(s, scoring.DefaultConfig())
		p, err := scoring.ParsePeriod("2025-08", storetest.Baku)
		if err != nil {
			t.Fatal(err)
		}
		counted := func() int64 {
			t.Helper()
			rk, err := f.Rankings(reader, p, "", "")
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for _, g := range rk.Groups {
				for _, r := range g.Rows {
					if r.Agency == "migration" {
						n += r.N
					}
				}
			}
			return n
		}
		for i := range 3 {
			if n := counted(); n != int64(i) {
				t.Fatalf("before submission %d: rankings count %d", i+1, n)
			}
			clock.Advance(time.Minute)
			sub, err := survey.DecodeSubmission([]byte(fmt.Sprintf(`{"agency":"migration","answers":{"overall":%d}}`, 3+i)))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k}); err != nil {
				t.Fatal(err)
			}
		}
		if n := counted(); n != 3 {
			t.Fatalf("rankings count %d, want 3", n)
		}
		// The other figures read the same way.
		clock.Advance(time.Minute)
		sub, _ := survey.DecodeSubmission([]byte(`{"agency":"migration","answers":{"overall":5}}`))
		if _, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k}); err != nil {
			t.Fatal(err)
		}
		tr, err := f.Trend(reader, "migration", p, 2)
		if err != nil || tr[1].N != 4 {
			t.Fatalf("trend: %+v %v", tr, err)
		}
		clock.Advance(time.Minute)
		sub, _ = survey.DecodeSubmission([]byte(`{"agency":"migration","answers":{"overall":4}}`))
		if _, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k}); err != nil {
			t.Fatal(err)
		}
		svc, ctr, chn, err := f.AttributeBreakdowns(reader, "migration", p, "en")
		if err != nil || len(ctr.Rows) != 1 || ctr.Rows[0].N != 5 || len(chn.Rows) != 1 || chn.Rows[0].N != 5 || svc == nil {
			t.Fatalf("attribute breakdowns: %+v %+v %v", ctr, chn, err)
		}
		pooled, err := f.Pooled(reader, p)
		if err != nil || pooled[""].N != 5 {
			t.Fatalf("pooled: %+v %v", pooled, err)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.byReader) > 0 {
			t.Fatalf("the reading goroutine wrote %d statements, first %q", len(w.byReader), w.byReader[:min(3, len(w.byReader))])
		}
		if w.rollups == 0 {
			t.Fatal("no roll-up ran: the check saw nothing")
		}
	})
}
