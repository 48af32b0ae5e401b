package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/publishing"
	"github.com/qiymet/qiymet/web/i18n"
)

// Publishing a period (CONTRACT §10, docs/publishing.md): the admin page Publications and
// POST /api/v1/publications, both for admins' sessions only, both through publishing.Publish (audited).

// publish publishes the period labelled label; on failure msg is the reason in lang.
func (s *Server) publish(ctx context.Context, label, reason, lang string) (pub *survey.Publication, msg string, err error) {
	label = strings.TrimSpace(label)
	p, perr := scoring.ParsePeriod(label, s.loc)
	if perr != nil || len(label) > 32 {
		return nil, i18n.T(lang, "pub.err.period"), survey.FieldError("period", "period must be YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM")
	}
	f := s.figures()
	pub, err = publishing.Publish(ctx, s.store, f, p, reason)
	if err == nil {
		s.public.forget(p.Label) // the portal shows the new revision at once
		return pub, "", nil
	}
	e, ok := survey.AsError(err)
	switch {
	case !ok:
		return nil, i18n.T(lang, "dash.err.internal"), err
	case e.Field == "period" && p.Kind == scoring.Custom:
		msg = i18n.T(lang, "pub.err.custom")
	case e.Field == "period" && f.Now().Before(p.Start):
		msg = i18n.T(lang, "pub.err.notstarted", p.Label)
	case e.Field == "period" && f.Now().Before(p.End):
		msg = i18n.T(lang, "pub.err.running", p.Label, p.End.AddDate(0, 0, -1).Format(time.DateOnly))
	case e.Field == "reason" && strings.TrimSpace(reason) == "":
		msg = i18n.T(lang, "pub.err.reason", p.Label)
	case e.Field == "reason":
		msg = i18n.T(lang, "pub.err.reasonbad")
	default:
		msg = e.Message
	}
	return nil, msg, err
}

// forget drops what the portal knows of a period's latest revision.
func (c *publicCache) forget(period string) {
	c.mu.Lock()
	if h, ok := c.heads[period]; ok {
		h.checked = time.Time{} // checked again on the next request; the old renderings go then
		c.heads[period] = h
	}
	c.index.checked = time.Time{}
	c.mu.Unlock()
}

// ---- admin page ----

type publicationsData struct {
	Notice         adminNotice
	Period, Reason string // the form's values, kept after a refusal
	Rows           []publicationRow
}

type publicationRow struct {
	Period, When, Reason, SHA, Href string
	Rev                             int
	Counted                         int64
}

func (s *Server) publicationsPage(w http.ResponseWriter, r *http.Request, v *view) {
	var n adminNotice
	q := r.URL.Query()
	if p, rev := q.Get("published"), q.Get("rev"); publicLabel(p) {
		if k, err := strconv.Atoi(rev); err == nil && k > 0 {
			n.Message = v.T("pub.admin.done", p, k)
		}
	}
	s.renderPublications(w, r, v, http.StatusOK, n, publicationsData{})
}

func (s *Server) renderPublications(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, d publicationsData) {
	list, err := s.store.ListPublications(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d.Notice = n
	for _, p := range list {
		d.Rows = append(d.Rows, publicationRow{Period: p.Period, Rev: p.Revision, When: v.when(p.PublishedUS), Reason: p.Reason,
			SHA: p.SHA256, Counted: p.Counted, Href: "/public/" + p.Period + "/r" + strconv.Itoa(p.Revision) + ".json"})
	}
	v.Title, v.Nav = v.T("pub.admin.title"), "publications"
	s.render(w, r, v, status, "admin_publications", d)
}

// postPublication publishes from the form; success redirects (POST/redirect/GET), a refusal shows the form
// again with the reason in the reader's language and what was typed.
func (s *Server) postPublication(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	period, reason := r.PostFormValue("period"), r.PostFormValue("reason")
	pub, msg, err := s.publish(r.Context(), period, reason, v.Lang)
	if err != nil {
		if _, ok := survey.AsError(err); !ok {
			s.log.Error("publish", "period", period, "err", err)
		}
		s.renderPublications(w, r, v, statusOf(survey.ErrorCode(err)), adminNotice{Error: msg},
			publicationsData{Period: period, Reason: reason})
		return
	}
	http.Redirect(w, r, "/admin/publications?published="+pub.Period+"&rev="+strconv.Itoa(pub.Revision), http.StatusSeeOther)
}

// ---- API ----

type publicationRequest struct {
	Period string `json:"period"`
	Reason string `json:"reason"`
}

type publicationAnswer struct {
	Period      string `json:"period"`
	Revision    int    `json:"revision"`
	PublishedAt string `json:"published_at"`
	Reason      string `json:"reason"`
	SHA256      string `json:"sha256"`
	Counted     int64  `json:"counted"`
	URL         string `json:"url"`
}

func (s *Server) publicationAnswer(p survey.Publication) publicationAnswer {
	return publicationAnswer{Period: p.Period, Revision: p.Revision, PublishedAt: p.PublishedAt().In(s.loc).Format(time.RFC3339),
		Reason: p.Reason, SHA256: p.SHA256, Counted: p.Counted, URL: s.baseURL + "/public/" + p.Period}
}

// postPublications is POST /api/v1/publications {"period", "reason"} (admin session): 201 with the stored
// revision; a running period, a republication without a reason … 422.
func (s *Server) postPublications(w http.ResponseWriter, r *http.Request, p *Principal) {
	var req publicationRequest
	if err := decodeBody(r, 16<<10, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	pub, msg, err := s.publish(r.Context(), req.Period, req.Reason, apiLang(r, p))
	if err != nil {
		if e, ok := survey.AsError(err); ok {
			s.writeError(w, r, &survey.Error{Code: e.Code, Field: e.Field, Message: msg})
			return
		}
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.publicationAnswer(*pub))
}

// getPublications is GET /api/v1/publications: every revision of every period, newest first.
func (s *Server) getPublications(w http.ResponseWriter, r *http.Request, _ *Principal) {
	list, err := s.store.ListPublications(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]publicationAnswer, 0, len(list))
	for _, p := range list {
		out = append(out, s.publicationAnswer(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"publications": out})
}

// withAdminSession accepts only a signed-in admin's session (JSON errors): a bearer credential is
// forbidden, nothing is unauthorized. Checked against cross-origin forgery like the pages' forms.
func (s *Server) withAdminSession(h readerFunc) http.Handler {
	return s.dash.csrf.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			s.writeError(w, r, survey.Errorf(survey.CodeForbidden, "", "this needs an admin's signed-in session, not a token"))
			return
		}
		p, err := s.sessionPrincipal(r)
		switch {
		case err != nil:
		case p == nil:
			err = survey.Errorf(survey.CodeUnauthorized, "", "sign in as an admin")
		case s.lacks2FA(p.User):
			err = survey.Errorf(survey.CodeForbidden, "", "turn on two-factor sign-in first (/account/2fa)")
		case p.Role() != survey.RoleAdmin:
			err = survey.Errorf(survey.CodeForbidden, "", "only an admin can do this")
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r.WithContext(survey.WithActor(r.Context(), actorOf(r, p.User))), p)
	}))
}
