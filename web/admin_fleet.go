package web

import (
	"time"
)

// The kiosk fleet view's rule for a silent kiosk: one that has sent neither a response nor a heartbeat for
// kioskSilentAfter of opening hours (09:00–18:00, Monday–Friday, in the configured time zone), as CONTRACT §11
// defines kiosk.silent. Counting only opening hours keeps a kiosk switched off overnight or over the weekend
// from standing out on Monday at 09:05. This is the one place the admin page asks; the notifier's own rule
// (Store.SilentKiosks) can replace it here.

const (
	kioskSilentAfter = 2 * time.Hour
	kioskOpenFrom    = 9  // hour of day
	kioskOpenUntil   = 18 // hour of day
	// kioskOnlineWithin: a heartbeat this recent means the tablet is online (it beats every kioskTiming.Heartbeat).
	kioskOnlineWithin = 3 * time.Minute
)

// kioskSilent reports whether a kiosk last heard from at last is silent at now.
func kioskSilent(last, now time.Time, loc *time.Location) bool {
	return openTimeBetween(last, now, loc) >= kioskSilentAfter
}

// openTimeBetween is how much of [from, to) falls in opening hours. Past two weeks it stops counting: that is
// silent by any measure.
func openTimeBetween(from, to time.Time, loc *time.Location) time.Duration {
	if !to.After(from) {
		return 0
	}
	if to.Sub(from) > 14*24*time.Hour {
		return 14 * 24 * time.Hour
	}
	from, to = from.In(loc), to.In(loc)
	var total time.Duration
	for day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc); day.Before(to); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		open := time.Date(day.Year(), day.Month(), day.Day(), kioskOpenFrom, 0, 0, 0, loc)
		shut := time.Date(day.Year(), day.Month(), day.Day(), kioskOpenUntil, 0, 0, 0, loc)
		lo, hi := maxTime(open, from), minTime(shut, to)
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
