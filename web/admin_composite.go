package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Admin pages of the composite index (docs/method.md#composite-index): the methodologies with their
// parameters, criteria and weights (and a JSON form to apply one), and the assessment form with
// per-criterion evidence. Every change goes through the store, which validates and audits it.

type methodologiesData struct {
	Notice adminNotice
	List   []methodologyView
	JSON   string
}

type methodologyView struct {
	Code, Name, Aggregate, CitizenWeight string
	Version                              int
	Newest, Used                         bool
	Params                               []paramView
}

type paramView struct {
	Code, Name, Weight, Share string
	Criteria                  []criterionView
}

type criterionView struct {
	Code, Name, Weight, Max string
}

func (s *Server) methodologiesPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderMethodologies(w, r, v, http.StatusOK, adminNotice{}, "")
}

func (s *Server) renderMethodologies(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, sent string) {
	ctx := r.Context()
	ms, err := s.store.Methodologies(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d := methodologiesData{Notice: n, JSON: sent}
	for i, m := range ms {
		periods, err := s.store.AssessmentPeriods(ctx, m.Code, m.Version)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		agg := "comp.agg.mean"
		if m.Aggregate == survey.AggregatePooled {
			agg = "comp.agg.pooled"
		}
		mv := methodologyView{Code: m.Code, Name: v.Name(m.Name), Version: m.Version, Aggregate: v.T(agg),
			CitizenWeight: v.Num(m.CitizenWeight), Newest: i == 0 || ms[i-1].Code != m.Code, Used: len(periods) > 0}
		var total float64
		for _, p := range m.Parameters {
			total += p.Weight
		}
		for _, p := range m.Parameters {
			pv := paramView{Code: p.Code, Name: v.Name(p.Name), Weight: num(p.Weight), Share: "—"}
			if total > 0 {
				pv.Share = v.Num1(100*p.Weight/total) + "%"
			}
			for _, c := range p.Criteria {
				pv.Criteria = append(pv.Criteria, criterionView{Code: c.Code, Name: v.Name(c.Name), Weight: num(c.Weight), Max: num(c.Max)})
			}
			mv.Params = append(mv.Params, pv)
		}
		d.List = append(d.List, mv)
	}
	if d.JSON == "" {
		if len(ms) > 0 { // the newest of the first code, as the next version: the usual edit
			next := ms[0]
			next.Version++
			d.JSON = prettyJSON(next)
		} else {
			d.JSON = `{"code": "", "version": 1, "citizen_weight": 0.5, "aggregate": "mean", "parameters": []}`
		}
	}
	v.Title, v.Nav = v.T("comp.admin.methodologies"), "methodologies"
	s.render(w, r, v, status, "admin_methodologies", d)
}

// num writes a weight or a maximum as plainly as possible (2, 1.5).
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// applyMethodology is POST /admin/methodologies: stores a methodology version from JSON.
func (s *Server) applyMethodology(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, survey.MaxMethodologySize+4096); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	text := r.PostFormValue("methodology")
	m, err := survey.DecodeMethodology(strings.NewReader(text))
	var outcome string
	if err == nil {
		outcome, err = s.store.ApplyMethodology(r.Context(), m)
	}
	if err != nil {
		msg, ok := s.errText(r, v, err)
		if ok {
			msg = v.T("comp.err.json", msg)
		}
		s.renderMethodologies(w, r, v, http.StatusUnprocessableEntity, adminNotice{Error: msg}, text)
		return
	}
	s.renderMethodologies(w, r, v, http.StatusOK, adminNotice{Message: v.T("comp.admin.applied", m.Code, m.Version, v.T("comp.outcome."+outcome))}, "")
}

type assessmentsData struct {
	Notice        adminNotice
	Methodologies []methodOption
	Period        string
	Service       string
	Agencies      []agencyServices
	Form          *assessForm
	Latest        []latestRow
	LatestTitle   string
}

type agencyServices struct {
	Name     string
	Services []methodOption
}

type assessForm struct {
	Methodology, Period, Service, ServiceName, Assessor string
	Version                                             int
	Params                                              []assessParam
}

type assessParam struct {
	Name     string
	Criteria []assessCriterion
}

type assessCriterion struct {
	Code, Name, Max, Points, Evidence string
	Invalid                           bool
}

type latestRow struct {
	Agency, Service, S, Assessor, When, Edit string
}

// assessmentsPage is GET /admin/assessments[?methodology=&period=&service=]: choose a service and period,
// then score its criteria; the assessments that count for the period are listed below.
func (s *Server) assessmentsPage(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	s.renderAssessments(w, r, v, http.StatusOK, adminNotice{}, q.Get("methodology"), q.Get("period"), q.Get("service"), nil, "")
}

// renderAssessments draws the page; sent (on a refused save) refills the form with what the admin typed,
// and bad names the criterion at fault.
func (s *Server) renderAssessments(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, code, period, service string, sent url.Values, bad string) {
	ctx := r.Context()
	v.Title, v.Nav = v.T("comp.admin.assessments"), "methodologies"
	ms, err := s.store.Methodologies(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	cv, err := s.store.CatalogView(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	if period == "" {
		period = scoring.PeriodContaining(scoring.Quarter, s.store.Now(), s.loc).Previous().Label
	}
	d := assessmentsData{Notice: n, Period: period, Service: service}
	var m *survey.Methodology
	for i := range ms {
		if len(d.Methodologies) > 0 && d.Methodologies[len(d.Methodologies)-1].Code == ms[i].Code {
			continue
		}
		if code == "" {
			code = ms[i].Code
		}
		if ms[i].Code == code {
			m = &ms[i]
		}
		d.Methodologies = append(d.Methodologies, methodOption{Code: ms[i].Code, Label: v.Name(ms[i].Name) + " · " + v.T("comp.admin.version", ms[i].Version), Selected: ms[i].Code == code})
	}
	for _, a := range cv.Agencies {
		as := agencyServices{Name: v.Name(a.Name)}
		for _, sv := range cv.ServicesOf(a.Code) {
			as.Services = append(as.Services, methodOption{Code: sv.Code, Label: v.Name(sv.Name), Selected: sv.Code == service})
		}
		if len(as.Services) > 0 {
			d.Agencies = append(d.Agencies, as)
		}
	}
	if m == nil {
		if len(ms) == 0 {
			d.Notice.Error = cmpOr(d.Notice.Error, v.T("comp.nomethod"))
		} else {
			d.Notice.Error = cmpOr(d.Notice.Error, v.T("comp.err.methodology"))
			status = max(status, http.StatusNotFound)
		}
		s.render(w, r, v, status, "admin_assessments", d)
		return
	}
	p, perr := scoring.ParsePeriod(period, s.loc)
	if perr != nil {
		d.Notice.Error = cmpOr(d.Notice.Error, v.T("comp.err.period"))
		s.render(w, r, v, max(status, http.StatusUnprocessableEntity), "admin_assessments", d)
		return
	}
	latest, err := s.store.LatestAssessments(ctx, survey.AssessmentFilter{Methodology: m.Code, Version: m.Version, Period: p.Label})
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	check := m.Checklist()
	var current *survey.Assessment
	for i, a := range latest {
		row := latestRow{Agency: a.Agency, Service: a.Service, S: "—", Assessor: a.Assessor,
			Edit: "/admin/assessments?" + url.Values{"methodology": {m.Code}, "period": {p.Label}, "service": {a.Service}}.Encode()}
		if ag, ok := cv.Agency(a.Agency); ok {
			row.Agency = v.Name(ag.Name)
		}
		if sv, ok := cv.Service(a.Service); ok {
			row.Service = v.Name(sv.Name)
		}
		if sc, _ := check.ServiceScore(a.Scores); sc != nil {
			row.S = v.Num(*sc)
		}
		if a.CreatedAt != nil {
			row.When = v.when(a.CreatedAt.UnixMicro())
		}
		d.Latest = append(d.Latest, row)
		if a.Service == service {
			current = &latest[i]
		}
	}
	d.LatestTitle = v.T("comp.admin.latest", p.Label)
	if sv, ok := cv.Service(service); ok {
		f := &assessForm{Methodology: m.Code, Version: m.Version, Period: p.Label, Service: sv.Code,
			ServiceName: v.Name(sv.Name), Assessor: v.P.User.Email}
		if current != nil {
			f.Assessor = current.Assessor
		}
		if sent != nil {
			f.Assessor = sent.Get("assessor")
		}
		for _, prm := range m.Parameters {
			ap := assessParam{Name: v.Name(prm.Name)}
			for _, c := range prm.Criteria {
				ac := assessCriterion{Code: c.Code, Name: v.Name(c.Name), Max: num(c.Max), Invalid: c.Code == bad}
				switch {
				case sent != nil:
					ac.Points, ac.Evidence = sent.Get("p."+c.Code), sent.Get("e."+c.Code)
				case current != nil:
					if pts := current.Scores[c.Code]; pts != nil {
						ac.Points = num(*pts)
					}
					ac.Evidence = current.Evidence[c.Code]
				}
				ap.Criteria = append(ap.Criteria, ac)
			}
			f.Params = append(f.Params, ap)
		}
		d.Form = f
	} else if service != "" {
		d.Notice.Error = cmpOr(d.Notice.Error, v.T("comp.err.service"))
		status = max(status, http.StatusUnprocessableEntity)
	}
	s.render(w, r, v, status, "admin_assessments", d)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// saveAssessmentForm is POST /admin/assessments: one service's scores with evidence; an empty points field
// is "not applicable". A refused form is shown again with what was typed and the error in the reader's
// language; nothing is stored.
func (s *Server) saveAssessmentForm(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, survey.MaxAssessmentBytes); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	f := r.PostForm
	code, period, service := f.Get("methodology"), f.Get("period"), f.Get("service")
	fail := func(msg, bad string) {
		s.renderAssessments(w, r, v, http.StatusUnprocessableEntity, adminNotice{Error: msg}, code, period, service, f, bad)
	}
	version, _ := strconv.Atoi(f.Get("version"))
	m, err := s.store.Methodology(r.Context(), code, version)
	if err != nil {
		if survey.ErrorCode(err) == survey.CodeNotFound {
			fail(v.T("comp.err.methodology"), "")
			return
		}
		s.pageError(w, r, v, err)
		return
	}
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	sv, ok := cv.Service(service)
	if !ok {
		fail(v.T("comp.err.service"), "")
		return
	}
	a := survey.Assessment{Methodology: m.Code, Version: m.Version, Period: period, Agency: sv.Agency, Service: sv.Code,
		Scores: map[string]*float64{}, Evidence: map[string]string{}, Assessor: f.Get("assessor")}
	for _, p := range m.Parameters {
		for _, c := range p.Criteria {
			name := v.Name(c.Name)
			raw := strings.TrimSpace(f.Get("p." + c.Code))
			var pts *float64
			if raw != "" {
				x, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
				if err != nil || x < 0 || x > c.Max || x != x {
					fail(v.T("comp.err.points", name, num(c.Max)), c.Code)
					return
				}
				pts = &x
			}
			a.Scores[c.Code] = pts
			if ev := strings.TrimSpace(f.Get("e." + c.Code)); ev != "" {
				if len([]rune(ev)) > survey.MaxEvidenceRunes {
					fail(v.T("comp.err.evidence", name, survey.MaxEvidenceRunes), c.Code)
					return
				}
				a.Evidence[c.Code] = ev
			}
		}
	}
	saved, err := s.store.SaveAssessment(r.Context(), a)
	if err != nil {
		msg, ok := s.errText(r, v, err)
		if e, isDomain := survey.AsError(err); ok && isDomain {
			switch {
			case e.Field == "period":
				msg = v.T("comp.err.period")
			case e.Field == "assessor":
				msg = v.T("comp.err.assessor")
			case strings.HasPrefix(e.Field, "evidence."):
				msg = v.T("comp.err.evidence", strings.TrimPrefix(e.Field, "evidence."), survey.MaxEvidenceRunes)
			}
		}
		fail(msg, "")
		return
	}
	period = saved.Period
	s.renderAssessments(w, r, v, http.StatusOK, adminNotice{Message: v.T("comp.admin.saved", v.Name(sv.Name), saved.Period)},
		code, period, service, nil, "")
}
