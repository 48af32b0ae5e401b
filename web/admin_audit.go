package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// The audit log (docs/api.md, "Audit log"): admins read it page by page, filtered by actor, action and dates,
// and download it as CSV. Nothing here changes an entry: the store has no way to.

// actorOf is the audit actor of a signed-in user's request.
func actorOf(r *http.Request, u *survey.User) survey.Actor {
	return survey.Actor{UserID: u.ID, Name: u.Email, IP: clientIP(r), UserAgent: r.UserAgent()}
}

type auditData struct {
	Actor, Action, From, To string
	Actions                 []string
	Entries                 []auditRow
	Next                    template.URL // the next (older) page, or ""
	CSV                     template.URL // the download of what the filter matches
	Error                   string
}

type auditRow struct {
	ID                                           int64
	When, Actor, Action, Target, Details, IP, UA string
}

// auditFilter reads the page's filter; dates are whole days in the server's zone, "to" inclusive.
func (s *Server) auditFilter(q url.Values) (survey.AuditFilter, bool) {
	f := survey.AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action"))}
	ok := true
	day := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, s.store.Location())
		if err != nil {
			ok = false
		}
		return d
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			ok = false
		}
		f.Before = n
	}
	if len(f.Actor) > 254 || len(f.Action) > 64 {
		ok = false
	}
	return f, ok
}

// auditFilterActions is the action filter's choices: each entity ("webhook": all its actions), then every action.
func auditFilterActions() []string {
	var entities []string
	for _, a := range survey.AuditActions {
		if e, _, _ := strings.Cut(a, "."); !slices.Contains(entities, e) {
			entities = append(entities, e)
		}
	}
	return append(entities, survey.AuditActions...)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	d := auditData{Actor: q.Get("actor"), Action: q.Get("action"), From: q.Get("from"), To: q.Get("to"),
		Actions: auditFilterActions()}
	v.Title, v.Nav = v.T("dash.admin.audit"), "audit"
	f, ok := s.auditFilter(q)
	if !ok {
		d.Error = v.T("dash.audit.badfilter")
		s.render(w, r, v, http.StatusBadRequest, "admin_audit", d)
		return
	}
	f.Limit = 50
	entries, more, err := s.store.ListAudit(r.Context(), f)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{ID: e.ID, When: time.UnixMicro(e.AtUS).In(v.loc()).Format("2006-01-02 15:04:05"),
			Actor: e.Actor, Action: e.Action, Target: e.Target, Details: spacedJSON(e.Details), IP: e.IP, UA: e.UserAgent})
	}
	keep := url.Values{}
	for _, k := range []string{"actor", "action", "from", "to"} {
		if x := q.Get(k); x != "" {
			keep.Set(k, x)
		}
	}
	d.CSV = template.URL("/admin/audit.csv?" + keep.Encode()) // built from url.Values: nothing left to escape
	if more {
		keep.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		d.Next = template.URL("/admin/audit?" + keep.Encode())
	}
	s.render(w, r, v, http.StatusOK, "admin_audit", d)
}

// auditCSV downloads the entries matching the page's filter, oldest first.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request, v *view) {
	f, ok := s.auditFilter(r.URL.Query())
	if !ok {
		s.pageStatus(w, r, v, http.StatusBadRequest, "dash.audit.badfilter")
		return
	}
	f.Before = 0
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="qiymet-audit.csv"`)
	h.Set("Cache-Control", "no-store")
	if _, err := s.store.ExportAudit(r.Context(), w, f); err != nil {
		s.log.Error("audit export", "err", err) // the header is gone: the download ends short
	}
}

// spacedJSON puts a space after the commas and colons between JSON members, so a long change wraps on screen.
func spacedJSON(s string) string {
	return strings.NewReplacer(`,"`, `, "`, `":`, `": `).Replace(s)
}
