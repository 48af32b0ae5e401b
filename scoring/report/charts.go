package report

import (
	"math"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
)

var (
	nanFloat = math.NaN()
	plotBg   = rgb{250, 251, 252}
)

// xOf maps an index on the 0–100 scale to a position in [x, x+w].
func xOf(v, x, w float64) float64 { return x + clamp(v, 0, 100)/100*w }

// --- bar chart of indices ----------------------------------------------------

const (
	barRowH   = 5.4
	barLabelW = 64.0
	barValueW = 18.0
)

func (d *doc) barChart() {
	l := d.l
	d.newPage()
	d.bookmark(l.t("chart_title"), 0)
	d.heading(l.t("chart_title"), 18, 30)
	d.para(l.t("chart_note", "conf", d.conf), false, 8, colMuted)
	d.y += 3
	if len(d.in.Groups) == 0 {
		d.para(l.t("no_groups"), false, 10, colMuted)
		return
	}
	for _, g := range d.in.Groups {
		if len(g.Rows) == 0 {
			continue
		}
		d.barGroup(g)
		d.y += 5
	}
}

func (d *doc) barGroup(g Group) {
	l := d.l
	x0 := marginL + barLabelW + 2
	w := contentW - barLabelW - 2 - barValueW
	axisH := 5.0

	// Keep a group's chart on one page when it fits on a fresh one.
	d.setFont(true, 11.5)
	total := float64(len(d.wrap(g.Name, contentW, 0)))*d.lineH() + axisH + float64(len(g.Rows))*barRowH
	if d.y+total > bottomY && marginTop+total <= bottomY {
		d.newPage()
	}
	d.heading(g.Name, 11.5, axisH+barRowH*2)
	segTop := 0.0
	axis := func() {
		d.setFont(false, 6.5)
		d.color(colMuted)
		for v := 0.0; v <= 100; v += 20 {
			s := strconv.Itoa(int(v))
			d.text(xOf(v, x0, w)-d.textW(s)/2, d.y+3, s)
		}
		d.y += axisH
		segTop = d.y
	}
	groupLine := func() {
		if !finite(g.Figure.Index) || g.Figure.N == 0 || d.y <= segTop {
			return
		}
		gx := xOf(g.Figure.Index, x0, w)
		d.drawColor(colAccent)
		d.pdf.SetLineWidth(0.35)
		d.pdf.SetDashPattern([]float64{1.2, 0.9}, 0)
		d.pdf.Line(gx, segTop-0.5, gx, d.y+0.5)
		d.pdf.SetDashPattern([]float64{}, 0)
	}
	axis()
	for _, r := range g.Rows {
		if d.y+barRowH > bottomY {
			groupLine()
			d.newPage()
			d.heading(g.Name+" "+l.t("continued"), 10.5, axisH+barRowH)
			axis()
		}
		top := d.y
		mid := top + barRowH/2
		// grid
		for v := 0.0; v <= 100; v += 20 {
			gx := xOf(v, x0, w)
			d.line(gx, top, gx, top+barRowH, 0.1, colRule)
		}
		label := "–"
		d.setFont(r.ranked() && r.Rank == 1, 7.5)
		d.color(colMuted)
		if r.ranked() {
			label = strconv.Itoa(r.Rank) + "."
			d.color(colInk)
		}
		numW := 6.0
		d.textIn(marginL, top, numW-1, barRowH, label, "R")
		d.textIn(marginL+numW, top, barLabelW-numW, barRowH, r.Name, "L")

		if d.in.Withhold && !r.ranked() { // the public edition: no bar below min_n, only the word
			d.setFont(false, 7.5)
			d.color(colMuted)
			d.textIn(x0+1, top, w, barRowH, l.t("insufficient"), "L")
			d.y += barRowH
			continue
		}
		c := colBar
		if !r.ranked() {
			c = colBarGrey
		}
		if finite(r.Index) {
			d.rect(x0, mid-1.7, xOf(r.Index, x0, w)-x0, 3.4, c)
		}
		if finite(r.CILow) && finite(r.CIHigh) && r.N > 0 {
			lo, hi := xOf(r.CILow, x0, w), xOf(r.CIHigh, x0, w)
			wc := colInk
			if !r.ranked() {
				wc = colMuted
			}
			d.line(lo, mid, hi, mid, 0.25, wc)
			d.line(lo, mid-1.1, lo, mid+1.1, 0.25, wc)
			d.line(hi, mid-1.1, hi, mid+1.1, 0.25, wc)
		}
		d.setFont(r.ranked(), 7.5)
		if r.ranked() {
			d.color(colInk)
		} else {
			d.color(colMuted)
		}
		d.textIn(x0+w+1, top, barValueW-1, barRowH, l.Number(r.Index, 2), "R")
		d.y += barRowH
	}
	groupLine()
}

// --- mini bar in breakdown tables --------------------------------------------

func (d *doc) miniBar(x, y, w, h float64, f Figure, muted bool) {
	d.rect(x, y, w, h, colRule)
	c := colBar
	if muted {
		c = colBarGrey
	}
	if finite(f.Index) && f.N > 0 {
		d.rect(x, y, xOf(f.Index, x, w)-x, h, c)
		if finite(f.CILow) && finite(f.CIHigh) {
			lo, hi := xOf(f.CILow, x, w), xOf(f.CIHigh, x, w)
			mid := y + h/2
			d.line(lo, mid, hi, mid, 0.2, colInk)
			d.line(lo, y+0.3, lo, y+h-0.3, 0.2, colInk)
			d.line(hi, y+0.3, hi, y+h-0.3, 0.2, colInk)
		}
	}
}

// --- trend line chart ----------------------------------------------------------

// niceRange picks axis bounds and a tick step covering [lo, hi] within
// [0, 100].
func niceRange(lo, hi float64) (float64, float64, float64) {
	if !finite(lo) || !finite(hi) || lo > hi {
		return 0, 100, 20
	}
	pad := math.Max(1, (hi-lo)*0.12)
	lo, hi = lo-pad, hi+pad
	span := hi - lo
	if span < 6 {
		c := (lo + hi) / 2
		lo, hi, span = c-3, c+3, 6
	}
	step := 20.0
	for _, s := range []float64{1, 2, 2.5, 5, 10, 20} {
		if span/s <= 6 {
			step = s
			break
		}
	}
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	if lo < 0 {
		lo = 0
	}
	if hi > 100 {
		hi = 100
	}
	if hi-lo < step {
		if hi+step <= 100 {
			hi += step
		} else {
			lo -= step
		}
	}
	return lo, hi, step
}

// trendChart draws the trend of pts in a box of height h and reports whether
// there was any data to draw.
func (d *doc) trendChart(pts []TrendPoint, h float64) bool {
	l := d.l
	d.ensure(h)
	top := d.y
	axisW := 11.0
	x0 := marginL + axisW
	w := contentW - axisW - 2
	plotTop := top + 4
	plotH := h - 16 // room for labels below
	plotBot := plotTop + plotH

	lo, hi := math.Inf(1), math.Inf(-1)
	valid := 0
	for _, p := range pts {
		if p.N <= 0 || !finite(p.Index) {
			continue
		}
		valid++
		for _, v := range []float64{p.Index, p.CILow, p.CIHigh} {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}

	d.rect(x0, plotTop, w, plotH, plotBg)
	if valid == 0 {
		d.drawColor(colRule)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Rect(x0, plotTop, w, plotH, "D")
		d.setFont(false, 10)
		d.color(colMuted)
		d.textIn(x0, plotTop, w, plotH, l.t("no_trend"), "C")
		d.y = top + h
		return false
	}
	lo, hi, step := niceRange(lo, hi)
	yOf := func(v float64) float64 { return plotBot - (clamp(v, lo, hi)-lo)/(hi-lo)*plotH }

	// Grid and y labels.
	d.setFont(false, 6.5)
	for v := lo; v <= hi+1e-9; v += step {
		yy := yOf(v)
		d.line(x0, yy, x0+w, yy, 0.1, colRule)
		s := l.Number(v, decimalsFor(step))
		d.color(colMuted)
		d.text(x0-1.5-d.textW(s), yy+0.8, s)
	}
	d.line(x0, plotBot, x0+w, plotBot, 0.3, colFaint)

	n := len(pts)
	slot := w / float64(n)
	xAt := func(i int) float64 { return x0 + (float64(i)+0.5)*slot }
	ok := func(i int) bool { return i >= 0 && i < n && pts[i].N > 0 && finite(pts[i].Index) }

	// CI band per run of consecutive points with data; a lone point gets a
	// bar instead.
	for i := 0; i < n; {
		if !ok(i) {
			i++
			continue
		}
		j := i
		for ok(j + 1) {
			j++
		}
		bandC := colBand
		if j == i {
			bx := xAt(i)
			d.rect(bx-1.6, yOf(pts[i].CIHigh), 3.2, yOf(pts[i].CILow)-yOf(pts[i].CIHigh), bandC)
		} else {
			poly := make([]fpdf.PointType, 0, 2*(j-i+1))
			for k := i; k <= j; k++ {
				poly = append(poly, fpdf.PointType{X: xAt(k), Y: yOf(bandValue(pts[k].CIHigh, pts[k].Index))})
			}
			for k := j; k >= i; k-- {
				poly = append(poly, fpdf.PointType{X: xAt(k), Y: yOf(bandValue(pts[k].CILow, pts[k].Index))})
			}
			d.fill(bandC)
			d.pdf.Polygon(poly, "F")
		}
		// line
		for k := i; k < j; k++ {
			d.line(xAt(k), yOf(pts[k].Index), xAt(k+1), yOf(pts[k+1].Index), 0.5, colPrimary)
		}
		i = j + 1
	}

	// Markers, value labels and x labels.
	for i, p := range pts {
		cx := xAt(i)
		d.setFont(false, 7)
		if ok(i) {
			cy := yOf(p.Index)
			d.drawColor(colPrimary)
			d.pdf.SetLineWidth(0.4)
			if p.N < d.in.MinN {
				d.fill(colWhite)
				d.pdf.Circle(cx, cy, 1.1, "FD")
			} else {
				d.fill(colPrimary)
				d.pdf.Circle(cx, cy, 1.1, "F")
			}
			s := l.Number(p.Index, 2)
			d.setFont(i == n-1, 7)
			d.color(colInk)
			// The value sits above the CI band (or below it when there is
			// no room at the top), so it never hides the band.
			ly := math.Min(cy-2.2, yOf(bandValue(p.CIHigh, p.Index))-1.2)
			if ly-2.5 < plotTop {
				ly = math.Max(cy+4.2, yOf(bandValue(p.CILow, p.Index))+3.4)
			}
			// A light plate keeps the value readable over the line and band.
			tw := d.textW(s)
			d.rect(cx-tw/2-0.6, ly-2.3, tw+1.2, 2.9, plotBg)
			d.text(cx-tw/2, ly, s)
		}
		d.setFont(i == n-1, 7)
		if ok(i) {
			d.color(colInk)
		} else {
			d.color(colFaint)
		}
		d.textIn(cx-slot/2+0.5, plotBot+1.5, slot-1, 4, p.Label, "C")
		d.setFont(false, 6.3)
		d.color(colMuted)
		d.textIn(cx-slot/2+0.5, plotBot+5.3, slot-1, 3.5, "n = "+l.Integer(max(p.N, 0)), "C")
	}
	d.y = top + h
	return true
}

// bandValue falls back to the index when a CI bound is missing.
func bandValue(v, index float64) float64 {
	if finite(v) {
		return v
	}
	return index
}

func decimalsFor(step float64) int {
	if step == math.Trunc(step) {
		return 0
	}
	if step*10 == math.Trunc(step*10) {
		return 1
	}
	return 2
}
