package scoring

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// spread is n responses with mean and sample standard deviation sd, as sums.
func spread(n int64, mean, sd float64) Stats {
	nf := float64(n)
	return Stats{N: n, SumR: nf * mean, SumR2: nf*mean*mean + (nf-1)*sd*sd}
}

func TestSD(t *testing.T) {
	tests := []struct {
		name string
		s    Stats
		sd   float64 // hand computed
		se2  float64 // s²/n; +Inf below two responses
	}{
		{"none", Stats{}, 0, math.Inf(1)},
		{"one response", statsOf(0, 80), 0, math.Inf(1)},
		{"two equal", statsOf(0, 80, 80), 0, 0},
		{"60 70 80 90: √(500/3)", statsOf(0, 60, 70, 80, 90), 12.909944, 500.0 / 12},
		{"0 and 100: √5000", statsOf(0, 0, 100), 70.710678, 2500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.s.Estimate()
			if math.Abs(e.SD-tt.sd) > 1e-6 {
				t.Errorf("SD = %.7f, want %.7f", e.SD, tt.sd)
			}
			if got := e.SE2(); !(got == tt.se2 || math.Abs(got-tt.se2) < 1e-9) {
				t.Errorf("SE2 = %v, want %v", got, tt.se2)
			}
		})
	}
}

func TestChangeSignificant(t *testing.T) {
	// a: 60 70 80 90 (mean 75, s² = 500/3). Against a sample of the same spread, se = √(2·500/12) = 9.1287
	// and the margin 1.959964·se = 17.8919.
	a := statsOf(0, 60, 70, 80, 90)
	shifted := func(by float64) Stats { return statsOf(0, 60-by, 70-by, 80-by, 90-by) }
	tests := []struct {
		name string
		a, b Stats
		want bool
	}{
		{"20 points: beyond 17.89", a, shifted(20), true},
		{"15 points: within", a, shifted(15), false},
		{"17.89 points: just within", a, shifted(17.89), false},
		{"17.90 points: just beyond", a, shifted(17.90), true},
		{"a fall counts the same", shifted(20), a, true},
		{"se = 0, no change", statsOf(0, 80, 80), statsOf(0, 80, 80), false},
		{"se = 0, any change", statsOf(0, 80, 80), statsOf(0, 79.99, 79.99), true},
		{"one side of one response: spread unknown", statsOf(0, 100), statsOf(0, 0, 0), false},
		// se = √(25/30 + 400/30) = 3.764, margin 7.38
		{"unequal spreads: 7 points within", spread(30, 90, 5), spread(30, 83, 20), false},
		{"unequal spreads: 8 points beyond", spread(30, 90, 5), spread(30, 82, 20), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChangeSignificant(tt.a.Estimate(), tt.b.Estimate()); got != tt.want {
				t.Errorf("ChangeSignificant = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRankZ(t *testing.T) {
	// Φ⁻¹(1 − 0.05/(2(K−1))): the plain 1.959964 for K = 2, then Bonferroni-widened.
	for k, want := range map[int]float64{2: 1.959964, 3: 2.241403, 4: 2.393980, 10: 2.772921} {
		if got := RankZ(k); math.Abs(got-want) > 1e-6 {
			t.Errorf("RankZ(%d) = %.6f, want %.6f", k, got, want)
		}
	}
	if !math.IsNaN(RankZ(1)) {
		t.Error("RankZ(1) is not NaN")
	}
}

// intervals renders a group as "a#1[1,2]* b#-[0,0]": rank, interval, * when clear first.
func intervals(rows []Row) string {
	var parts []string
	for _, r := range rows {
		rank := "-"
		if r.Ranked {
			rank = fmt.Sprint(r.Rank)
		}
		clear := ""
		if r.ClearFirst {
			clear = "*"
		}
		parts = append(parts, fmt.Sprintf("%s#%s[%d,%d]%s", r.Agency, rank, r.RankLow, r.RankHigh, clear))
	}
	return strings.Join(parts, " ")
}

func TestRankIntervals(t *testing.T) {
	u := func(agency string, s Stats) Unit { return Unit{Agency: agency, Group: "g", Stats: s} }
	// Samples of four with s² = 500/3 (s²/n = 41.67): a pair's se = 9.1287. Margins: K = 2 → 17.89,
	// K = 3 → 2.241403·9.1287 = 20.46.
	four := func(mean float64) Stats { return statsOf(0, mean-15, mean-5, mean+5, mean+15) }
	tests := []struct {
		name  string
		units []Unit
		cfg   Config
		want  string
	}{
		{
			// a−b = 10 and b−c = 15 are within 20.46, a−c = 25 is beyond: a above c only.
			name:  "K = 3",
			units: []Unit{u("a", four(85)), u("b", four(75)), u("c", four(60))},
			cfg:   Config{MinN: 4},
			want:  "a#1[1,2] b#2[1,3] c#3[2,3]",
		},
		{
			name:  "K = 2: 19 points beyond 17.89, a clear first",
			units: []Unit{u("a", four(85)), u("c", four(66))},
			cfg:   Config{MinN: 4},
			want:  "a#1[1,1]* c#2[2,2]",
		},
		{
			// e (0 5 15 20: s²/n = 20.83) is far below both; a−c = 19 is now within 2.241403·9.1287 = 20.46.
			name:  "a third agency widens the margin (Bonferroni)",
			units: []Unit{u("a", four(85)), u("c", four(66)), u("e", statsOf(0, 0, 5, 15, 20))},
			cfg:   Config{MinN: 4},
			want:  "a#1[1,2] c#2[1,2] e#3[3,3]",
		},
		{
			name:  "se = 0: any difference separates",
			units: []Unit{u("a", spread(30, 90, 0)), u("b", spread(30, 80, 0)), u("c", spread(30, 80, 0))},
			cfg:   Config{MinN: 30},
			want:  "a#1[1,1]* b#2[2,3] c#2[2,3]",
		},
		{
			name:  "tied first place is never clear",
			units: []Unit{u("a", spread(30, 80, 0)), u("b", spread(30, 80, 0)), u("c", spread(30, 70, 0))},
			cfg:   Config{MinN: 30},
			want:  "a#1[1,2] b#1[1,2] c#3[3,3]",
		},
		{
			name:  "K = 1 and an insufficient row",
			units: []Unit{u("a", spread(30, 80, 10)), u("b", spread(10, 95, 1))},
			cfg:   Config{MinN: 30},
			want:  "a#1[1,1]* b#-[0,0]",
		},
		{
			name:  "one response: spread unknown, never separated",
			units: []Unit{u("a", statsOf(0, 100)), u("b", statsOf(0, 50, 50)), u("c", statsOf(0, 0, 0))},
			cfg:   Config{MinN: 1},
			want:  "a#1[1,3] b#2[1,2] c#3[2,3]",
		},
		{
			// Index: x 99.5 (n 2, s² 0.5), y 91 and w 80 (n 1000, s² 25000/999). Pooled C = 171199/2002 =
			// 85.514; adjusted with m = 100: y 90.50, x 85.80, w 80.50, so x ranks 2nd although its index is
			// above both: its interval [1,1] is widened to [1,2], y's [2,2] to [1,2].
			name: "the unadjusted index, widened to contain the rank",
			units: []Unit{u("x", statsOf(0, 99, 100)), u("y", spread(1000, 91, math.Sqrt(25000.0/999))),
				u("w", spread(1000, 80, math.Sqrt(25000.0/999)))},
			cfg:  Config{MinN: 2, PriorWeight: 100},
			want: "y#1[1,2] x#2[1,2] w#3[3,3]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := RankPeriod(tt.units, tt.cfg)
			if len(groups) != 1 {
				t.Fatalf("%d groups", len(groups))
			}
			rows := groups[0].Rows
			RankIntervals(rows)
			if got := intervals(rows); got != tt.want {
				t.Errorf("intervals\n got %s\nwant %s", got, tt.want)
			}
			for i, r := range rows { // the streak walk's O(K) test agrees with the full intervals
				if c := clearFirst(rows, i); c != r.ClearFirst {
					t.Errorf("%s: clearFirst = %v, ClearFirst = %v", r.Agency, c, r.ClearFirst)
				}
			}
		})
	}
}

// Significance, rank intervals and clear streaks through Rankings.
func TestRankingsHonest(t *testing.T) {
	sp := func(agency string, mean, sd float64) Unit {
		return Unit{Agency: agency, Group: "g", Stats: spread(30, mean, sd)}
	}
	line := func(groups []Group) string {
		var parts []string
		for _, g := range groups {
			for _, r := range g.Rows {
				parts = append(parts, fmt.Sprintf("%s Δp=%s sig=%s Δy=%s sig=%s streak=%d clear=%d",
					intervals([]Row{r}), ptrStr(r.ChangePrev), boolStr(r.SignificantPrev), ptrStr(r.ChangeYear),
					boolStr(r.SignificantYear), r.Streak, r.ClearStreak))
			}
		}
		return strings.Join(parts, "; ")
	}
	// With s = 5 and n = 30 on both sides, se = 1.291 and the K = 2 margin 2.53.
	tests := []struct {
		name   string
		period string
		units  map[string][]Unit
		want   string
		calls  []string
	}{
		{
			// a: clear first in 06 and 05, first within the margin in 04 (1 point), clear again in 03 → streak
			// 4, clear streak 2. Δp 5 (se 1.29) is beyond; Δy 1 against s = 20 (se 3.76) is not; b has no
			// previous year (nil).
			name:   "clear streak shorter than the streak",
			period: "2025-06",
			units: map[string][]Unit{
				"2025-06": {sp("a", 90, 5), sp("b", 80, 5)},
				"2025-05": {sp("a", 85, 5), sp("b", 80, 5)},
				"2025-04": {sp("a", 90, 5), sp("b", 89, 5)},
				"2025-03": {sp("a", 90, 5), sp("b", 80, 5)},
				"2025-02": {sp("a", 80, 5), sp("b", 90, 5)},
				"2024-06": {sp("a", 89, 20)},
			},
			want: "a#1[1,1]* Δp=5.00 sig=true Δy=1.00 sig=false streak=4 clear=2; " +
				"b#2[2,2] Δp=0.00 sig=false Δy=null sig=null streak=0 clear=0",
			calls: []string{"2025-06", "2025-05", "2024-06", "2025-04", "2025-03", "2025-02"},
		},
		{
			name:   "first but not clear in P: clear streak 0",
			period: "2025-06",
			units: map[string][]Unit{
				"2025-06": {sp("a", 90, 5), sp("b", 89, 5)},
				"2025-05": {sp("a", 90, 5), sp("b", 80, 5)},
			},
			want: "a#1[1,2] Δp=0.00 sig=false Δy=null sig=null streak=2 clear=0; " +
				"b#2[1,2] Δp=9.00 sig=true Δy=null sig=null streak=0 clear=0",
			calls: []string{"2025-06", "2025-05", "2024-06", "2025-04"},
		},
		{
			// A month without responses inside the run breaks both streaks (it is a period of P's kind).
			name:   "a month with no responses ends the streaks",
			period: "2025-06",
			units: map[string][]Unit{
				"2025-06": {sp("a", 90, 5), sp("b", 80, 5)},
				"2025-05": nil,
				"2025-04": {sp("a", 90, 5), sp("b", 80, 5)},
			},
			want: "a#1[1,1]* Δp=null sig=null Δy=null sig=null streak=1 clear=1; " +
				"b#2[2,2] Δp=null sig=null Δy=null sig=null streak=0 clear=0",
			calls: []string{"2025-06", "2025-05", "2024-06"},
		},
		{
			name:   "custom range: clear first but no clear streak",
			period: "2025-01-05..2025-02-10",
			units: map[string][]Unit{
				"2025-01-05..2025-02-10": {sp("a", 90, 5), sp("b", 80, 5)},
			},
			want: "a#1[1,1]* Δp=null sig=null Δy=null sig=null streak=0 clear=0; " +
				"b#2[2,2] Δp=null sig=null Δy=null sig=null streak=0 clear=0",
			calls: []string{"2025-01-05..2025-02-10", "2024-11-29..2025-01-04", "2024-01-05..2024-02-10"},
		},
	}
	baku := mustLoc(t, "Asia/Baku")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &history{units: tt.units}
			got := Rankings(mustPeriod(t, tt.period, baku), h.statsFor, Config{MinN: 30})
			if s := line(got); s != tt.want {
				t.Errorf("rows\n got %s\nwant %s", s, tt.want)
			}
			if !slices.Equal(h.calls, tt.calls) {
				t.Errorf("statsFor calls %v, want %v", h.calls, tt.calls)
			}
		})
	}
}

// A clear streak stops at the cap like the streak, asking each period once.
func TestRankingsClearStreakCap(t *testing.T) {
	h := &history{def: func(Period) []Unit {
		return []Unit{{Agency: "a", Group: "g", Stats: spread(30, 90, 5)}, {Agency: "b", Group: "g", Stats: spread(30, 80, 5)}}
	}}
	got := Rankings(mustPeriod(t, "2025-06", mustLoc(t, "Asia/Baku")), h.statsFor, Config{MinN: 30})
	a := got[0].Rows[0]
	if a.Streak != MaxStreak || a.ClearStreak != MaxStreak || !a.ClearFirst {
		t.Errorf("a: streak %d, clear streak %d, clear first %v; want %d, %d, true", a.Streak, a.ClearStreak, a.ClearFirst, MaxStreak, MaxStreak)
	}
	if len(h.calls) != MaxStreak {
		t.Errorf("statsFor called %d times, want %d", len(h.calls), MaxStreak)
	}
}

func boolStr(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

func TestControl(t *testing.T) {
	m := func(month int, rs ...float64) MonthStats { return MonthStats{Month: month, Stats: statsOf(0, rs...)} }
	type point struct {
		month    int
		index    float64
		lcl, ucl float64
		signal   string
	}
	tests := []struct {
		name      string
		months    []MonthStats
		cl, sigma float64
		points    []point
	}{
		{name: "no months", months: nil},
		{
			name: "one response: whole scale, no signal", months: []MonthStats{m(5, 70)},
			cl: 70, sigma: 0, points: []point{{5, 70, 0, 100, ""}},
		},
		{
			// 28 responses, ΣR = 6·162 + 800 + 320 = 2092, cl = 74.71, sigma 23.76; a month of 2 has limits
			// 74.71 ∓ 50.40 → [24.31, 100], a month of 8 ∓ 25.20 → [49.51, 99.91].
			name: "above and below the limits",
			months: []MonthStats{m(1, 80, 82), m(2, 80, 82), m(3, 80, 82), m(4, 100, 100, 100, 100, 100, 100, 100, 100),
				m(5, 80, 82), m(6, 80, 82), m(7, 40, 40, 40, 40, 40, 40, 40, 40), m(8, 80, 82)},
			cl: 74.71, sigma: 23.76,
			points: []point{{1, 81, 24.31, 100, ""}, {2, 81, 24.31, 100, ""}, {3, 81, 24.31, 100, ""},
				{4, 100, 49.51, 99.91, "above"}, {5, 81, 24.31, 100, ""}, {6, 81, 24.31, 100, ""},
				{7, 40, 49.51, 99.91, "below"}, {8, 81, 24.31, 100, ""}},
		},
		{
			// Seven months at 75 then seven at 85 (pairs ∓1): cl 80, s² = 14·52/27, sigma 5.19, limits
			// 80 ∓ 11.015. Month 3 has no responses: not listed, and the run of seven below still ends at
			// month 7 (the 7th listed month).
			name: "runs across an empty month",
			months: []MonthStats{m(0, 74, 76), m(1, 74, 76), m(2, 74, 76), {Month: 3}, m(4, 74, 76), m(5, 74, 76),
				m(6, 74, 76), m(7, 74, 76), m(8, 84, 86), m(9, 84, 86), m(10, 84, 86), m(11, 84, 86), m(12, 84, 86),
				m(13, 84, 86), m(14, 84, 86)},
			cl: 80, sigma: 5.19,
			points: []point{{0, 75, 68.98, 91.02, ""}, {1, 75, 68.98, 91.02, ""}, {2, 75, 68.98, 91.02, ""},
				{4, 75, 68.98, 91.02, ""}, {5, 75, 68.98, 91.02, ""}, {6, 75, 68.98, 91.02, ""},
				{7, 75, 68.98, 91.02, "run_below"}, {8, 85, 68.98, 91.02, ""}, {9, 85, 68.98, 91.02, ""},
				{10, 85, 68.98, 91.02, ""}, {11, 85, 68.98, 91.02, ""}, {12, 85, 68.98, 91.02, ""},
				{13, 85, 68.98, 91.02, ""}, {14, 85, 68.98, 91.02, "run_above"}},
		},
	}
	// Every response scores 200/3 (not exact in binary): sigma 0, limits on cl, and no month may stray off
	// it by the float sums' last bits.
	var flat []MonthStats
	var flatPoints []point
	for i := range 10 {
		rs := make([]float64, 1+i*7%5)
		for j := range rs {
			rs[j] = 200.0 / 3
		}
		flat = append(flat, m(i, rs...))
		flatPoints = append(flatPoints, point{i, 66.67, 66.67, 66.67, ""})
	}
	tests = append(tests, struct {
		name      string
		months    []MonthStats
		cl, sigma float64
		points    []point
	}{"no spread: no signal", flat, 66.67, 0, flatPoints})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Control(tt.months)
			if Round2(c.CL) != tt.cl || Round2(c.Sigma) != tt.sigma {
				t.Errorf("cl %.4f sigma %.4f, want %.2f %.2f", c.CL, c.Sigma, tt.cl, tt.sigma)
			}
			var got []point
			for _, p := range c.Points {
				got = append(got, point{p.Month, Round2(p.Index), Round2(p.LCL), Round2(p.UCL), p.Signal})
			}
			if !slices.Equal(got, tt.points) {
				t.Errorf("points\n got %v\nwant %v", got, tt.points)
			}
		})
	}
}

// The worked examples of docs/method.md#significance-of-a-change and #rank-interval.
func TestHonestMethodExamples(t *testing.T) {
	if ChangeSignificant(spread(400, 93.228, 12).Estimate(), spread(350, 92, 13).Estimate()) {
		t.Error("c = 1.228 against 1.959964·0.91807 = 1.799 is significant")
	}
	u := func(agency string, n int64, mean, sd float64) Unit {
		return Unit{Agency: agency, Group: "g", Stats: spread(n, mean, sd)}
	}
	groups := RankPeriod([]Unit{u("a", 400, 92.784, 12), u("b", 380, 91.5, 14), u("d", 300, 85, 15)}, Config{MinN: 30})
	RankIntervals(groups[0].Rows)
	if got := intervals(groups[0].Rows); got != "a#1[1,2] b#2[1,2] d#3[3,3]" {
		t.Errorf("rank interval example: %s", got)
	}
	c := Control([]MonthStats{{Month: 1, Stats: spread(100, 86, 15)}, {Month: 2, Stats: spread(100, 90, 15)}})
	// Two months of 100 around 86 and 90 with s = 15 each: cl 88, pooled s² = (2·99·225 + 200·4)/199.
	if Round2(c.CL) != 88 || math.Abs(c.Sigma-math.Sqrt((2*99*225+200*4)/199.0)) > 1e-9 {
		t.Errorf("control: cl %v sigma %v", c.CL, c.Sigma)
	}
}

// RankIntervals is K(K−1)/2 comparisons per group: its cost for one group of 100 and of 1,000 agencies.
func BenchmarkRankIntervals(b *testing.B) {
	for _, k := range []int{100, 1000} {
		b.Run(fmt.Sprintf("K=%d", k), func(b *testing.B) {
			units := make([]Unit, k)
			for i := range units {
				units[i] = Unit{Agency: fmt.Sprintf("a%04d", i), Group: "g", Stats: spread(int64(30+i%400), 60+float64(i%37), 10+float64(i%9))}
			}
			rows := RankPeriod(units, Config{MinN: 30})[0].Rows
			b.ReportAllocs()
			for b.Loop() {
				RankIntervals(rows)
			}
		})
	}
}
