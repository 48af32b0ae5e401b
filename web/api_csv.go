package web

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// getResponsesCSV streams the responses CSV (docs/api.md): GET /api/v1/responses.csv?from=YYYY-MM-DD&to=YYYY-MM-DD&agency=CODE.
// An API key, an admin or an analyst reads every agency, a manager only their own.
func (s *Server) getResponsesCSV(w http.ResponseWriter, r *http.Request, p *Principal) {
	only := p.OnlyAgency()
	q := r.URL.Query()
	f, err := survey.ParseExportFilter(q.Get("from"), q.Get("to"), q.Get("agency"), s.store.Location())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if only != "" {
		if f.Agency != "" && f.Agency != only {
			s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "agency", "you can download the responses of agency %q only", only))
			return
		}
		f.Agency = only
	}
	// Check the agency before the first byte: afterwards the status line is sent and errors cannot be reported.
	if f.Agency != "" {
		cv, err := s.store.CatalogView(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if _, ok := cv.Agency(f.Agency); !ok {
			s.writeError(w, r, survey.Errorf(survey.CodeUnknownAgency, "agency", "unknown agency %q", f.Agency))
			return
		}
	}
	// A slot per download (web/load.go): beyond QIYMET_MAX_EXPORTS the answer is 503 at once.
	release, ok := trySlot(s.load.exports)
	if !ok {
		writeBusy(w, r, p, "api.busy.export", exportBusyRetry)
		return
	}
	defer release()
	end := time.Now().Add(s.load.ExportTimeout)
	ctx, cancel := context.WithDeadline(r.Context(), end)
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+csvFileName(f)+`"`)
	h.Set("Cache-Control", "no-store")
	dw := &downloadWriter{w: w, rc: http.NewResponseController(w), window: s.load.ExportWriteWin, end: end}
	_, err = s.store.Export(ctx, dw, f)
	if err != nil {
		// Mid-stream: abort the connection so the client sees a broken download, not a short file that looks whole.
		if ctx.Err() == nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			s.log.Error("csv export", "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// csvFileName names the download after what it holds, e.g. responses-migration-2025-04-01-2025-06-30.csv.
func csvFileName(f survey.ExportFilter) string {
	parts := []string{"responses"}
	if f.Agency != "" {
		parts = append(parts, f.Agency) // a catalog code: [a-z0-9-] only
	}
	if !f.From.IsZero() {
		parts = append(parts, f.From.Format("2006-01-02"))
	}
	if !f.To.IsZero() {
		parts = append(parts, f.To.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return strings.Join(parts, "-") + ".csv"
}
