package web

import (
	"testing"
	"time"
)

// TestKioskSilentRule: only opening hours (09–18, Monday–Friday, local time) count towards the 2 h.
func TestKioskSilentRule(t *testing.T) {
	baku := time.FixedZone("Baku", 4*3600)
	at := func(day, h, m int) time.Time { return time.Date(2025, 8, day, h, m, 0, 0, baku) } // 2025-08-11 is a Monday
	for _, c := range []struct {
		name       string
		last, now  time.Time
		silent     bool
		openAmount time.Duration
	}{
		{"heard 1 h ago at noon", at(11, 11, 0), at(11, 12, 0), false, time.Hour},
		{"heard 2 h ago at noon", at(11, 10, 0), at(11, 12, 0), true, 2 * time.Hour},
		{"quiet since 07:30, now 10:59", at(11, 7, 30), at(11, 10, 59), false, 119 * time.Minute},
		{"quiet since 07:30, now 11:00", at(11, 7, 30), at(11, 11, 0), true, 2 * time.Hour},
		{"overnight: 17:30 to 09:45 next day", at(11, 17, 30), at(12, 9, 45), false, 75 * time.Minute},
		{"weekend: Friday 17:00 to Monday 09:30", at(15, 17, 0), at(18, 9, 30), false, 90 * time.Minute},
		{"weekend: Friday 17:00 to Monday 10:00", at(15, 17, 0), at(18, 10, 0), true, 2 * time.Hour},
		{"silent stays silent at night", at(11, 12, 0), at(11, 23, 0), true, 6 * time.Hour},
		{"Saturday only", at(16, 9, 0), at(16, 18, 0), false, 0},
		{"clock behind", at(11, 12, 0), at(11, 11, 0), false, 0},
	} {
		if got := openTimeBetween(c.last, c.now, baku); got != c.openAmount {
			t.Errorf("%s: open time %v, want %v", c.name, got, c.openAmount)
		}
		if got := kioskSilent(c.last, c.now, baku); got != c.silent {
			t.Errorf("%s: silent %v, want %v", c.name, got, c.silent)
		}
	}
	// A kiosk off for a month is silent without counting a month of days.
	if !kioskSilent(at(1, 12, 0).AddDate(0, -1, 0), at(11, 12, 0), baku) {
		t.Fatal("a month of silence")
	}
}
