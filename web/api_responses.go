package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// credential reads the bearer token: a kiosk token or an API key. No header is fine (link submissions).
func (s *Server) credential(r *http.Request) (survey.Credential, bool, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return survey.Credential{}, false, nil
	}
	// The scheme is case-insensitive (RFC 9110 §11.1).
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return survey.Credential{}, true, survey.Errorf(survey.CodeUnauthorized, "", "use Authorization: Bearer <kiosk token or API key>")
	}
	token = strings.TrimSpace(token)
	if k, err := s.store.AuthKiosk(r.Context(), token); err == nil {
		return survey.Credential{Kiosk: k}, true, nil
	} else if survey.ErrorCode(err) != survey.CodeUnauthorized {
		return survey.Credential{}, true, err
	}
	k, err := s.store.AuthAPIKey(r.Context(), token)
	if err != nil {
		return survey.Credential{}, true, err
	}
	return survey.Credential{APIKey: k}, true, nil
}

// allowCredential applies the rate limit of whoever is calling.
func (s *Server) allowCredential(w http.ResponseWriter, r *http.Request, c survey.Credential) bool {
	var ok bool
	var wait int
	switch {
	case c.Kiosk != nil:
		ok, wait = s.limits.kiosk.allow("k" + itoa(c.Kiosk.ID))
	case c.APIKey != nil:
		ok, wait = s.limits.apiKey.allow("a" + itoa(c.APIKey.ID))
	default:
		ok, wait = s.limits.ip.allow(clientIP(r))
	}
	if !ok {
		writeRateLimited(w, wait)
	}
	return ok
}

// apiDeadline bounds a write request: a database that accepts connections but stalls yields a 503 the
// client retries (with the same id), never a hung request.
const apiDeadline = 10 * time.Second

func (s *Server) postResponse(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), apiDeadline)
	defer cancel()
	r = r.WithContext(ctx)
	cred, hasAuth, err := s.credential(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.allowCredential(w, r, cred) {
		return
	}
	body, err := readBody(r, survey.MaxBodyBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sub, err := survey.DecodeSubmission(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !hasAuth && sub.Token == "" {
		s.writeError(w, r, survey.Errorf(survey.CodeUnauthorized, "", "a kiosk token, an API key or an invitation token is required"))
		return
	}
	res, created, err := s.store.Submit(r.Context(), sub, cred)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.metrics.stored.WithLabelValues(channelOf(cred, sub), res.Status).Inc()
	}
	writeJSON(w, status, res)
}

func channelOf(c survey.Credential, sub *survey.Submission) string {
	switch {
	case sub.Token != "":
		return survey.ChannelLink
	case c.Kiosk != nil:
		return survey.ChannelKiosk
	}
	return survey.ChannelAPI
}

// requireAPIKey answers 401 unless the request carries a live API key.
func (s *Server) requireAPIKey(w http.ResponseWriter, r *http.Request) (*survey.APIKey, bool) {
	cred, _, err := s.credential(r)
	if err == nil && cred.APIKey == nil {
		err = survey.Errorf(survey.CodeUnauthorized, "", "an API key is required")
		if cred.Kiosk != nil {
			err = survey.Errorf(survey.CodeForbidden, "", "a kiosk token cannot do this")
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	if !s.allowCredential(w, r, cred) {
		return nil, false
	}
	return cred.APIKey, true
}
