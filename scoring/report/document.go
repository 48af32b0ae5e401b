package report

import (
	"math"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry (A4 portrait, millimetres).
const (
	pageW     = 210.0
	pageH     = 297.0
	marginL   = 15.0
	marginR   = 15.0
	marginTop = 20.0
	marginBot = 18.0
	contentW  = pageW - marginL - marginR
	bottomY   = pageH - marginBot

	ptToMM = 25.4 / 72
)

type rgb struct{ r, g, b int }

// Palette.
var (
	colInk      = rgb{33, 37, 41}
	colMuted    = rgb{108, 117, 125}
	colFaint    = rgb{173, 181, 189}
	colRule     = rgb{206, 212, 218}
	colZebra    = rgb{244, 246, 248}
	colPrimary  = rgb{0, 84, 147}
	colAccent   = rgb{0, 133, 119}
	colBand     = rgb{190, 215, 236}
	colBar      = rgb{58, 124, 184}
	colBarGrey  = rgb{200, 205, 210}
	colUp       = rgb{25, 135, 84}
	colDown     = rgb{200, 50, 50}
	colHeadFill = rgb{230, 238, 246}
	colWhite    = rgb{255, 255, 255}
	colWarn     = rgb{92, 60, 0}     // provisional text (contrast ≥ 7:1 on its fill)
	colWarnFill = rgb{255, 236, 179} // provisional plate
	colWarnLine = rgb{217, 164, 0}
)

// doc is one report being drawn. It is never shared between goroutines.
type doc struct {
	pdf    *fpdf.Fpdf
	in     *Input
	l      loc
	record func(string)

	y        float64 // current vertical position
	fontSize float64 // current font size in points
	bold     bool

	conf string // the confidence level as printed, e.g. "95%"
	rows map[string]Row
}

func newDoc(in *Input, l loc, record func(string)) *doc {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true)
	gen := in.GeneratedAt.UTC()
	p.SetCreationDate(gen)
	p.SetModificationDate(gen)
	p.SetCompression(true)
	p.SetMargins(marginL, marginTop, marginR)
	p.SetAutoPageBreak(false, marginBot)
	p.SetCellMargin(0)
	p.AliasNbPages("{nb}")
	p.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	p.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	p.SetLang(in.Lang)
	p.SetProducer("Qiymət", true)
	p.SetCreator("Qiymət", true)
	p.SetAuthor("Qiymət", true)
	p.SetTitle(sanitize(l.t("title")+" — "+in.PeriodLabel), true)
	p.SetSubject(sanitize(l.t("subtitle")), true)
	p.SetDisplayMode("fullwidth", "continuous")

	d := &doc{pdf: p, in: in, l: l, record: record}
	d.conf = l.Percent(in.Confidence)
	d.rows = make(map[string]Row)
	for _, g := range in.Groups {
		for _, r := range g.Rows {
			d.rows[r.Agency] = r
		}
	}
	p.SetHeaderFunc(d.header)
	p.SetFooterFunc(d.footer)
	return d
}

func (d *doc) build() {
	d.cover()
	d.summary()
	d.rankings()
	d.barChart()
	d.composites() // composite.go: only when the period has assessments
	d.agencies()
	d.methodology()
}

// --- page furniture --------------------------------------------------------

func (d *doc) header() {
	if d.pdf.PageNo() == 1 {
		return
	}
	// fpdf restores the font after the header; keep our copy in step.
	defer d.setFont(d.bold, d.fontSize)
	d.setFont(false, 7.5)
	d.color(colMuted)
	y := 11.0
	right := d.in.PeriodLabel
	if g := d.groupFilterName(); g != "" {
		right = g + " · " + right
	}
	rw := d.textW(right)
	d.text(pageW-marginR-rw, y, right)
	left := marginL
	if d.in.Provisional {
		// A running period: every page says so, in words on an amber plate.
		d.setFont(true, 7.5)
		mark := d.l.t("provisional")
		mw := d.textW(mark)
		d.rect(marginL, y-3.2, mw+3, 4.4, colWarnFill)
		d.color(colWarn)
		d.text(marginL+1.5, y, mark)
		left += mw + 5
		d.setFont(false, 7.5)
		d.color(colMuted)
	}
	d.text(left, y, d.fit(d.l.t("title"), pageW-marginR-rw-6-left))
	d.drawColor(colRule)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(marginL, y+2, pageW-marginR, y+2)
}

func (d *doc) footer() {
	defer d.setFont(d.bold, d.fontSize)
	d.setFont(false, 7.5)
	d.color(colMuted)
	y := pageH - 9.0
	d.drawColor(colRule)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(marginL, y-4, pageW-marginR, y-4)
	d.text(marginL, y, d.fit("Qiymət · "+d.l.t("subtitle")+" · "+d.in.PeriodLabel, contentW-45))
	// The total is an alias filled in when the document closes; its final
	// width is unknown, so the text starts at a fixed x that leaves room for
	// "Səhifə 999 / 999".
	s := d.l.t("footer_page", "p", strconv.Itoa(d.pdf.PageNo()), "n", "{nb}")
	room := d.textW(d.l.t("footer_page", "p", "999", "n", "999"))
	d.text(pageW-marginR-room, y, s)
}

func (d *doc) groupFilterName() string {
	if d.in.GroupFilter == "" {
		return ""
	}
	for _, g := range d.in.Groups {
		if g.Code == d.in.GroupFilter && g.Name != "" {
			return g.Name
		}
	}
	return d.in.GroupFilter
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.y = marginTop
}

// ensure starts a new page when h millimetres do not fit below the current
// position, and reports whether it did.
func (d *doc) ensure(h float64) bool {
	if d.y+h <= bottomY {
		return false
	}
	d.newPage()
	return true
}

func (d *doc) bookmark(s string, level int) {
	d.pdf.Bookmark(sanitize(s), level, d.y)
}

// --- text ------------------------------------------------------------------

func (d *doc) setFont(bold bool, size float64) {
	if size <= 0 {
		return
	}
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont(fontFamily, style, size)
	d.bold, d.fontSize = bold, size
}

func (d *doc) color(c rgb)     { d.pdf.SetTextColor(c.r, c.g, c.b) }
func (d *doc) fill(c rgb)      { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *doc) drawColor(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }

// lineH is a comfortable line height for the current font size.
func (d *doc) lineH() float64 { return d.fontSize * ptToMM * 1.35 }

func (d *doc) textW(s string) float64 { return d.pdf.GetStringWidth(sanitize(s)) }

// text draws s with its baseline at y. Every string in the report goes
// through here (or textAt), so it is sanitised and seen by the recorder.
func (d *doc) text(x, y float64, s string) {
	if s == "" {
		return
	}
	s = sanitize(s)
	if d.record != nil {
		d.record(s)
	}
	d.pdf.Text(x, y, s)
}

// baseline returns the baseline that centres a line of the current font
// vertically in a box starting at top with height h.
func (d *doc) baseline(top, h float64) float64 {
	return top + h/2 + 0.36*d.fontSize*ptToMM
}

// textIn draws s on one line inside the box (x, top, w, h), aligned "L",
// "R" or "C", truncated with an ellipsis when it does not fit.
func (d *doc) textIn(x, top, w, h float64, s, align string) {
	s = d.fit(s, w)
	tw := d.textW(s)
	switch align {
	case "R":
		x += w - tw
	case "C":
		x += (w - tw) / 2
	}
	d.text(x, d.baseline(top, h), s)
}

// fit shortens s with "…" until it is at most w wide.
func (d *doc) fit(s string, w float64) string {
	s = sanitize(s)
	if d.pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi { // largest n with width(r[:n]+"…") <= w
		mid := (lo + hi + 1) / 2
		if d.pdf.GetStringWidth(strings.TrimRight(string(r[:mid]), " ")+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// wrap breaks s into lines at most w wide (breaking long words when it
// must); with maxLines > 0 the last line is truncated with an ellipsis.
func (d *doc) wrap(s string, w float64, maxLines int) []string {
	s = sanitize(s)
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		if d.pdf.GetStringWidth(para) <= w {
			lines = append(lines, para)
			continue
		}
		lines = append(lines, d.pdf.SplitText(para, w)...)
	}
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if maxLines > 0 && len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], d.fit(rest+"…", w))
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// para draws a wrapped paragraph over the content width, breaking pages
// between lines as needed.
func (d *doc) para(s string, bold bool, size float64, c rgb) {
	d.paraW(marginL, contentW, s, bold, size, c)
}

func (d *doc) paraW(x, w float64, s string, bold bool, size float64, c rgb) {
	d.setFont(bold, size)
	lh := d.lineH()
	for _, line := range d.wrap(s, w, 0) {
		d.ensure(lh)
		d.setFont(bold, size)
		d.color(c)
		d.text(x, d.baseline(d.y, lh), line)
		d.y += lh
	}
}

// heading draws a section heading; keep reserves room for what must follow
// it on the same page.
func (d *doc) heading(s string, size float64, keep float64) {
	d.headingMax(s, size, keep, 0)
}

// headingMax is heading with at most maxLines lines (0 = no limit).
func (d *doc) headingMax(s string, size float64, keep float64, maxLines int) {
	d.setFont(true, size)
	lines := d.wrap(s, contentW, maxLines)
	lh := d.lineH()
	d.ensure(float64(len(lines))*lh + keep)
	d.color(colPrimary)
	for _, line := range lines {
		d.setFont(true, size)
		d.color(colPrimary)
		d.text(marginL, d.baseline(d.y, lh), line)
		d.y += lh
	}
}

// --- shapes ----------------------------------------------------------------

func (d *doc) rect(x, y, w, h float64, c rgb) {
	if w <= 0 || h <= 0 {
		return
	}
	d.fill(c)
	d.pdf.Rect(x, y, w, h, "F")
}

func (d *doc) line(x1, y1, x2, y2, width float64, c rgb) {
	d.drawColor(c)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x1, y1, x2, y2)
}

// triangle draws a small filled triangle pointing up or down, centred on
// (cx, cy).
func (d *doc) triangle(cx, cy, size float64, up bool, c rgb) {
	h := size * 0.87
	var pts []fpdf.PointType
	if up {
		pts = []fpdf.PointType{{X: cx - size/2, Y: cy + h/2}, {X: cx + size/2, Y: cy + h/2}, {X: cx, Y: cy - h/2}}
	} else {
		pts = []fpdf.PointType{{X: cx - size/2, Y: cy - h/2}, {X: cx + size/2, Y: cy - h/2}, {X: cx, Y: cy + h/2}}
	}
	d.fill(c)
	d.pdf.Polygon(pts, "F")
}

// finite reports whether x is a usable number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
