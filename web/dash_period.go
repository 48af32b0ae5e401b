package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey/figures"
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

	// Running is true while now < end: the figures are provisional (docs/method.md#honest-figures).
	Running bool
	AsOf    time.Time // now while running, else the end
	Elapsed float64   // share of the period elapsed, 0..1 (running periods only)
}

// notStarted is the error of a period that begins after now: 422 on pages, in the reader's language.
type notStarted struct{ P scoring.Period }

func (e notStarted) Error() string { return fmt.Sprintf("period %s has not started yet", e.P.Label) }

type periodKind struct {
	Key     string // message key of the optgroup label
	Options []periodOption
}

type periodOption struct {
	Label    string // the contract label, the form's value
	Name     string // the period's name in the page's language
	Selected bool
}

// How many periods of each kind the picker offers.
var pickerDepth = []struct {
	kind scoring.Kind
	key  string
	n    int
}{{scoring.Quarter, "dash.period.quarters", 12}, {scoring.Month, "dash.period.months", 24},
	{scoring.Half, "dash.period.halves", 6}, {scoring.Year, "dash.period.years", 5}}

// pickPeriod reads ?period= or ?from=&to=; none means the latest complete quarter with counted responses
// (the running one when none has). A malformed period is an error, and so is one that has not started.
func (s *Server) pickPeriod(r *http.Request, v *view) (*periodPicker, error) {
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
		var err error
		if p, err = s.defaultPeriod(r.Context(), scoring.Quarter, now); err != nil {
			return nil, err
		}
	} else {
		var err error
		if p, err = periodOf(q, s.store.Location()); err != nil {
			return nil, err
		}
		if figures.CheckStarted(p, now) != nil { // the one rule (survey/figures), told in the reader's language
			return nil, notStarted{p}
		}
	}
	pk := &periodPicker{P: p, Custom: p.Kind == scoring.Custom, AsOf: p.End}
	if now.Before(p.End) {
		pk.Running, pk.AsOf = true, now
		pk.Elapsed = float64(now.Sub(p.Start)) / float64(p.End.Sub(p.Start))
	}
	for _, d := range pickerDepth {
		k := periodKind{Key: d.key}
		cur := scoring.PeriodContaining(d.kind, now, s.loc)
		shown := false
		for i := 0; i < d.n; i++ {
			l := cur.Back(i).Label
			k.Options = append(k.Options, periodOption{Label: l, Name: locale.PeriodName(v.Lang, l), Selected: l == p.Label})
			shown = shown || l == p.Label
		}
		if d.kind == p.Kind && !shown {
			// An older period (reached with ‹ or a link) is listed too, so that the menu names the period shown
			// rather than the first one, which "Show" would then jump to.
			k.Options = append(k.Options, periodOption{Label: p.Label, Name: locale.PeriodName(v.Lang, p.Label), Selected: true})
		}
		pk.Kinds = append(pk.Kinds, k)
	}
	pk.From = p.Start.Format(time.DateOnly)
	pk.To = p.End.AddDate(0, 0, -1).Format(time.DateOnly)
	pk.Prev = template.URL(periodQuery(p.Previous()))
	if next := p.Back(-1); figures.CheckStarted(next, now) == nil { // no link to a period that has not begun
		pk.Next = template.URL(periodQuery(next))
	}
	return pk, nil
}

// defaultLookBack bounds how far back the default period is searched for counted responses.
const defaultLookBack = 12

// defaultPeriod is the latest complete period of kind k that has counted responses; the running one when
// none of the last defaultLookBack complete ones has (a new installation), so the page is never empty
// for a reason the reader cannot see.
func (s *Server) defaultPeriod(ctx context.Context, k scoring.Kind, now time.Time) (scoring.Period, error) {
	cur := scoring.PeriodContaining(k, now, s.loc)
	f := s.figures()
	for i := 1; i <= defaultLookBack; i++ {
		p := cur.Back(i)
		pooled, err := f.Pooled(ctx, p)
		if err != nil {
			return cur, err
		}
		if pooled[""].N > 0 {
			return p, nil
		}
	}
	return cur, nil
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

// periodError shows a period error page: a period that has not started is 422 with the reason in the
// reader's language; anything else goes through pageError.
func (s *Server) periodError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var ns notStarted
	if errors.As(err, &ns) {
		v.Title = v.T("dash.err.notstarted.title")
		s.render(w, r, v, http.StatusUnprocessableEntity, "error",
			v.T("dash.err.notstarted", v.PeriodName(ns.P), locale.Date(v.Lang, ns.P.Start)))
		return
	}
	s.pageError(w, r, v, err)
}

// Provisional is the notice of a running period ("" for a complete one): as-of time and elapsed share.
func (v *view) Provisional(pk *periodPicker) string {
	if !pk.Running {
		return ""
	}
	pct := locale.Page(v.Lang).Integer(int64(math.Floor(pk.Elapsed * 100)))
	return v.T("dash.provisional.text", v.DateTime(pk.AsOf), pct, locale.Date(v.Lang, pk.P.End.AddDate(0, 0, -1)))
}
