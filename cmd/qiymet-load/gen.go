package main

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// defaultCatalogJSON mirrors testdata/catalog.json's codes and survey (names trimmed): the generator's
// default when no --catalog is given.
const defaultCatalogJSON = `{
 "groups": [{"code": "central", "name": {"az": "Mərkəzi"}}, {"code": "state-services", "name": {"az": "Dövlət xidmətləri"}}],
 "agencies": [
  {"code": "migration", "group": "central", "survey": "visit", "name": {"az": "Dövlət Miqrasiya Xidməti"}},
  {"code": "justice", "group": "central", "survey": "visit", "name": {"az": "Ədliyyə Nazirliyi"}},
  {"code": "property", "group": "state-services", "survey": "visit", "name": {"az": "Əmlak Məsələləri"}}],
 "services": [
  {"code": "temp-residence", "agency": "migration", "name": {"az": "Müvəqqəti yaşayış"}},
  {"code": "notary", "agency": "justice", "name": {"az": "Notariat"}},
  {"code": "registry", "agency": "property", "name": {"az": "Reyestr"}}],
 "centers": [
  {"code": "baku-1", "agencies": ["migration", "justice", "property"], "name": {"az": "Bakı 1"}},
  {"code": "ganja", "agencies": ["migration"], "name": {"az": "Gəncə"}}],
 "surveys": [{"code": "visit", "version": 1, "primary": "overall", "questions": [
  {"key": "overall", "type": "scale", "min": 1, "max": 5, "weight": 1, "required": true, "text": {"az": "Ümumi"}},
  {"key": "waiting", "type": "scale", "min": 1, "max": 5, "weight": 1, "text": {"az": "Gözləmə"}},
  {"key": "resolved", "type": "yes_no", "weight": 1, "text": {"az": "Həll olundu?"}},
  {"key": "courtesy", "type": "scale", "min": 1, "max": 5, "weight": 0, "text": {"az": "Nəzakət"}},
  {"key": "comment", "type": "text", "text": {"az": "Şərh"}}]}]
}`

func defaultCatalog() *survey.Catalog {
	c, err := survey.DecodeCatalog(strings.NewReader(defaultCatalogJSON))
	if err != nil {
		panic("qiymet-load: default catalog: " + err.Error())
	}
	return c
}

// body is what POST /api/v1/responses receives. Fields left empty are omitted.
type body struct {
	ID          string         `json:"id"`
	Token       string         `json:"token,omitempty"`
	Agency      string         `json:"agency,omitempty"`
	Service     string         `json:"service,omitempty"`
	Center      string         `json:"center,omitempty"`
	Answers     map[string]any `json:"answers"`
	Comment     string         `json:"comment,omitempty"`
	Lang        string         `json:"lang"`
	SubmittedAt string         `json:"submitted_at,omitempty"`
}

// world is the catalog as the generator draws from it.
type world struct {
	agencies []survey.Agency
	services map[string][]string // agency → services
	hosts    map[string][]string // agency → centres hosting it
	hosted   map[string][]string // centre → agencies
	surveys  map[string]survey.Survey
	bias     map[string]float64 // agency → satisfaction bias, so rankings are not a tie
	fixLow   bool               // lowShare of the answers open a case, the others none (--low-share)
	lowShare float64
}

func newWorld(c *survey.Catalog, fixLow bool, lowShare float64) *world {
	w := &world{fixLow: fixLow, lowShare: lowShare, agencies: c.Agencies, services: map[string][]string{}, hosts: map[string][]string{},
		hosted: map[string][]string{}, surveys: map[string]survey.Survey{}, bias: map[string]float64{}}
	for _, s := range c.Services {
		w.services[s.Agency] = append(w.services[s.Agency], s.Code)
	}
	for _, ce := range c.Centers {
		for _, a := range ce.Agencies {
			w.hosts[a] = append(w.hosts[a], ce.Code)
			w.hosted[ce.Code] = append(w.hosted[ce.Code], a)
		}
	}
	for _, s := range c.Surveys {
		if old, ok := w.surveys[s.Code]; !ok || s.Version > old.Version {
			w.surveys[s.Code] = s
		}
	}
	for i, a := range c.Agencies {
		w.bias[a.Code] = 0.35 * float64(i%5) / 4 // 0 … 0.35: a spread of indices
	}
	return w
}

var comments = map[string][]string{
	"az": {"Tez və nəzakətli.", "Növbə çox uzun idi.", "Əməkdaşlar çox köməkçi oldular, təşəkkür edirəm!", "Sənədlər üçün iki dəfə gəlməli oldum."},
	"ru": {"Быстро и вежливо.", "Очередь была слишком длинной.", "Спасибо сотрудникам за помощь!"},
	"en": {"Quick and polite.", "The queue was far too long.", "Staff were very helpful, thank you!"},
}

// answers draws a plausible answer set: mostly satisfied, a tail of unhappy visits, per-agency bias.
func (w *world) answers(rnd *rand.Rand, agency string) (map[string]any, string, string) {
	ag := w.agency(agency)
	sv := w.surveys[ag.Survey]
	mood := rnd.Float64()*0.7 + w.bias[agency] // 0 … 1.05
	lang := "az"
	switch x := rnd.IntN(10); {
	case x == 0:
		lang = "en"
	case x <= 2:
		lang = "ru"
	}
	out := map[string]any{}
	for _, q := range sv.Questions {
		if !q.Required && rnd.IntN(10) == 0 {
			continue // skipped optional question
		}
		switch q.Type {
		case survey.TypeScale:
			span := q.Max - q.Min
			v := q.Min + int(mood*float64(span)+rnd.NormFloat64()*0.8+0.5)
			out[q.Key] = min(q.Max, max(q.Min, v))
		case survey.TypeYesNo:
			out[q.Key] = rnd.Float64() < 0.3+0.65*min(mood, 1)
		}
	}
	comment := ""
	if rnd.IntN(8) == 0 {
		cs := comments[lang]
		comment = cs[rnd.IntN(len(cs))]
	}
	if w.fixLow {
		setPrimary(rnd, sv, out, rnd.Float64() < w.lowShare)
	}
	return out, comment, lang
}

// setPrimary puts the primary answer in its bottom two points (low: the response opens a case) or above them.
func setPrimary(rnd *rand.Rand, sv survey.Survey, out map[string]any, low bool) {
	for _, q := range sv.Questions {
		if q.Key != sv.Primary {
			continue
		}
		switch q.Type {
		case survey.TypeScale:
			if low {
				out[q.Key] = q.Min + rnd.IntN(2)
			} else {
				out[q.Key] = q.Min + 2 + rnd.IntN(q.Max-q.Min-1)
			}
		case survey.TypeYesNo:
			out[q.Key] = !low
		}
	}
}

func (w *world) agency(code string) survey.Agency {
	for _, a := range w.agencies {
		if a.Code == code {
			return a
		}
	}
	return survey.Agency{}
}

// target picks an agency, one of its services and a centre hosting it.
func (w *world) target(rnd *rand.Rand) (agency, service, center string) {
	a := w.agencies[rnd.IntN(len(w.agencies))].Code
	if ss := w.services[a]; len(ss) > 0 && rnd.IntN(10) > 0 {
		service = ss[rnd.IntN(len(ss))]
	}
	if cs := w.hosts[a]; len(cs) > 0 {
		center = cs[rnd.IntN(len(cs))]
	}
	return a, service, center
}

// kioskClock hands each kiosk submitted_at times spaced by at least the burst window, so every kiosk
// response is counted whatever order the requests arrive in.
type kioskClock struct {
	mu   sync.Mutex
	next []time.Time
	step time.Duration
}

func newKioskClock(n int, since time.Time, step time.Duration) *kioskClock {
	k := &kioskClock{next: make([]time.Time, n), step: step}
	for i := range k.next {
		// a sub-second phase per kiosk keeps kiosks apart in the data
		k.next[i] = since.Add(time.Duration(i%1000) * time.Millisecond)
	}
	return k
}

func (k *kioskClock) take(i int) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	t := k.next[i]
	k.next[i] = t.Add(k.step)
	return t
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
