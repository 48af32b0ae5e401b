package web

import (
	"encoding/json"
	"net/http"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// Every admin form answers a success with a redirect (Post/Redirect/Get): reloading the page it lands on sends
// nothing again. What the admin must see once (a message, a one-time secret, an enrolment code) travels in a
// server-side flash bound to the session (survey/store_flash.go), never in the URL. A refused form is answered
// with the page itself (422), the input kept and the fields marked: re-sending it creates nothing either.

// adminFlash is what a redirect carries to the next page.
type adminFlash struct {
	Message string `json:"message,omitempty"`
	Secret  string `json:"secret,omitempty"`
	// EnrolKiosk/EnrolCode: a fresh kiosk enrolment code, shown with its QR code on the kiosks page.
	EnrolKiosk string `json:"enrol_kiosk,omitempty"`
	EnrolCode  string `json:"enrol_code,omitempty"`
}

// sessionToken is the raw session cookie (the flash key derives from it).
func (s *Server) sessionToken(r *http.Request) string {
	c, err := r.Cookie(s.dash.sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// redirectWithFlash keeps f for the session's next page and redirects there with 303 See Other.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, v *view, to string, f adminFlash) {
	body, _ := json.Marshal(f)
	if err := s.store.SetFlash(r.Context(), s.sessionToken(r), body); err != nil {
		// The change is stored; only its notice (maybe a secret) is lost. Say so rather than pretend.
		s.log.Error("admin flash", "path", r.URL.Path, "err", err)
		s.pageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// takeFlash returns the session's pending flash, once.
func (s *Server) takeFlash(r *http.Request) adminFlash {
	var f adminFlash
	body, err := s.store.TakeFlash(r.Context(), s.sessionToken(r))
	if err != nil {
		s.log.Warn("admin flash", "err", err)
	}
	if body != nil {
		json.Unmarshal(body, &f)
	}
	return f
}

// notice turns a flash into the notice shown above the page.
func (f adminFlash) notice() adminNotice { return adminNotice{Message: f.Message, Secret: f.Secret} }

// formErrors are a refused form's sentence and the fields it concerns, for aria-invalid and the text under a field.
type formErrors struct {
	Summary string
	Fields  map[string]string
}

// Has reports whether field is marked (templates: {{if $d.Errs.Has "email"}}).
func (e formErrors) Has(field string) bool { _, ok := e.Fields[field]; return ok }

// For is the sentence under field.
func (e formErrors) For(field string) string { return e.Fields[field] }

// formError turns a store error into the page's sentence for form `form`; internal errors are logged and
// answered with the generic sentence. The status is the one the error's code maps to.
func (s *Server) formError(r *http.Request, v *view, form string, err error) (formErrors, int) {
	msg, field, status := s.adminErrText(r, v, form, err)
	fe := formErrors{Summary: msg, Fields: map[string]string{}}
	if field != "" {
		fe.Fields[field] = msg
	}
	return fe, status
}

// adminErrText is errText with the admin forms' sentences (web/i18n/admin.go) and the form field.
func (s *Server) adminErrText(r *http.Request, v *view, form string, err error) (msg, field string, status int) {
	switch err {
	case survey.ErrPasswordLength, survey.ErrPasswordCommon:
		msg, _ := s.errText(r, v, err)
		return msg, "password", http.StatusUnprocessableEntity
	}
	e, ok := survey.AsError(err)
	if !ok {
		msg, _ := s.errText(r, v, err)
		return msg, "", http.StatusInternalServerError
	}
	sentence, ff := adminSentence(v.Lang, form, e)
	return sentence, ff, statusOf(e.Code)
}

func adminSentence(lang, form string, e *survey.Error) (string, string) {
	return i18n.AdminError(lang, form, e.Code, e.Field, e.Message)
}
