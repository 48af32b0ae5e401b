package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// Dashboard templates and assets are embedded and parsed once, at start.
//
//go:embed templates/dash static/dash
var dashFS embed.FS

// dashPages are the page templates; each is parsed together with the layout into its own set.
var dashPages = []string{"login", "error", "rankings", "agency", "admin_kiosks", "admin_users", "admin_apikeys", "admin_catalog",
	"admin_audit", "login_2fa", "account_2fa", "help", // the last three: harden-trust
	"admin_publications", // web/publications.go
	"admin_webhooks",
	"cases",                               // dash_cases.go
	"admin_catalog_entry", "admin_survey"} // catalog and survey forms (admin_catalog_entry.go, admin_survey_form.go)

var dashTemplates = parseDash()

// dashFuncs are the few helpers templates need beyond the view's methods.
var dashFuncs = template.FuncMap{
	"periodq":   func(p scoring.Period) template.URL { return template.URL(periodQuery(p)) },
	"int64":     func(n int) int64 { return int64(n) },
	"inc":       func(n int) int { return n + 1 }, // admin forms (admin_catalog*.go, admin_survey_form.go)
	"langs":     func() []string { return locale.Langs },
	"names":     func(n survey.Names) map[string]string { return map[string]string{"az": n.AZ, "en": n.EN, "ru": n.RU} },
	"qtext":     func(q formQuestion) map[string]string { return map[string]string{"az": q.AZ, "en": q.EN, "ru": q.RU} },
	"qtypes":    func() []string { return []string{survey.TypeScale, survey.TypeYesNo, survey.TypeText} },
	"has":       func(list []string, x string) bool { return slices.Contains(list, x) },
	"hasPrefix": strings.HasPrefix,
	"catlist": func(v *view, kind, title string, rows []catRow) map[string]any { // admin_catalog.html
		return map[string]any{"V": v, "Kind": kind, "Title": title, "Rows": rows}
	},
	"notice": func(v *view, n adminNotice) map[string]string {
		return map[string]string{"Error": n.Error, "Message": n.Message, "Secret": n.Secret, "SecretLabel": v.T("dash.secret.once")}
	},
}

func parseDash() map[string]*template.Template {
	base := template.Must(template.New("layout.html").Funcs(dashFuncs).ParseFS(dashFS, "templates/dash/layout.html", "templates/dash/partial_*.html"))
	out := map[string]*template.Template{}
	for _, p := range dashPages {
		out[p] = template.Must(template.Must(base.Clone()).ParseFS(dashFS, "templates/dash/"+p+".html"))
	}
	return out
}

// dashState is what the dashboard adds to a Server.
type dashState struct {
	csrf   *http.CrossOriginProtection
	secure bool // cookies get Secure when the public base URL is https
	static http.Handler
	// sessionCookie is the session cookie's name: __Host- prefixed over https (credentials.go).
	sessionCookie string
}

func newDash(baseURL string) *dashState {
	d := &dashState{csrf: http.NewCrossOriginProtection(), secure: strings.HasPrefix(baseURL, "https://"), sessionCookie: sessionCookie}
	if d.secure {
		d.sessionCookie = "__Host-" + sessionCookie
	}
	// Behind a proxy the Host header may differ from the public origin: trust the configured base URL.
	if u, err := url.Parse(baseURL); err == nil && u.Scheme != "" && u.Host != "" {
		d.csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	d.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	sub, _ := fs.Sub(dashFS, "static/dash")
	d.static = http.StripPrefix("/static/dash/", http.FileServerFS(sub))
	return d
}

// serveDashStatic serves the dashboard's CSS and JS (cacheable for an hour; file names are stable).
func (s *Server) serveDashStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	s.dash.static.ServeHTTP(w, r)
}

// view is what every page template sees: the reader, their language and helpers.
type view struct {
	P     *Principal
	Lang  string
	Title string
	Nav   string // the active menu entry
	Path  string // the request path, for language links
	// OwnName is a manager's agency by name, in the page's language, for the header ("" for other roles).
	OwnName string
	query   url.Values
	zone    *time.Location
	Data    any
}

func (s *Server) newView(w http.ResponseWriter, r *http.Request, p *Principal) *view {
	lang := i18n.Negotiate(r)
	// ?lang= is the switcher: remember the choice.
	if q, ok := locale.Parse(r.URL.Query().Get("lang")); ok {
		setLangCookie(w, q, s.dash.secure)
		if p != nil && p.User != nil && p.User.Lang != q {
			if err := s.store.SetUserLang(r.Context(), p.User.ID, q); err != nil {
				s.log.Warn("remember language", "err", err)
			}
			p.User.Lang = q
		}
	} else if p != nil && p.User != nil && p.User.Lang != "" && locale.Valid(p.User.Lang) {
		if _, err := r.Cookie(i18n.CookieName); err != nil {
			lang = p.User.Lang
		}
	}
	v := &view{P: p, Lang: lang, Path: r.URL.Path, query: r.URL.Query(), zone: s.loc}
	if own := p.OnlyAgency(); own != "" {
		v.OwnName = own
		if cv, err := s.store.CatalogView(r.Context()); err == nil { // cached in the store: no query per page
			if ag, ok := cv.Agency(own); ok {
				v.OwnName = v.Name(ag.Name)
			}
		}
	}
	return v
}

// T is the message key in the page's language.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// Num formats a percentage or index with 2 decimals the way the language writes it (92,78 in az and ru).
func (v *view) Num(x float64) string { return locale.Page(v.Lang).Number(x, 2) }

// Num1 formats with one decimal (chart labels).
func (v *view) Num1(x float64) string { return locale.Page(v.Lang).Number(x, 1) }

// Int formats a count.
func (v *view) Int(n int64) string { return locale.Page(v.Lang).Integer(n) }

// Name picks a catalog name in the page's language.
func (v *view) Name(n survey.Names) string { return n.Get(v.Lang) }

// LangLink is one entry of the language switcher.
type LangLink struct {
	Code, Label, Href string
	Current           bool
}

// Langs links the same page, query kept, in each language.
func (v *view) Langs() []LangLink {
	var out []LangLink
	for _, l := range locale.Langs {
		q := url.Values{}
		for k, vs := range v.query {
			q[k] = vs
		}
		q.Set("lang", l)
		out = append(out, LangLink{Code: l, Label: strings.ToUpper(l), Href: v.Path + "?" + q.Encode(), Current: l == v.Lang})
	}
	return out
}

// render executes a page into a buffer first, so a template error never leaves half a page behind.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *view, status int, page string, data any) {
	v.Data = data
	var buf bytes.Buffer
	if err := dashTemplates[page].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", v.Lang)
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageStatus shows an error page with a message key.
func (s *Server) pageStatus(w http.ResponseWriter, r *http.Request, v *view, status int, key string) {
	if v == nil {
		v = s.newView(w, r, nil)
	}
	v.Title = v.T(key)
	s.render(w, r, v, status, "error", pageMessage(v, key, nil))
}

// pageError maps a domain error to an error page with the status of the one mapping in errors.go.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	e, ok := survey.AsError(err)
	if !ok {
		if survey.IsUnavailable(err) || r.Context().Err() != nil {
			w.Header().Set("Retry-After", "5")
			s.pageStatus(w, r, v, http.StatusServiceUnavailable, "dash.err.unavailable")
			return
		}
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		s.pageStatus(w, r, v, http.StatusInternalServerError, "dash.err.internal")
		return
	}
	status := statusOf(e.Code)
	key := "dash.err.invalid"
	switch status {
	case http.StatusNotFound:
		key = "dash.err.notfound"
	case http.StatusForbidden:
		key = "dash.err.forbidden"
	case http.StatusUnauthorized:
		key = "dash.err.unauthorized"
	}
	if v == nil {
		v = s.newView(w, r, nil)
	}
	v.Title = v.T(key)
	s.render(w, r, v, status, "error", pageMessage(v, key, e))
}
