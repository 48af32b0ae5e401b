package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// sessionCookie holds the session token; the database keeps only its hash.
const sessionCookie = "qiymet_session"

// Principal is whoever a request acts for: a signed-in user (session), an API key or a kiosk.
type Principal struct {
	User    *survey.User
	Session *survey.Session
	APIKey  *survey.APIKey
	Kiosk   *survey.Kiosk
}

// Role is the user's role, "apikey", "kiosk" or "" (anonymous).
func (p *Principal) Role() string {
	switch {
	case p == nil:
		return ""
	case p.User != nil:
		return p.User.Role
	case p.APIKey != nil:
		return "apikey"
	case p.Kiosk != nil:
		return "kiosk"
	}
	return ""
}

// IsAdmin reports whether p may manage everything.
func (p *Principal) IsAdmin() bool { return p.Role() == survey.RoleAdmin }

// CanSeeAgency reports whether p may read an agency's breakdowns, comments and responses (CONTRACT §7):
// admins, analysts and API keys read every agency, a manager only their own, kiosks none.
func (p *Principal) CanSeeAgency(code string) bool {
	switch p.Role() {
	case survey.RoleAdmin, survey.RoleAnalyst, "apikey":
		return true
	case survey.RoleManager:
		return code != "" && p.User.Agency == code
	}
	return false
}

// sessionPrincipal is the signed-in user of the request's session cookie, or nil. An Authorization header is
// never looked at here: API keys and kiosk tokens cannot sign in to pages.
func (s *Server) sessionPrincipal(r *http.Request) (*Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	u, sess, err := s.store.SessionUser(r.Context(), c.Value)
	if survey.ErrorCode(err) == survey.CodeUnauthorized {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Principal{User: u, Session: sess}, nil
}

// reader authorizes a read of the JSON API: an API key (Authorization: Bearer) or a signed-in session.
// Kiosk tokens are forbidden, nothing at all is unauthorized. On false the error answer is already written.
// Handlers then call CanSeeAgency for agency-level data and answer forbidden when it is false.
func (s *Server) reader(w http.ResponseWriter, r *http.Request) (*Principal, bool) {
	if r.Header.Get("Authorization") != "" {
		cred, _, err := s.credential(r)
		if err == nil && cred.Kiosk != nil {
			err = survey.Errorf(survey.CodeForbidden, "", "a kiosk token can only submit responses")
		}
		if err != nil {
			s.writeError(w, r, err)
			return nil, false
		}
		if !s.allowCredential(w, r, cred) {
			return nil, false
		}
		return &Principal{APIKey: cred.APIKey}, true
	}
	p, err := s.sessionPrincipal(r)
	if err == nil && p == nil {
		err = survey.Errorf(survey.CodeUnauthorized, "", "sign in or use Authorization: Bearer <API key>")
	}
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	return p, true
}

// forbidAgency answers 403 forbidden (JSON) unless p may read the agency; it reports whether it answered.
func (s *Server) forbidAgency(w http.ResponseWriter, r *http.Request, p *Principal, agency string) bool {
	if p.CanSeeAgency(agency) {
		return false
	}
	s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "agency", "you may only read your own agency's data"))
	return true
}

// pageFunc is a dashboard handler that runs with a signed-in user.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view)

// requireRole wraps a page: no session → the sign-in page (GET) or 401; a role not in roles → 403.
// No roles means any signed-in user. Unsafe methods are checked against cross-origin forgery first.
func (s *Server) requireRole(h pageFunc, roles ...string) http.Handler {
	return s.dash.csrf.Handler(withVars(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.sessionPrincipal(r)
		if err != nil {
			s.pageError(w, r, nil, err)
			return
		}
		v := s.newView(w, r, p)
		if p == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.pageStatus(w, r, v, http.StatusUnauthorized, "dash.err.unauthorized")
			return
		}
		if len(roles) > 0 && !slices.Contains(roles, p.Role()) {
			s.pageStatus(w, r, v, http.StatusForbidden, "dash.err.forbidden")
			return
		}
		h(w, r, v)
	}))
}

// public wraps a page anyone may open (the sign-in form), still with cross-origin checks on POST.
func (s *Server) public(h pageFunc) http.Handler {
	return s.dash.csrf.Handler(withVars(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.sessionPrincipal(r)
		if err != nil {
			s.pageError(w, r, nil, err)
			return
		}
		h(w, r, s.newView(w, r, p))
	}))
}

// localPath keeps only same-site paths as a post-login target (no open redirects).
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
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

// login checks the form, counts failures (lock-out in the store), rate-limits per client IP, and starts a
// fresh session (a new token on every sign-in, so a planted cookie is useless).
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
	u, err := s.store.Login(r.Context(), email, password)
	if err != nil {
		status, msg := http.StatusUnauthorized, "dash.login.failed"
		switch {
		case err == survey.ErrLockedOut:
			status, msg = http.StatusTooManyRequests, "dash.login.locked"
			w.Header().Set("Retry-After", itoa(int64(survey.LockDuration/time.Second)))
		case survey.ErrorCode(err) != survey.CodeUnauthorized:
			s.pageError(w, r, v, err)
			return
		}
		v.Title = v.T("dash.signin")
		s.render(w, r, v, status, "login", loginData{Email: email, Next: next, Error: v.T(msg)})
		return
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.store.RevokeSession(r.Context(), old.Value)
	}
	// Sign-ins are rare: a good moment to reclaim expired sessions (lookups refuse them anyway).
	if _, err := s.store.PruneSessions(r.Context()); err != nil {
		s.log.Warn("prune sessions", "err", err)
	}
	token, _, err := s.store.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	// A browser-session cookie: the server enforces the 12 h / 2 h idle limits, and an Expires computed from
	// the server's clock would be wrong on a client whose clock is off.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.dash.secure})
	if u.Lang != "" && locale.Valid(u.Lang) {
		setLangCookie(w, u.Lang, s.dash.secure)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout revokes the session server-side and clears the cookie. Signed out already is fine.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *view) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.RevokeSession(r.Context(), c.Value); err != nil {
			s.pageError(w, r, v, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.dash.secure, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func setLangCookie(w http.ResponseWriter, lang string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: secure})
}

// Route is one registered route: its path template and methods.
type Route struct {
	Path    string
	Methods []string
}

// Routes lists every registered route, so the role × route test can prove that none goes unchecked.
func (s *Server) Routes() []Route {
	var out []Route
	s.router.Walk(func(rt *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := rt.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := rt.GetMethods()
		if err != nil { // a subrouter's prefix, not a route
			return nil
		}
		if rx, _ := rt.GetPathRegexp(); strings.HasSuffix(path, "/") && !strings.HasSuffix(rx, "$") {
			path += "*" // a PathPrefix
		}
		out = append(out, Route{Path: path, Methods: methods})
		return nil
	})
	return out
}
