package web

import (
	"context"
	"net/http"
	"time"

	"github.com/qiymet/qiymet/survey"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		msg := "database unreachable"
		if survey.IsStorageFailure(err) {
			msg = "database cannot write (disk full or I/O error)"
		}
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: survey.Error{Code: survey.CodeUnavailable, Message: msg}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
