package web

import (
	"net/http"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
)

// figures computes published figures with the server's methodology (stateless and cheap to build).
func (s *Server) figures() *figures.Figures { return figures.New(s.store, s.scoring) }

// getRankings is GET /api/v1/rankings?period=P[&group=G][&lang=L] (docs/api.md).
func (s *Server) getRankings(w http.ResponseWriter, r *http.Request, pr *Principal) {
	f := s.figures()
	q := r.URL.Query()
	if wantsComposite(q) { // index=composite (web/api_composite.go)
		s.getCompositeRankings(w, r, pr)
		return
	}
	p, err := periodOf(q, s.store.Location())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	group, err := groupOf(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := f.Rankings(r.Context(), p, group, q.Get("lang"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// getBreakdown is GET /api/v1/agencies/{code}/breakdown?period=P&by=…[&lang=L] (docs/api.md).
func (s *Server) getBreakdown(w http.ResponseWriter, r *http.Request, p *Principal) {
	f := s.figures()
	q := r.URL.Query()
	code := r.PathValue("code")
	if !survey.ValidCode(code) {
		s.writeError(w, r, survey.Errorf(survey.CodeNotFound, "agency", "no agency %q", code))
		return
	}
	if s.forbidAgency(w, r, p, code) { // a manager reads only their own agency: 403 forbidden
		return
	}
	period, err := periodOf(q, s.store.Location())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := f.Breakdown(r.Context(), code, period, q.Get("by"), q.Get("lang"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
