package report

import (
	"math"
	"sort"
	"strconv"
	"time"
)

// --- cover -----------------------------------------------------------------

func (d *doc) cover() {
	d.newPage()
	in, l := d.in, d.l

	d.rect(0, 0, pageW, 92, colPrimary)
	d.rect(0, 92, pageW, 2.5, colAccent)
	d.setFont(true, 13)
	d.color(colBand)
	d.text(marginL, 24, "Qiymət")
	d.y = 34
	d.setFont(true, 26)
	for _, line := range d.wrap(l.t("title"), contentW, 3) {
		d.color(colWhite)
		d.text(marginL, d.baseline(d.y, 12), line)
		d.y += 12
	}

	d.y = 110
	d.setFont(true, 16)
	d.color(colAccent)
	d.text(marginL, d.y, l.t("subtitle"))
	d.y += 22
	d.setFont(true, 40)
	d.color(colInk)
	d.text(marginL, d.y, d.fit(in.PeriodLabel, contentW))
	d.y += 14

	d.setFont(false, 13)
	d.color(colMuted)
	if !in.PeriodStart.IsZero() && !in.PeriodEnd.IsZero() {
		last := in.PeriodEnd.Add(-time.Nanosecond).In(in.PeriodEnd.Location())
		d.text(marginL, d.y, d.fit(l.date(in.PeriodStart)+" – "+l.date(last), contentW))
		d.y += 14
	}

	if in.Provisional {
		d.provisionalBanner()
	}
	group := l.t("all_groups")
	if g := d.groupFilterName(); g != "" {
		group = g
	}
	d.coverField(l.t("group"), group)
	asOf := l.t("no_counted")
	if !in.DataAsOf.IsZero() {
		asOf = l.date(in.DataAsOf) + ", " + in.DataAsOf.Format("15:04")
	}
	d.coverField(l.t("data_as_of"), asOf)
	d.coverField(l.t("generated"), l.date(in.GeneratedAt))

	d.y = max(232, d.y+8)
	d.line(marginL, d.y-6, marginL+contentW, d.y-6, 0.3, colRule)
	d.para(l.t("cover_note", "conf", d.conf), false, 9.5, colMuted)
}

func (d *doc) coverField(label, value string) {
	d.setFont(false, 10)
	d.color(colMuted)
	d.text(marginL, d.y, label)
	d.y += 6
	d.setFont(true, 12)
	d.color(colInk)
	for _, line := range d.wrap(value, contentW, 2) {
		d.text(marginL, d.y, line)
		d.y += 6
	}
	d.y += 5
}

// --- summary ---------------------------------------------------------------

func (d *doc) summary() {
	d.newPage()
	in, l := d.in, d.l
	d.bookmark(l.t("summary"), 0)
	d.heading(l.t("summary"), 18, 40)
	d.y += 3

	// Overall figure box.
	boxTop, boxH := d.y, 34.0
	d.rect(marginL, boxTop, contentW, boxH, colHeadFill)
	d.rect(marginL, boxTop, 1.5, boxH, colPrimary)
	d.setFont(false, 10)
	d.color(colMuted)
	d.text(marginL+6, boxTop+8, l.t("overall_index"))
	d.setFont(true, 30)
	d.color(colPrimary)
	d.text(marginL+6, boxTop+22, d.figIndex(in.Overall))
	d.setFont(false, 9)
	d.color(colMuted)
	d.text(marginL+6, boxTop+29, l.t("ci_short", "conf", d.conf)+": "+d.figCI(in.Overall))

	colX := marginL + 80
	colW := contentW - 80 - 6
	d.setFont(true, 12)
	d.color(colInk)
	d.text(colX, boxTop+10, d.fit(l.Integer(in.Overall.N)+" "+l.tPlural("counted", in.Overall.N), colW))
	ranked, total := 0, 0
	for _, g := range in.Groups {
		for _, r := range g.Rows {
			total++
			if r.ranked() {
				ranked++
			}
		}
	}
	d.setFont(false, 10)
	d.text(colX, boxTop+17, d.fit(l.t("agencies_ranked", "r", strconv.Itoa(ranked), "t", strconv.Itoa(total)), colW))
	d.y = boxTop + 20
	d.paraW(colX, colW, l.t("min_n_note", "min_n", strconv.FormatInt(in.MinN, 10)), false, 8.5, colMuted)
	d.y = boxTop + boxH + 8

	if len(in.Groups) > 0 {
		d.heading(l.t("groups_h"), 14, 20)
		d.y += 1
		rows := make([][]cell, 0, len(in.Groups))
		for _, g := range in.Groups {
			ranked := 0
			for _, r := range g.Rows {
				if r.ranked() {
					ranked++
				}
			}
			rows = append(rows, []cell{
				{text: g.Name},
				{text: d.figIndex(g.Figure), bold: true},
				{text: d.figCI(g.Figure)},
				{text: d.figN(g.Figure)},
				{text: strconv.Itoa(ranked) + " / " + strconv.Itoa(len(g.Rows))},
			})
		}
		d.table(table{cols: []column{
			{title: l.t("col_group"), w: 84, align: "L", wrap: true},
			{title: l.t("col_index"), w: 20, align: "R"},
			{title: l.t("ci_short", "conf", d.conf), w: 30, align: "C"},
			{title: l.t("col_n"), w: 20, align: "R"},
			{title: l.t("col_ranked"), w: 26, align: "R"},
		}, size: 9, continued: func() {
			d.heading(l.t("groups_h")+" "+l.t("continued"), 11, 16)
		}}, rows)
		d.y += 6
	}

	d.heading(l.t("leaders"), 14, 20)
	d.y += 2
	if len(in.Groups) == 0 {
		d.para(l.t("no_groups"), false, 10, colMuted)
		return
	}
	for _, g := range in.Groups {
		d.summaryGroup(g)
	}
}

func (d *doc) summaryGroup(g Group) {
	l := d.l
	d.setFont(true, 11)
	nameLines := d.wrap(g.Name, contentW, 2)
	d.ensure(float64(len(nameLines))*d.lineH() + 14)
	for _, line := range nameLines {
		d.setFont(true, 11)
		d.color(colInk)
		d.text(marginL, d.baseline(d.y, d.lineH()), line)
		d.y += d.lineH()
	}
	d.setFont(false, 8.5)
	d.color(colMuted)
	d.text(marginL, d.baseline(d.y, d.lineH()), d.fit(d.groupLine(g), contentW))
	d.y += d.lineH() + 1

	leaders := 0
	for _, r := range g.Rows {
		if !r.ranked() || r.Rank != 1 {
			continue
		}
		leaders++
		d.leaderLine(r)
	}
	if leaders == 0 {
		d.paraW(marginL+5, contentW-5, l.t("no_ranked", "min_n", strconv.FormatInt(d.in.MinN, 10)), false, 9.5, colMuted)
	}
	d.y += 4
}

// groupLine is "Group index: 90.11 (95% CI 89.74–90.48) · n = 8,970".
func (d *doc) groupLine(g Group) string {
	l := d.l
	if d.in.Withhold && g.Figure.N <= 0 { // the public edition: below min_n only the word
		return l.t("group_index") + ": " + l.t("insufficient")
	}
	return l.t("group_index") + ": " + d.figIndex(g.Figure) +
		" (" + l.t("ci_short", "conf", d.conf) + " " + d.figCI(g.Figure) + ") · n = " + l.Integer(g.Figure.N)
}

// figIndex and figCI print a figure's index and CI, or a dash when it has
// no responses.
// figN is n, or "—" where the public edition withholds a figure below min_n.
func (d *doc) figN(f Figure) string {
	if d.in.Withhold && f.N <= 0 {
		return "—"
	}
	return d.l.Integer(f.N)
}

func (d *doc) figIndex(f Figure) string {
	if f.N <= 0 {
		return "—"
	}
	return d.l.Number(f.Index, 2)
}

func (d *doc) figCI(f Figure) string {
	if f.N <= 0 {
		return "—"
	}
	return d.l.ci(f.CILow, f.CIHigh)
}

// leaderLine draws "• Name — 1st for the 4th time in a row ........ 92.78".
func (d *doc) leaderLine(r Row) {
	l := d.l
	valW := 22.0
	x := marginL + 5
	w := contentW - 5 - valW
	d.setFont(false, 10)
	lh := d.lineH()
	sentence := r.Name + " — " + l.firstPhrase(r)
	lines := d.wrap(sentence, w, 3)
	d.ensure(float64(len(lines)) * lh)
	d.fill(colAccent)
	d.pdf.Circle(x-2.8, d.y+lh/2, 0.8, "F")
	top := d.y
	for _, line := range lines {
		d.setFont(false, 10)
		d.color(colInk)
		d.text(x, d.baseline(d.y, lh), line)
		d.y += lh
	}
	d.setFont(true, 10)
	d.color(colPrimary)
	d.textIn(x+w, top, valW, lh, l.Number(r.Index, 2), "R")
	d.y += 0.8
}

// --- rankings --------------------------------------------------------------

func (d *doc) rankings() {
	d.newPage()
	l := d.l
	d.bookmark(l.t("rankings"), 0)
	d.heading(l.t("rankings"), 18, 30)
	d.y += 2
	if len(d.in.Groups) == 0 {
		d.para(l.t("no_groups"), false, 10, colMuted)
		return
	}
	for i, g := range d.in.Groups {
		if i > 0 {
			d.y += 4
		}
		d.groupTable(g)
	}
	d.y += 1
	d.para(l.t("table_note"), false, 8, colMuted)
	d.para(l.t("sig_note"), false, 8, colMuted)
}

func (d *doc) groupTable(g Group) {
	l := d.l
	d.heading(g.Name, 13, 32)
	d.bookmark(g.Name, 1)
	d.setFont(false, 8.5)
	d.color(colMuted)
	d.text(marginL, d.baseline(d.y, d.lineH()), d.fit(d.groupLine(g), contentW))
	d.y += d.lineH() + 1.5

	if len(g.Rows) == 0 {
		d.para(l.t("no_data"), false, 9, colMuted)
		return
	}
	shrink := d.in.PriorWeight > 0
	nameW := 52.0
	if shrink {
		nameW = 40
	}
	cols := []column{
		{title: l.t("col_rank"), w: 15, align: "C"},
		{title: l.t("col_agency"), w: nameW, align: "L", wrap: true},
		{title: l.t("col_index"), w: 15, align: "R"},
	}
	if shrink {
		cols = append(cols, column{title: l.t("col_adjusted"), w: 12, align: "R"})
	}
	cols = append(cols,
		column{title: l.t("ci_short", "conf", d.conf), w: 24, align: "C"},
		column{title: l.t("col_n"), w: 14, align: "R"},
		column{title: l.t("col_csat"), w: 13, align: "R"},
		column{title: l.t("col_change_prev"), w: 15, align: "R"},
		column{title: l.t("col_change_year"), w: 15, align: "R"},
		column{title: l.t("col_rank_change"), w: 17, align: "C"},
	)
	rows := make([][]cell, 0, len(g.Rows))
	for _, r := range g.Rows {
		muted := !r.ranked()
		rank := "—"
		note := ""
		if r.ranked() {
			rank = d.rankText(r)
		} else {
			note = l.t("not_ranked") + " (n < " + strconv.FormatInt(d.in.MinN, 10) + ")"
		}
		row := []cell{
			{text: rank, bold: r.Rank == 1 && r.ranked(), muted: muted},
			{text: r.Name, muted: muted, note: note},
			{text: l.Number(r.Index, 2), bold: !muted, muted: muted},
		}
		if d.in.Withhold && !r.ranked() { // the public edition: the word, never a figure below min_n
			row[1].note = l.t("insufficient")
			row[2] = cell{text: "", muted: true}
			for range len(cols) - 3 {
				row = append(row, cell{text: "", muted: true})
			}
			rows = append(rows, row)
			continue
		}
		if shrink {
			row = append(row, cell{text: l.Number(r.Adjusted, 2), muted: muted})
		}
		row = append(row,
			cell{text: l.ci(r.CILow, r.CIHigh), muted: muted},
			cell{text: l.Integer(r.N), muted: muted},
			cell{text: l.Number(r.CSAT, 2), muted: muted},
			d.changeCell(r.ChangePrev, r.SignificantPrev, muted),
			d.changeCell(r.ChangeYear, r.SignificantYear, muted),
			d.rankChangeCell(r),
		)
		rows = append(rows, row)
	}
	d.table(table{cols: cols, size: 8, continued: func() {
		d.heading(g.Name+" "+l.t("continued"), 11, 20)
		d.y += 1
	}}, rows)
}

// changeCell shows a change with its significance (docs/method.md#significance-of-a-change): a
// significant one in bold with a drawn triangle, one that is not in grey with "~" — never colour alone
// (the table note is the legend). sig == nil (unknown) prints the plain number.
func (d *doc) changeCell(v *float64, sig *bool, muted bool) cell {
	if v == nil || !finite(*v) {
		return cell{text: "—", muted: true}
	}
	s := d.l.Signed(*v, 2)
	switch {
	case sig == nil || *v == 0:
		return cell{text: s, muted: muted}
	case !*sig:
		return cell{text: "~ " + s, muted: true}
	}
	up := *v > 0
	return cell{text: s, bold: !muted, muted: muted, draw: func(x, top, w, h float64) {
		d.setFont(!muted, 8)
		tw := d.textW(s)
		c := colDown
		if up {
			c = colUp
		}
		d.triangle(x+w-cellPadX-tw-2.2, top+cellPadY+d.lineH()/2, 1.8, up, c)
	}}
}

// rankText is the rank with its interval when that is wider than one place: "2 (1–3)".
func (d *doc) rankText(r Row) string {
	s := strconv.Itoa(r.Rank)
	if r.RankLow > 0 && r.RankHigh > 0 && r.RankLow != r.RankHigh {
		s += " (" + strconv.Itoa(r.RankLow) + "–" + strconv.Itoa(r.RankHigh) + ")"
	}
	return s
}

// rankChangeCell shows previous rank − rank: "▲ +2" when the agency moved
// up, "▼ -1" when it moved down, "=" when unchanged, "—" when it was or is
// not ranked. The triangles are drawn, not typeset (Noto Sans has none).
func (d *doc) rankChangeCell(r Row) cell {
	if !r.ranked() || r.PreviousRank == nil || *r.PreviousRank <= 0 {
		return cell{text: "—", muted: true}
	}
	delta := *r.PreviousRank - r.Rank
	if delta == 0 {
		return cell{text: "=", muted: true}
	}
	s := strconv.Itoa(delta)
	if delta > 0 {
		s = "+" + s
	}
	up := delta > 0
	return cell{text: "   " + s, draw: func(x, top, w, h float64) {
		d.setFont(false, 8)
		tw := d.textW("   " + s)
		c := colDown
		if up {
			c = colUp
		}
		d.triangle(x+w/2-tw/2+0.9, top+cellPadY+d.lineH()/2, 2, up, c)
	}}
}

// --- agency sections -------------------------------------------------------

func (d *doc) agencies() {
	l := d.l
	for i, a := range d.in.Agencies {
		d.newPage()
		if i == 0 {
			d.bookmark(l.t("agencies"), 0)
		}
		d.bookmark(a.Name, 1)
		d.agency(a)
	}
}

func (d *doc) agency(a AgencySection) {
	l := d.l
	d.headingMax(a.Name, 16, 60, 3)
	d.setFont(false, 9)
	d.color(colMuted)
	sub := a.GroupName
	if a.Code != "" {
		if sub != "" {
			sub += " · "
		}
		sub += a.Code
	}
	d.text(marginL, d.baseline(d.y, d.lineH()), d.fit(sub, contentW))
	d.y += d.lineH() + 3

	r, hasRow := d.rows[a.Code]
	if !hasRow && len(a.Trend) > 0 {
		last := a.Trend[len(a.Trend)-1]
		r = Row{Index: last.Index, CILow: last.CILow, CIHigh: last.CIHigh, N: last.N, CSAT: nanFloat}
	}
	d.keyFigures(a, r, hasRow || len(a.Trend) > 0)
	if a.Cases != nil {
		d.y += 2
		d.para(l.casesLine(a.Cases), false, 8.5, colInk)
	}

	d.y += 4
	if a.Control != nil && len(a.Control.Points) > 0 {
		d.controlSection(a.Control)
		d.y += 3
	} else {
		k := int64(len(a.Trend))
		if k == 0 {
			k = 8
		}
		d.heading(l.tPlural("trend_title", k, "k", strconv.FormatInt(k, 10)), 11.5, 64)
		d.y += 1
		if d.trendChart(a.Trend, 58) {
			d.para(l.t("trend_note", "conf", d.conf), false, 7.5, colMuted)
		}
		d.y += 3
	}

	d.breakdown(l.t("by_question"), l.t("col_question"), a.ByQuestion, a)
	if len(a.ByQuestion) > 0 {
		d.para(l.t("question_note"), false, 7.5, colMuted)
		d.y += 2
	}
	d.breakdown(l.t("by_service"), l.t("col_service"), a.ByService, a)
	channels := make([]BreakdownRow, len(a.ByChannel))
	for i, c := range a.ByChannel {
		if c.Name == "" {
			switch c.Key {
			case "kiosk", "link", "api":
				c.Name = l.t("channel_" + c.Key)
			default:
				c.Name = c.Key
			}
		}
		channels[i] = c
	}
	d.breakdown(l.t("by_channel"), l.t("col_channel"), channels, a)
}

// keyFigures draws the row of boxes under an agency's name.
func (d *doc) keyFigures(a AgencySection, r Row, any bool) {
	l := d.l
	dash := "—"
	rank := l.t("not_ranked")
	if r.ranked() {
		total := 0
		for _, g := range d.in.Groups {
			if g.Code != a.GroupCode && g.Name != a.GroupName {
				continue
			}
			for _, gr := range g.Rows {
				if gr.ranked() {
					total++
				}
			}
			break
		}
		rank = l.t("rank_of", "rank", d.rankText(r), "total", strconv.Itoa(total))
	}
	idx, ci, n, csat := dash, "", dash, dash
	if any {
		idx = l.Number(r.Index, 2)
		ci = l.t("ci_short", "conf", d.conf) + " " + l.ci(r.CILow, r.CIHigh)
		n = l.Integer(r.N)
		csat = l.Number(r.CSAT, 2)
	}
	chg := func(v *float64) string {
		if v == nil || !finite(*v) {
			return dash
		}
		return l.Signed(*v, 2)
	}
	sig := func(v *float64, s *bool) string {
		if v == nil || s == nil || !finite(*v) {
			return ""
		}
		if *s {
			return l.t("sig_yes")
		}
		return "~ " + l.t("sig_no")
	}
	boxes := []struct{ label, value, sub string }{
		{l.t("col_index"), idx, ci},
		{l.t("col_rank"), rank, ""},
		{l.t("col_n"), n, ""},
		{l.t("col_csat"), csat, ""},
		{l.t("col_change_prev"), chg(r.ChangePrev), sig(r.ChangePrev, r.SignificantPrev)},
		{l.t("col_change_year"), chg(r.ChangeYear), sig(r.ChangeYear, r.SignificantYear)},
	}
	if r.ranked() && r.Rank == 1 {
		boxes[1].sub = l.firstShort(r)
	}
	if finite(r.CSATLow) && finite(r.CSATHigh) && (r.CSATLow != 0 || r.CSATHigh != 0) {
		boxes[3].sub = l.ci(r.CSATLow, r.CSATHigh)
	}
	gap := 2.0
	widths := []float64{34, 40, 22, 28, 25, 23}
	sum := 0.0
	for _, w := range widths {
		sum += w
	}
	for i := range widths {
		widths[i] *= (contentW - gap*float64(len(widths)-1)) / sum
	}
	// Labels may take two lines (e.g. "Δ previous period" in a narrow box);
	// all boxes then share the taller layout.
	const labelLH = 3.1
	d.setFont(false, 7.5)
	labels := make([][]string, len(boxes))
	labelLines := 1
	for i, b := range boxes {
		labels[i] = d.wrap(b.label, widths[i]-4, 2)
		labelLines = max(labelLines, len(labels[i]))
	}
	valueTop := 1.5 + float64(labelLines)*labelLH
	h := valueTop + 15
	d.ensure(h)
	x := marginL
	for i, b := range boxes {
		w := widths[i]
		d.rect(x, d.y, w, h, colHeadFill)
		d.setFont(false, 7.5)
		d.color(colMuted)
		for j, line := range labels[i] {
			d.textIn(x+2, d.y+1.5+float64(j)*labelLH, w-4, labelLH, line, "L")
		}
		big := 15.0
		if i == 1 && !r.ranked() {
			big = 10
		}
		d.setFont(true, big)
		for d.textW(b.value) > w-4 && big > 8 {
			big--
			d.setFont(true, big)
		}
		d.color(colPrimary)
		d.textIn(x+2, d.y+valueTop, w-4, 8, b.value, "L")
		if b.sub != "" {
			d.setFont(false, 7)
			d.color(colMuted)
			lines := d.wrap(b.sub, w-4, 2)
			for j, line := range lines {
				d.textIn(x+2, d.y+valueTop+8+float64(j)*3, w-4, 3, line, "L")
			}
		}
		x += w + gap
	}
	d.y += h
}

// breakdown draws one breakdown table (by question, service or channel).
func (d *doc) breakdown(title, nameCol string, rows []BreakdownRow, a AgencySection) {
	l := d.l
	// The heading and the first rows (a short table: all of them) go on one page; a table that starts a new page
	// is headed by its agency's name again, or the page would not say whose it is.
	if d.ensure(8 + float64(min(len(rows), 6)+1)*6) {
		d.heading(a.Name+" "+l.t("continued"), 10, 16)
		d.y += 1
	}
	d.heading(title, 11.5, 16)
	d.y += 1
	if len(rows) == 0 {
		d.para(l.t("no_data"), false, 9, colMuted)
		d.y += 3
		return
	}
	cols := []column{
		{title: nameCol, w: 86, align: "L", wrap: true},
		{title: l.t("col_index"), w: 18, align: "R"},
		{title: l.t("ci_short", "conf", d.conf), w: 28, align: "C"},
		{title: l.t("col_n"), w: 16, align: "R"},
		{title: "", w: 32, align: "L"},
	}
	cells := make([][]cell, 0, len(rows))
	for _, r := range rows {
		r := r
		muted := r.N < d.in.MinN
		cells = append(cells, []cell{
			{text: r.Name, muted: muted},
			{text: d.figIndex(r.Figure), bold: !muted, muted: muted},
			{text: d.figCI(r.Figure), muted: muted},
			{text: l.Integer(r.N), muted: muted},
			{draw: func(x, top, w, h float64) { d.miniBar(x+2, top+cellPadY+0.6, w-4, 2.6, r.Figure, muted) }},
		})
	}
	d.table(table{cols: cols, size: 8, continued: func() {
		d.heading(a.Name+" — "+title+" "+l.t("continued"), 10, 16)
		d.y += 1
	}}, cells)
	d.y += 2
}

// --- methodology -----------------------------------------------------------

func (d *doc) methodology() {
	d.newPage()
	l, in := d.l, d.in
	d.bookmark(l.t("meth_title"), 0)
	d.heading(l.t("meth_title"), 18, 30)
	d.y += 1
	d.para(l.t("meth_intro"), false, 9, colInk)
	d.y += 2

	minN := strconv.FormatInt(in.MinN, 10)
	q := 1 - (1-in.Confidence)/2
	qs := l.Number(q, 4)
	for len(qs) > 3 && qs[len(qs)-1] == '0' {
		qs = qs[:len(qs)-1]
	}
	z := l.Number(1.959964, 6)
	m := l.Trimmed(in.PriorWeight)
	example := l.streakPhrase(1, 4)

	sec := func(h string, body string, formulas ...string) {
		d.heading(h, 10.5, 14)
		d.para(body, false, 9, colInk)
		for _, f := range formulas {
			d.formula(f)
		}
		d.y += 2.5
	}
	sec(l.t("meth_item_h"), l.t("meth_item"),
		"s = 100 · (v – min) / (max – min)",
		l.t("formula_yes_no"))
	d.y -= 2.5
	d.para(l.t("meth_item2"), false, 9, colInk)
	d.y += 2.5
	sec(l.t("meth_resp_h"), l.t("meth_resp"),
		"R = Σ_{i} w_{i} · s_{i} / Σ_{i} w_{i},   w_{i} > 0")
	sec(l.t("meth_index_h"), l.t("meth_index"),
		"I = (R_{1} + R_{2} + … + R_{n}) / n")
	sec(l.t("meth_ci_h"), l.t("meth_ci", "conf", d.conf),
		"I ± t_{"+qs+"; n – 1} · s_{R} / \\sqrt{n},   s_{R} = \\sqrt{Σ_{j} (R_{j} – I)^{2} / (n – 1)}")
	sec(l.t("meth_csat_h"), l.t("meth_csat", "z", z),
		"CSAT = 100 · k / n",
		l.t("formula_wilson_label")+"   100 · (p + z^{2} / (2n) ± z · \\sqrt{p(1 – p) / n + z^{2} / (4n^{2})}) / (1 + z^{2} / n)")
	sec(l.t("meth_adj_h"), l.t("meth_adj", "m", m),
		"A = (m · C + n · I) / (m + n)")
	sec(l.t("meth_rank_h"), l.t("meth_rank", "min_n", minN))
	sec(l.t("meth_change_h"), l.t("meth_change"),
		"Δ = I(P) – I(P_{prev})")
	sec(l.t("meth_streak_h"), l.t("meth_streak", "example", example))
	sec(l.t("meth_round_h"), l.t("meth_round"))
	sec(l.t("meth_sig_h"), l.t("meth_sig"),
		"|c| > "+z+" · se,   se = \\sqrt{s_{P}^{2} / n_{P} + s_{Q}^{2} / n_{Q}}")
	sec(l.t("meth_rankint_h"), l.t("meth_rankint"))
	sec(l.t("meth_control_h"), l.t("meth_control"),
		"CL ± 3 · σ / \\sqrt{n}")

	// Parameters.
	d.y += 2
	d.heading(l.t("params_h"), 12, 40)
	d.y += 1
	var excluded int64
	for _, v := range in.Excluded {
		excluded += v
	}
	mv := m
	if in.PriorWeight == 0 {
		mv += " (" + l.t("param_off") + ")"
	}
	params := [][2]string{
		{l.t("param_min_n"), minN},
		{l.t("param_m"), mv},
		{l.t("param_conf"), d.conf},
		{l.t("param_z"), z},
		{l.t("param_counted"), l.Integer(in.Overall.N)},
		{l.t("param_excluded"), l.Integer(excluded)},
	}
	prow := make([][]cell, len(params))
	for i, p := range params {
		prow[i] = []cell{{text: p[0]}, {text: p[1], bold: true}}
	}
	d.table(table{cols: []column{
		{title: "", w: 130, align: "L", wrap: true},
		{title: "", w: 50, align: "R"},
	}, size: 9}, prow)

	// Excluded responses by reason, sorted by reason code so that map order
	// never reaches the output.
	d.y += 3
	d.heading(l.t("excl_h"), 12, 24)
	d.y += 1
	reasons := make([]string, 0, len(in.Excluded))
	for k, v := range in.Excluded {
		if v != 0 {
			reasons = append(reasons, k)
		}
	}
	sort.Strings(reasons)
	if len(reasons) == 0 {
		d.para(l.t("excl_none"), false, 9, colMuted)
		return
	}
	erows := make([][]cell, 0, len(reasons)+1)
	for _, k := range reasons {
		name := k
		if msg, ok := l.msgs["reason_"+k]; ok {
			name = msg
		}
		erows = append(erows, []cell{{text: name}, {text: l.Integer(in.Excluded[k])}})
	}
	erows = append(erows, []cell{{text: l.t("total"), bold: true}, {text: l.Integer(excluded), bold: true}})
	d.table(table{cols: []column{
		{title: l.t("col_reason"), w: 140, align: "L", wrap: true},
		{title: l.t("col_count"), w: 40, align: "R"},
	}, size: 9, continued: func() {
		d.heading(l.t("excl_h")+" "+l.t("continued"), 11, 16)
	}}, erows)
}

// provisionalBanner is the cover's notice of a running period: figures as of when, and how much of the
// period had elapsed.
func (d *doc) provisionalBanner() {
	in, l := d.in, d.l
	d.setFont(false, 10)
	text := l.t("provisional_banner", "asof", l.date(in.AsOf)+", "+in.AsOf.Format("15:04"),
		"pct", l.Percent(math.Floor(in.Elapsed*100)/100))
	lines := d.wrap(text, contentW-10, 4)
	h := 10 + float64(len(lines))*d.lineH()
	top := d.y + 2
	d.rect(marginL, top, contentW, h, colWarnFill)
	d.rect(marginL, top, 1.5, h, colWarnLine)
	d.setFont(true, 11)
	d.color(colWarn)
	d.text(marginL+5, top+6, l.t("provisional"))
	d.y = top + 8
	for _, line := range lines {
		d.setFont(false, 10)
		d.color(colWarn)
		d.text(marginL+5, d.baseline(d.y, d.lineH()), line)
		d.y += d.lineH()
	}
	d.y = top + h + 8
}
