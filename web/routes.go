package web

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/qiymet/qiymet/survey"
)

// routes is every route in one place.
func (s *Server) routes() {
	r := s.router
	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})).Methods(http.MethodGet)

	// Not a mux Subrouter: mux 1.8.1 subrouters lose a method mismatch (405) when a later route shares the prefix.
	api := prefixed{r, "/api/v1"}
	api.HandleFunc("/responses", s.postResponse).Methods(http.MethodPost)
	api.HandleFunc("/invitations", s.postInvitation).Methods(http.MethodPost)
	api.HandleFunc("/responses.csv", s.getResponsesCSV).Methods(http.MethodGet)
	api.HandleFunc("/kiosk/pair", s.postKioskPair).Methods(http.MethodPost)
	api.HandleFunc("/kiosk/config", s.getKioskConfig).Methods(http.MethodGet)
	api.HandleFunc("/kiosk/heartbeat", s.postKioskHeartbeat).Methods(http.MethodPost)
	api.HandleFunc("/openapi.json", s.getOpenAPI).Methods(http.MethodGet) // the API described: web/openapi.go

	// Kiosk app (web/kiosk.go, files in web/static/kiosk).
	r.Handle("/kiosk", http.RedirectHandler("/kiosk/", http.StatusMovedPermanently)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/", s.kioskPage("index.html")).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/enrol/{code}", s.kioskPage("enrol.html")).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/strings.json", s.kioskStrings).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/{file:[a-z0-9-]+\\.(?:js|css|svg)}", withVars(s.kioskFile)).Methods(http.MethodGet, http.MethodHead)

	// One-time visit links (web/link.go, templates in web/templates/link).
	r.HandleFunc("/r/static/link.css", s.linkStyles).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/r/{token}", withVars(s.linkPage)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/r/{token}", withVars(s.linkSubmit)).Methods(http.MethodPost)
	r.HandleFunc("/r/{token}/qr.png", withVars(s.linkQR)).Methods(http.MethodGet, http.MethodHead)
	api.HandleFunc("/rankings", s.getRankings).Methods(http.MethodGet)
	api.HandleFunc("/agencies/{code}/breakdown", withVars(s.getBreakdown)).Methods(http.MethodGet)

	// Dashboard (web/auth.go, dash*.go, admin*.go; templates in web/templates/dash). Every page is
	// CSRF-checked and role-checked by public/requireRole; API keys and kiosk tokens cannot open them.
	r.Handle("/login", s.public(s.loginForm)).Methods(http.MethodGet)
	r.Handle("/login", s.public(s.login)).Methods(http.MethodPost)
	r.Handle("/logout", s.public(s.logout)).Methods(http.MethodPost)
	r.Handle("/", s.requireRole(s.rankingsPage)).Methods(http.MethodGet)
	r.Handle("/agencies/{code}", s.requireRole(s.agencyPage)).Methods(http.MethodGet)
	r.Handle("/reports/{period:[0-9A-Za-z.-]+}.pdf", s.requireRole(s.reportPDF)).Methods(http.MethodGet)
	admin := func(h pageFunc) http.Handler { return s.requireRole(h, survey.RoleAdmin) }
	r.Handle("/admin", admin(func(w http.ResponseWriter, r *http.Request, _ *view) {
		http.Redirect(w, r, "/admin/kiosks", http.StatusSeeOther)
	})).Methods(http.MethodGet)
	r.Handle("/admin/kiosks", admin(s.kiosksPage)).Methods(http.MethodGet)
	r.Handle("/admin/kiosks", admin(s.addKiosk)).Methods(http.MethodPost)
	r.Handle("/admin/kiosks/{id:[0-9]+}/pair", admin(s.pairKiosk)).Methods(http.MethodPost)
	r.Handle("/admin/kiosks/{id:[0-9]+}/revoke", admin(s.revokeKiosk)).Methods(http.MethodPost)
	r.Handle("/admin/users", admin(s.usersPage)).Methods(http.MethodGet)
	r.Handle("/admin/users", admin(s.addUser)).Methods(http.MethodPost)
	r.Handle("/admin/users/{id:[0-9]+}", admin(s.editUser)).Methods(http.MethodPost)
	r.Handle("/admin/apikeys", admin(s.apiKeysPage)).Methods(http.MethodGet)
	r.Handle("/admin/apikeys", admin(s.addAPIKey)).Methods(http.MethodPost)
	r.Handle("/admin/apikeys/{id:[0-9]+}/revoke", admin(s.revokeAPIKey)).Methods(http.MethodPost)
	r.Handle("/admin/catalog", admin(s.catalogPage)).Methods(http.MethodGet)
	r.Handle("/admin/catalog", admin(s.applyCatalog)).Methods(http.MethodPost)
	r.Handle("/admin/surveys", admin(s.publishSurvey)).Methods(http.MethodPost)
	r.PathPrefix("/static/dash/").HandlerFunc(s.serveDashStatic).Methods(http.MethodGet, http.MethodHead)

	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
}

// prefixed registers routes under a path prefix on the root router.
type prefixed struct {
	r      *mux.Router
	prefix string
}

func (p prefixed) HandleFunc(path string, f func(http.ResponseWriter, *http.Request)) *mux.Route {
	return p.r.HandleFunc(p.prefix+path, f)
}

func (p prefixed) Handle(path string, h http.Handler) *mux.Route { return p.r.Handle(p.prefix+path, h) }
