package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
)

// commentsPerPage keeps the agency page small however many comments a quarter has.
const commentsPerPage = 25

// agencyData is the agency page: headline figures, trend, breakdowns, comments, CSV link.
type agencyData struct {
	Code, Name, Group string
	Picker            *periodPicker
	Row               *rankRow // nil when the agency has no counted responses in the period
	Status            string
	Trend             template.HTML
	Control           *controlView // nil when there is no monthly data: the period trend stands alone
	TrendRows         []trendRow
	Breakdowns        []breakdownView
	Excluded          []excludedView
	Comments          []commentView
	CommentsTotal     int
	CommentsError     string // a filter that could not be applied, and why
	Filters           *commentFilters
	CommentsXLSX      string
	ResponsesXLSX     string
	RankText          string // the agency's place in its group, in words
	Search            string
	PrevPage          string
	NextPage          string
	PageInfo          string
	CSV               string
	Cases             caseFiguresView // dash_cases.go
}

type trendRow struct {
	Label, Index, CI string
	N                int64
}

type breakdownView struct {
	By, Title string
	Chart     template.HTML
	Rows      []breakdownRow
}

type breakdownRow struct {
	Name, Index, CI string
	N               int64
}

type excludedView struct {
	Reason string
	N      int64
}

type commentView struct {
	When, Text, Score, Meta string
	At                      string // the moment, machine-readable (<time datetime>)
	Answers                 []answerView
	Excluded                bool
}

// answerView is one rated answer of a comment: the question and the answer ("4 / 5", "yes").
type answerView struct{ Question, Answer string }

// trendLength is how many periods of the page's kind the trend shows.
func trendLength(k scoring.Kind) int {
	if k == scoring.Month {
		return 12
	}
	return 8
}

func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request, v *view) {
	code := r.PathValue("code")
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	ag, ok := cv.Agency(code)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if !v.P.CanSeeAgency(code) {
		s.pageStatus(w, r, v, http.StatusForbidden, "dash.err.forbidden")
		return
	}
	pk, err := s.pickPeriod(r, v)
	if err != nil {
		s.periodError(w, r, v, err)
		return
	}
	status := http.StatusOK
	cq, bad := parseCommentQuery(r.URL.Query(), cv, ag, pk.P, s.loc)
	var filterError string
	if bad != "" {
		// The rest of the page stands; the comments say what was wrong with their filter, shown unfiltered.
		status, filterError = http.StatusUnprocessableEntity, v.T("dash.f.bad", v.T(filterFieldKey[bad]))
		cq, _ = parseCommentQuery(url.Values{}, cv, ag, pk.P, s.loc)
	}
	p, ctx, f := pk.P, r.Context(), s.figures()
	d := agencyData{Code: code, Name: v.Name(ag.Name), Picker: pk, CommentsError: filterError}
	d.Cases = v.caseFigures(figures.CaseFigures{})
	if g, ok := cv.Group(ag.Group); ok {
		d.Group = v.Name(g.Name)
	}
	v.Title, v.Nav = d.Name+" · "+v.PeriodName(p), "rankings"
	if v.P.OnlyAgency() == code {
		v.Nav = "own"
	}

	// The page's reads are independent: run them at once (SQLite in WAL mode and PostgreSQL both serve
	// concurrent readers), so the page costs about its slowest query rather than their sum.
	var (
		rk    *figures.Rankings
		trend []figures.TrendPoint
		ex    map[string]int64
		ctl   *figures.Control
	)
	// By question, then by service, centre and channel (one read of the day cells for the three).
	bds := make([]*figures.Breakdown, 4)
	jobs := []func() error{
		func() (err error) { rk, err = f.Rankings(ctx, p, ag.Group, v.Lang); return err },
		func() (err error) { trend, err = f.Trend(ctx, code, p, trendLength(p.Kind)); return err },
		func() (err error) { ex, err = f.Excluded(ctx, p, code); return err },
		func() (err error) {
			ctl, err = s.agencyControl(ctx, code, periodreport.ControlTo(p, s.store.Now(), s.loc))
			return err
		},
		func() error { return s.agencyComments(r, v, cv, ag, cq, &d) },
		func() (err error) { bds[0], err = f.Breakdown(ctx, code, p, figures.ByQuestion, v.Lang); return err },
		func() (err error) {
			bds[1], bds[2], bds[3], err = f.AttributeBreakdowns(ctx, code, p, v.Lang)
			return err
		},
	}
	if err := parallel(jobs...); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	nRanked := 0
	for gi, g := range rk.Groups {
		rg := v.rankGroup(gi, g, periodQuery(p))
		for _, rows := range [][]rankRow{rg.Ranked, rg.Insufficient} {
			for i := range rows {
				if rows[i].Agency == code {
					d.Row, nRanked = &rows[i], rg.NRanked
				}
			}
		}
		for _, row := range g.Rows {
			if row.Agency == code {
				d.Status = row.Status
				d.Cases = v.caseFigures(row.Cases)
			}
		}
	}

	var pts []trendPt
	for _, t := range trend {
		name := locale.PeriodName(v.Lang, t.Label)
		pts = append(pts, trendPt{Label: v.periodShort(t.Label), V: t.Index, Lo: t.CILow, Hi: t.CIHigh, N: t.N,
			Title: name + ": " + v.Num(t.Index) + " (" + v.Num(t.CILow) + "–" + v.Num(t.CIHigh) + "), n = " + v.Int(t.N)})
		tr := trendRow{Label: name, Index: "—", CI: "—", N: t.N}
		if t.N > 0 {
			tr.Index, tr.CI = v.Num(t.Index), v.Num(t.CILow)+"–"+v.Num(t.CIHigh)
		}
		d.TrendRows = append(d.TrendRows, tr)
	}
	d.Control = v.control(d.Name, ctl)
	d.Trend = trendChart("trend", v.T("dash.chart.trend.title", d.Name), v.T("dash.chart.trend.desc", len(trend)), pts,
		func(x float64) string { return v.Num1(x) })

	for _, b := range bds {
		d.Breakdowns = append(d.Breakdowns, v.breakdown(b))
	}
	for _, reason := range []string{survey.ReasonBurst, ""} {
		if n := ex[reason]; n > 0 {
			d.Excluded = append(d.Excluded, excludedView{Reason: v.reasonName(reason), N: n})
		}
	}

	csv := url.Values{"agency": {code}, "from": {p.Start.Format(time.DateOnly)},
		"to": {p.End.AddDate(0, 0, -1).Format(time.DateOnly)}}
	d.CSV = "/api/v1/responses.csv?" + csv.Encode()
	d.ResponsesXLSX = "/agencies/" + code + "/responses.xlsx?" + periodQuery(p) + "&lang=" + v.Lang
	xq := commentsQuery(r.URL.Query())
	xq.Set("lang", v.Lang)
	d.CommentsXLSX = "/agencies/" + code + "/comments.xlsx?" + xq.Encode()
	if d.Row != nil {
		if d.Row.Rank == "—" {
			d.RankText = v.T("dash.rank.unranked", d.Group)
		} else {
			d.RankText = v.T("dash.rank.ingroup", d.Group, d.Row.RankText, v.TN("dash.ofranked", int64(nRanked)))
		}
	}
	s.render(w, r, v, status, "agency", d)
}

// filterFieldKey names a comment filter's field in words, for its error message.
var filterFieldKey = map[string]string{"band": "dash.f.band", "sort": "dash.f.sort", "center": "dash.center", "service": "dash.f.service",
	"channel": "dash.f.channel", "clang": "dash.xlsx.lang", "cfrom": "dash.f.from", "cto": "dash.f.to"}

// parallel runs fns concurrently and returns the first error (in fns' order).
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (v *view) reasonName(reason string) string {
	if reason == survey.ReasonBurst {
		return v.T("dash.reason.burst")
	}
	return v.T("dash.reason.other")
}

func (v *view) breakdown(b *figures.Breakdown) breakdownView {
	bv := breakdownView{By: b.By, Title: v.T("dash.by." + b.By)}
	var bars []bar
	for _, row := range b.Rows {
		name := row.Name
		if b.By == figures.ByChannel {
			name = v.T("dash.channel." + row.Key)
		}
		bv.Rows = append(bv.Rows, breakdownRow{Name: name, Index: v.Num(row.Index), CI: v.Num(row.CILow) + "–" + v.Num(row.CIHigh), N: row.N})
		bars = append(bars, bar{Label: name, Full: fmt.Sprintf("%s: %s (n = %s)", name, v.Num(row.Index), v.Int(row.N)),
			Value: v.Num(row.Index), V: row.Index, Lo: row.CILow, Hi: row.CIHigh, HasCI: true})
	}
	if len(bars) > 0 {
		bv.Chart = barChart("by-"+b.By, bv.Title, v.T("dash.chart.by.desc")+" "+v.T("dash.chart.bars.axis"), bars, 480, 170, func(x float64) string { return v.Num1(x) })
	}
	return bv
}

// agencyComments fills one page of the period's comments chosen by the filters (dash_comments.go).
func (s *Server) agencyComments(r *http.Request, v *view, cv *survey.CatalogView, ag *survey.Agency, cq survey.CommentQuery, d *agencyData) error {
	q := r.URL.Query()
	d.Search = cq.Search
	d.Filters = v.commentFilterForm(q, cv, ag)
	page := pageNumber(q)
	cq.Limit, cq.Offset = commentsPerPage, (page-1)*commentsPerPage
	cs, total, err := s.store.FindComments(r.Context(), cq)
	if err != nil {
		return err
	}
	if len(cs) == 0 && total > 0 && page > 1 { // a page past the end (an old link, a typed number): the last one
		page = (total-1)/commentsPerPage + 1
		cq.Offset = (page - 1) * commentsPerPage
		if cs, total, err = s.store.FindComments(r.Context(), cq); err != nil {
			return err
		}
	}
	d.CommentsTotal = total
	sv, _ := cv.Survey(ag.Survey, 0)
	for _, c := range cs {
		d.Comments = append(d.Comments, v.commentView(cv, sv, c))
	}
	link := func(n int) string {
		l := commentsQuery(q)
		l.Set("page", strconv.Itoa(n))
		return "?" + l.Encode() + "#comments"
	}
	if page > 1 {
		d.PrevPage = link(page - 1)
	}
	if page*commentsPerPage < total {
		d.NextPage = link(page + 1)
	}
	if total > 0 {
		last := min(page*commentsPerPage, total)
		d.PageInfo = v.T("dash.comments.range", (page-1)*commentsPerPage+1, last, total)
	}
	return nil
}

// commentView is one comment as the page and the export show it.
func (v *view) commentView(cv *survey.CatalogView, sv *survey.Survey, c survey.Comment) commentView {
	row := commentView{When: v.DateTime(c.SubmittedAt), At: c.SubmittedAt.Format(time.RFC3339), Text: c.Text,
		Score:    v.T("dash.score.badge", locale.Page(v.Lang).Trimmed(c.Score)),
		Excluded: c.Status == survey.StatusExcluded, Meta: v.T("dash.channel." + c.Channel)}
	if svc, ok := cv.Service(c.Service); ok {
		row.Meta += " · " + v.Name(svc.Name)
	}
	if ce, ok := cv.Center(c.Center); ok {
		row.Meta += " · " + v.Name(ce.Name)
	}
	row.Answers = v.answers(sv, c.Answers)
	return row
}

// answers lists the rated answers of a comment in survey order ("Waiting time: 4/5", "Resolved: yes").
func (v *view) answers(sv *survey.Survey, a map[string]any) []answerView {
	if sv == nil {
		return nil
	}
	var out []answerView
	for _, qu := range sv.Questions {
		val, ok := a[qu.Key]
		if !ok {
			continue
		}
		text := v.Name(qu.Text)
		switch qu.Type {
		case survey.TypeScale:
			if n, ok := val.(float64); ok {
				out = append(out, answerView{text, fmt.Sprintf("%d / %d", int(n), qu.Max)})
			}
		case survey.TypeYesNo:
			if b, ok := val.(bool); ok {
				out = append(out, answerView{text, v.T(map[bool]string{true: "dash.yes", false: "dash.no"}[b])})
			}
		}
	}
	return out
}
