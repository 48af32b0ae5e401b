package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
)

// getControl is GET /api/v1/agencies/{code}/control?to=YYYY-MM[&months=M] (docs/api.md): the agency's
// control chart. Credentials and the manager's own-agency rule are breakdown's.
func (s *Server) getControl(w http.ResponseWriter, r *http.Request, p *Principal) {
	f := s.figures()
	code := r.PathValue("code")
	if !survey.ValidCode(code) {
		s.writeError(w, r, survey.Errorf(survey.CodeNotFound, "agency", "no agency %q", code))
		return
	}
	if s.forbidAgency(w, r, p, code) { // a manager reads only their own agency: 403 forbidden
		return
	}
	to, months, err := controlQuery(r.URL.Query(), f.Location(), f.LastCompleteMonth())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := f.Control(r.Context(), code, to, months)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// controlQuery reads to (a month in loc; default lastComplete) and months (default 24) of a control chart. A
// malformed or out-of-range value is invalid_field naming it.
func controlQuery(q url.Values, loc *time.Location, lastComplete scoring.Period) (to scoring.Period, months int, err error) {
	to, months = lastComplete, figures.ControlMonthsDefault
	if q.Has("to") {
		v := q.Get("to")
		if to, err = scoring.ParsePeriod(v, loc); err != nil || to.Kind != scoring.Month {
			return to, 0, survey.FieldError("to", "to must be a month, YYYY-MM (%d..%d)", scoring.MinYear, scoring.MaxYear)
		}
	}
	if q.Has("months") {
		v := q.Get("months")
		n, convErr := strconv.Atoi(v)
		if convErr != nil || !digitsOnly(v) || n < figures.ControlMonthsMin || n > figures.ControlMonthsMax {
			return to, 0, survey.FieldError("months", "months must be a whole number from %d to %d",
				figures.ControlMonthsMin, figures.ControlMonthsMax)
		}
		months = n
	}
	return to, months, nil
}

// digitsOnly reports whether s is a non-empty run of ASCII digits (no sign, no spaces).
func digitsOnly(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
