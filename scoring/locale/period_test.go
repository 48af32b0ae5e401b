package locale

import (
	"testing"
	"time"
	"unicode/utf8"
)

func TestUpperFirst(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"az", "iyul", "İyul"}, {"az", "ıldırım", "Ildırım"}, {"az", "şəki", "Şəki"}, {"az", "", ""},
		{"en", "interval", "Interval"}, {"ru", "июль", "Июль"}, {"az", "İyun", "İyun"},
	} {
		if got := UpperFirst(c.lang, c.in); got != c.want {
			t.Errorf("UpperFirst(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

func TestPeriodName(t *testing.T) {
	for _, c := range []struct{ lang, label, want string }{
		{"az", "2026-Q3", "2026-cı ilin III rübü"},
		{"ru", "2026-Q3", "III квартал 2026 г."},
		{"en", "2026-Q3", "Q3 2026"},
		{"az", "2025-H2", "2025-ci ilin II yarımili"},
		{"ru", "2025-H1", "I полугодие 2025 г."},
		{"en", "2025-H1", "H1 2025"},
		{"az", "2024", "2024-cü il"},
		{"az", "2030", "2030-cu il"},
		{"az", "2040", "2040-cı il"},
		{"az", "2000", "2000-ci il"},
		{"az", "2100", "2100-cü il"},
		{"ru", "2024", "2024 г."},
		{"en", "2024", "2024"},
		{"az", "2026-12", "Dekabr 2026"},
		{"az", "2026-06", "İyun 2026"}, // Azerbaijani capital of i: İ (unicode.ToUpper gave "Iyun")
		{"az", "2026-07", "İyul 2026"},
		{"ru", "2026-08", "Август 2026 г."},
		{"en", "2026-08", "August 2026"},
		{"az", "2025-01-05..2025-02-10", "5 yanvar 2025 – 10 fevral 2025"},
		{"ru", "2025-01-05..2025-02-10", "5 января 2025 г. – 10 февраля 2025 г."},
		{"en", "2025-01-05..2025-02-10", "5 January 2025 – 10 February 2025"},
		{"en", "garbage", "garbage"},
		{"az", "2025-13", "2025-13"},
		{"ru", "2025-Q5", "2025-Q5"},
	} {
		if got := PeriodName(c.lang, c.label); got != c.want {
			t.Errorf("PeriodName(%s, %q) = %q, want %q", c.lang, c.label, got, c.want)
		}
	}
	for _, c := range []struct{ lang, label, want string }{
		{"az", "2026-Q3", "III rüb 2026"}, {"ru", "2026-Q3", "III кв. 2026"}, {"en", "2026-Q3", "Q3 2026"},
		{"az", "2026-12", "dek 2026"}, {"ru", "2026-02", "фев 2026"}, {"en", "2026-02", "Feb 2026"},
		{"ru", "2025-01-05..2025-02-10", "05.01.2025–10.02.2025"},
	} {
		if got := PeriodShort(c.lang, c.label); got != c.want {
			t.Errorf("PeriodShort(%s, %q) = %q, want %q", c.lang, c.label, got, c.want)
		}
	}
	at := time.Date(2026, 12, 5, 14, 3, 0, 0, time.UTC)
	if got := DateTime("az", at); got != "05.12.2026 14:03" {
		t.Errorf("DateTime az = %q", got)
	}
	if got := Date("ru", at); got != "5 декабря 2026 г." {
		t.Errorf("Date ru = %q", got)
	}
}

func FuzzPeriodName(f *testing.F) {
	for _, s := range []string{"2026-Q3", "2026-H1", "2026", "2026-08", "2025-01-05..2025-02-10", "", "..", "2026-", "9999-Q9", "2026-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		for _, l := range Langs {
			got, short := PeriodName(l, label), PeriodShort(l, label)
			if utf8.ValidString(label) && (!utf8.ValidString(got) || !utf8.ValidString(short)) {
				t.Fatalf("invalid UTF-8 for %q", label)
			}
			if label != "" && (got == "" || short == "") {
				t.Fatalf("empty name for %q", label)
			}
		}
	})
}
