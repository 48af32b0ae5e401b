package web

import (
	"bytes"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Charts are hand-written SVG, rendered by html/template (so every label is escaped) and deterministic:
// coordinates are printed with one decimal, no map iteration, no randomness. Each chart carries <title> and
// <desc> and role="img" for screen readers; the tables beside them hold the same numbers.

var svgTemplates = template.Must(template.New("svg").Parse(`
{{define "bars"}}<svg class="chart bars" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d"><title id="{{.ID}}-t">{{.Title}}</title><desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Ticks}}<line x1="{{.X}}" y1="4" x2="{{.X}}" y2="{{$.AxisY}}" class="grid"/><text x="{{.X}}" y="{{$.TickY}}" class="tick" text-anchor="middle">{{.Label}}</text>
{{end}}{{range .Bars}}<g{{if .Muted}} class="muted"{{end}}><title>{{.Full}}</title><text x="{{$.LabelX}}" y="{{.TY}}" class="lbl" text-anchor="end">{{.Label}}</text><rect x="{{$.X0}}" y="{{.Y}}" width="{{.BW}}" height="{{$.BarH}}" class="bar"/>{{if .HasCI}}<line x1="{{.L}}" y1="{{.MY}}" x2="{{.R}}" y2="{{.MY}}" class="whisker"/>{{end}}<text x="{{.VX}}" y="{{.TY}}" class="val">{{.Value}}</text></g>
{{end}}</svg>{{end}}
{{define "trend"}}<svg class="chart trend" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d"><title id="{{.ID}}-t">{{.Title}}</title><desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Ticks}}<line x1="{{$.X0}}" y1="{{.Y}}" x2="{{$.X1}}" y2="{{.Y}}" class="grid"/><text x="{{$.TickX}}" y="{{.TY}}" class="tick" text-anchor="end">{{.Label}}</text>
{{end}}{{range .Bands}}<polygon points="{{.}}" class="band"/>
{{end}}{{range .Lines}}<polyline points="{{.}}" class="line"/>
{{end}}{{range .Points}}<g><title>{{.Title}}</title><circle cx="{{.X}}" cy="{{.Y}}" r="3.5" class="pt"/></g>
{{end}}{{range .XLabels}}<text x="{{.X}}" y="{{$.LabelY}}" class="tick" text-anchor="middle">{{.Label}}</text>
{{end}}</svg>{{end}}`))

// svgCoord prints a coordinate with one decimal: enough for a screen, and stable across platforms.
func svgCoord(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64) }

func execSVG(name string, data any) template.HTML {
	var b bytes.Buffer
	if err := svgTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return template.HTML("<!-- chart: " + template.HTMLEscapeString(err.Error()) + " -->")
	}
	return template.HTML(b.String()) // produced by html/template: already escaped
}

// scale maps [d0, d1] onto [r0, r1].
type scale struct{ d0, d1, r0, r1 float64 }

func (s scale) at(v float64) float64 {
	if s.d1 == s.d0 {
		return s.r0
	}
	v = math.Max(s.d0, math.Min(s.d1, v))
	return s.r0 + (v-s.d0)/(s.d1-s.d0)*(s.r1-s.r0)
}

// ciBar is a small interval bar: the CI as a band, the index as a dot, on the fixed axis 0–100 (like every
// chart of indices, so no chart magnifies a small difference). A rankings page draws one per row, so it is
// written directly rather than through a template (same escaping).
func ciBar(id string, idx, lo, hi float64, title string) template.HTML {
	const w = 120
	sc := scale{0, 100, 2, w - 2}
	x1, x2 := sc.at(lo), sc.at(hi)
	id = template.HTMLEscapeString(id)
	var b strings.Builder
	b.Grow(360)
	b.WriteString(`<svg class="cibar" viewBox="0 0 120 14" width="120" height="14" role="img" aria-labelledby="`)
	b.WriteString(id + `"><title id="` + id + `">` + template.HTMLEscapeString(title) + `</title>`)
	b.WriteString(`<line x1="0" y1="7" x2="120" y2="7" class="axis"/><rect x="` + svgCoord(x1) + `" y="3" width="` +
		svgCoord(math.Max(x2-x1, 1)) + `" height="8" rx="2" class="ci"/><circle cx="` + svgCoord(sc.at(idx)) + `" cy="7" r="3" class="pt"/></svg>`)
	return template.HTML(b.String())
}

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label, Full, Value string
	V, Lo, Hi          float64
	HasCI, Muted       bool
}

// barChart draws horizontal bars on the fixed axis 0–100 with CI whiskers, as the PDF does: bars of any two
// charts compare by eye, and a small difference is never magnified. Long labels are shortened (the full
// name is in the bar's <title>).
// w is the drawing's width in user units and labelW the part kept for names: a chart in a half-width card
// gets a smaller viewBox so its text stays readable when scaled.
func barChart(id, title, desc string, bars []bar, w, labelW float64, tickLabel func(float64) string) template.HTML {
	const d0 = 0.0
	const rowH, barH, top = 24.0, 14.0, 6.0
	maxRunes := int(labelW / 8) // ~8 units a letter at 12px, Cyrillic included
	x0, x1 := labelW+8, w-60
	sc := scale{d0, 100, x0, x1}
	h := top + float64(len(bars))*rowH + 24
	type barOut struct {
		Label, Full, Value      string
		Y, TY, MY, BW, L, R, VX string
		HasCI, Muted            bool
	}
	var out []barOut
	for i, b := range bars {
		y := top + float64(i)*rowH
		label := b.Label
		if utf8.RuneCountInString(label) > maxRunes {
			label = string([]rune(label)[:maxRunes-1]) + "…"
		}
		xe := sc.at(b.V)
		right := xe
		if b.HasCI {
			right = math.Max(right, sc.at(b.Hi))
		}
		out = append(out, barOut{Label: label, Full: b.Full, Value: b.Value, Y: svgCoord(y + (rowH-barH)/2),
			TY: svgCoord(y + rowH/2 + 4), MY: svgCoord(y + rowH/2), BW: svgCoord(math.Max(xe-x0, 0.5)), L: svgCoord(sc.at(b.Lo)),
			R: svgCoord(sc.at(b.Hi)), VX: svgCoord(right + 6), HasCI: b.HasCI, Muted: b.Muted})
	}
	type tick struct{ X, Label string }
	var ticks []tick
	step := 10.0
	if x1-x0 < 300 { // a half-width card: fewer ticks so their labels do not collide
		step = 20
	}
	for v := d0; v <= 100.0001; v += step {
		ticks = append(ticks, tick{X: svgCoord(sc.at(v)), Label: tickLabel(v)})
	}
	axisY := top + float64(len(bars))*rowH
	return execSVG("bars", map[string]any{"ID": id, "Title": title, "Desc": desc, "W": svgCoord(w), "H": svgCoord(h),
		"Bars": out, "Ticks": ticks, "LabelX": svgCoord(labelW), "X0": svgCoord(x0), "BarH": svgCoord(barH),
		"AxisY": svgCoord(axisY), "TickY": svgCoord(axisY + 16)})
}

// trendPt is one period of a trend; N == 0 leaves a gap.
type trendPt struct {
	Label     string
	V, Lo, Hi float64
	N         int64
	Title     string
}

// trendChart draws the index as a line with its CI as a band, over the periods in order. Periods without
// responses break the line and the band.
func trendChart(id, title, desc string, pts []trendPt, tickLabel func(float64) string) template.HTML {
	const w, h, left, right, top, bottom = 720.0, 260.0, 48.0, 34.0, 10.0, 30.0
	lo, hi := 100.0, 0.0
	for _, p := range pts {
		if p.N > 0 {
			lo, hi = math.Min(lo, p.Lo), math.Max(hi, p.Hi)
		}
	}
	if lo > hi {
		lo, hi = 0, 100
	}
	lo = math.Max(0, math.Floor(lo/5)*5-5)
	hi = math.Min(100, math.Ceil(hi/5)*5+5)
	ys := scale{lo, hi, h - bottom, top}
	n := len(pts)
	xs := func(i int) float64 {
		if n == 1 {
			return (left + w - right) / 2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	var bands, lines []string
	type pt struct{ X, Y, Title string }
	var points []pt
	var upper, lower, line []string
	flush := func() {
		if len(line) == 1 { // a lone period: its interval as a narrow band, so the CI still shows
			x := strings.Split(upper[0], ",")[0]
			xv, _ := strconv.ParseFloat(x, 64)
			yu, yl := strings.Split(upper[0], ",")[1], strings.Split(lower[0], ",")[1]
			bands = append(bands, svgCoord(xv-4)+","+yu+" "+svgCoord(xv+4)+","+yu+" "+svgCoord(xv+4)+","+yl+" "+svgCoord(xv-4)+","+yl)
			upper, lower, line = nil, nil, nil
			return
		}
		if len(line) > 0 {
			poly := append([]string{}, upper...)
			for i := len(lower) - 1; i >= 0; i-- {
				poly = append(poly, lower[i])
			}
			bands = append(bands, join(poly))
			lines = append(lines, join(line))
		}
		upper, lower, line = nil, nil, nil
	}
	type xl struct{ X, Label string }
	var xlabels []xl
	for i, p := range pts {
		x := xs(i)
		xlabels = append(xlabels, xl{X: svgCoord(x), Label: p.Label})
		if p.N == 0 {
			flush()
			continue
		}
		upper = append(upper, svgCoord(x)+","+svgCoord(ys.at(p.Hi)))
		lower = append(lower, svgCoord(x)+","+svgCoord(ys.at(p.Lo)))
		line = append(line, svgCoord(x)+","+svgCoord(ys.at(p.V)))
		points = append(points, pt{X: svgCoord(x), Y: svgCoord(ys.at(p.V)), Title: p.Title})
	}
	flush()
	ticks := yTicks(lo, hi, ys, tickLabel)
	return execSVG("trend", map[string]any{"ID": id, "Title": title, "Desc": desc, "W": svgCoord(w), "H": svgCoord(h),
		"X0": svgCoord(left), "X1": svgCoord(w - right), "TickX": svgCoord(left - 6), "LabelY": svgCoord(h - 10),
		"Ticks": ticks, "Bands": bands, "Lines": lines, "Points": points, "XLabels": xlabels})
}

// yTick is one labelled line of a line chart's value axis.
type yTick struct{ Y, TY, Label string }

// yTicks labels [lo, hi] every 5 points, or every 10 over a wider span.
func yTicks(lo, hi float64, ys scale, tickLabel func(float64) string) []yTick {
	step := 5.0
	if hi-lo > 40 {
		step = 10
	}
	var ticks []yTick
	for v := lo; v <= hi+0.0001; v += step {
		y := ys.at(v)
		ticks = append(ticks, yTick{Y: svgCoord(y), TY: svgCoord(y + 4), Label: tickLabel(v)})
	}
	return ticks
}

func join(ps []string) string {
	var b bytes.Buffer
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
