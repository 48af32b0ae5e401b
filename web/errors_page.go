package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// wantsPage is true for a browser outside /api/: its Accept header prefers text/html to JSON. The API,
// curl (*/*) and JSON clients keep the JSON error object (docs/api.md#errors).
func wantsPage(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	html, json := acceptQ(r.Header.Get("Accept"))
	return html > 0 && html >= json
}

// acceptQ is the quality the Accept header gives text/html and application/json by name (wildcards count
// for neither, so "*/*" stays JSON).
func acceptQ(h string) (html, json float64) {
	if len(h) > 1024 {
		return 0, 0
	}
	for _, part := range strings.Split(h, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			} else {
				q = 0
			}
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/json":
			json = max(json, q)
		}
	}
	return html, json
}

// pageView is the view of an error page outside any route: signed in when the session cookie is good (the
// page then links back to the rankings), anonymous otherwise (it links to sign-in).
func (s *Server) pageView(w http.ResponseWriter, r *http.Request) *view {
	p, err := s.sessionPrincipal(r)
	if err != nil {
		p = nil
	}
	return s.newView(w, r, p)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if wantsPage(r) {
		s.pageStatus(w, r, s.pageView(w, r), http.StatusNotFound, "dash.err.notfound")
		return
	}
	writeJSON(w, http.StatusNotFound, errorBody{Error: survey.Error{Code: survey.CodeNotFound, Message: "no such resource"}})
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if wantsPage(r) {
		s.pageStatus(w, r, s.pageView(w, r), http.StatusMethodNotAllowed, "dash.err.method")
		return
	}
	writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: survey.Error{Code: "method_not_allowed", Message: r.Method + " is not allowed here"}})
}

// fieldWant names the query fields a page reads in the reader's words, with what they expect; any other
// field gets the generic sentence (no developer text reaches a page).
var fieldWant = map[string]bool{"period": true, "from": true, "to": true}

// pageMessage is the sentence under an error page's heading: the field and what it expects for a field
// error, else the status's own sentence if it has one (never the heading twice).
func pageMessage(v *view, key string, e *survey.Error) string {
	if e != nil && e.Code == survey.CodeInvalidField && fieldWant[e.Field] {
		return v.T("dash.err.field", v.T("dash.field."+e.Field), v.T("dash.field."+e.Field+".want"))
	}
	if i18n.Has(key + ".text") {
		return v.T(key + ".text")
	}
	return ""
}
