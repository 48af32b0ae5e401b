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

// loginFailed answers a failed Login with the form again: 401 for a wrong password or an unknown e-mail,
// 429 with Retry-After while the source waits; any other error is an error page.
func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, v *view, err error, d loginData) {
	status, msg := http.StatusUnauthorized, "dash.login.failed"
	var te *survey.ThrottledError
	switch {
	case errors.As(err, &te):
		status, msg = http.StatusTooManyRequests, "dash.login.throttled"
		w.Header().Set("Retry-After", itoa(int64(math.Ceil(max(te.RetryAfter, time.Second).Seconds()))))
	case survey.ErrorCode(err) != survey.CodeUnauthorized:
		s.pageError(w, r, v, err)
		return
	}
	v.Title = v.T("dash.signin")
	d.Error = v.T(msg)
	s.render(w, r, v, status, "login", d)
}
