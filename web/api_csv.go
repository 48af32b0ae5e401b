package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// csvWriteWindow is how long each written page may take: a large export outlives the server's WriteTimeout,
// so the deadline is pushed forward as long as the client keeps reading.
const csvWriteWindow = 2 * time.Minute

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
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+csvFileName(f)+`"`)
	h.Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	_, err = s.store.Export(r.Context(), &deadlineWriter{w: w, rc: rc}, f)
	if err != nil {
		// Mid-stream: abort the connection so the client sees a broken download, not a short file that looks whole.
		if r.Context().Err() == nil {
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

// deadlineWriter extends the write deadline before each write, so only a stalled client times out.
type deadlineWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	_ = d.rc.SetWriteDeadline(time.Now().Add(csvWriteWindow)) // ErrNotSupported on writers without a conn: harmless
	return d.w.Write(p)
}
