package scoring

import "math"

// A control chart (docs/method.md#control-chart) of one agency's monthly indices: the centre line is the
// pooled mean of every response listed, the limits of a month are 3 standard errors of a month of its size.

// Control chart signals.
const (
	SignalAbove    = "above"     // the month's index is above its upper limit
	SignalBelow    = "below"     // … below its lower limit
	SignalRunAbove = "run_above" // it and the RunLength−1 listed months before it lie above the centre line
	SignalRunBelow = "run_below"
)

// RunLength is how many listed months in a row on one side of the centre line make a run signal.
const RunLength = 7

// controlTolerance is how far (in points) a month's index must be from a line to lie on one side of it. The
// index and the line are sums of the same float scores taken in different orders, so a month whose responses
// all score exactly the centre line could otherwise land a few ulps off it; 1e-9 points is far below any
// published figure (2 decimals).
const controlTolerance = 1e-9

// MonthStats is one month's sums (Month is its month index, as MonthIndex).
type MonthStats struct {
	Month int
	Stats Stats
}

// ControlPoint is one listed month of a chart. Every figure is unrounded.
type ControlPoint struct {
	Month    int
	Index    float64
	N        int64
	LCL, UCL float64
	Signal   string // "" or one of the Signal… constants
}

// ControlChart is the centre line, the pooled standard deviation and the listed months.
type ControlChart struct {
	CL, Sigma float64
	N         int64 // responses over every listed month
	Points    []ControlPoint
}

// Control charts the months in order (oldest first); months without counted responses are not listed, so
// they neither get a point nor break a run. With fewer than two responses in all the spread is unknown:
// sigma is 0 and the limits are the whole scale [0, 100], as the interval of one response is.
func Control(months []MonthStats) ControlChart {
	var all Stats
	for _, m := range months {
		if m.Stats.N > 0 {
			all.Add(m.Stats)
		}
	}
	e := all.Estimate()
	c := ControlChart{CL: e.Index, Sigma: e.SD, N: e.N, Points: make([]ControlPoint, 0, len(months))}
	above, below := 0, 0 // listed months in a row strictly above / below the centre line
	for _, m := range months {
		if m.Stats.N <= 0 {
			continue
		}
		p := ControlPoint{Month: m.Month, N: m.Stats.N, Index: m.Stats.SumR / float64(m.Stats.N), LCL: 0, UCL: 100}
		if c.N >= 2 {
			half := 3 * c.Sigma / math.Sqrt(float64(p.N))
			p.LCL, p.UCL = clip100(c.CL-half), clip100(c.CL+half)
		}
		switch {
		case p.Index > c.CL+controlTolerance:
			above, below = above+1, 0
		case p.Index < c.CL-controlTolerance:
			above, below = 0, below+1
		default:
			above, below = 0, 0
		}
		switch {
		case p.Index > p.UCL+controlTolerance:
			p.Signal = SignalAbove
		case p.Index < p.LCL-controlTolerance:
			p.Signal = SignalBelow
		case above >= RunLength:
			p.Signal = SignalRunAbove
		case below >= RunLength:
			p.Signal = SignalRunBelow
		}
		c.Points = append(c.Points, p)
	}
	return c
}
