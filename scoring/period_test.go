package scoring

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at parses an RFC 3339 instant.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustPeriod(t testing.TB, s string, loc *time.Location) Period {
	t.Helper()
	p, err := ParseLabel(s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func samePeriod(a, b Period) bool {
	return a.Kind == b.Kind && a.Label == b.Label && a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

func TestParsePeriod(t *testing.T) {
	baku := mustLoc(t, "Asia/Baku")
	tests := []struct {
		in         string
		kind       Kind
		start, end string
		days       int
	}{
		{"2025", Year, "2025-01-01T00:00:00+04:00", "2026-01-01T00:00:00+04:00", 365},
		{"2024", Year, "2024-01-01T00:00:00+04:00", "2025-01-01T00:00:00+04:00", 366},
		{"2025-H1", Half, "2025-01-01T00:00:00+04:00", "2025-07-01T00:00:00+04:00", 181},
		{"2025-H2", Half, "2025-07-01T00:00:00+04:00", "2026-01-01T00:00:00+04:00", 184},
		{"2025-Q1", Quarter, "2025-01-01T00:00:00+04:00", "2025-04-01T00:00:00+04:00", 90},
		{"2025-Q3", Quarter, "2025-07-01T00:00:00+04:00", "2025-10-01T00:00:00+04:00", 92},
		{"2025-Q4", Quarter, "2025-10-01T00:00:00+04:00", "2026-01-01T00:00:00+04:00", 92},
		{"2025-08", Month, "2025-08-01T00:00:00+04:00", "2025-09-01T00:00:00+04:00", 31},
		{"2024-02", Month, "2024-02-01T00:00:00+04:00", "2024-03-01T00:00:00+04:00", 29},
		{"2000", Year, "2000-01-01T00:00:00+04:00", "2001-01-01T00:00:00+04:00", 366},
		{"2100-12", Month, "2100-12-01T00:00:00+04:00", "2101-01-01T00:00:00+04:00", 31},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePeriod(tt.in, baku)
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != tt.kind || p.Label != tt.in || !p.Start.Equal(at(t, tt.start)) || !p.End.Equal(at(t, tt.end)) {
				t.Errorf("got %v %q [%v, %v), want %v [%s, %s)", p.Kind, p.Label, p.Start, p.End, tt.kind, tt.start, tt.end)
			}
			if p.Start.Location() != baku {
				t.Errorf("Start not in the zone: %v", p.Start.Location())
			}
			if got := p.Days(); got != tt.days {
				t.Errorf("Days() = %d, want %d", got, tt.days)
			}
		})
	}
}

func TestParsePeriodRejects(t *testing.T) {
	for _, in := range []string{
		"", "25", "202", "20255", " 2025", "2025 ", "+2025", "２０２５", "abcd",
		"1999", "2101", "0000", "2101-01",
		"2025-", "2025-Q", "2025-Q5", "2025-Q0", "2025-q3", "2025Q3", "2025-Q3 ", "2025-Q03",
		"2025-H0", "2025-H3", "2025-h1", "2025-S1",
		"2025-13", "2025-00", "2025-1", "2025-001", "2025/07", "2025-M1", "2025-0x",
		"2025-07-01", "2025-01-01..2025-02-01",
	} {
		t.Run(in, func(t *testing.T) {
			p, err := ParsePeriod(in, time.UTC)
			if err == nil {
				t.Fatalf("ParsePeriod(%q) = %v, want an error", in, p.Label)
			}
			var pe *PeriodError
			if !errors.Is(err, ErrInvalidPeriod) || !errors.As(err, &pe) || pe.Field != "period" {
				t.Errorf("error %v: want a *PeriodError for field period wrapping ErrInvalidPeriod", err)
			}
		})
	}
}

func TestParseRange(t *testing.T) {
	baku := mustLoc(t, "Asia/Baku")
	tests := []struct {
		name, from, to string
		label          string
		start, end     string
		days           int
		badField       string
	}{
		{"five weeks", "2025-01-05", "2025-02-10", "2025-01-05..2025-02-10",
			"2025-01-05T00:00:00+04:00", "2025-02-11T00:00:00+04:00", 37, ""},
		{"one day", "2025-08-14", "2025-08-14", "2025-08-14..2025-08-14",
			"2025-08-14T00:00:00+04:00", "2025-08-15T00:00:00+04:00", 1, ""},
		{"exactly five years", "2020-01-01", "2024-12-31", "2020-01-01..2024-12-31",
			"2020-01-01T00:00:00+04:00", "2025-01-01T00:00:00+04:00", 1827, ""},
		{"five years and a day", "2020-01-01", "2025-01-01", "", "", "", 0, "to"},
		{"to before from", "2025-02-10", "2025-01-05", "", "", "", 0, "to"},
		{"no such day", "2025-02-29", "2025-03-01", "", "", "", 0, "from"},
		{"day 0", "2025-02-00", "2025-03-01", "", "", "", 0, "from"},
		{"month 13", "2025-01-01", "2025-13-01", "", "", "", 0, "to"},
		{"unpadded", "2025-1-05", "2025-02-10", "", "", "", 0, "from"},
		{"timestamp", "2025-01-05", "2025-02-10T00:00:00Z", "", "", "", 0, "to"},
		{"year out of range", "1999-12-31", "2000-01-02", "", "", "", 0, "from"},
		{"empty", "", "2025-01-01", "", "", "", 0, "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseRange(tt.from, tt.to, baku)
			if tt.badField != "" {
				var pe *PeriodError
				if !errors.As(err, &pe) || pe.Field != tt.badField || !errors.Is(err, ErrInvalidPeriod) {
					t.Fatalf("err = %v, want a PeriodError for %q", err, tt.badField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != Custom || p.Label != tt.label || !p.Start.Equal(at(t, tt.start)) || !p.End.Equal(at(t, tt.end)) {
				t.Errorf("got %v %q [%v, %v)", p.Kind, p.Label, p.Start, p.End)
			}
			if p.Days() != tt.days {
				t.Errorf("Days() = %d, want %d", p.Days(), tt.days)
			}
			if q, err := ParseLabel(p.Label, baku); err != nil || !samePeriod(p, q) {
				t.Errorf("ParseLabel(%q) = %v, %v", p.Label, q, err)
			}
		})
	}
}

func TestContainsAtZoneBoundary(t *testing.T) {
	baku := mustLoc(t, "Asia/Baku")
	q2, q3 := mustPeriod(t, "2025-Q2", baku), mustPeriod(t, "2025-Q3", baku)
	tests := []struct {
		name string
		at   string
		want Period
	}{
		{"00:30 on 1 July in Baku is Q3", "2025-06-30T20:30:00Z", q3},
		{"23:59:59 on 30 June in Baku is Q2", "2025-06-30T19:59:59Z", q2},
		{"midnight in Baku is Q3 (start inclusive)", "2025-06-30T20:00:00Z", q3},
		{"last instant of Q3", "2025-09-30T19:59:59.999999999Z", q3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := at(t, tt.at)
			for _, p := range []Period{q2, q3} {
				if got, want := p.Contains(tm), p.Label == tt.want.Label; got != want {
					t.Errorf("%s.Contains(%s) = %v, want %v", p.Label, tt.at, got, want)
				}
			}
			if got := PeriodContaining(Quarter, tm, baku); !samePeriod(got, tt.want) {
				t.Errorf("PeriodContaining = %v, want %v", got.Label, tt.want.Label)
			}
		})
	}
	if q3.Contains(q3.End) {
		t.Error("End must be exclusive")
	}
}

func TestPreviousAndBack(t *testing.T) {
	baku := mustLoc(t, "Asia/Baku")
	tests := []struct {
		in, previous, previousYear string
	}{
		{"2025-Q1", "2024-Q4", "2024-Q1"},
		{"2025-Q3", "2025-Q2", "2024-Q3"},
		{"2025-H1", "2024-H2", "2024-H1"},
		{"2025-H2", "2025-H1", "2024-H2"},
		{"2025-01", "2024-12", "2024-01"},
		{"2025-08", "2025-07", "2024-08"},
		{"2025", "2024", "2024"},
		{"2000-Q1", "1999-Q4", "1999-Q1"}, // derived periods may leave the parseable years
		// custom: same number of days ending the day before; previous year shifts the dates
		{"2025-01-05..2025-02-10", "2024-11-29..2025-01-04", "2024-01-05..2024-02-10"},
		{"2025-03-01..2025-03-01", "2025-02-28..2025-02-28", "2024-03-01..2024-03-01"},
		{"2024-02-29..2024-03-01", "2024-02-27..2024-02-28", "2023-02-28..2023-03-01"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := mustPeriod(t, tt.in, baku)
			prev, year := p.Previous(), p.PreviousYear()
			if prev.Label != tt.previous || prev.Kind != p.Kind {
				t.Errorf("Previous() = %q, want %q", prev.Label, tt.previous)
			}
			if year.Label != tt.previousYear || year.Kind != p.Kind {
				t.Errorf("PreviousYear() = %q, want %q", year.Label, tt.previousYear)
			}
			if !prev.End.Equal(p.Start) {
				t.Errorf("Previous() ends %v, want %v", prev.End, p.Start)
			}
			if p.Kind == Custom && prev.Days() != p.Days() {
				t.Errorf("custom Previous() has %d days, want %d", prev.Days(), p.Days())
			}
			if !samePeriod(p.Back(1), prev) || !samePeriod(p.Back(0), p) || !samePeriod(prev.Back(-1), p) {
				t.Errorf("Back(1) = %q, Back(0) = %q, Previous().Back(-1) = %q", p.Back(1).Label, p.Back(0).Label, prev.Back(-1).Label)
			}
		})
	}
	q := mustPeriod(t, "2025-Q3", baku)
	for k, want := range map[int]string{4: "2024-Q3", 11: "2022-Q4", 40: "2015-Q3", -2: "2026-Q1"} {
		if got := q.Back(k).Label; got != want {
			t.Errorf("2025-Q3.Back(%d) = %q, want %q", k, got, want)
		}
	}
	c := mustPeriod(t, "2025-01-05..2025-02-10", baku)
	if got := c.Back(2).Label; got != "2024-10-23..2024-11-28" {
		t.Errorf("custom Back(2) = %q", got)
	}
}

// Days, Contains and boundaries stay calendar-true across DST changes,
// including a change at midnight, where the day starts at 01:00.
func TestPeriodsAcrossDST(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	if got := mustPeriod(t, "2025-03", berlin).Days(); got != 31 { // 743 hours
		t.Errorf("Berlin 2025-03 Days() = %d, want 31", got)
	}
	if got := mustPeriod(t, "2025-10", berlin).Days(); got != 31 { // 745 hours
		t.Errorf("Berlin 2025-10 Days() = %d, want 31", got)
	}
	if got := mustPeriod(t, "2025-Q1", berlin).End; !got.Equal(at(t, "2025-04-01T00:00:00+02:00")) {
		t.Errorf("Berlin 2025-Q1 ends %v", got)
	}

	sp := mustLoc(t, "America/Sao_Paulo") // 2018-11-04 00:00 −03 became 01:00 −02
	p := mustPeriod(t, "2018-11-04..2018-11-04", sp)
	if !p.Start.Equal(at(t, "2018-11-04T01:00:00-02:00")) || !p.End.Equal(at(t, "2018-11-05T00:00:00-02:00")) {
		t.Errorf("Sao Paulo 2018-11-04 = [%v, %v)", p.Start, p.End)
	}
	if p.Days() != 1 || !p.Contains(at(t, "2018-11-04T01:30:00-02:00")) || p.Contains(at(t, "2018-11-03T23:59:59-03:00")) {
		t.Errorf("Sao Paulo 2018-11-04: Days %d, Contains wrong", p.Days())
	}
	if got := p.Previous(); !got.End.Equal(p.Start) || got.Label != "2018-11-03..2018-11-03" {
		t.Errorf("Sao Paulo previous = %q ending %v", got.Label, got.End)
	}
	if got := mustPeriod(t, "2018-11", sp).Days(); got != 30 {
		t.Errorf("Sao Paulo 2018-11 Days() = %d, want 30", got)
	}
}

func TestKeys(t *testing.T) {
	baku := mustLoc(t, "Asia/Baku")
	tm := at(t, "2025-06-30T20:30:00Z") // 2025-07-01 00:30 in Baku
	if got := DayKey(tm, baku); got != 20250701 {
		t.Errorf("DayKey Baku = %d", got)
	}
	if got := DayKey(tm, time.UTC); got != 20250630 {
		t.Errorf("DayKey UTC = %d", got)
	}
	if got := MonthIndex(tm, baku); got != 2025*12+6 {
		t.Errorf("MonthIndex Baku = %d, want %d", got, 2025*12+6)
	}
	if got := MonthIndex(tm, nil); got != 2025*12+5 {
		t.Errorf("MonthIndex nil (UTC) = %d", got)
	}
	if got := MonthLabel(2025*12 + 6); got != "2025-07" {
		t.Errorf("MonthLabel = %q", got)
	}
	if got := calendarPeriod(Month, 2025*12+6, baku); got.Label != "2025-07" || got.Kind != Month {
		t.Errorf("calendarPeriod(Month) = %+v", got)
	}

	tests := []struct {
		period         string
		dayFrom, dayTo int
		months         []int
	}{
		{"2025-Q3", 20250701, 20251001, []int{24306, 24307, 24308}},
		{"2025-12", 20251201, 20260101, []int{24311}},
		{"2025", 20250101, 20260101, []int{24300, 24301, 24302, 24303, 24304, 24305, 24306, 24307, 24308, 24309, 24310, 24311}},
		{"2025-07-01..2025-09-30", 20250701, 20251001, []int{24306, 24307, 24308}},
		{"2025-01-05..2025-02-10", 20250105, 20250211, nil},
		{"2025-01-01..2025-01-30", 20250101, 20250131, nil},
	}
	for _, tt := range tests {
		t.Run(tt.period, func(t *testing.T) {
			p := mustPeriod(t, tt.period, baku)
			if from, to := p.DayRange(); from != tt.dayFrom || to != tt.dayTo {
				t.Errorf("DayRange = [%d, %d), want [%d, %d)", from, to, tt.dayFrom, tt.dayTo)
			}
			if got := p.MonthKeys(); !slices.Equal(got, tt.months) {
				t.Errorf("MonthKeys = %v, want %v", got, tt.months)
			}
			_, _, whole := p.MonthRange()
			if whole != (tt.months != nil) {
				t.Errorf("MonthRange whole = %v", whole)
			}
			keys := p.DayKeys()
			if len(keys) != p.Days() || keys[0] != tt.dayFrom || !slices.IsSorted(keys) {
				t.Errorf("DayKeys: %d keys from %d, want %d from %d", len(keys), keys[0], p.Days(), tt.dayFrom)
			}
		})
	}
	leap := mustPeriod(t, "2024-02-27..2024-03-02", baku)
	if got, want := leap.DayKeys(), []int{20240227, 20240228, 20240229, 20240301, 20240302}; !slices.Equal(got, want) {
		t.Errorf("DayKeys = %v, want %v", got, want)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Year: "year", Half: "half", Quarter: "quarter", Month: "month", Custom: "custom", 0: "Kind(0)"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), want)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2025", "2025-H2", "2025-Q3", "2025-08", "2100-12", "2000-Q1", "2025-Q5", "2025-13", " 2025", "25", "2024-02",
		"2025-01-05..2025-02-10", "2024-02-29..2024-02-29", "2000-01-01..2004-12-31", "2025-02-30..2025-03-01"} {
		f.Add(s)
	}
	baku, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "..") { // a custom range as it travels: its label
			p, err := ParseLabel(s, baku)
			if err != nil {
				if !errors.Is(err, ErrInvalidPeriod) {
					t.Fatalf("ParseLabel(%q): error %v does not wrap ErrInvalidPeriod", s, err)
				}
				return
			}
			if p.Kind != Custom || p.Label != s {
				t.Fatalf("ParseLabel(%q) accepted a non-canonical form (%v %q)", s, p.Kind, p.Label)
			}
			if !p.Start.Before(p.End) || p.Start.Hour() != 0 || p.End.Hour() != 0 {
				t.Fatalf("%q: bad bounds [%v, %v)", s, p.Start, p.End)
			}
			d := p.Days()
			if d < 1 || d > 366*MaxRangeYears {
				t.Fatalf("%q: Days() = %d", s, d)
			}
			if prev := p.Previous(); !prev.End.Equal(p.Start) || prev.Days() != d || !samePeriod(prev.Back(-1), p) {
				t.Fatalf("%q: Previous() = %q does not abut", s, prev.Label)
			}
			if py := p.PreviousYear(); !py.Start.Before(py.End) || !py.End.Before(p.End) {
				t.Fatalf("%q: PreviousYear() = %q", s, py.Label)
			}
			if !p.Contains(p.Start) || p.Contains(p.End) || !p.Contains(p.End.Add(-time.Nanosecond)) {
				t.Fatalf("%q: Contains is not [Start, End)", s)
			}
			return
		}
		p, err := ParsePeriod(s, baku)
		if err != nil {
			if !errors.Is(err, ErrInvalidPeriod) {
				t.Fatalf("ParsePeriod(%q): error %v does not wrap ErrInvalidPeriod", s, err)
			}
			return
		}
		if p.Label != s {
			t.Fatalf("ParsePeriod(%q) accepted a non-canonical form (label %q)", s, p.Label)
		}
		q, err := ParsePeriod(p.Label, baku)
		if err != nil || !samePeriod(p, q) {
			t.Fatalf("round trip of %q: %+v, %v", p.Label, q, err)
		}
		if l, err := ParseLabel(p.Label, baku); err != nil || !samePeriod(p, l) {
			t.Fatalf("ParseLabel(%q): %+v, %v", p.Label, l, err)
		}
		if !p.Start.Before(p.End) || p.Start.Hour() != 0 || p.End.Hour() != 0 || p.Start.Day() != 1 {
			t.Fatalf("%q: bad bounds [%v, %v)", s, p.Start, p.End)
		}
		if d := p.Days(); d < 28 || d > 366 {
			t.Fatalf("%q: Days() = %d", s, d)
		}
		if prev := p.Previous(); !prev.End.Equal(p.Start) || !samePeriod(prev.Back(-1), p) {
			t.Fatalf("%q: Previous() = %q does not abut", s, prev.Label)
		}
		if !p.Contains(p.Start) || p.Contains(p.End) {
			t.Fatalf("%q: Contains is not [Start, End)", s)
		}
		if keys := p.MonthKeys(); len(keys) != p.Kind.months() {
			t.Fatalf("%q: %d month keys", s, len(keys))
		}
	})
}
