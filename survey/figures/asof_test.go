package figures_test

import (
	"context"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestLastSubmittedCountsOnlyCounted: a report's "data as of" is the last counted response of the period
// (docs/method.md); a later excluded one does not move it.
func TestLastSubmittedCountsOnlyCounted(t *testing.T) {
	clock := storetest.NewClock(time.Time{})
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)) // each dialect from the start
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		k, _, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		f := figures.New(s, scoring.DefaultConfig())
		p, err := scoring.ParsePeriod("2025-08", storetest.Baku)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for range 2 {
			clock.Advance(time.Hour)
			sub, err := survey.DecodeSubmission([]byte(`{"agency":"migration","answers":{"overall":4}}`))
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		first, second := time.Date(2025, 8, 14, 7, 0, 0, 0, time.UTC), time.Date(2025, 8, 14, 8, 0, 0, 0, time.UTC)
		if got, _ := f.LastSubmitted(ctx, p); got != second.UnixMicro() {
			t.Fatalf("as of %v, want the second response %v", time.UnixMicro(got).UTC(), second)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE responses SET status = 'excluded', reason = 'test' WHERE id = ?`, ids[1]); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.LastSubmitted(ctx, p); got != first.UnixMicro() {
			t.Fatalf("as of %v after excluding the second, want the first %v", time.UnixMicro(got).UTC(), first)
		}
	})
}
