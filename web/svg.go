package web

import (
	"bytes"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are hand-written SVG, rendered by html/template (so every label is escaped) and deterministic:
// coordinates are printed with one decimal, no map iteration, no randomness. Each chart carries <title> and
// <desc> and role="img" for screen readers; the tables beside them hold the same numbers.

var svgTemplates = template.Must(template.New("svg").Parse(`
{{define "bars"}}<svg class="chart bars" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d"><title id="{{.ID}}-t">{{.Title}}</title><desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Ticks}}<line x1="{{.X}}" y1="4" x2="{{.X}}" y2="{{$.AxisY}}" class="grid"/><text x="{{.X}}" y="{{$.TickY}}" class="tick" text-anchor="middle">{{.Label}}</text>
{{end}}{{range .Bars}}<g class="{{if .Muted}}muted{{end}}{{if .Own}} own{{end}}"><title>{{.Full}}</title><text x="{{$.LabelX}}" y="{{.TY}}" class="lbl" text-anchor="end">{{range .Lines}}<tspan x="{{$.LabelX}}" dy="{{.DY}}">{{.Text}}</tspan>{{end}}</text><rect x="{{$.X0}}" y="{{.Y}}" width="{{.BW}}" height="{{$.BarH}}" class="bar"/>{{if .HasCI}}<line x1="{{.L}}" y1="{{.MY}}" x2="{{.R}}" y2="{{.MY}}" class="whisker"/>{{end}}<text x="{{.VX}}" y="{{.TY}}" class="val">{{.Value}}</text></g>
{{end}}</svg>{{end}}
{{define "trend"}}<svg class="chart trend" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d"><title id="{{.ID}}-t">{{.Title}}</title><desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Ticks}}<line x1="{{$.X0}}" y1="{{.Y}}" x2="{{$.X1}}" y2="{{.Y}}" class="grid"/><text x="{{$.TickX}}" y="{{.TY}}" class="tick" text-anchor="end">{{.Label}}</text>
{{end}}{{range .Bands}}<polygon points="{{.}}" class="band"/>
{{end}}{{range .Lines}}<polyline points="{{.}}" class="line"/>
{{end}}{{range .Points}}<g><title>{{.Title}}</title><circle cx="{{.X}}" cy="{{.Y}}" r="3.5" class="pt"/></g>
{{end}}{{range .XLabels}}{{$x := .X}}<text x="{{$x}}" y="{{$.LabelY}}" class="tick" text-anchor="middle">{{.L1}}{{with .L2}}<tspan x="{{$x}}" dy="13">{{.}}</tspan>{{end}}</text>
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
	HasCI, Muted, Own  bool
}

// textWidth estimates the width of s at the charts' 12px in user units, a little generously, so a label
// laid out to fit never runs past the drawing's edge (the browser test measures the real boxes).
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '.' || r == ',' || r == 'i' || r == 'l' || r == 'ı' || r == 'I' || r == 'j' || r == '(' || r == ')':
			w += 3.8
		case r >= 'A' && r <= 'Z', r == 'Ə', r == 'Ş', r == 'Ç', r == 'Ğ', r == 'Ö', r == 'Ü', r == 'İ', r == 'm', r == 'w', r == 'M', r == 'W':
			w += 9.2
		case r >= 0x0410 && r <= 0x042F: // Cyrillic capitals
			w += 9.2
		case r == 'ш' || r == 'щ' || r == 'ж' || r == 'ю' || r == 'ы' || r == 'м' || r == 'ф':
			w += 9.4
		default:
			w += 7.2
		}
	}
	return w
}

// maxLabelLines is how many lines a bar's label may take.
const maxLabelLines = 3

// wrapLabel breaks a label into at most maxLabelLines lines of width ≤ maxW. A label too long for that
// first loses a trailing parenthesis, then the middle of its last line ("…centre … No. 3"), so the end,
// which tells similar names apart, stays. full reports whether the label is shown whole.
func wrapLabel(label string, maxW float64) (lines []string, full bool) {
	var cur string
	full = true
	for _, w := range strings.Fields(label) {
		if textWidth(w) > maxW {
			w, full = clipMiddle(w, maxW), false
		}
		if cand := strings.TrimSpace(cur + " " + w); textWidth(cand) <= maxW {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) <= maxLabelLines {
		return lines, full
	}
	if i := strings.LastIndex(label, " ("); i > 0 && strings.HasSuffix(label, ")") {
		if short, ok := wrapLabel(label[:i], maxW); ok {
			return short, false
		}
	}
	rest := strings.Join(lines[maxLabelLines-1:], " ")
	return append(lines[:maxLabelLines-1:maxLabelLines-1], clipMiddle(rest, maxW)), false
}

// clipMiddle shortens s to fit maxW by cutting its middle: "Baku … No. 3".
func clipMiddle(s string, maxW float64) string {
	r := []rune(s)
	head, tail := len(r)/2, len(r)/2
	for head > 0 && textWidth(string(r[:head])+"…"+string(r[len(r)-tail:])) > maxW {
		if head >= tail {
			head--
		} else {
			tail--
		}
	}
	return strings.TrimSpace(string(r[:head])) + "…" + strings.TrimSpace(string(r[len(r)-tail:]))
}

// barChart draws horizontal bars on the fixed axis 0–100 with CI whiskers, as the PDF does: bars of any two
// charts compare by eye, and a small difference is never magnified. Labels wrap onto two lines; one too
// long even so keeps its start and end, with the full name in the bar's <title> (and in the table beside).
// w is the drawing's width in user units and labelW the part kept for names: a chart in a half-width card
// gets a smaller viewBox so its text stays readable when scaled.
func barChart(id, title, desc string, bars []bar, w, labelW float64, tickLabel func(float64) string) template.HTML {
	const d0 = 0.0
	const lineH, barH, top, pad = 14.0, 14.0, 6.0, 10.0
	x0, x1 := labelW+8, w-60
	sc := scale{d0, 100, x0, x1}
	type line struct{ DY, Text string }
	type barOut struct {
		Lines                   []line
		Full, Value             string
		Y, TY, MY, BW, L, R, VX string
		HasCI, Muted, Own       bool
	}
	var out []barOut
	y := top
	for _, b := range bars {
		lines, _ := wrapLabel(b.Label, labelW-4)
		rowH := math.Max(24, float64(len(lines))*lineH+pad)
		var ls []line
		for i, l := range lines {
			dy := "0"
			if i > 0 {
				dy = svgCoord(lineH)
			}
			ls = append(ls, line{DY: dy, Text: l})
		}
		xe := sc.at(b.V)
		right := xe
		if b.HasCI {
			right = math.Max(right, sc.at(b.Hi))
		}
		mid := y + rowH/2
		firstBase := mid + 4 - float64(len(lines)-1)*lineH/2
		out = append(out, barOut{Lines: ls, Full: b.Full, Value: b.Value, Y: svgCoord(mid - barH/2),
			TY: svgCoord(firstBase), MY: svgCoord(mid), BW: svgCoord(math.Max(xe-x0, 0.5)), L: svgCoord(sc.at(b.Lo)),
			R: svgCoord(sc.at(b.Hi)), VX: svgCoord(right + 6), HasCI: b.HasCI, Muted: b.Muted, Own: b.Own})
		y += rowH
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
	axisY := y
	h := y + 24
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
	const w, h, left, right, top, bottom = 720.0, 272.0, 48.0, 34.0, 10.0, 42.0
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
	// An axis label breaks before its last word ("III rüb" over "2026") so eight of them fit side by side.
	type xl struct{ X, L1, L2 string }
	var xlabels []xl
	for i, p := range pts {
		x := xs(i)
		l1, l2 := p.Label, ""
		if k := strings.LastIndexByte(p.Label, ' '); k > 0 {
			l1, l2 = p.Label[:k], p.Label[k+1:]
		}
		xlabels = append(xlabels, xl{X: svgCoord(x), L1: l1, L2: l2})
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
		"X0": svgCoord(left), "X1": svgCoord(w - right), "TickX": svgCoord(left - 6), "LabelY": svgCoord(h - 24),
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
