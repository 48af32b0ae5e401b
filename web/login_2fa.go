package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
)

// Two-factor sign-in (docs/api.md, "Two-factor sign-in"). After the right password a user who has it gets a
// half-done sign-in (a challenge, cookie qiymet_2fa) and the code page, not a session; an admin who must have it
// (QIYMET_REQUIRE_2FA=admin) and does not gets the enrolment page instead. Only a right code, or a confirmed
// enrolment, starts the session. Every form here goes through withOptionalSession's cross-origin check.

const challengeCookie = "qiymet_2fa"

// lacks2FA reports whether u must enrol before doing anything else.
func (s *Server) lacks2FA(u *survey.User) bool {
	return u != nil && s.require2FA == survey.RoleAdmin && u.Role == survey.RoleAdmin && !u.Has2FA()
}

// must2FA sends a signed-in admin without two-factor sign-in to the enrolment page when it is required; it
// reports whether it answered.
func (s *Server) must2FA(w http.ResponseWriter, r *http.Request, v *view) bool {
	if !s.lacks2FA(v.P.User) {
		return false
	}
	if r.Method == http.MethodGet {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
	} else {
		s.pageStatus(w, r, v, http.StatusForbidden, "dash.2fa.required")
	}
	return true
}

func (s *Server) setChallenge(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: challengeCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.dash.secure, MaxAge: int(survey.ChallengeTTL.Seconds())})
}

func (s *Server) clearChallenge(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: challengeCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.dash.secure, MaxAge: -1})
}

func challengeToken(r *http.Request) string {
	if c, err := r.Cookie(challengeCookie); err == nil {
		return c.Value
	}
	return ""
}

// needSecondStep is called by login after the right password: it answers (and reports true) when the user
// needs a code or an enrolment before a session.
func (s *Server) needSecondStep(w http.ResponseWriter, r *http.Request, v *view, u *survey.User, next string) bool {
	if !u.Has2FA() && !s.lacks2FA(u) {
		return false
	}
	token, err := s.store.StartChallenge(r.Context(), u.ID)
	if err != nil {
		s.pageError(w, r, v, err)
		return true
	}
	s.setChallenge(w, token)
	to := "/login/2fa"
	if !u.Has2FA() {
		to = "/account/2fa"
	}
	http.Redirect(w, r, to+"?next="+url.QueryEscape(next), http.StatusSeeOther)
	return true
}

// startSession signs u in for good (after the password, or after the second step): a fresh session
// cookie replacing any earlier one, and the user's language.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, v *view, u *survey.User) bool {
	if old, err := r.Cookie(s.dash.sessionCookie); err == nil {
		s.store.RevokeSession(r.Context(), old.Value)
	}
	token, _, err := s.store.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.pageError(w, r, v, err)
		return false
	}
	// A browser-session cookie: the server enforces the 12 h / 2 h idle limits, and an Expires computed from
	// the server's clock would be wrong on a client whose clock is off.
	http.SetCookie(w, &http.Cookie{Name: s.dash.sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.dash.secure})
	if u.Lang != "" && locale.Valid(u.Lang) {
		setLangCookie(w, u.Lang, s.dash.secure)
	}
	return true
}

type secondStepData struct {
	Next, Error string
}

// secondStepForm asks for the code of a half-done sign-in.
func (s *Server) secondStepForm(w http.ResponseWriter, r *http.Request, v *view) {
	next := localPath(r.URL.Query().Get("next"))
	if v.P != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	u, err := s.store.ChallengeUser(r.Context(), challengeToken(r))
	if err != nil || !u.Has2FA() {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	v.Title = v.T("dash.2fa.title")
	s.render(w, r, v, http.StatusOK, "login_2fa", secondStepData{Next: next})
}

// secondStep checks the code (or a recovery code) and starts the session.
func (s *Server) secondStep(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = v.T("dash.2fa.title")
	if ok, wait := s.limits.login.allow(clientIP(r)); !ok {
		w.Header().Set("Retry-After", itoa(int64(max(wait, 1))))
		s.render(w, r, v, http.StatusTooManyRequests, "login_2fa", secondStepData{Error: v.T("dash.login.ratelimited")})
		return
	}
	if err := parseForm(w, r, 4<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	next := localPath(r.PostFormValue("next"))
	u, err := s.store.VerifySecondFactor(r.Context(), challengeToken(r), r.PostFormValue("code"))
	switch {
	case err == survey.ErrBadCode:
		s.render(w, r, v, http.StatusUnauthorized, "login_2fa", secondStepData{Next: next, Error: v.T("dash.2fa.badcode")})
		return
	case err == survey.ErrChallengeGone:
		s.clearChallenge(w)
		v.Title = v.T("dash.signin")
		s.render(w, r, v, http.StatusUnauthorized, "login", loginData{Next: next, Error: v.T("dash.2fa.expired")})
		return
	case err != nil:
		s.pageError(w, r, v, err)
		return
	}
	s.clearChallenge(w)
	if s.startSession(w, r, v, u) {
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

type enrolData struct {
	On        bool   // two-factor sign-in is on already
	CodesLeft int64  // unused recovery codes (when On)
	Secret    string // the secret offered, as text
	QR        template.URL
	Next      string
	Error     string
	Required  bool     // an admin who must enrol
	Recovery  []string // shown once, after a confirmed enrolment
}

// enrolUser is who the enrolment page is for: the signed-in user, or the user of a half-done sign-in (an admin
// who must enrol). The challenge token holds the secret being offered.
func (s *Server) enrolUser(w http.ResponseWriter, r *http.Request, v *view) (*survey.User, string, bool) {
	token := challengeToken(r)
	cu, err := s.store.ChallengeUser(r.Context(), token)
	if v.P != nil && v.P.User != nil {
		if err == nil && cu.ID == v.P.User.ID {
			return v.P.User, token, true
		}
		if v.P.User.Has2FA() {
			return v.P.User, "", true
		}
		// a fresh offer for a signed-in user: a challenge of their own to hold it
		token, err = s.store.StartChallenge(r.Context(), v.P.User.ID)
		if err != nil {
			s.pageError(w, r, v, err)
			return nil, "", false
		}
		s.setChallenge(w, token)
		return v.P.User, token, true
	}
	// without a session only an admin who must enrol may (a signed-in user's offer left in the browser may not)
	if err != nil || !s.lacks2FA(cu) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape("/account/2fa"), http.StatusSeeOther)
		return nil, "", false
	}
	return cu, token, true
}

// enrolPage shows the state of two-factor sign-in, or a secret to enrol.
func (s *Server) enrolPage(w http.ResponseWriter, r *http.Request, v *view) {
	u, token, ok := s.enrolUser(w, r, v)
	if !ok {
		return
	}
	d := enrolData{Next: localPath(r.URL.Query().Get("next")), Required: s.lacks2FA(u)}
	s.renderEnrol(w, r, v, http.StatusOK, u, token, d)
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, v *view, status int, u *survey.User, token string, d enrolData) {
	v.Title, v.Nav = v.T("dash.2fa.nav"), "2fa"
	if u.Has2FA() && d.Recovery == nil {
		d.On = true
		n, err := s.store.RecoveryCodesLeft(r.Context(), u.ID)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		d.CodesLeft = n
	} else if d.Recovery == nil {
		e, err := s.store.OfferTOTP(r.Context(), token)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		png, err := QRPNG(e.URL, 240)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		d.Secret = groupSecret(e.Secret)
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	s.render(w, r, v, status, "account_2fa", d)
}

// groupSecret shows a base32 secret in groups of four, easier to type.
func groupSecret(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// confirmEnrol confirms the secret offered with one code; then the recovery codes are shown once. A half-done
// sign-in becomes a session here.
func (s *Server) confirmEnrol(w http.ResponseWriter, r *http.Request, v *view) {
	if ok, wait := s.limits.login.allow(clientIP(r)); !ok {
		w.Header().Set("Retry-After", itoa(int64(max(wait, 1))))
		s.pageStatus(w, r, v, http.StatusTooManyRequests, "dash.login.ratelimited")
		return
	}
	if err := parseForm(w, r, 4<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	token := challengeToken(r)
	cu, err := s.store.ChallengeUser(r.Context(), token)
	signedIn := v.P != nil && v.P.User != nil
	if err != nil || (signedIn && v.P.User.ID != cu.ID) || (!signedIn && !s.lacks2FA(cu)) {
		s.clearChallenge(w)
		s.pageStatus(w, r, v, http.StatusUnauthorized, "dash.2fa.expired")
		return
	}
	d := enrolData{Next: localPath(r.PostFormValue("next")), Required: s.lacks2FA(cu)}
	u, codes, err := s.store.ConfirmTOTP(survey.WithActor(r.Context(), actorOf(r, cu)), token, r.PostFormValue("code"))
	switch {
	case err == survey.ErrBadCode:
		d.Error = v.T("dash.2fa.badcode")
		s.renderEnrol(w, r, v, http.StatusUnprocessableEntity, cu, token, d)
		return
	case err == survey.ErrChallengeGone:
		s.clearChallenge(w)
		s.pageStatus(w, r, v, http.StatusUnauthorized, "dash.2fa.expired")
		return
	case err != nil:
		s.pageError(w, r, v, err)
		return
	}
	s.clearChallenge(w)
	if v.P == nil && !s.startSession(w, r, v, u) {
		return
	}
	if v.P == nil {
		v.P = &Principal{User: u} // the page below is the first one of the new session
	} else {
		v.P.User = u
	}
	d.Required, d.Recovery = false, codes
	s.renderEnrol(w, r, v, http.StatusOK, u, "", d)
}
