package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/survey/figures"
)

// rankingsData is the rankings page: one table per peer group and a bar chart of its indices.
type rankingsData struct {
	Picker *periodPicker
	Axis   string // the fixed axis note of the bar charts
	Groups []rankGroup
	MinN   int64
	Empty  bool
	Search string // unused here; the shared period form reads it
	// Publication says whether the period is published and how the live figures differ (web/dash_publication.go).
	Publication *publicationNotice
}

type rankGroup struct {
	Code, Name   string
	Index        string
	N            int64
	NRanked      int    // how many agencies are ranked: "rank 2 of 7"
	Own          string // the reader's agency's place in this group, in words ("" when not in it)
	Ranked       []rankRow
	Insufficient []rankRow
	Chart        template.HTML
	Lead         string // who is 1st and whether clearly so (docs/method.md#clear-first)
}

type rankRow struct {
	Rank, Agency, Name     string
	RankText               string // the rank with its interval when not a single place: "2 (1–3)"
	RankLabel              string // the same in words for screen readers ("" when unranked)
	First                  string // "clearly 1st" or "1st, within the margin of error"; "" when not 1st
	FirstClear             bool
	StreakText             string // the streak sentence, saying whether clear or within the margin
	StreakShort            string // the streak in plain sight: "3 periods in a row"
	Own                    bool   // the reader's own agency (a manager's): highlighted, and said so in words
	OwnLabel               string
	Link                   string // empty when the reader may not open the agency
	Index, CI, CSAT        string
	N                      int64
	NText                  string // preformatted: the table has a row per agency
	CIBar                  template.HTML
	ChangePrev, ChangeYear delta
	RankMove               delta
	Streak, ClearStreak    int
}

// delta is a signed change shown with an arrow; Dir is "up", "down", "flat", "ns" (not significant) or ""
// (no value). Words is shown next to the number (never colour alone); Label is for screen readers.
type delta struct {
	Text, Dir, Label, Words, Title string
}

// HTML is the delta as a span: the arrow is hidden from screen readers, which read the label instead; a
// change that is not significant gets a neutral "≈" and its words in plain sight. Written in Go because a
// rankings page shows three per row.
func (d delta) HTML() template.HTML {
	arrow := map[string]string{"up": "▲", "down": "▼", "ns": "≈"}[d.Dir]
	e := template.HTMLEscapeString
	title := d.Title
	if title == "" {
		title = d.Label
	}
	out := `<span class="delta ` + e(d.Dir) + `" title="` + e(title) + `"><span aria-hidden="true">` + arrow +
		`</span> ` + e(d.Text)
	if d.Words != "" {
		out += ` <span class="words">` + e(d.Words) + `</span></span>`
		return template.HTML(out)
	}
	return template.HTML(out + `<span class="sr"> ` + e(d.Label) + `</span></span>`)
}

// changeDelta shows a change with its significance (docs/method.md#significance-of-a-change): a
// significant one keeps its arrow and says "significant increase/decrease" to screen readers; one that is
// not is neutral and says so in words. sig == nil (not known) shows the plain arrow.
func (v *view) changeDelta(c *float64, sig *bool) delta {
	if c == nil {
		return delta{Text: "—", Label: v.T("dash.change.none")}
	}
	txt := v.Num(*c)
	if *c > 0 {
		txt = "+" + txt
	}
	if sig != nil && !*sig {
		return delta{Text: txt, Dir: "ns", Label: v.T("dash.change.ns"), Words: v.T("dash.change.ns"),
			Title: v.T("dash.change.ns.title", txt)}
	}
	d := delta{Text: txt, Dir: "flat", Label: v.T("dash.change.flat")}
	up, down := "dash.change.up", "dash.change.down"
	if sig != nil {
		up, down = "dash.change.sigup", "dash.change.sigdown"
	}
	switch {
	case *c > 0:
		d.Dir, d.Label = "up", v.T(up)
	case *c < 0:
		d.Dir, d.Label = "down", v.T(down)
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

// landingPage is where "/" leads: a manager's own agency (its place in its group first), everyone else the
// rankings.
func (s *Server) landingPage(w http.ResponseWriter, r *http.Request, v *view) {
	if own := v.P.OnlyAgency(); own != "" {
		r.SetPathValue("code", own)
		s.agencyPage(w, r, v)
		return
	}
	s.rankingsPage(w, r, v)
}

func (s *Server) rankingsPage(w http.ResponseWriter, r *http.Request, v *view) {
	pk, err := s.pickPeriod(r, v)
	if err != nil {
		s.periodError(w, r, v, err)
		return
	}
	f := s.figures()
	res, err := f.Rankings(r.Context(), pk.P, "", v.Lang)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	v.Title, v.Nav = v.T("dash.rankings")+" · "+v.PeriodName(pk.P), "rankings"
	data := rankingsData{Picker: pk, MinN: res.Methodology.MinN, Empty: len(res.Groups) == 0, Axis: v.T("dash.chart.bars.axis")}
	for gi, g := range res.Groups {
		data.Groups = append(data.Groups, v.rankGroup(gi, g, periodQuery(pk.P)))
	}
	data.Publication = s.publicationNotice(r.Context(), v, pk.P)
	s.render(w, r, v, http.StatusOK, "rankings", data)
}

func (v *view) rankGroup(gi int, g figures.GroupRanking, pq string) rankGroup {
	out := rankGroup{Code: g.Group, Name: g.Name, Index: v.Num(g.Index), N: g.N}
	var bars []bar
	var lead []string
	for i, row := range g.Rows {
		rr := rankRow{Rank: "—", Agency: row.Agency, Name: row.Name, Index: v.Num(row.Index),
			CI: v.Num(row.CILow) + "–" + v.Num(row.CIHigh), CSAT: v.Num(row.CSAT), N: row.N,
			ChangePrev: v.changeDelta(row.Change.PreviousPeriod, row.ChangeSignificant.PreviousPeriod),
			ChangeYear: v.changeDelta(row.Change.PreviousYear, row.ChangeSignificant.PreviousYear),
			RankMove:   v.rankMove(row.PreviousRank, row.Rank), Streak: row.Streak, ClearStreak: row.ClearStreak,
			Own: v.P.OnlyAgency() == row.Agency}
		rr.RankText = rr.Rank
		if row.Rank != nil {
			rr.Rank = strconv.Itoa(*row.Rank)
			rr.RankText, rr.RankLabel = v.rankInterval(*row.Rank, row.RankLow, row.RankHigh)
			if *row.Rank == 1 {
				rr.First, rr.FirstClear, rr.StreakText = v.first(row)
				streak := row.Streak
				if rr.FirstClear {
					streak = row.ClearStreak
				}
				if streak > 0 { // a custom range has no sequence of periods, so no streak
					rr.StreakShort = v.TN("dash.streak.short", int64(streak))
				}
				lead = append(lead, v.lead(row))
			}
		}
		rr.NText = v.Int(row.N)
		if rr.Own {
			rr.OwnLabel = v.T("dash.own")
		}
		if v.P.CanSeeAgency(row.Agency) {
			rr.Link = "/agencies/" + row.Agency + "?" + pq
		}
		rr.CIBar = ciBar("ci-"+strconv.Itoa(gi)+"-"+strconv.Itoa(i), row.Index, row.CILow, row.CIHigh,
			v.T("dash.ci.title", row.Name, v.Num(row.CILow), v.Num(row.CIHigh)))
		if row.Status == "ranked" {
			out.NRanked++
			out.Ranked = append(out.Ranked, rr)
		} else {
			out.Insufficient = append(out.Insufficient, rr)
		}
		label := row.Name
		if row.Rank != nil {
			label = rr.Rank + ". " + row.Name
		}
		bars = append(bars, bar{Label: label, Full: label + ": " + rr.Index + " (" + rr.CI + ")", Own: rr.Own,
			Value: rr.Index, V: row.Index, Lo: row.CILow, Hi: row.CIHigh, HasCI: true, Muted: row.Status != "ranked"})
	}
	out.Lead = strings.Join(lead, " ")
	sortByName(v.Lang, out.Insufficient, func(r rankRow) string { return r.Name })
	for _, rr := range append(append([]rankRow{}, out.Ranked...), out.Insufficient...) {
		if !rr.Own {
			continue
		}
		if rr.Rank == "—" {
			out.Own = rr.Name + ": " + v.T("dash.rank.unranked", g.Name)
		} else {
			out.Own = rr.Name + ": " + v.T("dash.rank.ingroup", g.Name, rr.RankText, v.TN("dash.ofranked", int64(out.NRanked)))
		}
	}
	out.Chart = barChart("bars-"+strconv.Itoa(gi), v.T("dash.chart.bars.title", g.Name),
		v.T("dash.chart.bars.desc")+" "+v.T("dash.chart.bars.axis"), bars, 720, 250, func(x float64) string { return v.Num1(x) })
	return out
}

// rankInterval writes a rank with its interval when that is wider than one place: "2 (1–3)", and the same
// in words. Without an interval (not computed) the rank stands alone.
func (v *view) rankInterval(rank int, lo, hi *int) (text, label string) {
	r := strconv.Itoa(rank)
	if lo == nil || hi == nil || *lo == 0 {
		return r, ""
	}
	if *lo == *hi {
		return r, v.T("dash.rank.exact", r)
	}
	l, h := strconv.Itoa(*lo), strconv.Itoa(*hi)
	return r + " (" + l + "–" + h + ")", v.T("dash.rank.interval", r, l, h)
}

// first is the badge and streak sentence of a 1st-ranked row: clearly 1st or within the margin of error
// (docs/method.md#clear-first); the streak is stated in both senses.
func (v *view) first(row figures.RankingRow) (badge string, clear bool, sentence string) {
	switch {
	case row.ClearFirst && noStreak(row):
		return v.T("dash.first.clear"), true, v.T("dash.streak.clear.none")
	case row.ClearFirst:
		return v.T("dash.first.clear"), true, v.T("dash.streak.clear", row.ClearStreak, row.Streak)
	case noStreak(row):
		return v.T("dash.first.margin"), false, v.T("dash.streak.margin.none")
	}
	return v.T("dash.first.margin"), false, v.T("dash.streak.margin", row.Streak)
}

// noStreak: a first place on a custom range, which has no sequence of periods to count a streak in.
func noStreak(row figures.RankingRow) bool { return row.Streak == 0 && row.ClearStreak == 0 }

// lead is the group's sentence about its 1st place.
func (v *view) lead(row figures.RankingRow) string {
	if row.ClearFirst && noStreak(row) {
		return v.T("dash.lead.clear.none", row.Name)
	}
	if row.ClearFirst {
		return v.T("dash.lead.clear", row.Name, row.ClearStreak)
	}
	lo, hi := "1", "1"
	if row.RankLow != nil && row.RankHigh != nil {
		lo, hi = strconv.Itoa(*row.RankLow), strconv.Itoa(*row.RankHigh)
	}
	return v.T("dash.lead.margin", row.Name, lo, hi)
}
