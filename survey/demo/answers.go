package demo

import (
	"encoding/json"
	"math"
	"math/rand/v2"
)

// answerSet is one citizen's answers; 0 / unset means "not answered".
type answerSet struct {
	overall, waiting, courtesy, clarity int
	resolved, hasResolved               bool
}

// toScale cuts a latent score into 1–5. The cut points put a typical good agency (latent ≈ 1) at mostly 4s
// and 5s, as real exit surveys do.
func toScale(x float64) int {
	switch {
	case x < -1.3:
		return 1
	case x < -0.6:
		return 2
	case x < 0.1:
		return 3
	case x < 0.85:
		return 4
	}
	return 5
}

// drawAnswers draws correlated answers: one latent "how did it go" drives the overall answer, and waiting,
// courtesy and clarity follow it with their own noise; waiting also suffers at busy hours. Quick kiosk taps
// skip optional questions more often than link respondents.
func drawAnswers(rng *rand.Rand, q, busy, waitOffset float64, v2, kiosk bool) answerSet {
	l := q + rng.NormFloat64()*0.95
	a := answerSet{overall: toScale(l)}
	skip := 1.0
	if !kiosk {
		skip = 0.5
	}
	if rng.Float64() >= 0.06*skip {
		a.waiting = toScale(0.65*l + 0.35*q + waitOffset - 0.45*busy + 0.2 + rng.NormFloat64()*0.75)
	}
	if rng.Float64() >= 0.08*skip {
		a.courtesy = toScale(0.6*l + 0.4*q + 0.3 + rng.NormFloat64()*0.65)
	}
	if v2 && rng.Float64() >= 0.09*skip {
		a.clarity = toScale(0.7*l + 0.3*q + 0.15 + rng.NormFloat64()*0.7)
	}
	if rng.Float64() >= 0.12*skip {
		a.hasResolved = true
		a.resolved = rng.Float64() < 1/(1+math.Exp(-(1.6*l+1.2)))
	}
	return a
}

var (
	rawScale = [6]json.RawMessage{nil, json.RawMessage("1"), json.RawMessage("2"), json.RawMessage("3"), json.RawMessage("4"), json.RawMessage("5")}
	rawTrue  = json.RawMessage("true")
	rawFalse = json.RawMessage("false")
)

// raw is the answers as a submission carries them.
func (a answerSet) raw() map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, 5)
	m["overall"] = rawScale[a.overall]
	for k, v := range map[string]int{"waiting": a.waiting, "courtesy": a.courtesy, "clarity": a.clarity} {
		if v != 0 {
			m[k] = rawScale[v]
		}
	}
	if a.hasResolved {
		m["resolved"] = rawFalse
		if a.resolved {
			m["resolved"] = rawTrue
		}
	}
	return m
}
