package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// The webhooks page (admins): register endpoints, turn them on and off, remove them, read the delivery log and
// retry a delivery now (docs/api.md, "Webhooks and e-mail"). Adding shows the signing secret once on the answer
// page; every other change redirects back (POST, redirect, GET).

type webhooksData struct {
	Notice     adminNotice
	Hooks      []webhookRow
	EventTypes []option
	Chosen     map[string]bool // the add form's boxes, kept after an error
	URL        string
	Log        []deliveryRow
	Status     string // the log's filter
	Statuses   []option
	Older      string // link to the next page of the log
}

type webhookRow struct {
	ID                   int64
	URL, Events, Created string
	Enabled              bool
}

type deliveryRow struct {
	ID                                     int64
	Created, Type, EventID, Target, Status string
	StatusKey                              string
	Attempts                               int
	LastError, LastAttempt, Next, LastCode string
	Retry, Running                         bool
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, v *view) {
	n := adminNotice{}
	if done := r.URL.Query().Get("done"); slices.Contains([]string{"enabled", "disabled", "removed", "retried"}, done) {
		n.Message = v.T("dash.hooks.done." + done)
	}
	s.renderWebhooks(w, r, v, http.StatusOK, n, "", nil)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, url string, chosen []string) {
	ctx := r.Context()
	hooks, err := s.store.ListWebhooks(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d := webhooksData{Notice: n, URL: url, Chosen: map[string]bool{}}
	if chosen == nil {
		chosen = []string{survey.EventCaseOpened, survey.EventCaseOverdue}
	}
	for _, c := range chosen {
		d.Chosen[c] = true
	}
	for _, t := range survey.EventTypes {
		d.EventTypes = append(d.EventTypes, option{t, v.T("dash.hooks.event." + t)})
	}
	for _, h := range hooks {
		d.Hooks = append(d.Hooks, webhookRow{ID: h.ID, URL: h.URL, Events: strings.ReplaceAll(h.Events, ",", ", "), Created: v.when(h.CreatedUS), Enabled: h.Enabled})
	}
	f := survey.DeliveryFilter{Limit: 50}
	if st := r.URL.Query().Get("status"); slices.Contains([]string{survey.DeliveryPending, survey.DeliveryDelivered, survey.DeliveryFailed, survey.DeliveryCancelled}, st) {
		f.Status, d.Status = st, st
	}
	if b, err := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	for _, st := range []string{survey.DeliveryPending, survey.DeliveryDelivered, survey.DeliveryFailed, survey.DeliveryCancelled} {
		d.Statuses = append(d.Statuses, option{st, v.T("dash.hooks.status." + st)})
	}
	log, more, err := s.store.ListDeliveries(ctx, f)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	now := s.store.Now().UnixMicro()
	for _, dl := range log {
		row := deliveryRow{ID: dl.ID, Created: v.when(dl.CreatedUS), Type: v.T("dash.hooks.event." + dl.EventType), EventID: dl.EventID,
			Status: v.T("dash.hooks.status." + dl.Status), StatusKey: dl.Status, Attempts: dl.Attempts, LastError: dl.LastError,
			LastAttempt: v.when(dl.LastUS), Next: "—",
			Retry: dl.Status == survey.DeliveryPending || dl.Status == survey.DeliveryFailed}
		if dl.LastStatus != 0 {
			row.LastCode = strconv.Itoa(dl.LastStatus)
		}
		if dl.IsMail() {
			row.Target = v.T("dash.hooks.mailto", dl.Recipient)
		} else {
			row.Target = v.T("dash.hooks.webhookno", dl.WebhookID)
		}
		if dl.Status == survey.DeliveryPending {
			row.Next = v.when(dl.NextUS)
			if dl.LeaseUS > now {
				row.Running, row.Next = true, v.T("dash.hooks.running")
			}
		}
		d.Log = append(d.Log, row)
	}
	if more && len(log) > 0 {
		q := "before=" + strconv.FormatInt(log[len(log)-1].ID, 10)
		if d.Status != "" {
			q += "&status=" + d.Status
		}
		d.Older = "/admin/webhooks?" + q + "#h-log"
	}
	v.Title, v.Nav = v.T("dash.admin.webhooks"), "webhooks"
	s.render(w, r, v, status, "admin_webhooks", d)
}

// addWebhook registers an endpoint and shows its signing secret, once.
func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	url, events := r.PostFormValue("url"), r.PostForm["events"]
	hook, secret, err := s.store.AddWebhook(r.Context(), url, events)
	if err != nil {
		msg, _ := s.errText(r, v, err)
		if e, ok := survey.AsError(err); ok && (e.Field == "url" || e.Field == "events" || e.Field == "url_taken") {
			msg = v.T("dash.hooks.err." + e.Field)
		}
		s.renderWebhooks(w, r, v, statusOf(survey.ErrorCode(err)), adminNotice{Error: msg}, strings.TrimSpace(url), events)
		return
	}
	s.renderWebhooks(w, r, v, http.StatusOK, adminNotice{Message: v.T("dash.hooks.created", hook.URL), Secret: secret}, "", nil)
}

// changeWebhook enables, disables or removes an endpoint.
func (s *Server) changeWebhook(w http.ResponseWriter, r *http.Request, v *view) {
	id, ok := formID(r)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if err := parseForm(w, r, 4<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	var err error
	action := r.PostFormValue("action")
	switch action {
	case "enable", "disable":
		err = s.store.SetWebhookEnabled(r.Context(), id, action == "enable")
	case "remove":
		err = s.store.RemoveWebhook(r.Context(), id)
	default:
		s.renderWebhooks(w, r, v, http.StatusUnprocessableEntity, adminNotice{Error: v.T("dash.hooks.err.action")}, "", nil)
		return
	}
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/webhooks?done="+action+"d", http.StatusSeeOther)
}

// retryDelivery makes a pending or failed delivery due now; the background loop makes the attempt.
func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, v *view) {
	id, ok := formID(r)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if err := s.store.RetryDelivery(r.Context(), id); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/webhooks?done=retried#h-log", http.StatusSeeOther)
}
