package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/qiymet/qiymet/survey"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	stored   *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "qiymet_http_requests_total",
			Help: "HTTP requests by route template, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "qiymet_http_request_duration_seconds",
			Help: "HTTP request latency by route template.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"route"}),
		stored: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "qiymet_responses_stored_total",
			Help: "Responses stored, by channel and status."}, []string{"channel", "status"}),
	}
	reg.MustRegister(m.requests, m.duration, m.stored)
	reg.Register(collectors.NewGoCollector())
	reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// registerIngestMetrics exports what the store's submission committers did (survey.IngestStats): the mean batch
// size is the rate of submissions over the rate of batches, and the busy time's rate over
// QIYMET_INGEST_COMMITTERS is how busy the committers are (near 1: they are what limits ingest).
func registerIngestMetrics(reg *prometheus.Registry, store *survey.Store) {
	for _, c := range []struct {
		name, help string
		value      func(survey.IngestStats) float64
	}{
		{"qiymet_ingest_batches_total", "Submission batches this process sent to the database (one transaction each, a failed one included).",
			func(st survey.IngestStats) float64 { return float64(st.Batches) }},
		{"qiymet_ingest_batched_submissions_total", "Submissions those batches carried.",
			func(st survey.IngestStats) float64 { return float64(st.Requests) }},
		{"qiymet_ingest_commit_seconds_total", "Time this process's submission committers spent committing batches, summed over the committers.",
			func(st survey.IngestStats) float64 { return st.Busy.Seconds() }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help},
			func() float64 { return c.value(store.IngestStats()) }))
	}
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routeOf labels metrics by route template, never by raw path (tokens and codes would explode the series).
func (s *Server) routeOf(r *http.Request) string {
	var m mux.RouteMatch
	if s.router.Match(r, &m) && m.Route != nil {
		if t, err := m.Route.GetPathTemplate(); err == nil {
			return t
		}
	}
	return "unmatched"
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := s.routeOf(r)
		s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			return
		}
		s.log.Log(r.Context(), s.reqLog, "request", "method", r.Method, "route", route, "status", sw.status,
			"bytes", sw.bytes, "ms", float64(d.Microseconds())/1000, "ip", clientIP(r))
	})
}

// apiDeadline bounds a write request of the API: a database that accepts connections but stalls yields a
// 503 the client retries (with the same id), never a hung request.
const apiDeadline = 10 * time.Second

// withDeadline runs h, its credential check included, under apiDeadline.
func withDeadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), apiDeadline)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeJSON(w, http.StatusInternalServerError, errorBody{Error: errInternal})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders applies to every answer; pages may tighten the CSP further.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		// HSTS whenever the public base URL is https, also behind a proxy that terminates TLS (r.TLS is nil
		// there); browsers ignore it on plain http answers.
		if r.TLS != nil || s.dash.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
