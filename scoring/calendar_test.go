package scoring

import (
	"testing"
	"time"
)

func TestDayAndMonthKeys(t *testing.T) {
	for _, tt := range []struct {
		day, month, first int
	}{
		{20250701, 2025*12 + 6, 20250701},
		{20250715, 2025*12 + 6, 20250701},
		{20251231, 2025*12 + 11, 20251201},
		{20260101, 2026*12 + 0, 20260101},
		{20240229, 2024*12 + 1, 20240201},
	} {
		if got := MonthOfDay(tt.day); got != tt.month {
			t.Errorf("MonthOfDay(%d) = %d, want %d", tt.day, got, tt.month)
		}
		if got := FirstDayOfMonth(tt.month); got != tt.first {
			t.Errorf("FirstDayOfMonth(%d) = %d, want %d", tt.month, got, tt.first)
		}
	}
	// The keys agree with DayKey and MonthIndex of the same instant, in any zone.
	baku, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		t.Fatal(err)
	}
	for tm := time.Date(2023, 12, 30, 21, 0, 0, 0, time.UTC); tm.Year() < 2025; tm = tm.Add(7 * time.Hour) {
		for _, loc := range []*time.Location{time.UTC, baku} {
			d, m := DayKey(tm, loc), MonthIndex(tm, loc)
			if MonthOfDay(d) != m {
				t.Fatalf("%s in %s: MonthOfDay(%d) = %d, MonthIndex = %d", tm, loc, d, MonthOfDay(d), m)
			}
			if f := FirstDayOfMonth(m); f > d || MonthOfDay(f) != m || f%100 != 1 {
				t.Fatalf("%s in %s: FirstDayOfMonth(%d) = %d (day %d)", tm, loc, m, f, d)
			}
		}
	}
}
