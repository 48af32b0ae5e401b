package scoring

import "math"

// Stats are additive sums over counted responses (a "cell"); every figure
// derives from them, so cells for days, services or centres can be summed into
// any unit and period without going back to raw responses.
type Stats struct {
	N     int64
	SumR  float64 // Σ R
	SumR2 float64 // Σ R²
	NTop2 int64   // responses whose primary answer is in its top two points
}

// Add accumulates o into s.
func (s *Stats) Add(o Stats) {
	s.N += o.N
	s.SumR += o.SumR
	s.SumR2 += o.SumR2
	s.NTop2 += o.NTop2
}

// AddResponse accumulates one counted response with score r; top2 tells whether
// its primary answer is in the top two points.
func (s *Stats) AddResponse(r float64, top2 bool) {
	s.N++
	s.SumR += r
	s.SumR2 += r * r
	if top2 {
		s.NTop2++
	}
}

// Estimate is the unrounded set of published figures of one unit; callers
// round with Round2 only when they output them.
type Estimate struct {
	N                       int64
	Index, CILow, CIHigh    float64 // mean R, Student-t 95% CI clipped to [0,100]; n=1 → [0,100]; n=0 → all 0
	CSAT, CSATLow, CSATHigh float64 // NTop2/N·100 with its 95% Wilson interval (z = WilsonZ)
	SD                      float64 // sample standard deviation of R (n − 1 denominator); 0 when n < 2
}

// SE2 is the squared standard error of the index, s²/n, as the comparisons of docs/method.md#honest-figures
// use it. With one response the spread is unknown, so the index is as uncertain as its [0, 100] interval:
// +Inf, and no comparison with it is significant. n = 0 → +Inf too.
func (e Estimate) SE2() float64 {
	if e.N < 2 {
		return math.Inf(1)
	}
	return e.SD * e.SD / float64(e.N)
}

// Estimate derives the index, its confidence interval and CSAT from the sums.
func (s Stats) Estimate() Estimate {
	if s.N <= 0 {
		return Estimate{}
	}
	n := float64(s.N)
	e := Estimate{N: s.N, Index: s.SumR / n, CILow: 0, CIHigh: 100}
	if s.N >= 2 {
		// Sample variance from the sums; rounding can push it a hair below 0.
		v := (s.SumR2 - s.SumR*s.SumR/n) / (n - 1)
		e.SD = math.Sqrt(math.Max(v, 0))
		half := TQuantile975(int(s.N-1)) * e.SD / math.Sqrt(n)
		e.CILow = clip100(e.Index - half)
		e.CIHigh = clip100(e.Index + half)
	}
	e.CSAT = float64(s.NTop2) / n * 100
	e.CSATLow, e.CSATHigh = Wilson(s.NTop2, s.N)
	return e
}

func clip100(x float64) float64 { return math.Min(100, math.Max(0, x)) }
