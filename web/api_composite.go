package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// The composite index's API (CONTRACT §12, docs/api.md#composite-index): rankings by composite, the ±20%
// weight sensitivity, and assessments posted by admins.

// compositeOf reads methodology=CODE[&version=N] (version 0: the newest).
func compositeOf(q url.Values) (string, int, error) {
	code := q.Get("methodology")
	version := 0
	if v := q.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return "", 0, survey.FieldError("version", "version must be a whole number from 1")
		}
		version = n
	}
	if code == "" {
		return "", 0, survey.FieldError("methodology", "methodology is required: the code of a composite-index methodology")
	}
	return code, version, nil
}

// wantsComposite reports whether GET /api/v1/rankings asks for another index than the citizens' one.
func wantsComposite(q url.Values) bool { return q.Has("index") && q.Get("index") != "citizen" }

// compositeQuery is what both composite endpoints read: period=P&methodology=CODE[&version=N][&group=G][&lang=L].
type compositeQuery struct {
	period      scoring.Period
	code        string
	version     int
	group, lang string
}

func (s *Server) compositeQueryOf(q url.Values) (cq compositeQuery, err error) {
	if cq.period, err = periodOf(q, s.store.Location()); err != nil {
		return cq, err
	}
	if cq.code, cq.version, err = compositeOf(q); err != nil {
		return cq, err
	}
	if cq.group, err = groupOf(q); err != nil {
		return cq, err
	}
	cq.lang = q.Get("lang")
	return cq, nil
}

// groupOf reads the optional group=G of a rankings query.
func groupOf(q url.Values) (string, error) {
	group := q.Get("group")
	if group != "" && !survey.ValidCode(group) {
		return "", survey.Errorf(survey.CodeNotFound, "group", "no peer group %q", group)
	}
	return group, nil
}

// getCompositeRankings is GET /api/v1/rankings?period=P&index=composite&methodology=CODE[&version=N][&group=G][&lang=L].
func (s *Server) getCompositeRankings(w http.ResponseWriter, r *http.Request, _ *Principal) {
	q := r.URL.Query()
	if q.Get("index") != "composite" {
		s.writeError(w, r, survey.FieldError("index", "index must be citizen (the default) or composite"))
		return
	}
	cq, err := s.compositeQueryOf(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.figures().CompositeRankings(r.Context(), cq.period, cq.code, cq.version, cq.group, cq.lang)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// getSensitivity is GET /api/v1/composite/sensitivity?period=P&methodology=CODE[&version=N][&group=G].
func (s *Server) getSensitivity(w http.ResponseWriter, r *http.Request, _ *Principal) {
	cq, err := s.compositeQueryOf(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.figures().Sensitivity(r.Context(), cq.period, cq.code, cq.version, cq.group, cq.lang)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// withAdminAPI accepts a signed-in admin's session on a JSON route (checked for cross-origin forgery like
// every form); API keys, kiosk tokens and other roles are forbidden, nothing at all unauthorized.
func (s *Server) withAdminAPI(h readerFunc) http.Handler {
	reader := s.withReader(func(w http.ResponseWriter, r *http.Request, p *Principal) {
		if !p.IsAdmin() {
			s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "", "only an admin may do this"))
			return
		}
		r = r.WithContext(survey.WithActor(r.Context(), actorOf(r, p.User)))
		h(w, r, p)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.dash.csrf.Check(r); err != nil { // the JSON error, not the pages' plain refusal
			s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "", "cross-origin request refused"))
			return
		}
		reader.ServeHTTP(w, r)
	})
}

// postAssessment is POST /api/v1/assessments (admin): stores one assessment; the latest of a service and
// period counts. 201 with the stored assessment.
func (s *Server) postAssessment(w http.ResponseWriter, r *http.Request, _ *Principal) {
	body, err := readBody(r, survey.MaxAssessmentBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := survey.DecodeAssessment(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	saved, err := s.store.SaveAssessment(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, saved)
}
