package scoring

import (
	"math"
	"sync"
)

// WilsonZ is the z of the 95% Wilson interval, as fixed by the method (docs/method.md#wilson-interval).
const WilsonZ = 1.959964

// Wilson is the 95% Wilson score interval of k successes in n trials, in
// percent. Unlike p ± z·√(p(1−p)/n) it stays inside [0,100] and is sensible for
// 0/n and n/n. n ≤ 0 → (0, 0); k outside 0..n → NaN.
func Wilson(k, n int64) (lo, hi float64) {
	if n <= 0 {
		return 0, 0
	}
	if k < 0 || k > n {
		return math.NaN(), math.NaN()
	}
	const z2 = WilsonZ * WilsonZ
	nf := float64(n)
	p := float64(k) / nf
	den := 1 + z2/nf
	mid := (p + z2/(2*nf)) / den
	half := WilsonZ / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return clip100((mid - half) * 100), clip100((mid + half) * 100)
}

// z975 is the exact 0.975 quantile of the standard normal (the limit of t).
const z975 = 1.959963984540054

// tSeriesMax is the largest df solved exactly; above it the Cornish–Fisher
// expansion is accurate to better than 1e-9 and costs O(1) instead of O(df).
const tSeriesMax = 300

// TQuantile975 is the 0.975 quantile of Student's t with df degrees of freedom
// (two-sided 95%), accurate to 1e-9: 12.706205 for df=1, 2.228139 for df=10,
// → 1.959964 as df grows. df ≤ 0 → NaN.
//
// Kept instead of gonum's distuv.StudentsT.Quantile, measured against it for
// every df in 1..10⁶: they agree to 1e-12 up to df 300, but above it gonum's
// incomplete-beta inversion drifts (3.4e-11 at df 10⁵, 1.06e-9 at df 829,607,
// where this expansion's error is below 1e-15), so a published CI could round
// differently; and gonum costs ~11 µs a call against ~5 ns here.
// TestTQuantileAgreesWithGonum keeps the two side by side.
func TQuantile975(df int) float64 {
	switch {
	case df <= 0:
		return math.NaN()
	case df == 1: // Cauchy
		return math.Tan(math.Pi * 0.475)
	case df == 2: // closed form (2p−1)/√(2p(1−p))
		return 0.95 / math.Sqrt(2*0.975*0.025)
	case df > tSeriesMax:
		return tCornishFisher(float64(df))
	}
	return tTable()[df]
}

// tTable holds the solved quantiles for df ≤ tSeriesMax, computed once on
// first use (well under a millisecond), since every Estimate needs one.
var tTable = sync.OnceValue(func() *[tSeriesMax + 1]float64 {
	var t [tSeriesMax + 1]float64
	for df := 3; df <= tSeriesMax; df++ {
		t[df] = tSolve(df)
	}
	return &t
})

// tCornishFisher is the asymptotic expansion of the t quantile in powers of
// 1/ν around the normal quantile (Abramowitz & Stegun 26.7.5).
func tCornishFisher(nu float64) float64 {
	z := z975
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	return z + (g1+(g2+(g3+g4/nu)/nu)/nu)/nu
}

// tSolve finds t with P(|T| < t) = 0.95 by Newton's method on the exact
// finite-series CDF for integer df, starting from the expansion (already
// within ~1% for df ≥ 3).
func tSolve(df int) float64 {
	nu := float64(df)
	// Density constant Γ((ν+1)/2) / (√(νπ) Γ(ν/2)).
	lg1, _ := math.Lgamma((nu + 1) / 2)
	lg2, _ := math.Lgamma(nu / 2)
	c := math.Exp(lg1-lg2) / math.Sqrt(nu*math.Pi)
	t := tCornishFisher(nu)
	for range 50 {
		pdf := c * math.Pow(1+t*t/nu, -(nu+1)/2)
		next := t - (tTwoSided(t, df)-0.95)/(2*pdf)
		if next <= 0 { // never leave t > 0 (cannot happen from a close start)
			next = t / 2
		}
		done := math.Abs(next-t) <= 1e-14*t
		t = next
		if done {
			break
		}
	}
	return t
}

// tTwoSided is A(t|ν) = P(|T| < t) for integer ν ≥ 1 by the finite series of
// Abramowitz & Stegun 26.7.3 (odd ν) and 26.7.4 (even ν), with θ = atan(t/√ν).
// All terms are positive, so the sum is numerically benign.
func tTwoSided(t float64, df int) float64 {
	theta := math.Atan(t / math.Sqrt(float64(df)))
	sin, cos := math.Sincos(theta)
	c2 := cos * cos
	sum, term := 1.0, 1.0
	if df%2 == 1 {
		// (2/π)[θ + sinθ cosθ (1 + 2/3 c² + 2·4/(3·5) c⁴ + … up to c^(ν−3))]
		if df == 1 {
			return 2 * theta / math.Pi
		}
		for k := 1; k <= (df-3)/2; k++ {
			term *= float64(2*k) / float64(2*k+1) * c2
			sum += term
		}
		return 2 / math.Pi * (theta + sin*cos*sum)
	}
	// sinθ (1 + 1/2 c² + 1·3/(2·4) c⁴ + … up to c^(ν−2))
	for k := 1; k <= (df-2)/2; k++ {
		term *= float64(2*k-1) / float64(2*k) * c2
		sum += term
	}
	return sin * sum
}
