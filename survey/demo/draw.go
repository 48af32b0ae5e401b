package demo

import (
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
)

// response draws one visit's rating of agency a at time at.
func (g *generator) response(a agencyDef, d, at time.Time, x float64, quarter int) (*survey.Response, error) {
	rng := g.rng
	p := profiles[a.code]
	cs := g.hostedBy[a.code]
	ce := cs.centers[pick(rng, cs.weights, cs.sum)]
	sv := a.services[pick(rng, serviceWeights[len(a.services)].weights, serviceWeights[len(a.services)].sum)]
	channel := survey.ChannelAPI
	u := rng.Float64()
	for _, c := range channelMix {
		if u < c.share {
			channel = c.name
			break
		}
		u -= c.share
	}
	lang := drawLang(rng, ce.code)
	version := 1
	if x >= g.switchAt[a.code] {
		version = 2
	}
	hour := float64(at.Hour()) + float64(at.Minute())/60
	q := p.quality(x) + g.shock(a.code, quarter) + centerQuality[ce.code] + serviceQuality[sv.code]
	ans := drawAnswers(rng, q, busy(hour, d.Weekday()), p.waitOffset, version == 2, channel == survey.ChannelKiosk)
	sub := &survey.Submission{ID: g.uuid(at), Agency: a.code, Service: sv.code, Center: ce.code, Survey: SurveyCode,
		SurveyVersion: version, Answers: ans.raw(), Lang: lang, SubmittedAt: at.Format(time.RFC3339)}
	t := toneOf(ans.overall)
	if rng.Float64() < commentChance(t) {
		list := comments[lang][t]
		sub.Comment = list[rng.IntN(len(list))]
	}
	// links and integrations reach the server a moment after the citizen pressed send
	delay := time.Duration(rng.IntN(3)) * time.Second
	if channel != survey.ChannelKiosk {
		delay += time.Duration(1+rng.IntN(5)) * time.Second
	}
	return g.cv.Prepare(sub, survey.Target{Channel: channel, Historic: true}, at.Add(delay))
}

// burst is a second kiosk tap one or two seconds after prev: stored, but excluded from every figure.
func (g *generator) burst(prev *survey.Response, at time.Time) (*survey.Response, error) {
	at = at.Add(time.Duration(1+g.rng.IntN(2)) * time.Second)
	ans := answerSet{overall: 1 + g.rng.IntN(5)}
	sub := &survey.Submission{ID: g.uuid(at), Agency: prev.Agency, Service: prev.Service, Center: prev.Center,
		Survey: prev.Survey, SurveyVersion: prev.SurveyVersion, Answers: ans.raw(), Lang: prev.Lang,
		SubmittedAt: at.Format(time.RFC3339)}
	r, err := g.cv.Prepare(sub, survey.Target{Channel: survey.ChannelKiosk, Historic: true}, at)
	if err != nil {
		return nil, err
	}
	r.Status, r.Reason = survey.StatusExcluded, survey.ReasonBurst
	return r, nil
}

// uuid draws a version-7 UUID for a response submitted at: the time in its first 48 bits, the rest from the
// seeded stream (uuid.New would make runs differ). Time-ordered ids go into the id index in order, which
// SQLite stores several times faster than random ones.
func (g *generator) uuid(at time.Time) string {
	var u uuid.UUID
	ms := uint64(at.UnixMilli())
	a, b := g.rng.Uint64(), g.rng.Uint64()
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (8 * (5 - i)))
	}
	u[6], u[7] = byte(a), byte(a>>8)
	for i := 0; i < 8; i++ {
		u[8+i] = byte(b >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// drawLang: Azerbaijani first; Russian is commoner in Baku, English rare everywhere.
func drawLang(rng *rand.Rand, center string) string {
	ru := 0.12
	if len(center) > 5 && center[:5] == "baku-" {
		ru = 0.24
	}
	switch u := rng.Float64(); {
	case u < ru:
		return "ru"
	case u < ru+0.06:
		return "en"
	}
	return "az"
}

// pick draws an index with probability weights[i]/sum.
func pick(rng *rand.Rand, weights []float64, sum float64) int {
	u := rng.Float64() * sum
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	for i := len(weights) - 1; i >= 0; i-- {
		if weights[i] > 0 {
			return i
		}
	}
	return 0
}
