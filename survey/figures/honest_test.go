package figures_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

// refControl is the control chart of docs/method.md#control-chart from the raw responses, by brute force.
func refControl(ref *reference, agency string, from, to time.Time) figures.Control {
	byMonth := map[string][]float64{}
	var all []float64
	for _, x := range ref.resp {
		if x.agency == agency && !x.at.Before(from) && x.at.Before(to) {
			m := x.at.Format("2006-01")
			byMonth[m] = append(byMonth[m], x.r)
			all = append(all, x.r)
		}
	}
	out := figures.Control{Agency: agency, Points: []figures.ControlPoint{}}
	if len(all) == 0 {
		return out
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	cl := mean(all)
	sigma := 0.0
	if len(all) > 1 {
		ss := 0.0
		for _, x := range all {
			ss += (x - cl) * (x - cl)
		}
		sigma = math.Sqrt(ss / float64(len(all)-1))
	}
	out.CL, out.Sigma = r2(cl), r2(sigma)
	var sides []int
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		xs := byMonth[m.Format("2006-01")]
		if len(xs) == 0 {
			continue
		}
		idx := mean(xs)
		lcl, ucl := 0.0, 100.0
		if len(all) > 1 {
			half := 3 * sigma / math.Sqrt(float64(len(xs)))
			lcl, ucl = math.Max(0, cl-half), math.Min(100, cl+half)
		}
		side := 0
		if idx > cl+1e-9 {
			side = 1
		} else if idx < cl-1e-9 {
			side = -1
		}
		sides = append(sides, side)
		run := len(sides) >= 7 && side != 0
		for _, s := range sides[max(len(sides)-7, 0):] {
			run = run && s == side
		}
		p := figures.ControlPoint{Month: m.Format("2006-01"), Index: r2(idx), N: int64(len(xs)), LCL: r2(lcl), UCL: r2(ucl)}
		switch {
		case idx > ucl:
			p.Signal = new("above")
		case idx < lcl:
			p.Signal = new("below")
		case run && side > 0:
			p.Signal = new("run_above")
		case run:
			p.Signal = new("run_below")
		}
		out.Points = append(out.Points, p)
	}
	return out
}

func TestControlEqualsBruteForce(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		fixture(t, s)
		ref := loadReference(t, s)
		f := figures.New(s, scoring.DefaultConfig())
		signals := map[string]bool{}
		for _, agency := range []string{"a1", "a2", "a4", "b1", "b2", "c1", "z9"} {
			for _, c := range []struct {
				to     string
				months int
			}{{"2025-09", 24}, {"2025-09", 6}, {"2024-12", 60}, {"2025-08", 13}, {"2022-06", 12}} {
				to := mustPeriod(t, f, "period="+c.to)
				got, err := f.Control(ctx, agency, to, c.months)
				if err != nil {
					t.Fatal(err)
				}
				want := refControl(ref, agency, to.Start.AddDate(0, 1-c.months, 0), to.End)
				if g, w := fmt.Sprintf("%+v", ptrs(*got)), fmt.Sprintf("%+v", ptrs(want)); g != w {
					t.Errorf("%s to %s months %d:\n got %s\nwant %s", agency, c.to, c.months, g, w)
				}
				for _, p := range got.Points {
					if p.Signal != nil {
						signals[*p.Signal] = true
					}
				}
			}
		}
		t.Logf("signals seen: %v", signals)
		if !signals["above"] || !signals["below"] {
			t.Errorf("the fixture should show months above and below the limits: %v", signals)
		}
	})
}

// ptrs shows a chart with its signals dereferenced, for comparison.
func ptrs(c figures.Control) string {
	s := fmt.Sprintf("%s cl=%v sigma=%v", c.Agency, c.CL, c.Sigma)
	for _, p := range c.Points {
		sig := "-"
		if p.Signal != nil {
			sig = *p.Signal
		}
		s += fmt.Sprintf(" [%s %v n=%d %v..%v %s]", p.Month, p.Index, p.N, p.LCL, p.UCL, sig)
	}
	return s
}

func TestControlErrors(t *testing.T) {
	s := storetest.New(t, "sqlite", survey.Options{})
	fixture(t, s)
	ctx := context.Background()
	now := time.Date(2025, 8, 14, 10, 0, 0, 0, storetest.Baku)
	f := figures.New(s, scoring.DefaultConfig()).WithClock(func() time.Time { return now })
	if got := f.LastCompleteMonth().Label; got != "2025-07" {
		t.Errorf("last complete month %s", got)
	}
	aug, sep, q3 := mustPeriod(t, f, "period=2025-08"), mustPeriod(t, f, "period=2025-09"), mustPeriod(t, f, "period=2025-Q3")
	for _, c := range []struct {
		agency string
		to     scoring.Period
		months int
		code   string
		field  string
	}{
		{"a1", aug, 5, survey.CodeInvalidField, "months"},
		{"a1", aug, 61, survey.CodeInvalidField, "months"},
		{"a1", sep, 24, survey.CodeInvalidField, "to"},
		{"a1", q3, 24, survey.CodeInvalidField, "to"},
		{"nope", aug, 24, survey.CodeNotFound, "agency"},
	} {
		_, err := f.Control(ctx, c.agency, c.to, c.months)
		if e, ok := survey.AsError(err); !ok || e.Code != c.code || e.Field != c.field {
			t.Errorf("%s %s %d: %v, want %s/%s", c.agency, c.to.Label, c.months, err, c.code, c.field)
		}
	}
	if c, err := f.Control(ctx, "a1", aug, 6); err != nil || len(c.Points) == 0 || c.Points[len(c.Points)-1].Month != "2025-08" {
		t.Errorf("the running month ends a chart: %+v %v", c, err)
	}
}

// Running periods are marked on every answer with a period; periods not started are invalid_field on period.
func TestFiguresRunningAndNotStarted(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		fixture(t, s)
		now := time.Date(2025, 8, 14, 10, 30, 0, 0, storetest.Baku)
		f := figures.New(s, scoring.Config{MinN: 20}).WithClock(func() time.Time { return now })
		type info struct {
			complete bool
			asOf     string
		}
		running := info{false, "2025-08-14T10:30:00+04:00"}
		for q, want := range map[string]info{
			"period=2025-Q3": running, "period=2025-08": running, "period=2025": running, "period=2025-H2": running,
			"from=2025-08-14&to=2025-08-14": running,
			"period=2025-07":                {true, "2025-08-01T00:00:00+04:00"},
			"period=2025-H1":                {true, "2025-07-01T00:00:00+04:00"},
			"from=2025-06-15&to=2025-08-13": {true, "2025-08-14T00:00:00+04:00"},
		} {
			p := mustPeriod(t, f, q)
			r, err := f.Rankings(ctx, p, "", "")
			if err != nil {
				t.Fatal(err)
			}
			b, err := f.Breakdown(ctx, "a1", p, figures.ByMonth, "")
			if err != nil {
				t.Fatal(err)
			}
			svc, ctr, chn, err := f.AttributeBreakdowns(ctx, "a1", p, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []figures.PeriodInfo{r.Period, b.Period, svc.Period, ctr.Period, chn.Period} {
				if (info{got.Complete, got.AsOf}) != want || got.Label != p.Label {
					t.Errorf("%s: %+v, want %+v", q, got, want)
				}
			}
		}
		for _, q := range []string{"period=2025-Q4", "period=2025-09", "period=2026", "from=2025-08-15&to=2025-08-31", "from=2025-08-15&to=2025-08-15"} {
			p := mustPeriod(t, f, q)
			check := func(what string, err error) {
				if e, ok := survey.AsError(err); !ok || e.Code != survey.CodeInvalidField || e.Field != "period" {
					t.Errorf("%s %s: %v, want invalid_field on period", what, q, err)
				}
			}
			_, err := f.Rankings(ctx, p, "", "")
			check("rankings", err)
			_, err = f.Breakdown(ctx, "a1", p, figures.ByService, "")
			check("breakdown", err)
			_, _, _, err = f.AttributeBreakdowns(ctx, "a1", p, "")
			check("attribute breakdowns", err)
			check("CheckStarted", figures.CheckStarted(p, now))
		}
		// The boundary: a period is running from its very first instant, complete from its end.
		q4 := mustPeriod(t, f, "period=2025-Q4")
		if err := figures.CheckStarted(q4, q4.Start); err != nil {
			t.Errorf("at its start: %v", err)
		}
		if err := figures.CheckStarted(q4, q4.Start.Add(-time.Nanosecond)); err == nil {
			t.Error("a nanosecond before its start: no error")
		}
		if i := figures.InfoAt(q4, q4.End); !i.Complete || i.AsOf != i.End {
			t.Errorf("at its end: %+v", i)
		}
		if i := figures.InfoAt(q4, q4.End.Add(-time.Nanosecond)); i.Complete {
			t.Errorf("a nanosecond before its end: %+v", i)
		}
	})
}
