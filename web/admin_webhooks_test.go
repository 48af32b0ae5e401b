package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web/browsertest"
	"github.com/qiymet/qiymet/web/i18n"
)

// spareWebhookDelivery registers a webhook and queues one delivery to it (an event written straight into the
// outbox, then fanned out), for admin actions to act on. It returns both ids.
func spareWebhookDelivery(t testing.TB, s *survey.Store) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	w, _, err := s.AddWebhook(ctx, "https://hooks.example.az/spare", survey.EventTypes)
	if err != nil {
		t.Fatal(err)
	}
	ev := &survey.Event{ID: fmt.Sprintf("evt_spare_%d", w.ID), Type: survey.EventKioskSilent, CreatedUS: s.Now().UnixMicro(), Data: `{"kiosk":1}`}
	if _, err := s.DB().NewInsert().Model(ev).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FanOut(ctx, false, 100); err != nil {
		t.Fatal(err)
	}
	ds, _, err := s.ListDeliveries(ctx, survey.DeliveryFilter{WebhookID: w.ID})
	if err != nil || len(ds) != 1 {
		t.Fatalf("spare delivery: %v %v", ds, err)
	}
	return w.ID, ds[0].ID
}

func TestWebhooksAdminPage(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newDashEnv(t, dialect, 0, "")
			ctx := context.Background()
			admin := e.login(t, e.Users["admin"])
			count := func() int {
				ws, err := e.Store.ListWebhooks(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return len(ws)
			}
			// Bad input: a clear error in the reader's language, nothing stored.
			for _, c := range []struct {
				form url.Values
				key  string
			}{
				{url.Values{"url": {""}, "events": {"case.opened"}}, "dash.hooks.err.url"},
				{url.Values{"url": {"javascript:alert(1)"}, "events": {"case.opened"}}, "dash.hooks.err.url"},
				{url.Values{"url": {`https://x.az/"><script>alert(1)</script>`}, "events": {"case.opened"}}, "dash.hooks.err.url"},
				{url.Values{"url": {"https://user:pw@x.az/"}, "events": {"case.opened"}}, "dash.hooks.err.url"},
				{url.Values{"url": {"https://x.az/" + strings.Repeat("a", 2000)}, "events": {"case.opened"}}, "dash.hooks.err.url"},
				{url.Values{"url": {"https://x.az/"}}, "dash.hooks.err.events"},
				{url.Values{"url": {"https://x.az/"}, "events": {"case.deleted"}}, "dash.hooks.err.events"},
			} {
				r := e.page(t, http.MethodPost, "/admin/webhooks?lang=ru", admin, c.form)
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), htmlEsc(i18n.T("ru", c.key))) {
					t.Errorf("%v: %d, want 422 with %q", c.form, r.Status, i18n.T("ru", c.key))
				}
				if strings.Contains(string(r.Body), "<script>alert(1)") {
					t.Fatal("the URL was echoed unescaped")
				}
			}
			if r := e.page(t, http.MethodPost, "/admin/webhooks", admin, url.Values{"url": {strings.Repeat("a", 20<<10)}}); r.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized form: %d", r.Status)
			}
			if count() != 0 {
				t.Fatal("bad input stored a webhook")
			}

			r := e.page(t, http.MethodPost, "/admin/webhooks?lang=az", admin, url.Values{"url": {"https://hooks.example.az/qiymət"}, "events": {"case.opened", "kiosk.silent"}})
			body := string(r.Body)
			i := strings.Index(body, "whsec_")
			if r.Status != http.StatusOK || i < 0 {
				t.Fatalf("add: %d, no secret shown", r.Status)
			}
			secret := body[i : i+strings.IndexAny(body[i:], "<\" ")]
			ws, _ := e.Store.ListWebhooks(ctx)
			if len(ws) != 1 || ws[0].Events != "case.opened,kiosk.silent" {
				t.Fatalf("stored %+v", ws)
			}
			if plain, err := e.Store.WebhookSecret(ctx, &ws[0]); err != nil || plain != secret {
				t.Fatalf("the shown secret is not the stored one: %v", err)
			}
			// The same address again for one of its events: refused (each event would arrive twice); for other events
			// only, accepted.
			r = e.page(t, http.MethodPost, "/admin/webhooks?lang=ru", admin, url.Values{"url": {"https://hooks.example.az/qiymət"}, "events": {"kiosk.silent"}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), htmlEsc(i18n.T("ru", "dash.hooks.err.url_taken"))) || count() != 1 {
				t.Fatalf("the same address and event again: %d, %d webhooks", r.Status, count())
			}
			if _, _, err := e.Store.AddWebhook(ctx, "https://hooks.example.az/qiymət", []string{"case.resolved"}); err != nil || count() != 2 {
				t.Fatalf("the same address for another event: %v", err)
			}
			ws, _ = e.Store.ListWebhooks(ctx)
			if err := e.Store.RemoveWebhook(ctx, ws[1].ID); err != nil || count() != 1 {
				t.Fatalf("remove the second: %v", err)
			}
			id := itoa(ws[0].ID)
			if r := e.page(t, http.MethodGet, "/admin/webhooks", admin, nil); r.Status != 200 || strings.Contains(string(r.Body), secret) {
				t.Fatal("the secret is shown again")
			}
			// Changes: POST, then a redirect to the page with the outcome.
			for _, c := range []struct{ path, action, done string }{
				{"/admin/webhooks/" + id, "disable", "disabled"},
				{"/admin/webhooks/" + id, "enable", "enabled"},
			} {
				r := e.page(t, http.MethodPost, c.path, admin, url.Values{"action": {c.action}})
				if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/webhooks?done="+c.done {
					t.Fatalf("%s %s: %d %s", c.path, c.action, r.Status, r.Header.Get("Location"))
				}
				page := e.page(t, http.MethodGet, r.Header.Get("Location")+"&lang=en", admin, nil)
				if !strings.Contains(string(page.Body), i18n.T("en", "dash.hooks.done."+c.done)) {
					t.Fatalf("no outcome message after %s", c.action)
				}
			}
			if r := e.page(t, http.MethodPost, "/admin/webhooks/"+id, admin, url.Values{"action": {"explode"}}); r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("unknown action: %d", r.Status)
			}
			if r := e.page(t, http.MethodPost, "/admin/webhooks/999999", admin, url.Values{"action": {"disable"}}); r.Status != http.StatusNotFound {
				t.Fatalf("unknown webhook: %d", r.Status)
			}

			// The delivery log and "retry now".
			hook, delivery := spareWebhookDelivery(t, e.Store)
			claims, err := e.Store.ClaimDeliveries(ctx, 10, time.Minute)
			if err != nil || len(claims) != 2 { // the first webhook also wants kiosk.silent
				t.Fatalf("claim: %v %v", claims, err)
			}
			for _, c := range claims {
				o := survey.Outcome{OK: true, Status: 200}
				if c.ID == delivery {
					o = survey.Outcome{Status: 502, Error: "502 Bad Gateway: <b>upstream</b> down"}
				}
				if err := e.Store.FinishDelivery(ctx, &c, o); err != nil {
					t.Fatal(err)
				}
			}
			page := string(e.page(t, http.MethodGet, "/admin/webhooks?lang=ru&status=failed", admin, nil).Body)
			if !strings.Contains(page, "502 Bad Gateway: &lt;b&gt;upstream&lt;/b&gt; down") || !strings.Contains(page, i18n.T("ru", "dash.hooks.status.failed")) ||
				!strings.Contains(page, "/admin/deliveries/"+itoa(delivery)+"/retry") {
				t.Fatalf("the log does not show the failed delivery:\n%s", page)
			}
			r = e.page(t, http.MethodPost, "/admin/deliveries/"+itoa(delivery)+"/retry", admin, url.Values{})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("retry: %d", r.Status)
			}
			if again, _ := e.Store.ClaimDeliveries(ctx, 10, time.Minute); len(again) != 1 || again[0].ID != delivery || again[0].Attempts != 2 {
				t.Fatalf("after retry now: %+v", again)
			}
			if r := e.page(t, http.MethodPost, "/admin/deliveries/999999/retry", admin, url.Values{}); r.Status != http.StatusNotFound {
				t.Fatalf("retry of an unknown delivery: %d", r.Status)
			}
			r = e.page(t, http.MethodPost, "/admin/webhooks/"+itoa(hook), admin, url.Values{"action": {"remove"}})
			if r.Status != http.StatusSeeOther || count() != 1 {
				t.Fatalf("remove: %d, %d left", r.Status, count())
			}
			entries, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Actor: e.Users["admin"]})
			var actions []string
			for _, en := range entries {
				actions = append(actions, en.Action)
			}
			if got := strings.Join(actions, " "); !strings.HasPrefix(got, "webhook.remove delivery.retry webhook.enable webhook.disable webhook.add") {
				t.Fatalf("audit by the admin: %s", got)
			}
			// Others may not.
			for _, who := range []string{"managerA", "analyst"} {
				s := e.login(t, e.Users[who])
				if r := e.page(t, http.MethodPost, "/admin/webhooks", s, url.Values{"url": {"https://x.az/"}, "events": {"case.opened"}}); r.Status != http.StatusForbidden {
					t.Fatalf("%s adds a webhook: %d", who, r.Status)
				}
			}
		})
	}
}

func htmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestWebhooksPageInBrowser: the page at phone and desktop sizes in az and ru, no sideways scroll, no serious
// axe violation; screenshots in QIYMET_SCREENSHOTS.
func TestWebhooksPageInBrowser(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	ctx := context.Background()
	if _, _, err := e.Store.AddWebhook(ctx, "https://n8n.example.az/webhook/3f1c9a7e-qiymet-low-ratings", []string{survey.EventCaseOpened, survey.EventCaseOverdue}); err != nil {
		t.Fatal(err)
	}
	_, delivery := spareWebhookDelivery(t, e.Store)
	claims, _ := e.Store.ClaimDeliveries(ctx, 10, time.Minute)
	for _, c := range claims {
		if c.ID == delivery {
			e.Store.FinishDelivery(ctx, &c, survey.Outcome{Error: `Post "https://hooks.example.az/spare": dial tcp: lookup hooks.example.az: no such host`, Next: e.Store.Now().Add(time.Minute)})
		}
	}
	b := browsertest.New(t)
	dashDo(t, b, "sign in",
		chromedp.Navigate(e.URL+"/login?lang=az"),
		chromedp.SendKeys("#email", e.Users["admin"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery))
	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		for _, lang := range []string{"az", "ru"} {
			name := fmt.Sprintf("webhooks-%s-%dx%d", lang, size[0], size[1])
			var h1 string
			dashDo(t, b, name, chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(e.URL+"/admin/webhooks?lang="+lang),
				chromedp.WaitVisible("#deliveries", chromedp.ByID),
				chromedp.Text("h1", &h1, chromedp.ByQuery))
			if h1 != i18n.T(lang, "dash.admin.webhooks") {
				t.Errorf("%s: h1 %q", name, h1)
			}
			var overflow int64
			dashDo(t, b, name+" overflow", chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
			if overflow > 0 {
				t.Errorf("%s: the page is %dpx wider than the screen", name, overflow)
			}
			browsertest.Screenshot(t, b, name)
			for _, v := range browsertest.Axe(t, b) {
				t.Errorf("%s: axe %s (%s): %s", name, v.ID, v.Impact, v.Help)
			}
		}
	}
	// Register one through the form, as an admin would: the secret is shown once.
	var secret string
	dashDo(t, b, "register",
		chromedp.Navigate(e.URL+"/admin/webhooks?lang=az"),
		chromedp.SendKeys("#h-url", "https://hooks.example.az/yeni", chromedp.ByID),
		chromedp.Click(`input[value="kiosk.silent"]`, chromedp.ByQuery),
		chromedp.Submit("#h-url", chromedp.ByID),
		chromedp.WaitVisible("#secret", chromedp.ByID),
		chromedp.Text("#secret", &secret, chromedp.ByID))
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	browsertest.Screenshot(t, b, "webhooks-added-az-1366x768")
}
