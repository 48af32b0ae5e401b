package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// statusOf is the one mapping from domain error codes to HTTP statuses (docs/api.md).
func statusOf(code string) int {
	switch code {
	case survey.CodeInvalidJSON:
		return http.StatusBadRequest
	case survey.CodeInvalidField, survey.CodeUnknownAgency:
		return http.StatusUnprocessableEntity
	case survey.CodeUnauthorized:
		return http.StatusUnauthorized
	case survey.CodeForbidden:
		return http.StatusForbidden
	case survey.CodeNotFound:
		return http.StatusNotFound
	case survey.CodeTokenUsed, survey.CodeIDConflict:
		return http.StatusConflict
	case survey.CodeTokenExpired:
		return http.StatusGone
	case survey.CodePayloadTooLarge:
		return http.StatusRequestEntityTooLarge
	case survey.CodeRateLimited:
		return http.StatusTooManyRequests
	case survey.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// storageRetryAfter is the Retry-After of a write refused for want of storage (docs/api.md).
const storageRetryAfter = 30

type errorBody struct {
	Error survey.Error `json:"error"`
}

// writeError answers with the contract's error object. Only unexpected errors are logged; database outages
// become 503 with Retry-After so clients back off and retry.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := survey.AsError(err)
	if !ok && survey.IsStorageFailure(err) {
		// A full disk or an I/O error: nothing was stored, and a retry once space returns succeeds.
		s.log.Error("database cannot write", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", strconv.Itoa(storageRetryAfter))
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: survey.Error{Code: survey.CodeUnavailable, Message: i18n.T(apiLang(r, nil), "api.storage")}})
		return
	}
	if !ok {
		if survey.IsUnavailable(err) || r.Context().Err() != nil {
			// A database that cannot answer in time (on SQLite: another writer, such as an import, holds the lock)
			e = survey.Errorf(survey.CodeUnavailable, "", "%s", i18n.T(apiLang(r, nil), "api.unavailable"))
		} else {
			s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
			e = survey.Errorf(survey.CodeInternal, "", "internal error")
		}
	}
	status := statusOf(e.Code)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, errorBody{Error: *e})
}

// writeRateLimited answers 429 with the seconds to wait.
func writeRateLimited(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(max(retryAfter, 1)))
	writeJSON(w, http.StatusTooManyRequests, errorBody{Error: survey.Error{Code: survey.CodeRateLimited, Message: "too many requests; retry later"}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write json", "err", err)
	}
}
