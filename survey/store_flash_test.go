package survey_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestFlash: a flash is read once, only with its session, not after FlashTTL, and is not stored in clear.
func TestFlash(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		body := []byte(`{"secret":"qk_very-secret"}`)
		if err := s.SetFlash(ctx, "session-a", body); err != nil {
			t.Fatal(err)
		}
		var sealed string
		if err := s.DB().NewSelect().Table("admin_flashes").Column("sealed").Scan(ctx, &sealed); err != nil || strings.Contains(sealed, "very-secret") {
			t.Fatalf("stored: %q %v", sealed, err)
		}
		if got, err := s.TakeFlash(ctx, "session-b"); got != nil || err != nil {
			t.Fatalf("another session read it: %q %v", got, err)
		}
		if got, err := s.TakeFlash(ctx, "session-a"); !bytes.Equal(got, body) || err != nil {
			t.Fatalf("take: %q %v", got, err)
		}
		if got, _ := s.TakeFlash(ctx, "session-a"); got != nil {
			t.Fatal("read twice")
		}
		// A newer flash replaces an older one; an expired one is not shown and is cleared by the next write.
		s.SetFlash(ctx, "session-a", []byte("one"))
		s.SetFlash(ctx, "session-a", []byte("two"))
		if got, _ := s.TakeFlash(ctx, "session-a"); string(got) != "two" {
			t.Fatalf("replaced: %q", got)
		}
		s.SetFlash(ctx, "session-a", []byte("late"))
		clock.Advance(survey.FlashTTL + time.Second)
		if got, _ := s.TakeFlash(ctx, "session-a"); got != nil {
			t.Fatalf("expired flash shown: %q", got)
		}
		s.SetFlash(ctx, "session-c", []byte("x"))
		clock.Advance(survey.FlashTTL + time.Second)
		s.SetFlash(ctx, "session-d", []byte("y"))
		if n, _ := s.DB().NewSelect().Table("admin_flashes").Count(ctx); n != 1 {
			t.Fatalf("expired flashes kept: %d rows", n)
		}
		if err := s.SetFlash(ctx, "", body); err == nil {
			t.Fatal("a flash without a session")
		}
		if err := s.SetFlash(ctx, "s", make([]byte, 17<<10)); err == nil {
			t.Fatal("an oversized flash")
		}
	})
}
