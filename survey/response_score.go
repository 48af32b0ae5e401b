package survey

import (
	"math"

	"github.com/qiymet/qiymet/scoring"
)

// Score computes R (docs/method.md) and whether the primary answer counts for CSAT: the top two points of a
// scale (scoring.ScaleTopTwo, the one home of the rule), or yes on a yes/no question.
func (s *Survey) Score(answers map[string]any) (r float64, top2 bool, err error) {
	r, top2, _, err = s.scoreAndBottom(answers)
	return r, top2, err
}

// scoreAndBottom is Score, and also whether the primary answer is in the bottom two points (a scale's
// scoring.ScaleBottomTwo, or no on a yes/no question): such a counted response opens a case.
func (s *Survey) scoreAndBottom(answers map[string]any) (r float64, top2, bottom2 bool, err error) {
	var items []scoring.Item
	for _, q := range s.Questions {
		v, ok := answers[q.Key]
		if !ok {
			continue
		}
		var score float64
		switch q.Type {
		case TypeScale:
			score = scoring.ItemScaleScore(v.(int), q.Min, q.Max)
			if q.Key == s.Primary {
				top2 = scoring.ScaleTopTwo(v.(int), q.Max)
				bottom2 = scoring.ScaleBottomTwo(v.(int), q.Min)
			}
		case TypeYesNo:
			score = scoring.ItemYesNoScore(v.(bool))
			if q.Key == s.Primary {
				top2 = v.(bool)
				bottom2 = !v.(bool)
			}
		default:
			continue
		}
		items = append(items, scoring.Item{Weight: q.ScoreWeight(), Score: score})
	}
	r, ok := scoring.ResponseScore(items)
	if !ok || math.IsNaN(r) {
		return 0, false, false, FieldError("answers", "at least one scored question must be answered")
	}
	return r, top2, bottom2, nil
}
