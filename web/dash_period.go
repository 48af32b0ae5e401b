package web

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/qiymet/qiymet/scoring"
)

// periodPicker is the period form of the rankings and agency pages: one select of recent calendar periods
// by kind (quarter first: the default) and a from/to pair for a custom range.
type periodPicker struct {
	P        scoring.Period
	Kinds    []periodKind
	From, To string // the custom range in the form, YYYY-MM-DD
	Custom   bool
	Prev     template.URL // query strings of the neighbouring periods (same kind)
	Next     template.URL
}

type periodKind struct {
	Key     string // message key of the optgroup label
	Options []periodOption
}

type periodOption struct {
	Label    string
	Selected bool
}

// How many periods of each kind the picker offers.
var pickerDepth = []struct {
	kind scoring.Kind
	key  string
	n    int
}{{scoring.Quarter, "dash.period.quarters", 12}, {scoring.Month, "dash.period.months", 24},
	{scoring.Half, "dash.period.halves", 6}, {scoring.Year, "dash.period.years", 5}}

// pickPeriod reads ?period= or ?from=&to=; none means the current quarter. A malformed one is an error.
func (s *Server) pickPeriod(r *http.Request) (*periodPicker, error) {
	q := r.URL.Query()
	// The form always sends from/to (possibly empty); only a filled pair means a custom range.
	if q.Get("from") == "" && q.Get("to") == "" {
		q.Del("from")
		q.Del("to")
	} else if q.Get("period") == "custom" || q.Get("period") == "" {
		q.Del("period")
	} else {
		q.Del("from")
		q.Del("to")
	}
	now := s.store.Now()
	var p scoring.Period
	if !q.Has("period") && !q.Has("from") && !q.Has("to") {
		p = scoring.PeriodContaining(scoring.Quarter, now, s.loc)
	} else {
		var err error
		if p, err = periodOf(q, s.store.Location()); err != nil {
			return nil, err
		}
	}
	pk := &periodPicker{P: p, Custom: p.Kind == scoring.Custom}
	for _, d := range pickerDepth {
		k := periodKind{Key: d.key}
		cur := scoring.PeriodContaining(d.kind, now, s.loc)
		for i := 0; i < d.n; i++ {
			l := cur.Back(i).Label
			k.Options = append(k.Options, periodOption{Label: l, Selected: l == p.Label})
		}
		pk.Kinds = append(pk.Kinds, k)
	}
	pk.From = p.Start.Format(time.DateOnly)
	pk.To = p.End.AddDate(0, 0, -1).Format(time.DateOnly)
	pk.Prev = template.URL(periodQuery(p.Previous()))
	pk.Next = template.URL(periodQuery(p.Back(-1)))
	return pk, nil
}

// periodQuery is the query string selecting p.
func periodQuery(p scoring.Period) string {
	q := url.Values{}
	if p.Kind == scoring.Custom {
		q.Set("from", p.Start.Format(time.DateOnly))
		q.Set("to", p.End.AddDate(0, 0, -1).Format(time.DateOnly))
	} else {
		q.Set("period", p.Label)
	}
	return q.Encode()
}
