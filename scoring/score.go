package scoring

// ItemScaleScore is the item score of a scale answer, (v−min)/(max−min)·100.
// The catalog guarantees max−min ≥ 2; max == min yields NaN or ±Inf.
func ItemScaleScore(v, min, max int) float64 {
	// Multiply first so that exact fractions (3/4 → 75) stay exact.
	return 100 * float64(v-min) / float64(max-min)
}

// ItemYesNoScore is the item score of a yes/no answer: true → 100, false → 0.
func ItemYesNoScore(v bool) float64 {
	if v {
		return 100
	}
	return 0
}

// ScaleTopTwo reports whether a scale answer v is in the top two points of a
// scale ending at max (v ≥ max−1), which is what CSAT counts. A yes/no primary
// question counts when the answer is true.
func ScaleTopTwo(v, max int) bool { return v >= max-1 }

// ScaleBottomTwo reports whether a scale answer v is in the bottom two points of a scale starting at min
// (v ≤ min+1): a response whose primary answer is there opens a case (CONTRACT §11). A yes/no primary
// question opens one when the answer is false.
func ScaleBottomTwo(v, min int) bool { return v <= min+1 }

// Item is one answered question of a response: its weight and item score.
type Item struct{ Weight, Score float64 }

// ResponseScore is R = Σ wᵢ·sᵢ / Σ wᵢ over the items with weight > 0.
// ok is false when no item carries weight (R is then undefined, not 0).
func ResponseScore(items []Item) (r float64, ok bool) {
	var sw, sws float64
	for _, it := range items {
		if !(it.Weight > 0) { // also skips NaN weights
			continue
		}
		sw += it.Weight
		sws += it.Weight * it.Score
	}
	if sw == 0 {
		return 0, false
	}
	return sws / sw, true
}
