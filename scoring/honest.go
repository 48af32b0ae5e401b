package scoring

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// The honest figures (docs/method.md#honest-figures): whether a change is beyond its margin of error, the
// range of ranks an agency's index supports, and whether a first place is clear.

// SignificanceZ is the z of a change's two-sided 95% test.
const SignificanceZ = WilsonZ

// ChangeSignificant tells whether the change a.Index − b.Index is beyond its 95% margin:
// |c| > 1.959964·se with se = √(s_a²/n_a + s_b²/n_b); se = 0 → iff c ≠ 0. A side with one response has no
// known spread (Estimate.SE2): never significant.
func ChangeSignificant(a, b Estimate) bool {
	c := math.Abs(a.Index - b.Index)
	se := math.Sqrt(a.SE2() + b.SE2())
	if se == 0 {
		return c != 0
	}
	return c > SignificanceZ*se
}

// RankZ is z_K = Φ⁻¹(1 − 0.05/(2(K − 1))): Bonferroni over an agency's K − 1 comparisons. K < 2 → NaN.
func RankZ(k int) float64 {
	if k < 2 {
		return math.NaN()
	}
	return distuv.UnitNormal.Quantile(1 - 0.05/(2*float64(k-1)))
}

// beyond reports whether the difference d of two indices with squared standard errors summing to se2 is
// beyond z (z2 = z²): |d| > z·√se2, and for se2 = 0 iff d ≠ 0 — one comparison without a square root,
// since it runs K² times per group. se2 = +Inf (a side with one response) is never beyond.
func beyond(d, z2, se2 float64) bool { return d*d > z2*se2 }

// RankIntervals sets RankLow, RankHigh and ClearFirst of one group's rows (as RankPeriod orders them) from
// the unadjusted indices of its K ranked rows: rank_low = 1 + #{j above i}, rank_high = K − #{j below i},
// widened to contain Rank. Unranked rows get 0 and false. O(K²) comparisons, no allocation per pair.
func RankIntervals(rows []Row) {
	k := 0
	for i := range rows {
		rows[i].RankLow, rows[i].RankHigh, rows[i].ClearFirst = 0, 0, false
		if rows[i].Ranked {
			k++
		}
	}
	if k == 0 {
		return
	}
	// The ranked rows' indices and s²/n, and their counts of rows above and below, side by side.
	type cmpRow struct {
		index, se2   float64
		above, below int
		row          int
	}
	rs := make([]cmpRow, 0, k)
	for i := range rows {
		if rows[i].Ranked {
			rs = append(rs, cmpRow{index: rows[i].Index, se2: rows[i].SE2(), row: i})
		}
	}
	if k >= 2 {
		z := RankZ(k)
		z2 := z * z
		for i := range rs {
			a := &rs[i]
			for j := i + 1; j < len(rs); j++ {
				b := &rs[j]
				d := a.index - b.index
				if !beyond(d, z2, a.se2+b.se2) {
					continue
				}
				if d > 0 { // a above b
					a.below++
					b.above++
				} else {
					a.above++
					b.below++
				}
			}
		}
	}
	for _, c := range rs {
		r := &rows[c.row]
		r.RankLow = min(1+c.above, r.Rank)
		r.RankHigh = max(k-c.below, r.Rank)
		r.ClearFirst = r.Rank == 1 && r.RankHigh == 1
	}
}

// clearFirst tells whether rows[i] of a group is clear first — what RankIntervals would set as ClearFirst —
// in O(K): ranked 1st and above every other ranked row. The streak walk asks this of earlier periods'
// leaders only, without computing their groups' whole intervals.
func clearFirst(rows []Row, i int) bool {
	a := rows[i]
	if !a.Ranked || a.Rank != 1 {
		return false
	}
	k := 0
	for _, r := range rows {
		if r.Ranked {
			k++
		}
	}
	if k == 1 {
		return true
	}
	z := RankZ(k)
	z2, se2 := z*z, a.SE2()
	for j, b := range rows {
		if j == i || !b.Ranked {
			continue
		}
		if d := a.Index - b.Index; d <= 0 || !beyond(d, z2, se2+b.SE2()) {
			return false
		}
	}
	return true
}
