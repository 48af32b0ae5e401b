package report

import (
	"math"
	"strings"
)

// column of a table.
type column struct {
	title string
	w     float64
	align string // "L", "R" or "C"
	wrap  bool   // wrap over up to maxCellLines lines instead of truncating
}

// cell of a table row.
type cell struct {
	text  string
	bold  bool
	muted bool
	note  string                     // optional second line in a smaller muted font
	draw  func(x, top, w, h float64) // optional custom drawing inside the cell box
}

type table struct {
	cols []column
	size float64 // body font size in points
	// continued is called after a page break inside the table, before the
	// header row is repeated (e.g. to repeat the section title).
	continued func()
}

const (
	cellPadX     = 1.2
	cellPadY     = 1.1
	maxCellLines = 3
)

type preparedRow struct {
	lines [][]string
	notes []string
	h     float64
}

// table draws a table whose header row repeats after every page break and
// whose rows are never split across pages.
func (d *doc) table(t table, rows [][]cell) {
	headSize := t.size - 0.3
	d.setFont(true, headSize)
	headLH := d.lineH()
	heads := make([][]string, len(t.cols))
	headSizes := make([]float64, len(t.cols))
	headLines := 1
	for i, c := range t.cols {
		// A narrow column gets a smaller header font rather than a word
		// broken in the middle ("Мест-о").
		size := headSize
		for ; size > 5.5; size -= 0.25 {
			d.setFont(true, size)
			if d.longestWord(c.title) <= c.w-2*cellPadX {
				break
			}
		}
		headSizes[i] = size
		heads[i] = d.wrap(c.title, c.w-2*cellPadX, maxCellLines)
		headLines = max(headLines, len(heads[i]))
	}
	headH := float64(headLines)*headLH + 2*cellPadY
	headless := true
	for _, c := range t.cols {
		if c.title != "" {
			headless = false
		}
	}
	if headless {
		headH = 0
	}

	drawHeader := func() {
		if headless {
			d.line(marginL, d.y, marginL+contentW, d.y, 0.3, colPrimary)
			return
		}
		d.rect(marginL, d.y, contentW, headH, colHeadFill)
		d.color(colPrimary)
		x := marginL
		for i, c := range t.cols {
			d.setFont(true, headSizes[i])
			// Bottom-align header lines so short titles sit on the same
			// baseline as the last line of long ones.
			top := d.y + cellPadY + float64(headLines-len(heads[i]))*headLH
			for j, line := range heads[i] {
				d.textIn(x+cellPadX, top+float64(j)*headLH, c.w-2*cellPadX, headLH, line, c.align)
			}
			x += c.w
		}
		d.line(marginL, d.y+headH, marginL+contentW, d.y+headH, 0.3, colPrimary)
		d.y += headH
	}

	d.setFont(false, t.size)
	lh := d.lineH()
	d.setFont(false, t.size-1)
	noteLH := d.lineH()
	prepared := make([]preparedRow, len(rows))
	for r, row := range rows {
		p := preparedRow{lines: make([][]string, len(t.cols)), notes: make([]string, len(t.cols))}
		h := lh
		for i, c := range t.cols {
			if i >= len(row) {
				continue
			}
			cl := row[i]
			d.setFont(cl.bold, t.size)
			w := c.w - 2*cellPadX
			if c.wrap {
				p.lines[i] = d.wrap(cl.text, w, maxCellLines)
			} else {
				p.lines[i] = []string{d.fit(cl.text, w)}
			}
			ch := float64(len(p.lines[i])) * lh
			if cl.note != "" {
				d.setFont(false, t.size-1)
				p.notes[i] = d.fit(cl.note, w)
				ch += noteLH
			}
			h = math.Max(h, ch)
		}
		p.h = h + 2*cellPadY
		prepared[r] = p
	}

	first := headH
	if len(prepared) > 0 {
		first += prepared[0].h
	}
	if d.ensure(first) && t.continued != nil {
		t.continued()
	}
	drawHeader()
	for r, row := range rows {
		p := prepared[r]
		if d.y+p.h > bottomY {
			d.newPage()
			if t.continued != nil {
				t.continued()
			}
			drawHeader()
		}
		if r%2 == 1 {
			d.rect(marginL, d.y, contentW, p.h, colZebra)
		}
		x := marginL
		for i, c := range t.cols {
			if i >= len(row) {
				x += c.w
				continue
			}
			cl := row[i]
			if cl.draw != nil {
				cl.draw(x, d.y, c.w, p.h)
			}
			d.setFont(cl.bold, t.size)
			if cl.muted {
				d.color(colMuted)
			} else {
				d.color(colInk)
			}
			top := d.y + cellPadY
			for j, line := range p.lines[i] {
				d.textIn(x+cellPadX, top+float64(j)*lh, c.w-2*cellPadX, lh, line, c.align)
			}
			if p.notes[i] != "" {
				d.setFont(false, t.size-1)
				d.color(colMuted)
				d.textIn(x+cellPadX, top+float64(len(p.lines[i]))*lh, c.w-2*cellPadX, noteLH, p.notes[i], c.align)
			}
			x += c.w
		}
		d.line(marginL, d.y+p.h, marginL+contentW, d.y+p.h, 0.1, colRule)
		d.y += p.h
	}
	d.y += 2
}

// longestWord is the width of the widest space-separated word of s in the
// current font.
func (d *doc) longestWord(s string) float64 {
	w := 0.0
	for _, word := range strings.Fields(s) {
		w = math.Max(w, d.textW(word))
	}
	return w
}
