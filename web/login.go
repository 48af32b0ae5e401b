package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/qiymet/qiymet/web/i18n"
)

// localPath keeps only same-site paths as a post-login target (no open redirects). It judges the path as the
// browser will follow it: http.Redirect cleans "/../x" to "/x", and browsers read a backslash as a slash, so
// "/../\evil.example" would leave the site. Backslashes and control characters are refused outright; what is
// left is cleaned first and must then be one leading slash followed by a path.
func localPath(next string) string {
	const home = "/"
	if next == "" || strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	escaped := u.EscapedPath() // escaped: "/%2F%2Fx" stays a path, where its decoded form would not
	if !strings.HasPrefix(escaped, "/") {
		return home
	}
	clean := path.Clean(escaped)
	if strings.HasPrefix(clean, "//") || clean == "/login" || strings.HasPrefix(clean, "/login/") {
		return home
	}
	if u.RawQuery != "" {
		clean += "?" + u.RawQuery
	}
	return clean
}

type loginData struct {
	Email, Next, Error string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, v *view) {
	if v.P != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	v.Title = v.T("dash.signin")
	s.render(w, r, v, http.StatusOK, "login", loginData{Next: localPath(r.URL.Query().Get("next"))})
}

// login checks the form (throttled per account and source: login_throttle.go), rate-limits per client IP,
// and starts a fresh session (a new token on every sign-in, so a planted cookie is useless).
func (s *Server) login(w http.ResponseWriter, r *http.Request, v *view) {
	if ok, wait := s.limits.login.allow(clientIP(r)); !ok {
		w.Header().Set("Retry-After", itoa(int64(max(wait, 1))))
		v.Title = v.T("dash.signin")
		s.render(w, r, v, http.StatusTooManyRequests, "login", loginData{Error: v.T("dash.login.ratelimited")})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	u, err := s.store.Login(r.Context(), email, password, loginSource(r))
	if err != nil {
		s.loginFailed(w, r, v, err, loginData{Email: email, Next: next})
		return
	}
	// harden-trust: the second step (web/login_2fa.go) when the user has two-factor sign-in or must enrol
	if s.needSecondStep(w, r, v, u, next) {
		return
	}
	// Sign-ins are rare: a good moment to reclaim expired sessions (lookups refuse them anyway).
	if _, err := s.store.PruneSessions(r.Context()); err != nil {
		s.log.Warn("prune sessions", "err", err)
	}
	if !s.startSession(w, r, v, u) {
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout revokes the session server-side and clears the cookie. Signed out already is fine.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *view) {
	if c, err := r.Cookie(s.dash.sessionCookie); err == nil {
		if err := s.store.RevokeSession(r.Context(), c.Value); err != nil {
			s.pageError(w, r, v, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.dash.sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.dash.secure, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func setLangCookie(w http.ResponseWriter, lang string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: secure})
}
