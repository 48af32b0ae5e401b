package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/qiymet/qiymet/survey"
)

// Administration pages (admin only: withAdmin in routes.go). Every change is a POST form
// (checked for cross-origin forgery); one-time secrets (API keys, passwords, enrolment codes) are shown once
// on the answer page and never again.

// adminNotice is the outcome of a POST shown above the page: a message, and maybe a secret shown once.
type adminNotice struct {
	Error   string
	Message string
	Secret  string
}

// formID reads the {id} path value.
func formID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// parseForm bounds the body and parses it.
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return survey.Errorf(survey.CodePayloadTooLarge, "", "the form is too large")
	}
	unifyNewlines(r)
	return nil
}

// unifyNewlines turns the CRLF line breaks a browser sends for a textarea into LF, as stored and as the
// textarea's maxlength counts them: otherwise a text the box accepted is refused as too long, once per line.
func unifyNewlines(r *http.Request) {
	for _, form := range []url.Values{r.Form, r.PostForm} {
		for _, vs := range form {
			for i, v := range vs {
				vs[i] = strings.ReplaceAll(v, "\r\n", "\n")
			}
		}
	}
}

// errText is a domain error's message for a notice (internal errors are not shown).
func (s *Server) errText(r *http.Request, v *view, err error) (string, bool) {
	switch err {
	case survey.ErrPasswordLength:
		return v.T("dash.password.length", survey.MinPasswordLen), true
	case survey.ErrPasswordCommon:
		return v.T("dash.password.common"), true
	}
	if e, ok := survey.AsError(err); ok {
		return e.Message, true
	}
	s.log.Error("admin", "path", r.URL.Path, "err", err)
	return v.T("dash.err.internal"), false
}

func (v *view) when(usec int64) string {
	if usec == 0 {
		return "—"
	}
	return time.UnixMicro(usec).In(v.loc()).Format("2006-01-02 15:04")
}

// loc is the zone pages show times in.
func (v *view) loc() *time.Location {
	if v.zone == nil {
		return time.UTC
	}
	return v.zone
}

// ---- users ----

type usersData struct {
	Notice   adminNotice
	Users    []userRow
	Agencies []option
	Roles    []option
	Form     userForm // the new-user form: empty, or what a refused submission sent
	Errs     formErrors
}

// userForm is the new-user form as typed (the password is never sent back).
type userForm struct {
	Email, Role, Agency string
}

type userRow struct {
	ID                   int64
	Email, Role, Agency  string
	Disabled, Locked, Me bool
	Created              string
}

type option struct {
	Value, Label string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderUsers(w, r, v, http.StatusOK, s.takeFlash(r).notice(), userForm{}, formErrors{})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, f userForm, fe formErrors) {
	ctx := r.Context()
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	cv, err := s.store.CatalogView(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	throttled, err := s.store.ThrottledLogins(ctx) // accounts some address must wait for (login_throttle.go)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d := usersData{Notice: n, Form: f, Errs: fe}
	for _, a := range cv.Agencies {
		d.Agencies = append(d.Agencies, option{a.Code, v.Name(a.Name)})
	}
	sortOptions(v.Lang, d.Agencies)
	// The least privileged role first; the form itself preselects none (adm.choose).
	for _, role := range []string{survey.RoleManager, survey.RoleAnalyst, survey.RoleAdmin} {
		d.Roles = append(d.Roles, option{role, v.T("dash.role." + role)})
	}
	for _, u := range users {
		d.Users = append(d.Users, userRow{ID: u.ID, Email: u.Email, Role: u.Role, Agency: u.Agency,
			Disabled: u.DisabledUS != 0, Locked: throttled[survey.LoginKey(u.Email)], Me: u.ID == v.P.User.ID, Created: v.when(u.CreatedUS)})
	}
	v.Title, v.Nav = v.T("dash.admin.users"), "users"
	s.render(w, r, v, status, "admin_users", d)
}

// addUser creates a user; an empty password is generated and shown once, after the redirect. There is no
// default role: one must be chosen, and an agency only for a manager (checked here, whatever the browser did).
func (s *Server) addUser(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.renderUsers(w, r, v, http.StatusRequestEntityTooLarge, adminNotice{}, userForm{}, formErrors{Summary: v.T("adm.err.toolarge")})
		return
	}
	f := userForm{Email: r.PostFormValue("email"), Role: r.PostFormValue("role"), Agency: r.PostFormValue("agency")}
	if len(f.Email) > 254 {
		f.Email = f.Email[:254]
	}
	if f.Role != survey.RoleManager {
		f.Agency = ""
	}
	pw := r.PostFormValue("password")
	generated := pw == ""
	if generated {
		pw = survey.GeneratePassword()
	}
	var err error
	switch {
	case f.Role == "":
		err = survey.FieldError("role", "choose a role")
	case f.Role == survey.RoleManager && f.Agency == "":
		err = survey.FieldError("agency", "a manager needs an agency")
	}
	var u *survey.User
	if err == nil {
		u, err = s.store.AddUser(r.Context(), f.Email, pw, f.Role, f.Agency)
	}
	if err != nil {
		fe, status := s.formError(r, v, "users", err)
		s.renderUsers(w, r, v, status, adminNotice{}, f, fe)
		return
	}
	fl := adminFlash{Message: v.T("dash.users.created", u.Email)}
	if generated {
		fl.Secret = pw
	}
	s.redirectWithFlash(w, r, v, "/admin/users", fl)
}

// editUser changes role, agency, disabled, or resets the password. Admins cannot demote or disable
// themselves, so the last admin cannot lock everyone out by accident.
func (s *Server) editUser(w http.ResponseWriter, r *http.Request, v *view) {
	id, ok := formID(r)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if err := parseForm(w, r, 16<<10); err != nil {
		s.renderUsers(w, r, v, http.StatusRequestEntityTooLarge, adminNotice{}, userForm{}, formErrors{Summary: v.T("adm.err.toolarge")})
		return
	}
	var up survey.UserUpdate
	var fl adminFlash
	switch r.PostFormValue("action") {
	case "signout": // end every session of the user, e.g. a lost laptop
		u, err := s.store.UserByID(r.Context(), id)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		n, err := s.store.RevokeUserSessions(r.Context(), id)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		// audit (docs/api.md, "Audit log"): sessions end at once, so the entry follows rather than shares the change
		if err := s.store.Audit(r.Context(), nil, survey.Change{Action: survey.AuditUserSignOut, Target: "user:" + u.Email,
			Details: map[string]any{"sessions": n}}); err != nil {
			s.pageError(w, r, v, err)
			return
		}
		if id == v.P.User.ID { // the admin ended their own session: the flash has nobody to go to
			http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
			return
		}
		s.redirectWithFlash(w, r, v, "/admin/users", adminFlash{Message: v.T("dash.users.signedout", u.Email, n)})
		return
	case "unlock": // forget failed sign-ins from every address (as `qiymet user unlock`)
		u, err := s.store.UserByID(r.Context(), id)
		if err == nil {
			_, err = s.store.UnlockLogin(r.Context(), u.Email)
		}
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		s.redirectWithFlash(w, r, v, "/admin/users", adminFlash{Message: v.T("dash.users.unlocked", u.Email)})
		return
	case "reset":
		pw := survey.GeneratePassword()
		up.Password = &pw
		fl.Secret = pw
	default:
		role, agency := r.PostFormValue("role"), r.PostFormValue("agency")
		disabled := r.PostFormValue("disabled") == "on"
		if id == v.P.User.ID && (role != survey.RoleAdmin || disabled) {
			s.renderUsers(w, r, v, http.StatusUnprocessableEntity, adminNotice{Error: v.T("dash.users.self")}, userForm{}, formErrors{})
			return
		}
		up = survey.UserUpdate{Role: &role, Agency: &agency, Disabled: &disabled}
	}
	u, err := s.store.UpdateUser(r.Context(), id, up)
	if err != nil {
		fe, status := s.formError(r, v, "users", err)
		s.renderUsers(w, r, v, status, adminNotice{Error: fe.Summary}, userForm{}, formErrors{})
		return
	}
	fl.Message = v.T("dash.users.saved", u.Email)
	s.redirectWithFlash(w, r, v, "/admin/users", fl)
}

// ---- API keys ----

type keysData struct {
	Notice adminNotice
	Keys   []keyRow
	Name   string // the new-key form as typed
	Errs   formErrors
}

type keyRow struct {
	ID                      int64
	Name, Created, LastUsed string
	Revoked                 bool
}

func (s *Server) apiKeysPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderKeys(w, r, v, http.StatusOK, keysData{Notice: s.takeFlash(r).notice()})
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, v *view, status int, d keysData) {
	keys, err := s.store.ListAPIKeys(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	for _, k := range keys {
		d.Keys = append(d.Keys, keyRow{ID: k.ID, Name: k.Name, Created: v.when(k.CreatedUS), LastUsed: v.when(k.LastUsedUS),
			Revoked: k.RevokedUS != 0})
	}
	v.Title, v.Nav = v.T("dash.admin.apikeys"), "apikeys"
	s.render(w, r, v, status, "admin_apikeys", d)
}

func (s *Server) addAPIKey(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.renderKeys(w, r, v, http.StatusRequestEntityTooLarge, keysData{Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
		return
	}
	name := r.PostFormValue("name")
	k, key, err := s.store.AddAPIKey(r.Context(), name)
	if err != nil {
		fe, status := s.formError(r, v, "apikeys", err)
		s.renderKeys(w, r, v, status, keysData{Name: truncateRunes(name, 200), Errs: fe})
		return
	}
	s.redirectWithFlash(w, r, v, "/admin/apikeys", adminFlash{Message: v.T("dash.keys.created", k.Name), Secret: key})
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request, v *view) {
	s.revoke(w, r, v, s.store.RevokeAPIKey, "/admin/apikeys")
}

// revoke is the common form action "revoke the credential with the id in the URL, then back to its list".
func (s *Server) revoke(w http.ResponseWriter, r *http.Request, v *view, revoke func(context.Context, int64) error, back string) {
	id, ok := formID(r)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if err := revoke(r.Context(), id); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	s.redirectWithFlash(w, r, v, back, adminFlash{Message: v.T("adm.revoked")})
}

// truncateRunes cuts s to at most n characters (what a refused form sends back is bounded).
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// sortOptions orders a select's options by label in the page language's collation (ə after e in az).
func sortOptions(lang string, opts []option) {
	c := collate.New(language.Make(lang))
	sort.SliceStable(opts, func(i, j int) bool { return c.CompareString(opts[i].Label, opts[j].Label) < 0 })
}
