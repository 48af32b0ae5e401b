package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
)

// reportPDF is GET /reports/{period}.pdf?lang=&group=: the period report. Admins and analysts get the full
// edition; a manager gets the rankings with only their own agency's section.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request, v *view) {
	p, err := scoring.ParseLabel(r.PathValue("period"), s.loc)
	if err != nil {
		s.pageError(w, r, v, survey.FieldError("period", "%v", err))
		return
	}
	lang, ok := v.Lang, true
	if q := r.URL.Query().Get("lang"); q != "" {
		lang, ok = locale.Parse(q)
	}
	if !ok {
		s.pageError(w, r, v, survey.FieldError("lang", "lang must be az, en or ru"))
		return
	}
	now := s.store.Now()
	if figures.CheckStarted(p, now) != nil {
		s.periodError(w, r, v, notStarted{p})
		return
	}
	gen, err := periodreport.GenerationDate(s.epoch, now, s.loc) // checked when serve starts
	if err != nil {
		gen, _ = periodreport.GenerationDate("", now, s.loc)
	}
	o := periodreport.Options{Lang: lang, Group: r.URL.Query().Get("group"), Agency: v.P.OnlyAgency(), Now: now, Generated: gen}
	// Each build takes a few hundred milliseconds of CPU: beyond QIYMET_MAX_REPORTS at once, 503 (web/load.go).
	release, ok := trySlot(s.load.reports)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(reportBusyRetry))
		s.pageStatus(w, r, v, http.StatusServiceUnavailable, "dash.err.busy")
		return
	}
	defer release()
	var buf bytes.Buffer
	if err := periodreport.Write(r.Context(), &buf, s.figures(), p, o); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	name := "qiymet-" + p.Label + "-" + lang
	if o.Group != "" {
		name += "-" + o.Group
	}
	if o.Agency != "" {
		name += "-" + o.Agency
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}
