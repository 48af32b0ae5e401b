package scoring

import "testing"

// statsOf sums responses given as R values; the first top2 of them are top-two.
func statsOf(top2 int, rs ...float64) Stats {
	var s Stats
	for i, r := range rs {
		s.AddResponse(r, i < top2)
	}
	return s
}

func TestEstimate(t *testing.T) {
	// Expected values computed by hand: mean, s = √(Σ(R−mean)²/(n−1)),
	// half = t₀.₉₇₅,ₙ₋₁ · s/√n, then clipped and rounded.
	tests := []struct {
		name  string
		stats Stats
		want  Estimate // rounded figures
	}{
		{"no responses", Stats{}, Estimate{}},
		{"one response: CI is the whole scale", statsOf(1, 80),
			Estimate{N: 1, Index: 80, CILow: 0, CIHigh: 100, CSAT: 100, CSATLow: 20.65, CSATHigh: 100, SD: 0}},
		// s = 12.9099, t(3) = 3.182446, half = 20.5426
		{"four responses", statsOf(3, 60, 70, 80, 90),
			Estimate{N: 4, Index: 75, CILow: 54.46, CIHigh: 95.54, CSAT: 75, CSATLow: 30.06, CSATHigh: 95.44, SD: 12.91}},
		// s = 25, t(2) = 4.302653, half = 62.1034: 137.10 is clipped to 100
		{"clipped at 100", statsOf(2, 50, 75, 100),
			Estimate{N: 3, Index: 75, CILow: 12.9, CIHigh: 100, CSAT: 66.67, CSATLow: 20.77, CSATHigh: 93.85, SD: 25}},
		// mean 8.3333, s = 14.4338, half = 35.8554: −27.52 is clipped to 0
		{"clipped at 0", statsOf(0, 0, 0, 25),
			Estimate{N: 3, Index: 8.33, CILow: 0, CIHigh: 44.19, CSAT: 0, CSATLow: 0, CSATHigh: 56.15, SD: 14.43}},
		{"no spread", statsOf(1, 80, 80),
			Estimate{N: 2, Index: 80, CILow: 80, CIHigh: 80, CSAT: 50, CSATLow: 9.45, CSATHigh: 90.55, SD: 0}},
		// s = √(5000/7) = 26.7261, t(7) = 2.364624, half = 22.3428
		{"eight responses", statsOf(6, 100, 75, 50, 75, 100, 25, 100, 75),
			Estimate{N: 8, Index: 75, CILow: 52.66, CIHigh: 97.34, CSAT: 75, CSATLow: 40.93, CSATHigh: 92.85, SD: 26.73}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.stats.Estimate()
			got := Estimate{N: e.N, Index: Round2(e.Index), CILow: Round2(e.CILow), CIHigh: Round2(e.CIHigh),
				CSAT: Round2(e.CSAT), CSATLow: Round2(e.CSATLow), CSATHigh: Round2(e.CSATHigh), SD: Round2(e.SD)}
			if got != tt.want {
				t.Errorf("Estimate()\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestStatsAdd(t *testing.T) {
	whole := statsOf(3, 60, 70, 80, 90)
	a, b := statsOf(2, 60, 70), statsOf(1, 80, 90)
	a.Add(b)
	if a != whole {
		t.Errorf("Add: got %+v, want %+v", a, whole)
	}
	if want := (Stats{N: 4, SumR: 300, SumR2: 23000, NTop2: 3}); whole != want {
		t.Errorf("AddResponse: got %+v, want %+v", whole, want)
	}
}
