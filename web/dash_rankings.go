package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/qiymet/qiymet/survey/figures"
)

// rankingsData is the rankings page: one table per peer group and a bar chart of its indices.
type rankingsData struct {
	Picker *periodPicker
	Groups []rankGroup
	MinN   int64
	Empty  bool
	Search string // unused here; the shared period form reads it
}

type rankGroup struct {
	Code, Name   string
	Index        string
	N            int64
	Ranked       []rankRow
	Insufficient []rankRow
	Chart        template.HTML
}

type rankRow struct {
	Rank, Agency, Name     string
	Link                   string // empty when the reader may not open the agency
	Index, CI, CSAT        string
	N                      int64
	NText, StreakTitle     string // preformatted: the table has a row per agency
	CIBar                  template.HTML
	ChangePrev, ChangeYear delta
	RankMove               delta
	Streak                 int
}

// delta is a signed change shown with an arrow; Dir is "up", "down", "flat" or "" (no value).
type delta struct {
	Text, Dir, Label string
}

// HTML is the delta as a span: arrow hidden from screen readers, which read the label instead. Written in
// Go because a rankings page shows three per row.
func (d delta) HTML() template.HTML {
	arrow := map[string]string{"up": "▲", "down": "▼"}[d.Dir]
	e := template.HTMLEscapeString
	return template.HTML(`<span class="delta ` + e(d.Dir) + `" title="` + e(d.Label) + `"><span aria-hidden="true">` + arrow +
		`</span> ` + e(d.Text) + `<span class="sr"> ` + e(d.Label) + `</span></span>`)
}

func (v *view) changeDelta(c *float64) delta {
	if c == nil {
		return delta{Text: "—", Label: v.T("dash.change.none")}
	}
	d := delta{Text: v.Num(*c), Dir: "flat", Label: v.T("dash.change.flat")}
	switch {
	case *c > 0:
		d = delta{Text: "+" + v.Num(*c), Dir: "up", Label: v.T("dash.change.up")}
	case *c < 0:
		d = delta{Text: v.Num(*c), Dir: "down", Label: v.T("dash.change.down")}
	}
	return d
}

// rankMove compares with the previous rank: moving from 3rd to 1st is +2, shown as up.
func (v *view) rankMove(prev, cur *int) delta {
	if prev == nil || cur == nil {
		return delta{Text: "—", Label: v.T("dash.rank.new")}
	}
	m := *prev - *cur
	switch {
	case m > 0:
		return delta{Text: "+" + strconv.Itoa(m), Dir: "up", Label: v.T("dash.rank.up", *prev)}
	case m < 0:
		return delta{Text: "−" + strconv.Itoa(-m), Dir: "down", Label: v.T("dash.rank.down", *prev)}
	}
	return delta{Text: "=", Dir: "flat", Label: v.T("dash.rank.same")}
}

func (s *Server) rankingsPage(w http.ResponseWriter, r *http.Request, v *view) {
	pk, err := s.pickPeriod(r)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	f := s.figures()
	res, err := f.Rankings(r.Context(), pk.P, "", v.Lang)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	v.Title, v.Nav = v.T("dash.rankings")+" · "+pk.P.Label, "rankings"
	data := rankingsData{Picker: pk, MinN: res.Methodology.MinN, Empty: len(res.Groups) == 0}
	for gi, g := range res.Groups {
		data.Groups = append(data.Groups, v.rankGroup(gi, g, periodQuery(pk.P)))
	}
	s.render(w, r, v, http.StatusOK, "rankings", data)
}

func (v *view) rankGroup(gi int, g figures.GroupRanking, pq string) rankGroup {
	out := rankGroup{Code: g.Group, Name: g.Name, Index: v.Num(g.Index), N: g.N}
	var lows []float64
	for _, row := range g.Rows {
		lows = append(lows, row.CILow)
	}
	d0, d1 := ciDomain(lows)
	var bars []bar
	for i, row := range g.Rows {
		rr := rankRow{Rank: "—", Agency: row.Agency, Name: row.Name, Index: v.Num(row.Index),
			CI: v.Num(row.CILow) + "–" + v.Num(row.CIHigh), CSAT: v.Num(row.CSAT), N: row.N,
			ChangePrev: v.changeDelta(row.Change.PreviousPeriod), ChangeYear: v.changeDelta(row.Change.PreviousYear),
			RankMove: v.rankMove(row.PreviousRank, row.Rank), Streak: row.Streak}
		if row.Rank != nil {
			rr.Rank = strconv.Itoa(*row.Rank)
		}
		rr.NText = v.Int(row.N)
		if row.Streak > 0 {
			rr.StreakTitle = v.T("dash.streak.title", row.Streak)
		}
		if v.P.CanSeeAgency(row.Agency) {
			rr.Link = "/agencies/" + row.Agency + "?" + pq
		}
		rr.CIBar = ciBar("ci-"+strconv.Itoa(gi)+"-"+strconv.Itoa(i), row.Index, row.CILow, row.CIHigh, d0, d1,
			v.T("dash.ci.title", row.Name, v.Num(row.CILow), v.Num(row.CIHigh)))
		if row.Status == "ranked" {
			out.Ranked = append(out.Ranked, rr)
		} else {
			out.Insufficient = append(out.Insufficient, rr)
		}
		label := row.Name
		if row.Rank != nil {
			label = rr.Rank + ". " + row.Name
		}
		bars = append(bars, bar{Label: label, Full: row.Name + ": " + rr.Index + " (" + rr.CI + ")",
			Value: rr.Index, V: row.Index, Lo: row.CILow, Hi: row.CIHigh, HasCI: true, Muted: row.Status != "ranked"})
	}
	out.Chart = barChart("bars-"+strconv.Itoa(gi), v.T("dash.chart.bars.title", g.Name),
		v.T("dash.chart.bars.desc"), bars, d0, 720, 250, func(x float64) string { return v.Num1(x) })
	return out
}
