package survey_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestParseOpeningHours(t *testing.T) {
	h, err := survey.ParseOpeningHours("")
	if err != nil || h != survey.DefaultOpeningHours || h.String() != "Mon-Fri 09:00-18:00" {
		t.Fatalf("default: %v %v", h, err)
	}
	h, err = survey.ParseOpeningHours("mon-fri 08:30-17:30; Sat 10:00-14:00; Fri 08:30-13:00")
	if err != nil || h[time.Saturday].Open != 10*time.Hour || h[time.Friday].Close != 13*time.Hour || h[time.Sunday].Close != 0 ||
		h[time.Monday].Open != 8*time.Hour+30*time.Minute {
		t.Fatalf("%v %v", h, err)
	}
	if h.String() != "Mon-Thu 08:30-17:30; Fri 08:30-13:00; Sat 10:00-14:00" {
		t.Fatalf("String: %q", h.String())
	}
	if h, err := survey.ParseOpeningHours("Sat-Mon 00:00-24:00"); err != nil || h[time.Sunday].Close != 24*time.Hour || h[time.Tuesday].Close != 0 {
		t.Fatalf("wrapping range: %v %v", h, err)
	}
	for _, bad := range []string{";", "Mon", "Mon 9:00-18:00", "Mon 18:00-09:00", "Mon 09:00-24:01", "Mon 09:00-25:00", "Moon 09:00-18:00",
		"Mon 09:00", "Mon 09:60-10:00", "Mon-Fri 09:00-09:00", "Mon -1:00-09:00"} {
		if _, err := survey.ParseOpeningHours(bad); err == nil {
			t.Errorf("ParseOpeningHours(%q) accepted", bad)
		}
	}
}

func FuzzParseOpeningHours(f *testing.F) {
	f.Add("Mon-Fri 09:00-18:00")
	f.Add("sat 10:00-14:00; Sun-Tue 00:00-24:00")
	f.Add("Mon,Wed 07:15-07:16")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := survey.ParseOpeningHours(s)
		if err != nil {
			return
		}
		for d, w := range h {
			if w.Close != 0 && (w.Open < 0 || w.Close <= w.Open || w.Close > 24*time.Hour) {
				t.Fatalf("%q: day %d window %v", s, d, w)
			}
		}
		if s != "" {
			again, err := survey.ParseOpeningHours(h.String())
			if err != nil || again != h {
				t.Fatalf("%q → %q does not read back: %v", s, h.String(), err)
			}
		}
	})
}

func TestOpenTimeCountsOnlyOpeningHours(t *testing.T) {
	h := survey.DefaultOpeningHours
	baku := storetest.Baku
	at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, baku) } // 7 Dec 2026 is a Monday
	for name, c := range map[string]struct {
		from, to time.Time
		want     time.Duration
	}{
		"within a morning":        {at(7, 9, 30), at(7, 11, 30), 2 * time.Hour},
		"overnight":               {at(7, 17, 0), at(8, 10, 0), 2 * time.Hour},
		"before opening":          {at(7, 6, 0), at(7, 9, 15), 15 * time.Minute},
		"over the weekend":        {at(11, 17, 30), at(14, 9, 45), 75 * time.Minute},
		"a whole week":            {at(7, 0, 0), at(14, 0, 0), 45 * time.Hour},
		"backwards":               {at(8, 0, 0), at(7, 0, 0), 0},
		"saturday to sunday only": {at(12, 8, 0), at(13, 20, 0), 0},
	} {
		if got := h.OpenTime(c.from, c.to, baku); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}

func TestKioskSilentOncePerEpisode(t *testing.T) {
	baku := storetest.Baku
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, baku) // Monday 09:00
	clock := storetest.NewClock(start)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(start)
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		k, _, err := s.AddKiosk(ctx, "baku-1", "Giriş", "migration")
		must(t, err)
		quiet, _, err := s.AddKiosk(ctx, "baku-1", "Never installed", "")
		must(t, err)
		must(t, s.Heartbeat(ctx, k.ID, "1.0", 0))
		report := func(want int) []survey.Event {
			t.Helper()
			n, err := s.ReportSilentKiosks(ctx)
			if err != nil || n != want {
				t.Fatalf("at %v: reported %d, %v; want %d", clock.Now(), n, err, want)
			}
			evs, err := s.EventsAfter(ctx, 0, 100)
			must(t, err)
			return evs
		}
		clock.Advance(119 * time.Minute)
		report(0)
		clock.Advance(time.Minute) // 11:00: two hours of opening time without a sign of life
		evs := report(1)
		silent, err := s.SilentKiosks(ctx, clock.Now())
		if err != nil || len(silent) != 1 || silent[0].ID != k.ID {
			t.Fatalf("SilentKiosks: %+v %v (a kiosk never seen is not silent: %d)", silent, err, quiet.ID)
		}
		var data map[string]any
		must(t, json.Unmarshal([]byte(evs[0].Data), &data))
		if evs[0].Type != survey.EventKioskSilent || evs[0].Agency != "migration" || data["kiosk"] != float64(k.ID) ||
			data["last_seen_at"] != "2026-12-07T05:00:00Z" || data["center"] != "baku-1" {
			t.Fatalf("event %+v", evs[0])
		}
		clock.Advance(3 * time.Hour)
		report(0) // the same episode: no second event
		// It speaks on Tuesday morning, then falls silent again: a new episode, counted in opening hours only.
		clock.Set(time.Date(2026, 12, 8, 17, 0, 0, 0, baku))
		must(t, s.Heartbeat(ctx, k.ID, "1.0", 0))
		clock.Set(time.Date(2026, 12, 9, 9, 59, 0, 0, baku)) // 1 h + 59 min of opening time
		report(0)
		clock.Advance(time.Minute)
		if evs := report(1); len(evs) != 2 {
			t.Fatalf("%d events", len(evs))
		}
		must(t, s.RevokeKiosk(ctx, k.ID))
		clock.Advance(48 * time.Hour)
		report(0)
	})
}
