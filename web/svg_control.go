package web

import (
	"html/template"
	"math"
)

// The control chart of the agency page (docs/method.md#control-chart): monthly indices as points joined by
// a line, the centre line dashed, the limits as a shaded band, and every signal marked by shape AND colour
// (▲ above the upper limit, ▼ below the lower one, a hollow square for a run), so it never rests on colour.

// Registered in svgTemplates as "control" (execSVG runs it by name).
var _ = template.Must(svgTemplates.New("control").Parse(`<svg class="chart control" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d"><title id="{{.ID}}-t">{{.Title}}</title><desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Ticks}}<line x1="{{$.X0}}" y1="{{.Y}}" x2="{{$.X1}}" y2="{{.Y}}" class="grid"/><text x="{{$.TickX}}" y="{{.TY}}" class="tick" text-anchor="end">{{.Label}}</text>
{{end}}<polygon points="{{.Band}}" class="limits"/><polyline points="{{.Upper}}" class="limit"/><polyline points="{{.Lower}}" class="limit"/>
<line x1="{{.X0}}" y1="{{.CLY}}" x2="{{.X1}}" y2="{{.CLY}}" class="cl"/>
<polyline points="{{.Line}}" class="line"/>
{{range .Points}}<g><title>{{.Title}}</title>{{if eq .Shape "above"}}<path d="M{{.X}},{{.Y}} m0,-7 l6,10 h-12 z" class="sig-above"/>{{else if eq .Shape "below"}}<path d="M{{.X}},{{.Y}} m0,7 l6,-10 h-12 z" class="sig-below"/>{{else if eq .Shape "run"}}<rect x="{{.RX}}" y="{{.RY}}" width="9" height="9" class="sig-run"/>{{else}}<circle cx="{{.X}}" cy="{{.Y}}" r="3.5" class="pt"/>{{end}}</g>
{{end}}{{range .XLabels}}<text x="{{.X}}" y="{{$.LabelY}}" class="tick" text-anchor="middle">{{.Label}}</text>
{{end}}</svg>`))

// controlPt is one month of a control chart. Shape is "", "above", "below" or "run".
type controlPt struct {
	Label        string // the x-axis label ("03" or "2025-01" at a year's start)
	V, LCL, UCL  float64
	Shape, Title string
}

// controlChart draws the months in order on a y range that holds every point and limit.
func controlChart(id, title, desc string, cl float64, pts []controlPt, tickLabel func(float64) string) template.HTML {
	const w, h, left, right, top, bottom = 720.0, 260.0, 48.0, 20.0, 12.0, 30.0
	lo, hi := cl, cl
	for _, p := range pts {
		lo, hi = math.Min(lo, math.Min(p.V, p.LCL)), math.Max(hi, math.Max(p.V, p.UCL))
	}
	lo = math.Max(0, math.Floor(lo/5)*5-5)
	hi = math.Min(100, math.Ceil(hi/5)*5+5)
	ys := scale{lo, hi, h - bottom, top}
	n := len(pts)
	xs := func(i int) float64 {
		if n == 1 {
			return (left + w - right) / 2
		}
		return left + 10 + float64(i)*(w-left-right-20)/float64(n-1)
	}
	type pt struct{ X, Y, RX, RY, Shape, Title string }
	type xl struct{ X, Label string }
	var upper, lower, line []string
	var points []pt
	var xlabels []xl
	lastYear := ""
	every := 1
	if n > 12 {
		every = 2
	}
	if n > 30 {
		every = 3
	}
	for i, p := range pts {
		x, y := xs(i), ys.at(p.V)
		upper = append(upper, svgCoord(x)+","+svgCoord(ys.at(p.UCL)))
		lower = append(lower, svgCoord(x)+","+svgCoord(ys.at(p.LCL)))
		line = append(line, svgCoord(x)+","+svgCoord(y))
		points = append(points, pt{X: svgCoord(x), Y: svgCoord(y), RX: svgCoord(x - 4.5), RY: svgCoord(y - 4.5), Shape: p.Shape, Title: p.Title})
		if i%every == 0 || i == n-1 {
			label := p.Label
			if len(label) == 7 && label[:4] == lastYear {
				label = label[5:]
			} else if len(label) == 7 {
				lastYear = label[:4]
			}
			xlabels = append(xlabels, xl{X: svgCoord(x), Label: label})
		}
	}
	if n == 1 { // one month: its limits as a narrow band
		x := xs(0)
		upper = []string{svgCoord(x-8) + "," + svgCoord(ys.at(pts[0].UCL)), svgCoord(x+8) + "," + svgCoord(ys.at(pts[0].UCL))}
		lower = []string{svgCoord(x-8) + "," + svgCoord(ys.at(pts[0].LCL)), svgCoord(x+8) + "," + svgCoord(ys.at(pts[0].LCL))}
	}
	band := append([]string{}, upper...)
	for i := len(lower) - 1; i >= 0; i-- {
		band = append(band, lower[i])
	}
	ticks := yTicks(lo, hi, ys, tickLabel)
	return execSVG("control", map[string]any{"ID": id, "Title": title, "Desc": desc, "W": svgCoord(w), "H": svgCoord(h),
		"X0": svgCoord(left), "X1": svgCoord(w - right), "TickX": svgCoord(left - 6), "LabelY": svgCoord(h - 10),
		"Ticks": ticks, "Band": join(band), "Upper": join(upper), "Lower": join(lower), "CLY": svgCoord(ys.at(cl)),
		"Line": join(line), "Points": points, "XLabels": xlabels})
}

// legendIcon is the small drawing of a legend entry: the same shapes and classes as in the chart.
func legendIcon(kind string) template.HTML {
	const open = `<svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true" focusable="false" class="icon">`
	var body string
	switch kind {
	case "cl":
		body = `<line x1="1" y1="7" x2="21" y2="7" class="cl"/>`
	case "band":
		body = `<rect x="1" y="2" width="20" height="10" class="limits"/><line x1="1" y1="2" x2="21" y2="2" class="limit"/><line x1="1" y1="12" x2="21" y2="12" class="limit"/>`
	case "point":
		body = `<circle cx="11" cy="7" r="3.5" class="pt"/>`
	case "above":
		body = `<path d="M11,7 m0,-7 l6,10 h-12 z" transform="translate(0,3)" class="sig-above"/>`
	case "below":
		body = `<path d="M11,7 m0,7 l6,-10 h-12 z" transform="translate(0,-3)" class="sig-below"/>`
	case "run":
		body = `<rect x="6.5" y="2.5" width="9" height="9" class="sig-run"/>`
	}
	return template.HTML(open + body + `</svg>`)
}
