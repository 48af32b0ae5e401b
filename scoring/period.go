package scoring

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of a reporting period.
type Kind int

// Period kinds. Every kind but Custom is a whole number of calendar months.
const (
	Year Kind = iota + 1
	Half
	Quarter
	Month
	Custom
)

func (k Kind) String() string {
	switch k {
	case Year:
		return "year"
	case Half:
		return "half"
	case Quarter:
		return "quarter"
	case Month:
		return "month"
	case Custom:
		return "custom"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// months is the length of a calendar kind in months (0 for Custom).
func (k Kind) months() int {
	switch k {
	case Year:
		return 12
	case Half:
		return 6
	case Quarter:
		return 3
	case Month:
		return 1
	}
	return 0
}

// Period is a reporting period. Its boundaries are midnights in the service's
// zone (the Location of Start and End); End is exclusive.
type Period struct {
	Kind  Kind
	Label string    // "2025", "2025-H1", "2025-Q3", "2025-08", custom: "2025-01-05..2025-02-10"
	Start time.Time // in loc
	End   time.Time // exclusive, in loc
}

func (p Period) String() string { return p.Label }

// Years accepted from users; periods derived by Previous/Back may lie outside.
const (
	MinYear = 2000
	MaxYear = 2100
)

// MaxRangeYears bounds the length of a custom range.
const MaxRangeYears = 5

// ErrInvalidPeriod is wrapped by every parse error (errors.Is).
var ErrInvalidPeriod = errors.New("invalid period")

// PeriodError tells which input was at fault: Field is "period", "from" or "to".
type PeriodError struct {
	Field, Value, Reason string
}

func (e *PeriodError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

func (e *PeriodError) Unwrap() error { return ErrInvalidPeriod }

const periodForms = "want YYYY, YYYY-H1|H2, YYYY-Q1..Q4 or YYYY-MM"

// ParsePeriod parses a calendar period label: YYYY, YYYY-H1|H2, YYYY-Q1..Q4 or
// YYYY-MM, years MinYear..MaxYear. It is strict (no spaces, lower case, short or
// unpadded forms), so an accepted string is always the period's own Label.
func ParsePeriod(s string, loc *time.Location) (Period, error) {
	bad := func(reason string) (Period, error) {
		return Period{}, &PeriodError{Field: "period", Value: s, Reason: reason}
	}
	if len(s) < 4 || !digits(s[:4]) {
		return bad(periodForms)
	}
	y, _ := strconv.Atoi(s[:4])
	if y < MinYear || y > MaxYear {
		return bad(fmt.Sprintf("year must be %d..%d", MinYear, MaxYear))
	}
	rest := s[4:]
	switch {
	case rest == "":
		return calendarPeriod(Year, monthIndex(y, 1), loc), nil
	case len(rest) != 3 || rest[0] != '-':
		return bad(periodForms)
	case rest[1] == 'H':
		if rest[2] != '1' && rest[2] != '2' {
			return bad("half must be H1 or H2")
		}
		return calendarPeriod(Half, monthIndex(y, 1)+int(rest[2]-'1')*6, loc), nil
	case rest[1] == 'Q':
		if rest[2] < '1' || rest[2] > '4' {
			return bad("quarter must be Q1..Q4")
		}
		return calendarPeriod(Quarter, monthIndex(y, 1)+int(rest[2]-'1')*3, loc), nil
	case digits(rest[1:]):
		m, _ := strconv.Atoi(rest[1:])
		if m < 1 || m > 12 {
			return bad("month must be 01..12")
		}
		return calendarPeriod(Month, monthIndex(y, time.Month(m)), loc), nil
	}
	return bad(periodForms)
}

// ParseRange parses a custom range of whole days, from and to (YYYY-MM-DD) both
// included: to ≥ from, at most MaxRangeYears long, years MinYear..MaxYear.
func ParseRange(from, to string, loc *time.Location) (Period, error) {
	f, err := parseDate("from", from)
	if err != nil {
		return Period{}, err
	}
	t, err := parseDate("to", to)
	if err != nil {
		return Period{}, err
	}
	if t.Before(f) {
		return Period{}, &PeriodError{Field: "to", Value: to, Reason: "must not be before from"}
	}
	if t.AddDate(0, 0, 1).After(f.AddDate(MaxRangeYears, 0, 0)) {
		return Period{}, &PeriodError{Field: "to", Value: to, Reason: fmt.Sprintf("range longer than %d years", MaxRangeYears)}
	}
	return customPeriod(f, t, loc), nil
}

// ParseLabel parses any Label this package produces, including custom ranges
// ("2025-01-05..2025-02-10"), so a Period can travel as its label.
func ParseLabel(s string, loc *time.Location) (Period, error) {
	if from, to, ok := strings.Cut(s, ".."); ok {
		return ParseRange(from, to, loc)
	}
	return ParsePeriod(s, loc)
}

// parseDate parses a strict YYYY-MM-DD into a civil date (midnight UTC).
func parseDate(field, s string) (time.Time, error) {
	bad := func(reason string) (time.Time, error) {
		return time.Time{}, &PeriodError{Field: field, Value: s, Reason: reason}
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return bad("want YYYY-MM-DD")
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:])
	if y < MinYear || y > MaxYear {
		return bad(fmt.Sprintf("year must be %d..%d", MinYear, MaxYear))
	}
	c := civil(y, time.Month(m), d)
	if c.Month() != time.Month(m) || c.Day() != d { // time.Date normalises 02-30 to 03-02
		return bad("no such date")
	}
	return c, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// PeriodContaining is the period of kind k that contains t in loc (e.g. the
// current quarter); for Custom it is the single day containing t.
func PeriodContaining(k Kind, t time.Time, loc *time.Location) Period {
	loc = orUTC(loc)
	if k.months() == 0 {
		d := civilOf(t.In(loc))
		return customPeriod(d, d, loc)
	}
	mi := MonthIndex(t, loc)
	return calendarPeriod(k, mi-floorMod(mi, k.months()), loc)
}

// calendarPeriod builds the period of kind k starting at month index start
// (which must be aligned to the kind).
func calendarPeriod(k Kind, start int, loc *time.Location) Period {
	loc = orUTC(loc)
	y, m := monthOf(start)
	var label string
	switch k {
	case Year:
		label = fmt.Sprintf("%04d", y)
	case Half:
		label = fmt.Sprintf("%04d-H%d", y, (int(m)-1)/6+1)
	case Quarter:
		label = fmt.Sprintf("%04d-Q%d", y, (int(m)-1)/3+1)
	default:
		label = fmt.Sprintf("%04d-%02d", y, int(m))
	}
	return Period{
		Kind:  k,
		Label: label,
		Start: monthStart(start, loc),
		End:   monthStart(start+k.months(), loc),
	}
}

// customPeriod builds the range of civil days from..to, both included.
func customPeriod(from, to time.Time, loc *time.Location) Period {
	loc = orUTC(loc)
	return Period{
		Kind:  Custom,
		Label: from.Format(time.DateOnly) + ".." + to.Format(time.DateOnly),
		Start: dayStart(from, loc),
		End:   dayStart(to.AddDate(0, 0, 1), loc),
	}
}

// Previous is the period of the same kind just before p; for a custom range,
// the range of the same number of days ending the day before Start.
func (p Period) Previous() Period { return p.Back(1) }

// Back is the period k periods of the same kind before p (Back(1) ==
// Previous(), Back(0) == p, negative k goes forward).
func (p Period) Back(k int) Period {
	loc := p.Start.Location()
	switch {
	case p.Kind == Custom:
		days := p.Days()
		from := civilOf(p.Start).AddDate(0, 0, -k*days)
		return customPeriod(from, from.AddDate(0, 0, days-1), loc)
	case p.Kind.months() > 0:
		return calendarPeriod(p.Kind, MonthIndex(p.Start, loc)-k*p.Kind.months(), loc)
	}
	return p
}

// PreviousYear is the same period one year earlier. A custom range has both
// dates shifted by a year, 29 February becoming 28 February.
func (p Period) PreviousYear() Period {
	loc := p.Start.Location()
	switch {
	case p.Kind == Custom:
		return customPeriod(yearEarlier(civilOf(p.Start)), yearEarlier(civilOf(p.End).AddDate(0, 0, -1)), loc)
	case p.Kind.months() > 0:
		return calendarPeriod(p.Kind, MonthIndex(p.Start, loc)-12, loc)
	}
	return p
}

func yearEarlier(d time.Time) time.Time {
	if d.Month() == time.February && d.Day() == 29 {
		return civil(d.Year()-1, time.February, 28)
	}
	return d.AddDate(-1, 0, 0)
}

// Contains reports whether t falls in [Start, End).
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// Days is the number of calendar days in p (in its zone; a DST day still
// counts once).
func (p Period) Days() int {
	return daysBetween(civilOf(p.Start), civilOf(p.End))
}
