package web

import (
	"net/http"

	"github.com/qiymet/qiymet/survey"
)

// Failed bearer-token checks are rate-limited per client (Limits.BadToken, docs/api.md): kiosk tokens and
// API keys cannot be guessed, but every guess costs a database look-up. Once a client has used up its budget
// of failures, every request of it that carries a bearer token answers 429 without a look-up until the budget
// refills; requests without one, and good tokens before the budget runs out, are not affected.

// badTokenRefused answers 429 when the client has no failures left; it reports whether it answered.
func (s *Server) badTokenRefused(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") == "" {
		return false
	}
	if no, wait := s.limits.badToken.refused(clientIP(r)); no {
		writeRateLimited(w, wait)
		return true
	}
	return false
}

// countBadToken takes one failure from the client's budget when its bearer token was refused as unknown.
func (s *Server) countBadToken(r *http.Request, err error) {
	if err != nil && r.Header.Get("Authorization") != "" && survey.ErrorCode(err) == survey.CodeUnauthorized {
		s.limits.badToken.allow(clientIP(r))
	}
}
