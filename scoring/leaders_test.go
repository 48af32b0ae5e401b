package scoring

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// The streak walk's leaders (firsts and clear firsts found without ordering every row) are exactly the firsts
// and clear firsts of the full ranking, on random periods with ties on the published figure, small samples
// (unranked rows), one-agency groups, several cells per agency, and with and without shrinkage.
func TestLeadersEqualFullRanking(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 3))
	ties, clears := 0, 0
	for trial := range 2000 {
		cfg := Config{MinN: int64(1 + rng.IntN(40))}
		if trial%2 == 1 {
			cfg.PriorWeight = float64(rng.IntN(50))
		}
		var units []Unit
		groups := 1 + rng.IntN(4)
		for a := range 1 + rng.IntN(30) {
			g := fmt.Sprintf("g%d", a%groups)
			for range 1 + rng.IntN(2) { // one or two cells
				var st Stats
				for range rng.IntN(60) {
					// Few distinct scores, so that agencies tie on the published index.
					st.Add(Stats{N: 1, SumR: float64(25 * rng.IntN(5)), SumR2: 0, NTop2: 0})
				}
				st.SumR2 = st.SumR * st.SumR / float64(max(st.N, 1))
				if rng.IntN(3) == 0 { // some spread
					st.SumR2 += float64(rng.IntN(5000))
				}
				if len(units) > groups && rng.IntN(4) == 0 { // the same sums as another agency: a tie
					st = units[len(units)-groups].Stats
				}
				units = append(units, Unit{Agency: fmt.Sprintf("a%02d", a), Group: g, Stats: st})
			}
		}
		full := RankPeriod(units, cfg)
		first, clear := leaders(units, cfg)
		if wf, wc := firsts(full), clearFirsts(full); !maps.Equal(first, wf) || !maps.Equal(clear, wc) {
			t.Fatalf("trial %d: leaders %v / clear %v, full ranking %v / clear %v", trial, first, clear, wf, wc)
		}
		if len(first) > len(full) {
			ties++
		}
		clears += min(1, len(clear))
	}
	if ties < 50 || clears < 50 {
		t.Fatalf("the trials prove little: %d with tied firsts, %d with a clear first", ties, clears)
	}
}
