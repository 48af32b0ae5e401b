package report

import "strings"

// A tiny typesetter for the formulas of the methodology appendix. Markup:
// _{…} subscript, ^{…} superscript, \sqrt{…} a drawn radical sign. A
// subscript directly followed by a superscript is stacked (Σ_{j}^{n}).
// Noto Sans has no √, so the radical is drawn with lines.

type fkind int

const (
	fText fkind = iota
	fSub
	fSup
	fSqrt
)

type fnode struct {
	kind fkind
	text string  // fText
	kids []fnode // fSub, fSup, fSqrt
}

func parseFormula(s string) []fnode {
	nodes, _ := parseFormulaAt([]rune(s), 0, false)
	return nodes
}

// parseFormulaAt parses from i until the end, or until the closing brace
// when inGroup; it returns the nodes and the index after the closing brace.
func parseFormulaAt(r []rune, i int, inGroup bool) ([]fnode, int) {
	var nodes []fnode
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			nodes = append(nodes, fnode{kind: fText, text: text.String()})
			text.Reset()
		}
	}
	for i < len(r) {
		c := r[i]
		switch {
		case inGroup && c == '}':
			flush()
			return nodes, i + 1
		case (c == '_' || c == '^') && i+1 < len(r) && r[i+1] == '{':
			flush()
			kids, next := parseFormulaAt(r, i+2, true)
			k := fSub
			if c == '^' {
				k = fSup
			}
			nodes = append(nodes, fnode{kind: k, kids: kids})
			i = next
		case c == '\\' && strings.HasPrefix(string(r[i:]), `\sqrt{`):
			flush()
			kids, next := parseFormulaAt(r, i+len(`\sqrt{`), true)
			nodes = append(nodes, fnode{kind: fSqrt, kids: kids})
			i = next
		default:
			text.WriteRune(c)
			i++
		}
	}
	flush()
	return nodes, i
}

const scriptScale = 0.7

func hasSup(nodes []fnode) bool {
	for _, n := range nodes {
		if n.kind == fSup || hasSup(n.kids) {
			return true
		}
	}
	return false
}

// layoutFormula measures (draw == false) or draws the nodes with the
// baseline at y, starting at x, at the given font size; it returns the
// width.
func (d *doc) layoutFormula(nodes []fnode, x, y, size float64, draw bool) float64 {
	em := size * ptToMM
	start := x
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		switch n.kind {
		case fText:
			d.setFont(false, size)
			if draw {
				d.color(colInk)
				d.text(x, y, n.text)
			}
			x += d.textW(n.text)
		case fSub, fSup:
			small := size * scriptScale
			dy := 0.22 * em
			if n.kind == fSup {
				dy = -0.4 * em
			}
			w := d.layoutFormula(n.kids, x, y+dy, small, draw)
			// A subscript followed by a superscript is stacked.
			if n.kind == fSub && i+1 < len(nodes) && nodes[i+1].kind == fSup {
				w2 := d.layoutFormula(nodes[i+1].kids, x, y-0.4*em, small, draw)
				w = max(w, w2)
				i++
			}
			x += w + 0.15
		case fSqrt:
			inner := d.layoutFormula(n.kids, 0, 0, size, false)
			top := y - 0.82*em
			if hasSup(n.kids) {
				top = y - 1.02*em
			}
			bottom := y + 0.2*em
			lead := 0.5 * em
			if draw {
				d.drawColor(colInk)
				d.pdf.SetLineWidth(0.06 * em)
				d.pdf.SetLineJoinStyle("round")
				d.pdf.SetLineCapStyle("round")
				pts := [][2]float64{
					{x, y - 0.32*em},
					{x + 0.12*em, y - 0.38*em},
					{x + 0.27*em, bottom},
					{x + lead - 0.04*em, top},
					{x + lead + inner + 0.12*em, top},
				}
				for j := 0; j+1 < len(pts); j++ {
					d.pdf.Line(pts[j][0], pts[j][1], pts[j+1][0], pts[j+1][1])
				}
				d.pdf.SetLineCapStyle("butt")
				d.pdf.SetLineJoinStyle("miter")
				d.layoutFormula(n.kids, x+lead+0.06*em, y, size, true)
			}
			x += lead + inner + 0.2*em
		}
	}
	return x - start
}

// formula draws one display formula on its own line, indented.
func (d *doc) formula(s string) {
	const size = 10.5
	nodes := parseFormula(s)
	h := 8.0
	d.ensure(h)
	x := marginL + 8
	w := d.layoutFormula(nodes, 0, 0, size, false)
	if w > contentW-8 {
		x = marginL
	}
	d.layoutFormula(nodes, x, d.y+h*0.62, size, true)
	d.y += h
}
