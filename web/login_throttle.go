package web

import (
	"errors"
	"math"
	"net/http"
	"net/netip"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// Sign-in throttling (docs/api.md, sign-in): the store counts failures per (e-mail as typed, source) and
// makes that source wait, with delays that grow, once it has failed too often (survey.LoginThrottle). Other
// sources are not slowed, so the owner signs in from their own address while someone else guesses. Unknown
// and known e-mails get the same answers: 401 "wrong email or password" for a failure, 429 with Retry-After
// while the source waits.

// loginSource is the source failures are counted for: the client's address (clientip.go), or for IPv6 its
// /64, which one subscriber usually holds whole and could otherwise walk through address by address.
func loginSource(r *http.Request) string {
	a, err := netip.ParseAddr(clientIP(r))
	if err != nil {
		return clientIP(r)
	}
	if a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// loginRefused handles a failed Login: for a wrong password, an unknown e-mail or a source that must wait it
// sets what the form needs (Retry-After) and reports true; any other error it answers itself.
func (s *Server) loginRefused(w http.ResponseWriter, r *http.Request, v *view, err error) bool {
	var te *survey.ThrottledError
	switch {
	case errors.As(err, &te):
		w.Header().Set("Retry-After", itoa(int64(math.Ceil(max(te.RetryAfter, time.Second).Seconds()))))
		return true
	case survey.ErrorCode(err) == survey.CodeUnauthorized:
		return true
	}
	s.pageError(w, r, v, err)
	return false
}

// loginStatus and loginMessage are the form's status and message for a refused sign-in.
func loginStatus(err error) int {
	if errors.As(err, new(*survey.ThrottledError)) {
		return http.StatusTooManyRequests
	}
	return http.StatusUnauthorized
}

func loginMessage(err error) string {
	if errors.As(err, new(*survey.ThrottledError)) {
		return "dash.login.throttled"
	}
	return "dash.login.failed"
}
