package scoring

import (
	"fmt"
	"time"
)

// Calendar arithmetic. Civil dates are carried as midnight UTC, where every
// day has 24 hours; they become instants only through dayStart, in the zone.

// MonthIndex is the number of months since year 0 of t's month in loc
// (year·12 + month − 1): a compact, ordered key for monthly cells.
func MonthIndex(t time.Time, loc *time.Location) int {
	t = t.In(orUTC(loc))
	return monthIndex(t.Year(), t.Month())
}

// MonthLabel formats a MonthIndex as "YYYY-MM", the key of monthly breakdowns.
func MonthLabel(monthIndex int) string {
	y, m := monthOf(monthIndex)
	return fmt.Sprintf("%04d-%02d", y, int(m))
}

// DayKey is t's date in loc as the integer YYYYMMDD. Day keys sort like dates,
// so [DayKey(Start), DayKey(End)) selects a period's daily cells.
func DayKey(t time.Time, loc *time.Location) int {
	y, m, d := t.In(orUTC(loc)).Date()
	return y*10000 + int(m)*100 + d
}

// MonthOfDay is the MonthIndex of the month holding a day key.
func MonthOfDay(dayKey int) int {
	return monthIndex(dayKey/10000, time.Month(dayKey/100%100))
}

// FirstDayOfMonth is the day key of the first day of a MonthIndex.
func FirstDayOfMonth(monthIndex int) int {
	y, m := monthOf(monthIndex)
	return y*10000 + int(m)*100 + 1
}

// DayRange is the half-open range [from, to) of day keys covering p.
func (p Period) DayRange() (from, to int) {
	loc := p.Start.Location()
	return DayKey(p.Start, loc), DayKey(p.End, loc)
}

// DayKeys lists the day key of every day in p, in order.
func (p Period) DayKeys() []int {
	first, end := civilOf(p.Start), civilOf(p.End)
	keys := make([]int, 0, max(daysBetween(first, end), 0))
	for d := first; d.Before(end); d = d.AddDate(0, 0, 1) {
		keys = append(keys, DayKey(d, time.UTC))
	}
	return keys
}

// MonthRange is the half-open range [from, to) of month indexes covering p.
// whole is false when p does not consist of whole months (some custom
// ranges); from and to are then meaningless and daily cells must be used.
func (p Period) MonthRange() (from, to int, whole bool) {
	s, e := civilOf(p.Start), civilOf(p.End)
	if p.Start.IsZero() || s.Day() != 1 || e.Day() != 1 || !s.Before(e) {
		return 0, 0, false
	}
	return monthIndex(s.Year(), s.Month()), monthIndex(e.Year(), e.Month()), true
}

// MonthKeys lists the month index of every month in p, or nil when p is not
// made of whole months (see MonthRange). Every non-custom period is.
func (p Period) MonthKeys() []int {
	from, to, whole := p.MonthRange()
	if !whole {
		return nil
	}
	keys := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		keys = append(keys, i)
	}
	return keys
}

func monthIndex(y int, m time.Month) int { return y*12 + int(m) - 1 }

func monthOf(idx int) (int, time.Month) {
	return floorDiv(idx, 12), time.Month(floorMod(idx, 12) + 1)
}

func monthStart(idx int, loc *time.Location) time.Time {
	y, m := monthOf(idx)
	return dayStart(civil(y, m, 1), loc)
}

func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// civilOf is t's date in t's own location.
func civilOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return civil(y, m, d)
}

// daysBetween counts days between civil dates (exact: UTC days have 24 hours).
func daysBetween(a, b time.Time) int { return int(b.Sub(a) / (24 * time.Hour)) }

// dayStart is the first instant of civil day d in loc. That is midnight unless
// a DST change skips midnight (e.g. America/Sao_Paulo 2018-11-04, which starts
// at 01:00); time.Date may then answer 23:00 of the day before, so we move to
// the end of that zone offset, which is the first instant of d.
func dayStart(d time.Time, loc *time.Location) time.Time {
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if civilOf(t).Before(d) {
		_, end := t.ZoneBounds()
		if !end.IsZero() {
			t = end
		}
	}
	return t
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
