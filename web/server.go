// Package web is Qiymət's HTTP surface: the JSON API, the kiosk app, link pages and the dashboard.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Config wires a Server.
type Config struct {
	Store    *survey.Store
	BaseURL  string
	Location *time.Location
	Scoring  scoring.Config
	Logger   *slog.Logger
	// RequestLogLevel is the level of the per-request log line (zero: info; a development server uses debug so
	// that request lines do not bury what the operator needs to see).
	RequestLogLevel slog.Level
	Registry        *prometheus.Registry // nil: a fresh one
	// RateScale multiplies every rate limit (tests set it high to measure other things).
	RateScale float64
	// Require2FA is QIYMET_REQUIRE_2FA: "admin" makes admins enrol in two-factor sign-in before anything else.
	Require2FA string
	// Hardening (docs/api.md, configuration): the rate limits (QIYMET_RATE_*; zero: defaults), the reverse
	// proxies whose X-Forwarded-For is believed (QIYMET_TRUSTED_PROXIES, clientip.go), and the bearer token
	// /metrics requires (QIYMET_METRICS_TOKEN; empty: none).
	Limits         Limits
	TrustedProxies []netip.Prefix
	MetricsToken   string
	Load           LoadLimits // exports and reports in flight, download deadlines (web/load.go)
	// SourceDateEpoch is SOURCE_DATE_EPOCH for the PDF's generation date ("": today); see
	// periodreport.GenerationDate.
	SourceDateEpoch string
}

// Server holds the dependencies of every handler.
type Server struct {
	store   *survey.Store
	baseURL string
	loc     *time.Location
	scoring scoring.Config
	log     *slog.Logger
	reqLog  slog.Level // level of the per-request line
	reg     *prometheus.Registry
	metrics *metrics
	limits  *limiters
	load    *loadGuard // web/load.go
	router  *mux.Router
	handler http.Handler
	dash    *dashState // dashboard: CSRF guard, cookie policy, assets

	// hardening (clientip.go, metrics_auth.go)
	trusted      []netip.Prefix
	metricsToken string
	require2FA   string       // Config.Require2FA
	epoch        string       // SOURCE_DATE_EPOCH of the reports
	public       *publicCache // the public portal's renderings (web/public.go)
}

// New builds the server and its routes.
func New(c Config) *Server {
	s := &Server{store: c.Store, baseURL: strings.TrimRight(c.BaseURL, "/"), loc: c.Location, scoring: c.Scoring, log: c.Logger, reqLog: c.RequestLogLevel, reg: c.Registry, epoch: c.SourceDateEpoch}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if c.RateScale <= 0 {
		c.RateScale = 1
	}
	s.metrics = newMetrics(s.reg)
	s.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "qiymet_pack_cache_hits_total",
		Help: "Cell packs that rankings took from this process's cache instead of reading them from the database."},
		func() float64 { return float64(s.store.PackCacheHits()) }))
	registerIngestMetrics(s.reg, s.store)
	s.limits = newLimiters(c.Limits, c.RateScale)
	s.trusted, s.metricsToken = c.TrustedProxies, c.MetricsToken
	s.load = newLoadGuard(c.Load)
	s.dash = newDash(c.BaseURL)
	s.require2FA = c.Require2FA
	s.public = newPublicCache()
	s.router = mux.NewRouter()
	s.routes()
	// Wrap the whole router: router.Use would skip 404/405 answers.
	s.handler = s.recoverPanics(s.withClientIP(s.logRequests(s.securityHeaders(s.router))))
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Registry exposes the Prometheus registry (for the process's own collectors).
func (s *Server) Registry() *prometheus.Registry { return s.reg }
