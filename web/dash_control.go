package web

import (
	"context"
	"html/template"
	"strings"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey/figures"
)

// controlMonths is how many months the agency page's control chart covers (the API's default).
const controlMonths = 24

// controlView is the agency page's control chart: the drawing, its legend, one sentence per signal and
// the same numbers as a table.
type controlView struct {
	Chart   template.HTML
	Legend  []legendEntry
	Signals []string
	Rows    []controlRow
}

type legendEntry struct {
	Icon  template.HTML
	Label string
}

type controlRow struct {
	Month, Index, Limits, Signal string
	N                            int64
}

// agencyControl reads the control chart of an agency up to month `to`.
func (s *Server) agencyControl(ctx context.Context, code string, to scoring.Period) (*figures.Control, error) {
	return controlOf(ctx, s.figures(), code, to, controlMonths)
}

// monthName is "March 2025" for "2025-03" in the page's language.
func (v *view) monthName(m string) string {
	if len(m) != 7 {
		return m
	}
	return locale.UpperFirst(v.Lang, v.T("dash.month."+m[5:])) + " " + m[:4]
}

// control lays out the chart of c for the agency page.
func (v *view) control(name string, c *figures.Control) *controlView {
	if c == nil || len(c.Points) == 0 {
		return nil
	}
	cv := &controlView{}
	var pts []controlPt
	kinds := map[string]bool{}
	for _, p := range c.Points {
		sig, shape := "", ""
		if p.Signal != nil {
			sig = v.T("dash.control.sig." + *p.Signal)
			shape = *p.Signal
			if strings.HasPrefix(shape, "run_") {
				shape = "run"
			}
			kinds[shape] = true
			cv.Signals = append(cv.Signals, v.T("dash.control.signal", v.monthName(p.Month), sig, v.Num(p.Index), v.Num(p.LCL), v.Num(p.UCL)))
		}
		title := v.monthName(p.Month) + ": " + v.Num(p.Index) + " (" + v.Num(p.LCL) + "–" + v.Num(p.UCL) + "), n = " + v.Int(p.N)
		if sig != "" {
			title += " · " + sig
		}
		pts = append(pts, controlPt{Label: p.Month, V: p.Index, LCL: p.LCL, UCL: p.UCL, Shape: shape, Title: title})
		cv.Rows = append(cv.Rows, controlRow{Month: v.monthName(p.Month), Index: v.Num(p.Index), N: p.N,
			Limits: v.Num(p.LCL) + "–" + v.Num(p.UCL), Signal: sig})
	}
	cv.Chart = controlChart("control", v.T("dash.control.title", name), v.T("dash.control.desc", len(pts), v.Num(c.CL)),
		c.CL, pts, func(x float64) string { return v.Num1(x) })
	cv.Legend = []legendEntry{{legendIcon("point"), v.T("dash.control.point")}, {legendIcon("cl"), v.T("dash.control.cl") + " " + v.Num(c.CL)},
		{legendIcon("band"), v.T("dash.control.band")}}
	for _, k := range []string{"above", "below", "run"} {
		if kinds[k] {
			key := "dash.control.sig." + k
			cv.Legend = append(cv.Legend, legendEntry{legendIcon(k), v.T(key)})
		}
	}
	return cv
}

// controlOf reads an agency's control chart (a variable so tests can see the chart's inputs).
var controlOf = func(ctx context.Context, f *figures.Figures, code string, to scoring.Period, months int) (*figures.Control, error) {
	return f.Control(ctx, code, to, months)
}
