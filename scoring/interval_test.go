package scoring

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestTQuantile975(t *testing.T) {
	// Reference values: qt(0.975, df) to 16 digits (R / mpmath); printed tables
	// give the same to their 3–6 decimals (12.706, 4.303, 2.228, 2.042, 1.962).
	tests := []struct {
		df   int
		want float64
	}{
		{1, 12.7062047361747},
		{2, 4.302652729749464},
		{3, 3.182446305284263},
		{4, 2.776445105197794},
		{5, 2.570581835636314},
		{10, 2.228138851986274},
		{20, 2.085963447265865},
		{30, 2.042272456301238},
		{100, 1.983971518523552},
		{299, 1.96792966906567},
		{300, 1.967903011261087},
		{301, 1.967876531285},
		{1000, 1.962339080826408},
	}
	for _, tt := range tests {
		got := TQuantile975(tt.df)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("TQuantile975(%d) = %.15g, want %.15g", tt.df, got, tt.want)
		}
	}
	for _, df := range []int{0, -1} {
		if got := TQuantile975(df); !math.IsNaN(got) {
			t.Errorf("TQuantile975(%d) = %v, want NaN", df, got)
		}
	}
	// Huge df tends to the normal quantile from above.
	if got := TQuantile975(1 << 40); got < z975 || got-z975 > 1e-11 {
		t.Errorf("TQuantile975(2^40) = %.15g, want ≈ %.15g", got, z975)
	}
}

// The exact series and the expansion agree where we switch between them, and
// the quantile decreases with df.
func TestTQuantileSwitch(t *testing.T) {
	for df := 3; df <= 2*tSeriesMax; df++ {
		if df >= tSeriesMax-20 {
			if d := math.Abs(tSolve(df) - tCornishFisher(float64(df))); d > 1e-11 {
				t.Fatalf("df=%d: series and expansion differ by %g", df, d)
			}
		}
		if TQuantile975(df) >= TQuantile975(df-1) {
			t.Fatalf("TQuantile975 not decreasing at df=%d", df)
		}
	}
}

// An independent check: gonum's t quantile (incomplete-beta inversion) agrees to 1e-12 where it is exact
// and to 2e-9 at very large df, where it drifts (see TQuantile975).
func TestTQuantileAgreesWithGonum(t *testing.T) {
	for df := 1; df <= 1_000_000; df += max(1, df/50) {
		want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
		tol := 1e-12
		if df > tSeriesMax {
			tol = 2e-9
		}
		if d := math.Abs(TQuantile975(df) - want); d > tol {
			t.Errorf("df=%d: %.15f, gonum %.15f (differ by %.3g)", df, TQuantile975(df), want, d)
		}
	}
}

func TestWilson(t *testing.T) {
	tests := []struct {
		name   string
		k, n   int64
		lo, hi float64 // after Round2
	}{
		{"90 of 100", 90, 100, 82.56, 94.48},
		{"none of 10", 0, 10, 0, 27.75},
		{"all of 10", 10, 10, 72.25, 100},
		{"one of one", 1, 1, 20.65, 100},
		{"2 of 3", 2, 3, 20.77, 93.85},
		{"1 of 2", 1, 2, 9.45, 90.55},
		{"3 of 4", 3, 4, 30.06, 95.44},
		{"no trials", 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := Wilson(tt.k, tt.n)
			if Round2(lo) != tt.lo || Round2(hi) != tt.hi {
				t.Errorf("Wilson(%d, %d) = [%v, %v], want [%v, %v]", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
			}
		})
	}
	for _, bad := range [][2]int64{{-1, 10}, {11, 10}} {
		if lo, hi := Wilson(bad[0], bad[1]); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("Wilson(%d, %d) = [%v, %v], want NaN", bad[0], bad[1], lo, hi)
		}
	}
}
