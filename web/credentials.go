package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// Every credential check of the HTTP surface is one of the wrappers below, named per route in routes.go. A
// wrapper answers 401/403/429 itself and hands the handler what it checked:
//
//	withSubmitter       a kiosk token, an API key, or nothing (a visit's token in the body); rate-limited
//	withReader          an API key or a signed-in session; kiosk tokens 403, nothing 401
//	withAPIKey          an API key only
//	withKiosk           a kiosk device token only
//	withIPLimit         no credential (the body holds a one-time code); rate-limited per client IP
//	withSession         dashboard pages: a signed-in user, optionally of given roles; API keys and kiosk
//	                    tokens cannot open pages
//	withOptionalSession the sign-in form: anyone, signed in or not
//
// Who may read which agency (docs/api.md, roles) is Principal.CanSeeAgency.

// sessionCookie holds the session token; the database keeps only its hash. Over https it is
// "__Host-qiymet_session" (dashState.sessionCookie): a browser then takes it only Secure, for Path=/ and
// without Domain, so a sibling subdomain cannot plant or shadow it.
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

// CanSeeAgency reports whether p may read an agency's breakdowns, comments and responses: admins, analysts
// and API keys read every agency, a manager only their own, kiosks none.
func (p *Principal) CanSeeAgency(code string) bool {
	switch p.Role() {
	case survey.RoleAdmin, survey.RoleAnalyst, "apikey":
		return true
	case survey.RoleManager:
		return code != "" && p.User.Agency == code
	}
	return false
}

// OnlyAgency is the one agency a manager is limited to; "" for readers of every agency.
func (p *Principal) OnlyAgency() string {
	if p.Role() == survey.RoleManager {
		return p.User.Agency
	}
	return ""
}

// forbidAgency answers 403 forbidden (JSON) unless p may read the agency; it reports whether it answered.
func (s *Server) forbidAgency(w http.ResponseWriter, r *http.Request, p *Principal, agency string) bool {
	if p.CanSeeAgency(agency) {
		return false
	}
	s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "agency", "you may only read your own agency's data"))
	return true
}

// ---- bearer credentials (JSON API) ----

// bearer reads the Authorization header: a kiosk token, an API key, or none at all (the zero Credential).
// A header that is there but malformed or unknown is unauthorized.
func (s *Server) bearer(r *http.Request) (survey.Credential, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return survey.Credential{}, nil
	}
	// The scheme is case-insensitive (RFC 9110 §11.1).
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return survey.Credential{}, survey.Errorf(survey.CodeUnauthorized, "", "use Authorization: Bearer <kiosk token or API key>")
	}
	token = strings.TrimSpace(token)
	if k, err := s.store.AuthKiosk(r.Context(), token); err == nil {
		return survey.Credential{Kiosk: k}, nil
	} else if survey.ErrorCode(err) != survey.CodeUnauthorized {
		return survey.Credential{}, err
	}
	k, err := s.store.AuthAPIKey(r.Context(), token)
	if err != nil {
		return survey.Credential{}, err
	}
	return survey.Credential{APIKey: k}, nil
}

// allowCredential applies the rate limit of whoever is calling: per kiosk, per API key, else per client IP.
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

// admitBearer reads the bearer credential, refuses it with refuse's error (refuse may be nil), and applies its
// rate limit. It reports whether the handler may go on; otherwise it has answered.
func (s *Server) admitBearer(w http.ResponseWriter, r *http.Request, refuse func(survey.Credential) error) (survey.Credential, bool) {
	var (
		cred survey.Credential
		err  error
	)
	if throttled, cached, ok := s.throttledBearer(w, r); throttled && !ok {
		return cred, false
	} else if throttled {
		cred = cached
	} else {
		cred, err = s.bearer(r)
		s.countBadToken(r, err)
	}
	if err == nil && refuse != nil {
		err = refuse(cred)
	}
	if err != nil {
		s.writeError(w, r, err)
		return cred, false
	}
	return cred, s.allowCredential(w, r, cred)
}

// submitterFunc handles a submission; cred is zero when the request carries no Authorization header.
type submitterFunc func(w http.ResponseWriter, r *http.Request, cred survey.Credential)

// withSubmitter accepts a kiosk token, an API key or no credential at all: a submission without one must
// carry a visit's token in its body, which the handler checks once the body is read.
func (s *Server) withSubmitter(h submitterFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cred, ok := s.admitBearer(w, r, nil); ok {
			h(w, r, cred)
		}
	})
}

// readerFunc handles a read of the JSON API by an API key or a signed-in user.
type readerFunc func(w http.ResponseWriter, r *http.Request, p *Principal)

// withReader accepts an API key (Authorization: Bearer) or a signed-in session. Kiosk tokens are forbidden,
// nothing at all is unauthorized. Handlers call CanSeeAgency (forbidAgency) for agency-level data.
func (s *Server) withReader(h readerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			cred, ok := s.admitBearer(w, r, func(c survey.Credential) error {
				if c.Kiosk != nil {
					return survey.Errorf(survey.CodeForbidden, "", "a kiosk token can only submit responses")
				}
				return nil
			})
			if ok {
				h(w, r, &Principal{APIKey: cred.APIKey})
			}
			return
		}
		p, err := s.sessionPrincipal(r)
		if err == nil && p == nil {
			err = survey.Errorf(survey.CodeUnauthorized, "", "sign in or use Authorization: Bearer <API key>")
		}
		if err == nil && s.lacks2FA(p.User) { // harden-trust: web/login_2fa.go
			err = survey.Errorf(survey.CodeForbidden, "", "turn on two-factor sign-in first (/account/2fa)")
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if s.allowSessionRead(w, p) { // web/load.go
			h(w, r, p)
		}
	})
}

// withAPIKey accepts a live API key only: nothing (or a session) is unauthorized, a kiosk token forbidden.
func (s *Server) withAPIKey(h func(w http.ResponseWriter, r *http.Request, key *survey.APIKey)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cred, ok := s.admitBearer(w, r, func(c survey.Credential) error {
			switch {
			case c.APIKey != nil:
				return nil
			case c.Kiosk != nil:
				return survey.Errorf(survey.CodeForbidden, "", "a kiosk token cannot do this")
			}
			return survey.Errorf(survey.CodeUnauthorized, "", "an API key is required")
		})
		if ok {
			h(w, r, cred.APIKey)
		}
	})
}

// withKiosk accepts a live kiosk device token only: nothing is unauthorized, an API key forbidden.
func (s *Server) withKiosk(h func(w http.ResponseWriter, r *http.Request, k *survey.Kiosk)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cred, ok := s.admitBearer(w, r, func(c survey.Credential) error {
			switch {
			case c.Kiosk != nil:
				return nil
			case c.APIKey != nil:
				return survey.Errorf(survey.CodeForbidden, "", "only a kiosk device token can do this")
			}
			return survey.Errorf(survey.CodeUnauthorized, "", "a kiosk device token is required")
		})
		if ok {
			h(w, r, cred.Kiosk)
		}
	})
}

// withIPLimit takes no credential (any Authorization header is ignored) and rate-limits per client IP.
func (s *Server) withIPLimit(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.limits.ip.allow(clientIP(r)); !ok {
			writeRateLimited(w, wait)
			return
		}
		h(w, r)
	})
}

// ---- sessions (dashboard pages) ----

// sessionPrincipal is the signed-in user of the request's session cookie, or nil. An Authorization header is
// never looked at here: API keys and kiosk tokens cannot sign in to pages.
func (s *Server) sessionPrincipal(r *http.Request) (*Principal, error) {
	c, err := r.Cookie(s.dash.sessionCookie)
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

// pageFunc is a dashboard handler; v.P is the signed-in user (nil only under withOptionalSession).
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view)

// withSession wraps a page: no session → the sign-in page (GET) or 401; a role not in roles → 403.
// No roles means any signed-in user. Unsafe methods are checked against cross-origin forgery first.
func (s *Server) withSession(h pageFunc, roles ...string) http.Handler {
	return s.dash.csrf.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		// harden-trust: two-factor enrolment required (web/login_2fa.go) and the audit log's actor (survey/audit.go)
		if s.must2FA(w, r, v) {
			return
		}
		r = r.WithContext(survey.WithActor(r.Context(), actorOf(r, p.User)))
		h(w, r, v)
	}))
}

// withAdmin wraps an administration page: admins only.
func (s *Server) withAdmin(h pageFunc) http.Handler { return s.withSession(h, survey.RoleAdmin) }

// withOptionalSession wraps a page anyone may open (the sign-in form), still with cross-origin checks on POST.
func (s *Server) withOptionalSession(h pageFunc) http.Handler {
	return s.dash.csrf.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.sessionPrincipal(r)
		if err != nil {
			s.pageError(w, r, nil, err)
			return
		}
		h(w, r, s.newView(w, r, p))
	}))
}
