package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
)

// axeClean fails on any serious or critical axe-core violation of the current page.
func axeClean(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range browsertest.Axe(t, ctx) {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s — %s", what, v.ID, v.Impact, v.Help, strings.Join(nodes, " | "))
	}
}

// TestAdminFormsInBrowser: the admin flows as an administrator does them in Chromium (no preselected role, the
// agency field only for managers, a refusal in Russian keeping the input, the secret once after the redirect
// and nothing created by a reload; a catalog entry through preview and apply; delete refused while referenced;
// a survey version refused with the question named), with screenshots and axe-core on the pages that show it.
func TestAdminFormsInBrowser(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	ctx := browsertest.New(t)
	var text, val string
	var hidden bool
	dashDo(t, ctx, "sign in as admin",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.URL+"/login?lang=ru"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", e.Users["admin"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery))

	// A manager without an agency: refused in Russian, naming the field, the e-mail kept.
	users := countRows(t, e.testEnv, "users", "")
	dashDo(t, ctx, "new user form",
		chromedp.Navigate(e.URL+"/admin/users?lang=ru"),
		chromedp.WaitVisible("#u-email", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("u-agency").closest("div").classList.contains("js-hidden")`, &hidden))
	if !hidden {
		t.Fatal("the agency field shows before a manager is chosen")
	}
	dashDo(t, ctx, "a manager without agency",
		chromedp.SendKeys("#u-email", "rehber@example.az", chromedp.ByID),
		chromedp.SetValue("#u-role", "manager", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("u-role").dispatchEvent(new Event("change"))`, nil),
		chromedp.WaitVisible("#u-agency", chromedp.ByID),
		chromedp.Submit("#u-email", chromedp.ByID),
		chromedp.WaitVisible("#u-agency-err", chromedp.ByID),
		chromedp.Text("#u-agency-err", &text, chromedp.ByID),
		chromedp.Value("#u-email", &val, chromedp.ByID))
	if !strings.Contains(text, "Ведомство: выберите ведомство") || val != "rehber@example.az" {
		t.Fatalf("refusal %q, e-mail kept %q", text, val)
	}
	browsertest.Screenshot(t, ctx, "admin-users-refused-ru-1366")
	axeClean(t, ctx, "refused user form")
	dashDo(t, ctx, "with the agency",
		chromedp.SetValue("#u-agency", "migration", chromedp.ByID),
		chromedp.Submit("#u-email", chromedp.ByID),
		chromedp.WaitVisible("#secret", chromedp.ByID),
		chromedp.Location(&val))
	if !strings.HasSuffix(val, "/admin/users") {
		t.Fatalf("not redirected: %s", val)
	}
	dashDo(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible("#u-email", chromedp.ByID),
		chromedp.Evaluate(`!!document.getElementById("secret")`, &hidden))
	if hidden {
		t.Fatal("the password is shown again after a reload")
	}
	if n := countRows(t, e.testEnv, "users", ""); n != users+1 {
		t.Fatalf("users %d → %d", users, n)
	}

	// A kiosk: the enrolment code after the redirect; a reload creates nothing and hides it.
	kiosks := countRows(t, e.testEnv, "kiosks", "")
	dashDo(t, ctx, "register a kiosk",
		chromedp.Navigate(e.URL+"/admin/kiosks?lang=az"),
		chromedp.WaitVisible("#k-name", chromedp.ByID),
		chromedp.SendKeys("#k-name", "Çıxış 2", chromedp.ByID),
		chromedp.SetValue("#k-center", "ganja", chromedp.ByID),
		chromedp.Submit("#k-name", chromedp.ByID),
		chromedp.WaitVisible(".enrol img", chromedp.ByQuery),
		chromedp.Reload(),
		chromedp.WaitVisible("#k-name", chromedp.ByID),
		chromedp.Evaluate(`!!document.querySelector(".enrol")`, &hidden))
	if hidden || countRows(t, e.testEnv, "kiosks", "") != kiosks+1 {
		t.Fatalf("after reload: enrolment shown %v, kiosks %d → %d", hidden, kiosks, countRows(t, e.testEnv, "kiosks", ""))
	}

	// A group through preview and apply.
	dashDo(t, ctx, "new group",
		chromedp.Navigate(e.URL+"/admin/catalog/groups?lang=ru"),
		chromedp.WaitVisible("#e-code", chromedp.ByID),
		chromedp.SendKeys("#e-code", "regional", chromedp.ByID),
		chromedp.SendKeys("#e-name-az", "Regional qurumlar", chromedp.ByID),
		chromedp.SendKeys("#e-name-ru", "Региональные органы", chromedp.ByID),
		chromedp.Click("#preview-btn", chromedp.ByID),
		chromedp.WaitVisible("#preview", chromedp.ByID),
		chromedp.Text("#preview", &text, chromedp.ByID))
	if !strings.Contains(text, "Региональные органы") {
		t.Fatalf("preview: %q", text)
	}
	browsertest.Screenshot(t, ctx, "admin-catalog-preview-ru-1366")
	axeClean(t, ctx, "catalog preview")
	dashDo(t, ctx, "apply", chromedp.Click("#apply", chromedp.ByID), chromedp.WaitVisible("#h-surveys", chromedp.ByID),
		chromedp.Text(".notice.ok", &text, chromedp.ByQuery))
	if !strings.Contains(text, "Создано: 1") {
		t.Fatalf("applied: %q", text)
	}
	dashDo(t, ctx, "delete protection", chromedp.Navigate(e.URL+"/admin/catalog/groups?code=central&lang=az"),
		chromedp.WaitVisible("#delete-refused", chromedp.ByID), chromedp.Text("#delete-refused", &text, chromedp.ByID))
	if !strings.Contains(text, "qurumlar") {
		t.Fatalf("delete refused: %q", text)
	}

	// A survey version with a bad scale: refused, the question named, the input kept.
	dashDo(t, ctx, "survey form",
		chromedp.Navigate(e.URL+"/admin/surveys/edit?code=visit&lang=ru"),
		chromedp.WaitVisible(`[name="q0.max"]`, chromedp.ByQuery),
		chromedp.SetValue(`[name="q0.max"]`, "2", chromedp.ByQuery),
		chromedp.Click("#preview-btn", chromedp.ByID),
		chromedp.WaitVisible("#form-error", chromedp.ByID),
		chromedp.Text("#form-error", &text, chromedp.ByID),
		chromedp.Value(`[name="q0.max"]`, &val, chromedp.ByQuery))
	if !strings.Contains(text, "Вопрос №1") || val != "2" {
		t.Fatalf("survey refusal %q, kept %q", text, val)
	}
	browsertest.Screenshot(t, ctx, "admin-survey-refused-ru-1366")
	axeClean(t, ctx, "survey refusal")

}

// adminPages are the admin pages screenshotted, with what shows they are ready.
var adminPages = []struct{ name, path, ready string }{
	{"kiosks", "/admin/kiosks", "#k-name"},
	{"users", "/admin/users", "#u-email"},
	{"apikeys", "/admin/apikeys", "#key-name"},
	{"catalog", "/admin/catalog", "#h-surveys"},
	{"catalog-agency", "/admin/catalog/agencies?code=migration", "#e-code"},
	{"catalog-center", "/admin/catalog/centers?code=baku-1", "#e-code"},
	{"survey", "/admin/surveys/edit?code=visit", "#preview-btn"},
}

// TestAdminPagesPhone: every admin page at 390×844 in az and ru: screenshots, no sideways scroll, axe-core
// (ru) without serious or critical violations.
func TestAdminPagesPhone(t *testing.T) { adminPagesAt(t, 390, 844, "ru") }

// TestAdminPagesDesktop: every admin page at 1366×768 in az and ru: screenshots, axe-core (az).
func TestAdminPagesDesktop(t *testing.T) { adminPagesAt(t, 1366, 768, "az") }

func adminPagesAt(t *testing.T, width, height int64, axeLang string) {
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	// A fleet with every state: Exit 1 silent (nothing since 10:00, now 13:00 on a Thursday), a tablet online
	// with its battery, one revoked.
	e.Clock.Advance(3 * time.Hour)
	k, tok, err := e.Store.AddKiosk(context.Background(), "ganja", "Gəncə — çıxış", "migration")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := e.postJSON(t, "/api/v1/kiosk/heartbeat", tok, `{"version":"2.4.1","queue_length":2,"battery_level":0.18,"charging":false}`); st != 200 {
		t.Fatalf("heartbeat %d", st)
	}
	old, _, _ := e.Store.AddKiosk(context.Background(), "baku-1", "Köhnə planşet", "")
	if err := e.Store.RevokeKiosk(context.Background(), old.ID); err != nil || k.ID == 0 {
		t.Fatal(err)
	}
	ctx := browsertest.New(t)
	dashDo(t, ctx, "sign in as admin",
		chromedp.EmulateViewport(width, height),
		chromedp.Navigate(e.URL+"/login"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", e.Users["admin"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery))
	for _, lang := range []string{"az", "ru"} {
		for _, p := range adminPages {
			name := fmt.Sprintf("admin-%s-%s-%d", p.name, lang, width)
			sep := "?"
			if strings.Contains(p.path, "?") {
				sep = "&"
			}
			dashDo(t, ctx, name, chromedp.Navigate(e.URL+p.path+sep+"lang="+lang), chromedp.WaitVisible(p.ready, chromedp.ByQuery))
			browsertest.Screenshot(t, ctx, name)
			if width < 600 {
				pageFits(t, ctx, name)
			}
			if lang == axeLang {
				axeClean(t, ctx, name)
			}
		}
	}
}
