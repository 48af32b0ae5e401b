package report

import (
	"math"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// The agency section's control chart (docs/method.md#control-chart): monthly indices with the centre line
// dashed, the limits as a band, and signals marked by shape and colour (filled triangle up above the upper
// limit, down below the lower one, a hollow square for a run), a drawn legend and one sentence per signal.

var (
	colLimits = rgb{226, 234, 243}
	colLimit  = rgb{124, 138, 153}
	colRun    = rgb{138, 90, 0}
)

// controlSection draws the heading, chart, legend and signal sentences of c.
func (d *doc) controlSection(c *Control) {
	l := d.l
	k := strconv.Itoa(len(c.Points))
	d.heading(l.t("control_title", "k", k), 11.5, 80)
	d.y += 1
	d.controlChart(c, 58)
	d.controlLegend(c)
	d.y += 1
	var sentences []string
	for _, p := range c.Points {
		if p.Signal == "" {
			continue
		}
		sentences = append(sentences, l.t("signal_line", "month", l.month(p.Month), "signal", l.t("signal_"+p.Signal),
			"index", l.Number(p.Index, 2), "lo", l.Number(p.LCL, 2), "hi", l.Number(p.UCL, 2)))
	}
	if len(sentences) == 0 {
		d.para(l.t("no_signals"), false, 8, colMuted)
		return
	}
	d.setFont(true, 8.5)
	d.color(colInk)
	d.text(marginL, d.baseline(d.y, d.lineH()), l.t("signals_h"))
	d.y += d.lineH()
	for _, s := range sentences {
		d.para("• "+s, false, 8, colInk)
	}
}

// controlChart draws the chart in a box of height h.
func (d *doc) controlChart(c *Control, h float64) {
	l := d.l
	pts := c.Points
	d.ensure(h)
	top := d.y
	axisW := 11.0
	x0 := marginL + axisW
	w := contentW - axisW - 2
	plotTop := top + 4
	plotH := h - 12
	plotBot := plotTop + plotH

	lo, hi := c.CL, c.CL
	for _, p := range pts {
		lo = math.Min(lo, math.Min(p.Index, p.LCL))
		hi = math.Max(hi, math.Max(p.Index, p.UCL))
	}
	lo, hi, step := niceRange(lo, hi)
	yOf := func(v float64) float64 { return plotBot - (clamp(v, lo, hi)-lo)/(hi-lo)*plotH }
	d.rect(x0, plotTop, w, plotH, plotBg)
	d.setFont(false, 6.5)
	for v := lo; v <= hi+1e-9; v += step {
		yy := yOf(v)
		d.line(x0, yy, x0+w, yy, 0.1, colRule)
		s := l.Number(v, decimalsFor(step))
		d.color(colMuted)
		d.text(x0-1.5-d.textW(s), yy+0.8, s)
	}
	n := len(pts)
	slot := w / float64(n)
	xAt := func(i int) float64 { return x0 + (float64(i)+0.5)*slot }

	// Limits: a band through the months' limits, edged with thin lines.
	if n == 1 {
		d.rect(xAt(0)-2, yOf(pts[0].UCL), 4, yOf(pts[0].LCL)-yOf(pts[0].UCL), colLimits)
	} else {
		poly := make([]fpdf.PointType, 0, 2*n)
		for i, p := range pts {
			poly = append(poly, fpdf.PointType{X: xAt(i), Y: yOf(p.UCL)})
		}
		for i := n - 1; i >= 0; i-- {
			poly = append(poly, fpdf.PointType{X: xAt(i), Y: yOf(pts[i].LCL)})
		}
		d.fill(colLimits)
		d.pdf.Polygon(poly, "F")
		for i := 0; i+1 < n; i++ {
			d.line(xAt(i), yOf(pts[i].UCL), xAt(i+1), yOf(pts[i+1].UCL), 0.2, colLimit)
			d.line(xAt(i), yOf(pts[i].LCL), xAt(i+1), yOf(pts[i+1].LCL), 0.2, colLimit)
		}
	}
	// Centre line, dashed.
	d.drawColor(colInk)
	d.pdf.SetLineWidth(0.3)
	d.pdf.SetDashPattern([]float64{1.5, 1}, 0)
	d.pdf.Line(x0, yOf(c.CL), x0+w, yOf(c.CL))
	d.pdf.SetDashPattern(nil, 0)
	// The index.
	for i := 0; i+1 < n; i++ {
		d.line(xAt(i), yOf(pts[i].Index), xAt(i+1), yOf(pts[i+1].Index), 0.45, colPrimary)
	}
	every := 1
	if n > 12 {
		every = 2
	}
	if n > 30 {
		every = 3
	}
	lastYear := ""
	for i, p := range pts {
		cx, cy := xAt(i), yOf(p.Index)
		d.controlMark(cx, cy, p.Signal)
		if i%every == 0 || i == n-1 {
			// The month alone, with its year at the first label and wherever the year has changed.
			label := p.Month[min(5, len(p.Month)):]
			if year := p.Month[:min(4, len(p.Month))]; year != lastYear {
				label, lastYear = p.Month, year
			}
			d.setFont(false, 6.3)
			d.color(colMuted)
			d.textIn(cx-slot*float64(every)/2, plotBot+1.5, slot*float64(every), 3.5, label, "C")
		}
	}
	d.y = top + h
}

// controlMark draws one month's point: its shape says the signal.
func (d *doc) controlMark(cx, cy float64, signal string) {
	switch signal {
	case "above":
		d.triangle(cx, cy, 2.8, true, colUp)
	case "below":
		d.triangle(cx, cy, 2.8, false, colDown)
	case "run_above", "run_below":
		d.fill(colWhite)
		d.drawColor(colRun)
		d.pdf.SetLineWidth(0.5)
		d.pdf.Rect(cx-1.2, cy-1.2, 2.4, 2.4, "FD")
	default:
		d.fill(colPrimary)
		d.pdf.Circle(cx, cy, 0.9, "F")
	}
}

// controlLegend draws the legend as one line of drawn marks and words; only the signals present appear.
func (d *doc) controlLegend(c *Control) {
	l := d.l
	type entry struct {
		mark  func(x, y float64)
		label string
	}
	entries := []entry{
		{func(x, y float64) { d.controlMark(x+2, y, "") }, l.t("control_legend_pt")},
		{func(x, y float64) {
			d.drawColor(colInk)
			d.pdf.SetLineWidth(0.3)
			d.pdf.SetDashPattern([]float64{1.5, 1}, 0)
			d.pdf.Line(x, y, x+5, y)
			d.pdf.SetDashPattern(nil, 0)
		}, l.t("control_legend_cl", "cl", l.Number(c.CL, 2))},
		{func(x, y float64) { d.rect(x, y-1.3, 5, 2.6, colLimits) }, l.t("control_legend_band")},
	}
	seen := map[string]bool{}
	for _, p := range c.Points {
		seen[strings.TrimSuffix(strings.TrimSuffix(p.Signal, "_above"), "_below")] = true
	}
	if seen["above"] {
		entries = append(entries, entry{func(x, y float64) { d.controlMark(x+2, y, "above") }, l.t("signal_above")})
	}
	if seen["below"] {
		entries = append(entries, entry{func(x, y float64) { d.controlMark(x+2, y, "below") }, l.t("signal_below")})
	}
	if seen["run"] {
		entries = append(entries, entry{func(x, y float64) { d.controlMark(x+2, y, "run_above") }, l.t("signal_run")})
	}
	d.setFont(false, 7)
	lh := d.lineH() + 0.6
	d.ensure(lh)
	x := marginL
	for _, e := range entries {
		w := 6.5 + d.textW(e.label) + 4
		if x+w > marginL+contentW {
			d.y += lh
			x = marginL
		}
		e.mark(x, d.y+lh/2)
		d.setFont(false, 7)
		d.color(colInk)
		d.text(x+6.5, d.baseline(d.y, lh), e.label)
		x += w
	}
	d.y += lh
}
