package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// Cases of CONTRACT §11 over the JSON API: admins all agencies, managers their own only, analysts and API keys
// read-only. The Cases page (dash_cases.go) is the same for people.

// getCases is GET /api/v1/cases?agency=&status=&from=&to= (docs/api.md, "Cases").
func (s *Server) getCases(w http.ResponseWriter, r *http.Request, p *Principal) {
	lang := apiLang(r, p)
	f, err := s.caseFilterOf(r.URL.Query(), lang)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Agency != "" {
		cv, err := s.store.CatalogView(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if _, ok := cv.Agency(f.Agency); !ok {
			s.writeError(w, r, survey.Errorf(survey.CodeUnknownAgency, "agency", "unknown agency %q", f.Agency))
			return
		}
		if s.forbidAgency(w, r, p, f.Agency) {
			return
		}
	}
	if only := p.OnlyAgency(); only != "" {
		f.Agencies = []string{only}
	}
	rows, err := s.store.ListCases(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	trails, err := s.store.CaseTrails(r.Context(), ids)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]survey.CaseJSON, len(rows))
	for i := range rows {
		out[i] = rows[i].Case.JSON(rows[i].Case.Trail(trails[rows[i].ID]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out})
}

// caseFilterOf reads the filter of a cases query: agency (a code), status, from/to (days YYYY-MM-DD in the
// server's zone, both included). Errors are invalid_field in lang.
func (s *Server) caseFilterOf(q url.Values, lang string) (survey.CaseFilter, error) {
	var f survey.CaseFilter
	f.Agency = q.Get("agency")
	if f.Agency != "" && !survey.ValidCode(f.Agency) {
		return f, survey.Errorf(survey.CodeUnknownAgency, "agency", "%s", i18n.T(lang, "cases.err.agency"))
	}
	f.Status = q.Get("status")
	if !survey.ValidCaseStatus(f.Status) {
		return f, survey.FieldError("status", "%s", i18n.T(lang, "cases.err.status"))
	}
	loc := s.store.Location()
	for _, d := range []struct {
		field string
		dst   *time.Time
		next  bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		v := q.Get(d.field)
		if v == "" {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil || day.Year() < 2000 || day.Year() > 2100 {
			return f, survey.FieldError(d.field, "%s", i18n.T(lang, "cases.err.date"))
		}
		if d.next {
			day = day.AddDate(0, 0, 1) // "to" includes its day
		}
		*d.dst = day
	}
	return f, nil
}

// withCaseWriter accepts what withReader does, checked against cross-origin forgery first (a session cookie
// rides along with a forged cross-site POST), refused as JSON; the handler checks the role.
func (s *Server) withCaseWriter(h readerFunc) http.Handler {
	next := s.withReader(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.dash.csrf.Check(r); err != nil {
			s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "", "cross-origin request refused"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// postCaseEvent is POST /api/v1/cases/{id}/events {"action", "resolution", "note"}: 200 with the case and
// its trail. Admins act on every case, managers on their own agency's; analysts and API keys are read-only.
func (s *Server) postCaseEvent(w http.ResponseWriter, r *http.Request, p *Principal) {
	lang := apiLang(r, p)
	if err := caseWriter(p, lang); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readBody(r, survey.MaxCaseEventBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := survey.DecodeCaseAction(body)
	if err != nil {
		s.writeError(w, r, caseError(lang, a, err))
		return
	}
	ctx := survey.WithActor(r.Context(), actorOf(r, p.User))
	c, err := s.store.ActOnCase(ctx, r.PathValue("id"), *a, p.CanSeeAgency)
	if err != nil {
		s.writeError(w, r, caseError(lang, a, err))
		return
	}
	_, trail, err := s.store.CaseByID(ctx, c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c.JSON(trail))
}

// caseWriter refuses, in lang, whoever may not act on cases: analysts and API keys read only.
func caseWriter(p *Principal, lang string) error {
	switch p.Role() {
	case survey.RoleAdmin, survey.RoleManager:
		return nil
	}
	return survey.Errorf(survey.CodeForbidden, "", "%s", i18n.T(lang, "cases.err.readonly"))
}

// caseError tells a refused case action in lang; any other error passes through.
func caseError(lang string, a *survey.CaseAction, err error) error {
	var te *survey.TransitionError
	if errors.As(err, &te) {
		return survey.FieldError("action", "%s", i18n.T(lang, "cases.err.transition",
			i18n.T(lang, "cases.status."+te.Status), i18n.T(lang, "cases.action."+te.Action)))
	}
	e, ok := survey.AsError(err)
	if !ok {
		return err
	}
	key := ""
	var args []any
	switch {
	case e.Code == survey.CodeForbidden:
		key = "cases.err.forbidden"
	case e.Code != survey.CodeInvalidField:
	case e.Field == "action":
		key = "cases.err.action"
	case e.Field == "resolution" && a != nil && a.Action == survey.CaseActionResolve:
		key = "cases.err.resolution"
	case e.Field == "resolution":
		key = "cases.err.resolution_only"
	case e.Field == "note" && a != nil && a.Note == "":
		key = "cases.err.note_needed"
	case e.Field == "note":
		key, args = "cases.err.note_long", []any{survey.MaxCaseNote}
	}
	if key == "" {
		return err
	}
	return survey.Errorf(e.Code, e.Field, "%s", i18n.T(lang, key, args...))
}
