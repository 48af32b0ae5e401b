package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is every route in one place.
func (s *Server) routes() {
	r := s.router
	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})).Methods(http.MethodGet)

	api := r.PathPrefix("/api/v1").Subrouter()
	api.HandleFunc("/responses", s.postResponse).Methods(http.MethodPost)
	api.HandleFunc("/invitations", s.postInvitation).Methods(http.MethodPost)
	api.HandleFunc("/kiosk/pair", s.postKioskPair).Methods(http.MethodPost)
	api.HandleFunc("/kiosk/config", s.getKioskConfig).Methods(http.MethodGet)
	api.HandleFunc("/kiosk/heartbeat", s.postKioskHeartbeat).Methods(http.MethodPost)

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

	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
}
