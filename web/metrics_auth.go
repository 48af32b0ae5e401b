package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// withMetricsToken guards /metrics when Config.MetricsToken (QIYMET_METRICS_TOKEN) is set: the scraper sends
// Authorization: Bearer <token>; anything else is 401. The comparison takes the same time whatever the guess.
func (s *Server) withMetricsToken(h http.Handler) http.Handler {
	if s.metricsToken == "" {
		return h
	}
	want := []byte("Bearer " + s.metricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		if scheme, token, ok := strings.Cut(got, " "); ok && strings.EqualFold(scheme, "Bearer") {
			got = "Bearer " + strings.TrimSpace(token)
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need Authorization: Bearer <QIYMET_METRICS_TOKEN>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
