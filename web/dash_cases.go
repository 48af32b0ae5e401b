package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
)

// The Cases page (CONTRACT §11): a manager sees their agency's cases, admins and analysts every agency's;
// overdue first, each with its SLA countdown, the response and its comment, and (for admins and managers)
// the acknowledge / resolve / reopen / comment actions as forms. A form posts, then redirects back (PRG); a
// refused action shows the page again with the error in the reader's language and what they typed.

type casesData struct {
	Notice      adminNotice
	Filter      caseFilterView
	Agencies    []option // the filter's choices; empty for a manager (their agency only)
	Statuses    []option
	Resolutions []string
	Cases       []caseView
	Count       string
	CanAct      bool
	IsAdmin     bool
	SLA         []slaRow // admins: each agency's SLA
	Back        string   // the filter's query, kept through an action
}

type caseFilterView struct{ Agency, Status, From, To string }

type slaRow struct {
	Code, Name string
	Hours      int
}

type caseView struct {
	ID, Agency, Status, StatusLabel, Where string
	Opened, Due, Resolved, Countdown       string
	Overdue                                bool
	Score, Comment                         string
	Answers                                []answerView
	Resolution, Note                       string
	Trail                                  []caseStepView
	Actions                                []string // what the status allows
	Error                                  string   // a refused action on this case
	FormNote, FormResolution               string   // kept after a refused action
	Saved                                  bool     // the action just stored was on this case
}

type caseStepView struct{ When, Who, What, Note string }

// casesPage is GET /cases.
func (s *Server) casesPage(w http.ResponseWriter, r *http.Request, v *view) {
	var n adminNotice
	switch q := r.URL.Query(); {
	case q.Get("done") == "1" && q.Get("case") != "":
		// said at the case the browser scrolls to (the redirect's #fragment), not at the top out of sight
		s.renderCases(w, r, v, http.StatusOK, q, n, &caseFormError{id: q.Get("case"), saved: true})
		return
	case q.Get("done") == "1":
		n.Message = v.T("cases.done")
	case q.Get("sla") == "1":
		n.Message = v.T("cases.sla.saved")
	}
	s.renderCases(w, r, v, http.StatusOK, r.URL.Query(), n, nil)
}

// caseFormError is a refused action, shown at its case with the input kept; saved marks instead the case whose
// action was just stored.
type caseFormError struct {
	id, msg, note, resolution string
	saved                     bool
}

func (s *Server) renderCases(w http.ResponseWriter, r *http.Request, v *view, status int, q url.Values, n adminNotice, fe *caseFormError) {
	ctx := r.Context()
	v.Title, v.Nav = v.T("cases.title"), "cases"
	f, err := s.caseFilterOf(q, v.Lang)
	if err != nil {
		msg, _ := s.errText(r, v, err)
		n.Error, status = msg, http.StatusUnprocessableEntity
		f = survey.CaseFilter{}
		q = url.Values{}
	}
	only := v.P.OnlyAgency()
	if only != "" {
		f.Agency, f.Agencies = "", []string{only}
	}
	cv, err := s.store.CatalogView(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	if _, ok := cv.Agency(f.Agency); f.Agency != "" && !ok { // a well-formed code of no agency: not "no cases"
		n.Error, status = v.T("cases.err.agency"), http.StatusUnprocessableEntity
		f.Agency = ""
		q.Del("agency")
	}
	rows, err := s.store.ListCases(ctx, f)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	trails, err := s.store.CaseTrails(ctx, ids)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d := casesData{Notice: n, Resolutions: survey.CaseResolutions, CanAct: caseWriter(v.P, v.Lang) == nil, IsAdmin: v.P.IsAdmin(),
		Filter: caseFilterView{Agency: f.Agency, Status: f.Status, From: q.Get("from"), To: q.Get("to")},
		Count:  v.TN("cases.count", int64(len(rows))), Back: caseBackQuery(q)}
	if only == "" {
		for _, a := range cv.Agencies {
			d.Agencies = append(d.Agencies, option{a.Code, v.Name(a.Name)})
			if d.IsAdmin {
				d.SLA = append(d.SLA, slaRow{Code: a.Code, Name: v.Name(a.Name), Hours: int(a.SLA() / time.Hour)})
			}
		}
	}
	for _, st := range survey.CaseStatuses {
		d.Statuses = append(d.Statuses, option{st, v.T("cases.status." + st)})
	}
	now := s.store.Now()
	for i := range rows {
		cw := v.caseView(cv, &rows[i], trails[rows[i].ID], now)
		if fe != nil && fe.id == cw.ID {
			cw.Error, cw.FormNote, cw.FormResolution, cw.Saved = fe.msg, fe.note, fe.resolution, fe.saved
			fe = nil
		}
		d.Cases = append(d.Cases, cw)
	}
	if fe != nil && fe.saved { // the case is no longer in the list (its status left the filter): say it at the top
		d.Notice.Message = v.T("cases.done")
	}
	if r.Method == http.MethodPost {
		// A refused action is shown at its form's address, which has no page of its own: the language links
		// lead to the cases page with the same filter.
		v.Path, v.query = "/cases", q
	}
	s.render(w, r, v, status, "cases", d)
}

// caseFiguresView is an agency's case figures for the agency page.
type caseFiguresView struct{ Opened, InSLA string }

func (v *view) caseFigures(c figures.CaseFigures) caseFiguresView {
	out := caseFiguresView{Opened: v.Int(c.Opened), InSLA: v.T("cases.in_sla.none")}
	if c.ResolvedInSLA != nil {
		out.InSLA = v.Num(*c.ResolvedInSLA) + "%"
	}
	return out
}

// caseView is one case as the page shows it.
func (v *view) caseView(cv *survey.CatalogView, c *survey.CaseRow, trail []survey.CaseEvent, now time.Time) caseView {
	cw := caseView{ID: c.ID, Agency: c.Agency, Status: c.Status, StatusLabel: v.T("cases.status." + c.Status),
		Opened: v.when(c.OpenedUS), Due: v.when(c.DueUS), Overdue: c.Overdue(now), Score: v.Num(c.Score),
		Comment: c.Comment, Note: c.Note}
	if c.ResolvedUS != 0 {
		cw.Resolved = v.when(c.ResolvedUS)
	}
	if c.Resolution != "" {
		cw.Resolution = v.T("cases.resolution." + c.Resolution)
	}
	if a, ok := cv.Agency(c.Agency); ok {
		cw.Agency = v.Name(a.Name)
	}
	var where []string
	if ce, ok := cv.Center(c.Center); ok {
		where = append(where, v.Name(ce.Name))
	}
	if sv, ok := cv.Service(c.Service); ok {
		where = append(where, v.Name(sv.Name))
	}
	where = append(where, v.T("dash.channel."+c.Channel))
	cw.Where = strings.Join(where, " · ")
	switch {
	case c.Status == survey.CaseResolved:
	case cw.Overdue:
		cw.Countdown = v.T("cases.overdue", v.span(now.Sub(c.DueAt())))
	default:
		cw.Countdown = v.T("cases.due_in", v.span(c.DueAt().Sub(now)))
	}
	var answers map[string]any
	if json.Unmarshal([]byte(c.Answers), &answers) == nil {
		sv, _ := cv.Survey(c.Survey, c.SurveyVersion)
		cw.Answers = v.answers(sv, answers)
	}
	for _, e := range c.Trail(trail) {
		who := e.Actor
		if who == "system" {
			who = v.T("cases.system")
		}
		what := v.T("cases.done." + e.Action)
		if e.Resolution != "" {
			what += ": " + v.T("cases.resolution."+e.Resolution)
		}
		cw.Trail = append(cw.Trail, caseStepView{When: v.when(e.AtUS), Who: who, What: what, Note: e.Note})
	}
	switch c.Status {
	case survey.CaseOpen:
		cw.Actions = []string{survey.CaseActionAcknowledge, survey.CaseActionResolve}
	case survey.CaseAcknowledged:
		cw.Actions = []string{survey.CaseActionResolve}
	case survey.CaseResolved:
		cw.Actions = []string{survey.CaseActionReopen}
	}
	cw.Actions = append(cw.Actions, survey.CaseActionComment)
	return cw
}

// span says a duration in days and hours (minutes under an hour).
func (v *view) span(d time.Duration) string {
	if d < time.Hour {
		return v.T("cases.minutes", max(int(d/time.Minute), 0))
	}
	h := int(d / time.Hour)
	if h < 24 {
		return v.T("cases.hours", h)
	}
	return v.T("cases.days_hours", h/24, h%24)
}

// caseBackQuery keeps the filter's fields of q (and nothing else) for the redirect after an action.
func caseBackQuery(q url.Values) string {
	keep := url.Values{}
	for _, k := range []string{"agency", "status", "from", "to"} {
		if v := q.Get(k); v != "" && len(v) <= 64 {
			keep.Set(k, v)
		}
	}
	return keep.Encode()
}

// caseActionForm is POST /cases/{id}/events: the form of one case's action.
func (s *Server) caseActionForm(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	id := r.PathValue("id")
	a := survey.CaseAction{Action: r.PostFormValue("action"), Resolution: r.PostFormValue("resolution"), Note: r.PostFormValue("note")}
	if a.Action != survey.CaseActionResolve {
		a.Resolution = "" // one form holds every action; the resolution select belongs to resolve alone
	}
	err := caseWriter(v.P, v.Lang)
	if err == nil {
		_, err = s.store.ActOnCase(r.Context(), id, a, v.P.CanSeeAgency)
	}
	if err != nil {
		code := survey.ErrorCode(err)
		if code == survey.CodeNotFound || code == survey.CodeForbidden || code == survey.CodeInternal || code == survey.CodeUnavailable {
			s.pageError(w, r, v, err)
			return
		}
		msg, _ := s.errText(r, v, caseError(v.Lang, &a, err))
		s.renderCases(w, r, v, statusOf(code), back, adminNotice{},
			&caseFormError{id: id, msg: msg, note: r.PostFormValue("note"), resolution: r.PostFormValue("resolution")})
		return
	}
	next := "/cases?done=1&case=" + url.QueryEscape(id)
	if q := caseBackQuery(back); q != "" {
		next += "&" + q
	}
	http.Redirect(w, r, next+"#"+url.PathEscape(id), http.StatusSeeOther)
}

// caseSLAForm is POST /cases/sla (admins): an agency's case SLA in hours.
func (s *Server) caseSLAForm(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 4<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	raw := strings.TrimSpace(r.PostFormValue("hours"))
	hours, err := 0, error(nil)
	if raw != "" {
		if hours, err = strconv.Atoi(raw); err != nil {
			err = survey.FieldError("sla_hours", "not a number")
		}
	}
	if err == nil {
		err = s.store.SetAgencySLA(r.Context(), r.PostFormValue("agency"), hours)
	}
	switch {
	case err == nil:
	case survey.ErrorCode(err) == survey.CodeInvalidField:
		s.renderCases(w, r, v, http.StatusUnprocessableEntity, url.Values{}, adminNotice{Error: v.T("cases.err.sla", survey.MaxSLAHours)}, nil)
		return
	case survey.ErrorCode(err) == survey.CodeUnknownAgency:
		msg, _ := s.errText(r, v, err)
		s.renderCases(w, r, v, http.StatusUnprocessableEntity, url.Values{}, adminNotice{Error: msg}, nil)
		return
	default:
		s.pageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/cases?sla=1", http.StatusSeeOther)
}
