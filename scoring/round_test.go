package scoring

import (
	"math"
	"testing"
)

func TestRound2(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want float64
	}{
		{"2.675 is stored below the tie but rounds up", 2.675, 2.68},
		{"1.005 likewise", 1.005, 1.01},
		{"negative half goes away from zero", -1.005, -1.01},
		{"negative 2.675", -2.675, -2.68},
		{"0.145 stored as 0.14499999999999999", 0.145, 0.15},
		{"exact binary half 0.125", 0.125, 0.13},
		{"exact binary half negative", -0.125, -0.13},
		{"just below half", 0.12499, 0.12},
		{"92.775", 92.775, 92.78},
		{"92.775 one ulp below", math.Nextafter(92.775, 0), 92.78},
		{"92.775 a few ulps below", 92.775 - 4e-14, 92.78},
		{"within tolerance 1e-11 below", 92.775 - 1e-11, 92.78},
		{"outside tolerance 1e-9 below", 92.775 - 1e-9, 92.77},
		{"92.781 down", 92.781, 92.78},
		{"92.779 up", 92.779, 92.78},
		{"99.995 carries to 100", 99.995, 100},
		{"already two decimals", 88.41, 88.41},
		{"integer", 100, 100},
		{"large", 12345.675, 12345.68},
		{"zero", 0, 0},
		{"half of a cent", 0.005, 0.01},
		{"negative half of a cent", -0.005, -0.01},
		{"below a thousandth", 0.0009, 0},
		{"one third", 100.0 / 3, 33.33},
		{"two thirds", 200.0 / 3, 66.67},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Round2(tt.in); got != tt.want {
				t.Errorf("Round2(%.17g) = %.17g, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRound2Special(t *testing.T) {
	if got := Round2(-0.001); got != 0 || math.Signbit(got) {
		t.Errorf("Round2(-0.001) = %v (signbit %v), want +0", got, math.Signbit(got))
	}
	if got := Round2(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Round2(NaN) = %v", got)
	}
	if got := Round2(math.Inf(-1)); !math.IsInf(got, -1) {
		t.Errorf("Round2(-Inf) = %v", got)
	}
}

// A mean that is 92.775 on paper but not in binary still rounds as a tie.
func TestRound2ComputedMean(t *testing.T) {
	s := statsOf(0, 90.377, 88.567, 93.567, 98.589) // Σ = 371.1, mean 92.775 on paper
	idx := s.Estimate().Index
	if idx >= 92.775 {
		t.Fatalf("premise: want the computed mean below 92.775, got %.17g", idx)
	}
	if got := Round2(idx); got != 92.78 {
		t.Errorf("Round2(%.17g) = %v, want 92.78", idx, got)
	}
}

// round2Cases are values around every cent tie of 0..100 (and beyond), where the fast path of Round2 must
// give way to the decimal one, and plain values, where it must agree with it.
func round2Cases() []float64 {
	var xs []float64
	for c := -10_010; c <= 10_010; c++ {
		tie := (float64(c) + 0.5) / 100
		xs = append(xs, float64(c)/100, tie, math.Nextafter(tie, 0), math.Nextafter(tie, 1e9), tie-1e-11, tie+1e-11, tie-1e-9, tie+1e-9, tie-1e-7)
	}
	for _, x := range []float64{1e-300, 0.0009, 0.001, 0.004999999, 12345.675, 1e7 + 0.005, 9.999999e6, 1e9, 1e12 + 0.5, math.MaxFloat64} {
		xs = append(xs, x, -x)
	}
	r := uint64(1)
	for range 200_000 {
		r = r*6364136223846793005 + 1442695040888963407
		xs = append(xs, float64(r>>11)/(1<<53)*100, float64(r>>30)/7)
	}
	return xs
}

func TestRound2FastPathAgrees(t *testing.T) {
	for _, x := range round2Cases() {
		if got, want := Round2(x), round2Decimal(x); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("Round2(%.17g) = %.17g, the decimal path gives %.17g", x, got, want)
		}
	}
}

func FuzzRound2(f *testing.F) {
	for _, x := range round2Cases()[:200] {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		got, want := Round2(x), round2Decimal(x)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("Round2(%.17g) = %.17g, the decimal path gives %.17g", x, got, want)
		}
	})
}

func BenchmarkRound2(b *testing.B) {
	xs := round2Cases()
	xs = xs[len(xs)-10_000:] // plain values
	for b.Loop() {
		for _, x := range xs {
			Round2(x)
		}
	}
}
