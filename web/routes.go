package web

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/qiymet/qiymet/survey"
)

// routes is every route in one place, each with the credential it accepts (the with* wrappers of
// credentials.go); a route without one is public.
func (s *Server) routes() {
	r := s.router
	r.Use(pathValues)
	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.withMetricsToken(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))).Methods(http.MethodGet) // QIYMET_METRICS_TOKEN

	// JSON API (docs/api.md). Not a mux Subrouter: mux 1.8.1 subrouters lose a method mismatch (405) when a
	// later route shares the prefix.
	api := prefixed{r, "/api/v1"}
	api.Handle("/responses", withDeadline(s.withSubmitter(s.postResponse))).Methods(http.MethodPost)
	api.Handle("/invitations", withDeadline(s.withAPIKey(s.postInvitation))).Methods(http.MethodPost)
	api.Handle("/responses.csv", s.withReader(s.getResponsesCSV)).Methods(http.MethodGet)
	api.Handle("/rankings", s.withReader(s.getRankings)).Methods(http.MethodGet)
	api.Handle("/agencies/{code}/breakdown", s.withReader(s.getBreakdown)).Methods(http.MethodGet)
	api.Handle("/agencies/{code}/control", s.withReader(s.getControl)).Methods(http.MethodGet)
	api.Handle("/composite/sensitivity", s.withReader(s.getSensitivity)).Methods(http.MethodGet) // web/api_composite.go
	api.Handle("/assessments", s.withAdminAPI(s.postAssessment)).Methods(http.MethodPost)
	api.Handle("/kiosk/pair", s.withIPLimit(s.postKioskPair)).Methods(http.MethodPost)
	api.Handle("/kiosk/config", s.withKiosk(s.getKioskConfig)).Methods(http.MethodGet)
	api.Handle("/kiosk/heartbeat", s.withKiosk(s.postKioskHeartbeat)).Methods(http.MethodPost)
	api.Handle("/publications", s.withAdminSession(s.postPublications)).Methods(http.MethodPost) // web/publications.go
	api.Handle("/publications", s.withReader(s.getPublications)).Methods(http.MethodGet)
	api.HandleFunc("/openapi.json", s.getOpenAPI).Methods(http.MethodGet)                        // public: the API described (web/openapi.go)
	api.Handle("/cases", s.withReader(s.getCases)).Methods(http.MethodGet)                       // web/api_cases.go
	api.Handle("/cases/{id}/events", s.withCaseWriter(s.postCaseEvent)).Methods(http.MethodPost) // admins, managers (own agency)

	// Kiosk app (web/kiosk.go, files in web/static/kiosk): public files; the app calls the API above.
	r.Handle("/kiosk", http.RedirectHandler("/kiosk/", http.StatusMovedPermanently)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/", s.kioskPage("index.html")).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/enrol/{code}", s.kioskPage("enrol.html")).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/strings.json", s.kioskStrings).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/manifest.webmanifest", s.kioskManifest).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/kiosk/{file:[a-z0-9-]+\\.(?:js|css|svg)}", s.kioskFile).Methods(http.MethodGet, http.MethodHead)

	// One-time visit links (web/link.go, templates in web/templates/link): the token in the path is the
	// credential; the handlers rate-limit per client IP and answer with pages, not JSON.
	r.HandleFunc("/r/static/link.css", s.linkStyles).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/r/{token}", s.linkPage).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/r/{token}", s.linkSubmit).Methods(http.MethodPost)
	r.HandleFunc("/r/{token}/qr.png", s.linkQR).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/r/{token}/", linkSlash).Methods(http.MethodGet, http.MethodHead) // a slash an SMS app or a hand added

	// Dashboard (web/login.go, dash*.go, admin*.go; templates in web/templates/dash): sessions only, every
	// page CSRF-checked; API keys and kiosk tokens cannot open them.
	r.Handle("/login", s.withOptionalSession(s.loginForm)).Methods(http.MethodGet)
	r.Handle("/login", s.withOptionalSession(s.login)).Methods(http.MethodPost)
	r.Handle("/logout", s.withOptionalSession(s.logout)).Methods(http.MethodPost)
	r.Handle("/", s.withSession(s.landingPage)).Methods(http.MethodGet) // a manager's agency, else the rankings
	r.Handle("/rankings", s.withSession(s.rankingsPage)).Methods(http.MethodGet)
	r.Handle("/rankings.xlsx", s.withSession(s.rankingsExport("xlsx"))).Methods(http.MethodGet) // web/dash_export.go
	r.Handle("/rankings.csv", s.withSession(s.rankingsExport("csv"))).Methods(http.MethodGet)
	r.Handle("/agencies/{code}", s.withSession(s.agencyPage)).Methods(http.MethodGet)
	r.Handle("/agencies/{code}/comments.xlsx", s.withSession(s.commentsXLSX)).Methods(http.MethodGet)
	r.Handle("/agencies/{code}/responses.xlsx", s.withSession(s.responsesXLSX)).Methods(http.MethodGet)
	r.Handle("/reports/{period:[0-9A-Za-z.-]+}.pdf", s.withSession(s.reportPDF)).Methods(http.MethodGet)
	r.Handle("/help/figures", s.withSession(s.helpPage)).Methods(http.MethodGet)
	r.Handle("/cases", s.withSession(s.casesPage)).Methods(http.MethodGet) // web/dash_cases.go
	r.Handle("/cases/sla", s.withAdmin(s.caseSLAForm)).Methods(http.MethodPost)
	r.Handle("/cases/{id}/events", s.withSession(s.caseActionForm, survey.RoleAdmin, survey.RoleManager)).Methods(http.MethodPost)
	r.Handle("/composite", s.withSession(s.compositePage)).Methods(http.MethodGet) // web/dash_composite.go
	r.Handle("/admin", s.withAdmin(func(w http.ResponseWriter, r *http.Request, _ *view) {
		http.Redirect(w, r, "/admin/kiosks", http.StatusSeeOther)
	})).Methods(http.MethodGet)
	r.Handle("/admin/kiosks", s.withAdmin(s.kiosksPage)).Methods(http.MethodGet)
	r.Handle("/admin/sms", s.withAdmin(s.smsPage)).Methods(http.MethodGet) // web/admin_sms.go
	r.Handle("/admin/sms", s.withAdmin(s.saveSMS)).Methods(http.MethodPost)
	r.Handle("/admin/kiosks", s.withAdmin(s.addKiosk)).Methods(http.MethodPost)
	r.Handle("/admin/kiosks/{id:[0-9]+}/pair", s.withAdmin(s.pairKiosk)).Methods(http.MethodPost)
	r.Handle("/admin/kiosks/{id:[0-9]+}/revoke", s.withAdmin(s.revokeKiosk)).Methods(http.MethodPost)
	r.Handle("/admin/users", s.withAdmin(s.usersPage)).Methods(http.MethodGet)
	r.Handle("/admin/users", s.withAdmin(s.addUser)).Methods(http.MethodPost)
	r.Handle("/admin/users/{id:[0-9]+}", s.withAdmin(s.editUser)).Methods(http.MethodPost)
	r.Handle("/admin/apikeys", s.withAdmin(s.apiKeysPage)).Methods(http.MethodGet)
	r.Handle("/admin/apikeys", s.withAdmin(s.addAPIKey)).Methods(http.MethodPost)
	r.Handle("/admin/apikeys/{id:[0-9]+}/revoke", s.withAdmin(s.revokeAPIKey)).Methods(http.MethodPost)
	r.Handle("/admin/catalog", s.withAdmin(s.catalogPage)).Methods(http.MethodGet)
	r.Handle("/admin/catalog", s.withAdmin(s.applyCatalog)).Methods(http.MethodPost)
	r.Handle("/admin/surveys", s.withAdmin(s.publishSurvey)).Methods(http.MethodPost)
	r.Handle("/admin/catalog.json", s.withAdmin(s.catalogJSON)).Methods(http.MethodGet)
	r.Handle("/admin/catalog/{kind:[a-z]+}", s.withAdmin(s.catalogEntryPage)).Methods(http.MethodGet)
	r.Handle("/admin/catalog/{kind:[a-z]+}", s.withAdmin(s.postCatalogEntry)).Methods(http.MethodPost)
	r.Handle("/admin/catalog/{kind:[a-z]+}/delete", s.withAdmin(s.deleteCatalogEntry)).Methods(http.MethodPost)
	r.Handle("/admin/surveys/edit", s.withAdmin(s.surveyFormPage)).Methods(http.MethodGet)
	r.Handle("/admin/surveys/edit", s.withAdmin(s.postSurveyForm)).Methods(http.MethodPost)
	r.Handle("/admin/audit", s.withAdmin(s.auditPage)).Methods(http.MethodGet)
	r.Handle("/admin/audit.csv", s.withAdmin(s.auditCSV)).Methods(http.MethodGet)
	r.Handle("/admin/publications", s.withAdmin(s.publicationsPage)).Methods(http.MethodGet)
	r.Handle("/admin/publications", s.withAdmin(s.postPublication)).Methods(http.MethodPost)
	// Webhooks and the delivery log (web/admin_webhooks.go).
	r.Handle("/admin/webhooks", s.withAdmin(s.webhooksPage)).Methods(http.MethodGet)
	r.Handle("/admin/webhooks", s.withAdmin(s.addWebhook)).Methods(http.MethodPost)
	r.Handle("/admin/webhooks/{id:[0-9]+}", s.withAdmin(s.changeWebhook)).Methods(http.MethodPost)
	r.Handle("/admin/deliveries/{id:[0-9]+}/retry", s.withAdmin(s.retryDelivery)).Methods(http.MethodPost)
	r.Handle("/admin/methodologies", s.withAdmin(s.methodologiesPage)).Methods(http.MethodGet) // web/admin_composite.go
	r.Handle("/admin/methodologies", s.withAdmin(s.applyMethodology)).Methods(http.MethodPost)
	r.Handle("/admin/assessments", s.withAdmin(s.assessmentsPage)).Methods(http.MethodGet)
	r.Handle("/admin/assessments", s.withAdmin(s.saveAssessmentForm)).Methods(http.MethodPost)
	// Two-factor sign-in (web/login_2fa.go): the second step holds a half-done sign-in, not a session.
	r.Handle("/login/2fa", s.withOptionalSession(s.secondStepForm)).Methods(http.MethodGet)
	r.Handle("/login/2fa", s.withOptionalSession(s.secondStep)).Methods(http.MethodPost)
	r.Handle("/account/2fa", s.withOptionalSession(s.enrolPage)).Methods(http.MethodGet)
	r.Handle("/account/2fa", s.withOptionalSession(s.confirmEnrol)).Methods(http.MethodPost)
	r.HandleFunc("/favicon.ico", s.favicon).Methods(http.MethodGet, http.MethodHead)              // public (web/manifest.go)
	r.HandleFunc("/manifest.webmanifest", s.webManifest).Methods(http.MethodGet, http.MethodHead) // public
	r.PathPrefix("/static/dash/").HandlerFunc(s.serveDashStatic).Methods(http.MethodGet, http.MethodHead)

	// Public transparency portal (web/public*.go): no sign-in, served from stored snapshots only.
	get := []string{http.MethodGet, http.MethodHead}
	const period = "{period:[0-9]{4}(?:-(?:H[12]|Q[1-4]|[0-9]{2}))?}"
	r.Handle("/public", http.RedirectHandler("/public/", http.StatusMovedPermanently)).Methods(get...)
	r.HandleFunc("/public/", s.publicIndex).Methods(get...)
	r.HandleFunc("/public/data-dictionary", s.publicDictionary).Methods(get...)
	r.HandleFunc("/public/static/public.css", s.publicStyles).Methods(get...)
	r.HandleFunc("/public/"+period, s.publicPeriod).Methods(get...)
	r.HandleFunc("/public/"+period+".json", s.publicJSON).Methods(get...)
	r.HandleFunc("/public/"+period+".csv", s.publicCSVFile).Methods(get...)
	r.HandleFunc("/public/"+period+".pdf", s.publicPDF).Methods(get...)
	r.HandleFunc("/public/"+period+"/r{rev:[0-9]{1,6}}.json", s.publicRevisionJSON).Methods(get...)

	// Unknown URLs and methods: an error page for a browser, JSON otherwise (web/errors_page.go).
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
}

// pathValues bridges mux's path variables into r.PathValue, so handlers use the standard accessor.
func pathValues(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range mux.Vars(r) {
			r.SetPathValue(k, v)
		}
		next.ServeHTTP(w, r)
	})
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
