package demo

import (
	"math"
	"math/rand/v2"
	"time"
)

// weekdayLoad: centres work seven days, but weekends are quiet (Sunday mornings only).
var weekdayLoad = [7]float64{
	time.Sunday: 0.22, time.Monday: 1.15, time.Tuesday: 1.05, time.Wednesday: 1.0,
	time.Thursday: 1.0, time.Friday: 0.95, time.Saturday: 0.55,
}

// monthLoad: the summer rush for passports and certificates before travel and school, a January lull.
var monthLoad = [13]float64{0, 0.78, 0.95, 0.92, 1.0, 0.97, 1.08, 1.15, 1.2, 1.1, 1.0, 0.95, 1.02}

// holidays are closed days (month, day): New Year, Novruz, Victory Day, Independence Day, National Salvation
// Day, Victory Day (2020), Solidarity Day.
var holidays = map[[2]int]bool{
	{1, 1}: true, {1, 2}: true, {3, 20}: true, {3, 21}: true, {3, 22}: true, {3, 23}: true, {3, 24}: true,
	{5, 9}: true, {5, 28}: true, {6, 15}: true, {11, 8}: true, {12, 31}: true,
}

// dayLoad is the relative number of visits on the civil day d (any location; only its date is used).
func dayLoad(d time.Time) float64 {
	if holidays[[2]int{int(d.Month()), d.Day()}] {
		return 0
	}
	return weekdayLoad[d.Weekday()] * monthLoad[d.Month()]
}

// opening hours in local time: 9–19 on weekdays, 10–16 at weekends.
func openHours(d time.Time) (open, close float64) {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return 10, 16
	}
	return 9, 19
}

// visitHour draws a time of day: a morning peak around 11:00 and an afternoon one around 15:00.
func visitHour(rng *rand.Rand, open, close float64) float64 {
	for {
		var h float64
		if rng.Float64() < 0.55 {
			h = 11 + rng.NormFloat64()*1.3
		} else {
			h = 15 + rng.NormFloat64()*1.5
		}
		if h >= open && h < close {
			return h
		}
		if rng.Float64() < 0.05 { // a rare uniform draw keeps the tails of short days filled
			return open + rng.Float64()*(close-open)
		}
	}
}

// busy is how crowded the hour is (0…1): waiting-time answers drop at the peaks.
func busy(hour float64, wd time.Weekday) float64 {
	b := math.Exp(-(hour-11)*(hour-11)/2) + 0.8*math.Exp(-(hour-15)*(hour-15)/3)
	if wd == time.Monday {
		b *= 1.2
	}
	return math.Min(b, 1)
}
