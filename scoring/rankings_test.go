package scoring

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// history serves statsFor from fixed units per label, or from def, and
// records which periods were asked for.
type history struct {
	units map[string][]Unit
	def   func(Period) []Unit
	calls []string
}

func (h *history) statsFor(p Period) []Unit {
	h.calls = append(h.calls, p.Label)
	if u, ok := h.units[p.Label]; ok {
		return u
	}
	if h.def != nil {
		return h.def(p)
	}
	return nil
}

// rowLine renders the history-dependent fields of a row.
func rowLine(r Row) string {
	rank := "-"
	if r.Ranked {
		rank = fmt.Sprint(r.Rank)
	}
	return fmt.Sprintf("%s#%s prev=%s Δp=%s Δy=%s streak=%d", r.Agency, rank, ptrStr(r.PreviousRank), ptrStr(r.ChangePrev), ptrStr(r.ChangeYear), r.Streak)
}

func ptrStr[T int | float64](p *T) string {
	switch v := any(p).(type) {
	case *int:
		if v != nil {
			return fmt.Sprint(*v)
		}
	case *float64:
		if v != nil {
			return fmt.Sprintf("%.2f", Round2(*v))
		}
	}
	return "null"
}

func rowLines(groups []Group) string {
	var lines []string
	for _, g := range groups {
		for _, r := range g.Rows {
			lines = append(lines, g.Group+"/"+rowLine(r))
		}
	}
	return strings.Join(lines, "; ")
}

func TestRankings(t *testing.T) {
	baku := mustLoc(t, "Asia/Baku")
	leaderA := func(Period) []Unit { // a always 1st of g, x alone (so 1st) in h
		return []Unit{unit("a", "g", 30, 90), unit("b", "g", 30, 80), unit("x", "h", 30, 70)}
	}
	cfg := Config{MinN: 30}
	tests := []struct {
		name   string
		period string
		units  map[string][]Unit
		def    func(Period) []Unit
		want   string
		calls  []string // nil: not checked
		nCalls int      // checked when calls is nil and nCalls > 0
	}{
		{
			name:   "previous rank, changes and their nil cases",
			period: "2025-Q3",
			units: map[string][]Unit{
				"2025-Q3": {unit("a", "g", 50, 90), unit("b", "g", 50, 80), unit("c", "g", 10, 95)},
				"2025-Q2": {unit("a", "g", 40, 85), unit("b", "g", 20, 82), unit("c", "g", 40, 70)},
				"2024-Q3": {unit("a", "g", 60, 88.5), unit("b", "g", 60, 70)},
			},
			// a: 90−85 = 5, 90−88.5 = 1.5, 1st in Q3 and Q2 but absent in Q1 → 2.
			// b: unranked in Q2 (n=20) → no previous rank, no change; 80−70 = 10 vs last year.
			// c: n=10 now → no changes, but it was ranked 2nd in Q2.
			want:  "g/a#1 prev=1 Δp=5.00 Δy=1.50 streak=2; g/b#2 prev=null Δp=null Δy=10.00 streak=0; g/c#- prev=2 Δp=null Δy=null streak=0",
			calls: []string{"2025-Q3", "2025-Q2", "2024-Q3", "2025-Q1"},
		},
		{
			name:   "streak broken by a gap",
			period: "2025-06",
			units: map[string][]Unit{
				"2025-06": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
				"2025-05": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
				"2025-04": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
				"2025-03": {unit("a", "g", 30, 80), unit("b", "g", 30, 90)},
				"2025-02": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
				"2025-01": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
			},
			want:  "g/a#1 prev=1 Δp=0.00 Δy=null streak=3; g/b#2 prev=2 Δp=0.00 Δy=null streak=0",
			calls: []string{"2025-06", "2025-05", "2024-06", "2025-04", "2025-03"},
		},
		{
			name:   "streak capped at 40, each period asked once",
			period: "2025-06",
			def:    leaderA,
			want:   "g/a#1 prev=1 Δp=0.00 Δy=0.00 streak=40; g/b#2 prev=2 Δp=0.00 Δy=0.00 streak=0; h/x#1 prev=1 Δp=0.00 Δy=0.00 streak=40",
			nCalls: 40, // P and 39 earlier months; the previous year is one of them
		},
		{
			name:   "a shared first place counts for both",
			period: "2025-Q3",
			units: map[string][]Unit{
				"2025-Q3": {unit("a", "g", 30, 90), unit("b", "g", 30, 90)},
				"2025-Q2": {unit("a", "g", 30, 90.001), unit("b", "g", 30, 89.999)}, // both 90.00
				"2025-Q1": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
			},
			want:  "g/a#1 prev=1 Δp=0.00 Δy=null streak=3; g/b#1 prev=1 Δp=0.00 Δy=null streak=2",
			calls: []string{"2025-Q3", "2025-Q2", "2024-Q3", "2025-Q1", "2024-Q4"},
		},
		{
			name:   "custom range: no streak, previous of the same length",
			period: "2025-01-05..2025-02-10",
			def:    leaderA,
			want:   "g/a#1 prev=1 Δp=0.00 Δy=0.00 streak=0; g/b#2 prev=2 Δp=0.00 Δy=0.00 streak=0; h/x#1 prev=1 Δp=0.00 Δy=0.00 streak=0",
			calls:  []string{"2025-01-05..2025-02-10", "2024-11-29..2025-01-04", "2024-01-05..2024-02-10"},
		},
		{
			name:   "1st only now: no look-back beyond the previous period",
			period: "2025",
			units: map[string][]Unit{
				"2025": {unit("a", "g", 30, 90), unit("b", "g", 30, 80)},
				"2024": {unit("a", "g", 30, 70), unit("b", "g", 30, 80)},
			},
			want:  "g/a#1 prev=2 Δp=20.00 Δy=20.00 streak=1; g/b#2 prev=1 Δp=0.00 Δy=0.00 streak=0",
			calls: []string{"2025", "2024"}, // the previous year of a year is its previous period
		},
		{
			name:   "nobody ranked: no streaks, no look-back",
			period: "2025-H2",
			def:    func(Period) []Unit { return []Unit{unit("a", "g", 29, 90)} },
			want:   "g/a#- prev=null Δp=null Δy=null streak=0",
			calls:  []string{"2025-H2", "2025-H1", "2024-H2"},
		},
		{
			name:   "no responses in the period",
			period: "2025-H2",
			def:    leaderA,
			units:  map[string][]Unit{"2025-H2": nil},
			want:   "",
			calls:  []string{"2025-H2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &history{units: tt.units, def: tt.def}
			got := Rankings(mustPeriod(t, tt.period, baku), h.statsFor, cfg)
			if s := rowLines(got); s != tt.want {
				t.Errorf("rows\n got %s\nwant %s", s, tt.want)
			}
			switch {
			case tt.calls != nil:
				if !slices.Equal(h.calls, tt.calls) {
					t.Errorf("statsFor calls %v, want %v", h.calls, tt.calls)
				}
			case tt.nCalls > 0:
				if len(h.calls) != tt.nCalls {
					t.Errorf("statsFor called %d times, want %d", len(h.calls), tt.nCalls)
				}
			}
			if dup := len(h.calls) - len(slices.Compact(slices.Sorted(slices.Values(h.calls)))); dup != 0 {
				t.Errorf("statsFor asked %d periods twice: %v", dup, h.calls)
			}
		})
	}
}

// A streak stops at the cap even when the look-back would reach periods from
// before the parseable years.
func TestRankingsStreakCapQuarters(t *testing.T) {
	h := &history{def: func(Period) []Unit { return []Unit{unit("a", "g", 30, 90)} }}
	got := Rankings(mustPeriod(t, "2001-Q1", time.UTC), h.statsFor, DefaultConfig())
	if len(got) != 1 || got[0].Rows[0].Streak != MaxStreak {
		t.Fatalf("rows %s", rowLines(got))
	}
	if first, last := h.calls[0], h.calls[len(h.calls)-1]; first != "2001-Q1" || last != "1991-Q2" {
		t.Errorf("asked from %s back to %s, want 2001-Q1 back to 1991-Q2 (39 quarters)", first, last)
	}
}

// BenchmarkRankings is the in-memory part of a ranking (no store): 100 and 1,000 agencies in 3 groups; the
// strongest agency of each group stays 1st, so every call looks back the full 40 quarters.
func BenchmarkRankings(b *testing.B) {
	baku, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		b.Fatal(err)
	}
	p, err := ParsePeriod("2025-Q3", baku)
	if err != nil {
		b.Fatal(err)
	}
	for _, agencies := range []int{100, 1000} {
		b.Run(fmt.Sprintf("agencies-%d", agencies), func(b *testing.B) {
			names := make([]string, agencies)
			for i := range names {
				names[i] = fmt.Sprintf("agency-%04d", i)
			}
			groups := []string{"group-0", "group-1", "group-2"}
			statsFor := func(q Period) []Unit {
				drift := float64(MonthIndex(q.Start, baku) % 7)
				units := make([]Unit, 0, agencies)
				for i := range agencies {
					n := int64(10 + (i*37)%400)
					mean := 60 + float64(i%33) + drift/10
					if i >= 3 && i < 6 { // one leader per group, far ahead: clear first every quarter
						mean = 99
					}
					units = append(units, Unit{
						Agency: names[i],
						Group:  groups[i%3],
						Stats:  Stats{N: n, SumR: float64(n) * mean, SumR2: float64(n) * (mean*mean + 225), NTop2: n * 3 / 4},
					})
				}
				return units
			}
			cfg := Config{MinN: 30, PriorWeight: 20}
			b.ReportAllocs()
			for b.Loop() {
				Rankings(p, statsFor, cfg)
			}
		})
	}
}
