package survey

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Silent kiosks (CONTRACT §11): a kiosk that has sent neither a response nor a heartbeat for KioskSilent of
// opening time (QIYMET_KIOSK_SILENT, default 2 h; QIYMET_OPENING_HOURS, default Monday to Friday 09:00–18:00
// in QIYMET_TIMEZONE) is silent. Time outside opening hours does not count: a kiosk quiet all night is not.

// DefaultKioskSilent is the silence that makes a kiosk silent.
const DefaultKioskSilent = 2 * time.Hour

// OpeningHours is when centres are open: for each weekday (time.Sunday = 0) a window [Open, Close) from
// midnight; Close = 0 means closed that day.
type OpeningHours [7]struct{ Open, Close time.Duration }

// DefaultOpeningHours is Monday to Friday, 09:00–18:00.
var DefaultOpeningHours = func() OpeningHours {
	var h OpeningHours
	for d := time.Monday; d <= time.Friday; d++ {
		h[d].Open, h[d].Close = 9*time.Hour, 18*time.Hour
	}
	return h
}()

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseOpeningHours reads QIYMET_OPENING_HOURS: rules separated by ";", each "DAYS HH:MM-HH:MM", DAYS a day
// (Mon), a range (Mon-Fri) or a list (Mon,Wed,Sat), e.g. "Mon-Fri 09:00-18:00; Sat 10:00-14:00". A later rule
// replaces an earlier one for its days; days no rule names are closed. "" is the default.
func ParseOpeningHours(s string) (OpeningHours, error) {
	var h OpeningHours
	if strings.TrimSpace(s) == "" {
		return DefaultOpeningHours, nil
	}
	if len(s) > 500 {
		return h, fmt.Errorf("opening hours: too long")
	}
	any := false
	for rule := range strings.SplitSeq(s, ";") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			continue
		}
		days, window, ok := strings.Cut(rule, " ")
		if !ok {
			return h, fmt.Errorf("opening hours: %q: want DAYS HH:MM-HH:MM, e.g. Mon-Fri 09:00-18:00", rule)
		}
		open, close, ok := strings.Cut(strings.TrimSpace(window), "-")
		o, err1 := clockOf(open)
		c, err2 := clockOf(close)
		if !ok || err1 != nil || err2 != nil || c <= o {
			return h, fmt.Errorf("opening hours: %q: want a window such as 09:00-18:00 (closing after opening, at most 24:00)", rule)
		}
		ds, err := daysOf(days)
		if err != nil {
			return h, err
		}
		for _, d := range ds {
			h[d].Open, h[d].Close = o, c
		}
		any = true
	}
	if !any {
		return h, fmt.Errorf("opening hours: no rule; e.g. Mon-Fri 09:00-18:00")
	}
	return h, nil
}

func clockOf(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(hh) != 2 || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func dayOf(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, d := range weekdays {
		if s == d {
			return time.Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("opening hours: unknown day %q; use Mon, Tue, Wed, Thu, Fri, Sat, Sun", s)
}

func daysOf(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	for part := range strings.SplitSeq(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, err := dayOf(a)
		if err != nil {
			return nil, err
		}
		to := from
		if isRange {
			if to, err = dayOf(b); err != nil {
				return nil, err
			}
		}
		for d := from; ; d = (d + 1) % 7 { // Sat-Mon wraps over the weekend
			out = append(out, d)
			if d == to {
				break
			}
		}
	}
	return out, nil
}

// String writes the hours back in the form ParseOpeningHours reads, consecutive days with the same window as a
// range (Mon-Fri 09:00-18:00).
func (h OpeningHours) String() string {
	name := func(d time.Weekday) string { return strings.ToUpper(weekdays[d][:1]) + weekdays[d][1:] }
	var rules []string
	for i := 1; i <= 7; {
		d := time.Weekday(i % 7)
		j := i
		for j+1 <= 7 && h[(j+1)%7] == h[d] {
			j++
		}
		if h[d].Close > 0 {
			days := name(d)
			if j > i {
				days += "-" + name(time.Weekday(j%7))
			}
			rules = append(rules, fmt.Sprintf("%s %s-%s", days, clock(h[d].Open), clock(h[d].Close)))
		}
		i = j + 1
	}
	return strings.Join(rules, "; ")
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// OpenTime is how much of [from, to) falls within opening hours in loc.
func (h OpeningHours) OpenTime(from, to time.Time, loc *time.Location) time.Duration {
	if !to.After(from) {
		return 0
	}
	from, to = from.In(loc), to.In(loc)
	var sum time.Duration
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 400 && day.Before(to); i++ { // 400 days is silent under any threshold
		w := h[day.Weekday()]
		if w.Close > 0 {
			open, close := day.Add(w.Open), day.Add(w.Close)
			start, end := maxTime(open, from), minTime(close, to)
			if end.After(start) {
				sum += end.Sub(start)
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	}
	return sum
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
