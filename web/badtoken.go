package web

import (
	"net/http"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// Failed bearer-token checks are rate-limited per client (Limits.BadToken, docs/api.md): kiosk tokens and
// API keys cannot be guessed, but every guess costs a database look-up. Once a client has used up its budget
// of failures, a bearer token it sends is no longer looked up: only a credential this instance checked recently
// (the credential cache) is still admitted, so a kiosk behind the same address as a misbehaving one goes on
// submitting; anything else answers 429 until the budget refills. Requests without a token are not affected.

// throttledBearer reports whether the client has no failures left; if so, cred is its token's cached
// credential, and ok is false when there is none (then 429 has been answered).
func (s *Server) throttledBearer(w http.ResponseWriter, r *http.Request) (throttled bool, cred survey.Credential, ok bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return false, cred, false
	}
	no, wait := s.limits.badToken.refused(clientIP(r))
	if !no {
		return false, cred, false
	}
	if scheme, token, found := strings.Cut(h, " "); found && strings.EqualFold(scheme, "Bearer") {
		if cred, ok = s.store.CachedCredential(r.Context(), strings.TrimSpace(token)); ok {
			return true, cred, true
		}
	}
	writeRateLimited(w, wait)
	return true, cred, false
}

// countBadToken takes one failure from the client's budget when its bearer token was refused as unknown.
func (s *Server) countBadToken(r *http.Request, err error) {
	if err != nil && r.Header.Get("Authorization") != "" && survey.ErrorCode(err) == survey.CodeUnauthorized {
		s.limits.badToken.allow(clientIP(r))
	}
}
