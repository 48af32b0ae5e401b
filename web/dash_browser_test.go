package web_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
)

// dashDo runs browser steps with a bound each, naming the step when it fails.
func dashDo(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Run(c, actions...); err != nil {
		var url string
		chromedp.Run(ctx, chromedp.Location(&url))
		t.Fatalf("%s (at %s): %v", what, url, err)
	}
}

// TestDashboardInBrowser: sign in, change the period, switch language, open an agency, search comments,
// download the CSV, administer, sign out, in headless Chromium, with screenshots in /tmp/qiymet-screenshots.
func TestDashboardInBrowser(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	ctx := browsertest.New(t)
	var text, loc string

	dashDo(t, ctx, "open the dashboard signed out",
		chromedp.Navigate(e.URL+"/?lang=az"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.Location(&loc))
	if !strings.Contains(loc, "/login?next=") {
		t.Fatalf("not sent to sign-in: %s", loc)
	}
	browsertest.Screenshot(t, ctx, "dash-login")

	// A manager lands on their own agency's page, its place in its group first.
	dashDo(t, ctx, "sign in",
		chromedp.SendKeys("#email", e.Users["managerA"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("#rank-in-group", chromedp.ByID),
		chromedp.Text("h1", &text, chromedp.ByQuery))
	// The test clock is in 2025-Q3: the dashboard opens on the latest complete quarter, named in words.
	if !strings.Contains(text, "2025-ci ilin II rübü") || !strings.Contains(text, "Miqrasiya") {
		t.Fatalf("landing heading: %q", text)
	}
	dashDo(t, ctx, "open the rankings",
		chromedp.Navigate(e.URL+"/rankings"),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery),
		chromedp.Text("h1", &text, chromedp.ByQuery))
	if !strings.Contains(text, "2025-ci ilin II rübü") || !strings.Contains(text, "Reytinq") {
		t.Fatalf("rankings heading: %q", text)
	}
	dashDo(t, ctx, "read the index", chromedp.Text(`tr[data-agency="migration"] td.strong`, &text, chromedp.ByQuery))
	if !strings.Contains(text, ",") {
		t.Fatalf("az number format: %q", text)
	}
	browsertest.Screenshot(t, ctx, "dash-rankings-az")

	// The picker submits by itself when a calendar period is chosen (dash.js).
	dashDo(t, ctx, "change the period",
		chromedp.WaitVisible("#period", chromedp.ByID),
		chromedp.Evaluate(`(s => { s.value = "2025-Q3"; s.dispatchEvent(new Event("change")); })(document.getElementById("period"))`, nil),
		chromedp.WaitVisible(`//h1[contains(., "III rübü")]`, chromedp.BySearch),
		chromedp.Location(&loc))
	if !strings.Contains(loc, "period=2025-Q3") {
		t.Fatalf("period not in the URL: %s", loc)
	}
	dashDo(t, ctx, "custom range fields show only for a custom range",
		chromedp.WaitVisible("#period", chromedp.ByID),
		chromedp.Evaluate(`(s => { s.value = "custom"; s.dispatchEvent(new Event("change")); })(document.getElementById("period"))`, nil),
		chromedp.WaitVisible("#from", chromedp.ByID))

	dashDo(t, ctx, "back to Q3 and switch to English",
		chromedp.Navigate(e.URL+"/rankings?period=2025-Q3"),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery),
		chromedp.Click(`a[hreflang="en"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[contains(., "Rankings")]`, chromedp.BySearch),
		chromedp.Text(`tr[data-agency="migration"] td.strong`, &text, chromedp.ByQuery))
	if !strings.Contains(text, ".") {
		t.Fatalf("en number format: %q", text)
	}
	browsertest.Screenshot(t, ctx, "dash-rankings-en")
	// The choice is remembered without ?lang=.
	dashDo(t, ctx, "language remembered",
		chromedp.Navigate(e.URL+"/rankings?period=2025-Q3"),
		chromedp.WaitVisible(`//h1[contains(., "Rankings")]`, chromedp.BySearch))

	dashDo(t, ctx, "open the agency",
		chromedp.Click(`tr[data-agency="migration"] a`, chromedp.ByQuery),
		chromedp.WaitVisible("svg.trend", chromedp.ByQuery),
		chromedp.Text("h1", &text, chromedp.ByQuery))
	if !strings.Contains(text, "State Migration Service") {
		t.Fatalf("agency heading: %q", text)
	}
	browsertest.Screenshot(t, ctx, "dash-agency-en")

	dashDo(t, ctx, "search comments",
		chromedp.SendKeys("#q", "İŞ", chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID))
	// The old page has the same heading: wait until the browser is on the search's own page.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var loc string
		if err := chromedp.Run(ctx, chromedp.Location(&loc)); err == nil && strings.Contains(loc, "q=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the comment search never loaded")
		}
	}
	dashDo(t, ctx, "read the found comments",
		chromedp.WaitVisible(`//h2[@id="h-comments"]`, chromedp.BySearch),
		chromedp.Text("ol.comments", &text, chromedp.ByQuery))
	if !strings.Contains(text, "İŞ tez həll olundu") || strings.Contains(text, "Növbə") {
		t.Fatalf("comment search: %q", text)
	}

	if hasRoute(e, "GET", "/api/v1/responses.csv") {
		var res string
		dashDo(t, ctx, "download the CSV with the session",
			chromedp.Evaluate(`fetch(document.getElementById("csv").href).then(r => r.text().then(b => r.status + "\n" + b.split("\n")[0]))`, &res,
				func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if !strings.HasPrefix(res, "200\nid,submitted_at,agency") {
			t.Fatalf("CSV download: %q", res)
		}
	} else {
		t.Log("GET /api/v1/responses.csv is not registered yet: CSV download step skipped")
	}

	// Another agency's page is refused.
	dashDo(t, ctx, "another agency",
		chromedp.Navigate(e.URL+"/agencies/justice"),
		chromedp.Text("h1", &text, chromedp.ByQuery))
	if !strings.Contains(text, "access") {
		t.Fatalf("other agency: %q", text)
	}

	dashDo(t, ctx, "sign out",
		chromedp.Navigate(e.URL+"/"),
		chromedp.WaitVisible("#signout", chromedp.ByID),
		chromedp.Click("#signout", chromedp.ByID),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.Navigate(e.URL+"/"),
		chromedp.WaitVisible("#email", chromedp.ByID))

	// Administration as admin, and a tablet-sized window.
	dashDo(t, ctx, "sign in as admin and register a kiosk",
		chromedp.SendKeys("#email", e.Users["admin"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery),
		chromedp.Navigate(e.URL+"/admin/kiosks?lang=ru"),
		chromedp.SendKeys("#k-name", "Выход 2", chromedp.ByID),
		chromedp.SetValue("#k-center", "baku-1", chromedp.ByID), // no centre is preselected
		chromedp.Submit("#k-name", chromedp.ByID),
		chromedp.WaitVisible(".enrol img", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "dash-admin-kiosks-ru")
	dashDo(t, ctx, "users page", chromedp.Navigate(e.URL+"/admin/users"), chromedp.WaitVisible("table", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "dash-admin-users-ru")
	dashDo(t, ctx, "catalog page", chromedp.Navigate(e.URL+"/admin/catalog?lang=en"), chromedp.WaitVisible("#h-surveys", chromedp.ByID))
	browsertest.Screenshot(t, ctx, "dash-admin-catalog-en")
	dashDo(t, ctx, "tablet",
		chromedp.EmulateViewport(820, 1180),
		chromedp.Navigate(e.URL+"/agencies/migration?period=2025-Q3&lang=az"),
		chromedp.WaitVisible("svg.trend", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "dash-agency-tablet-az")
}

func hasRoute(e *dashEnv, method, path string) bool {
	for _, r := range e.Server.Routes() {
		for _, m := range r.Methods {
			if m == method && r.Path == path {
				return true
			}
		}
	}
	return false
}

// TestDashboardDemoScreenshots photographs a running demo (QIYMET_DEMO_URL, e.g. after `qiymet demo` and
// `qiymet serve`) signed in as the demo analyst: realistic names and volumes, for a person to look at.
func TestDashboardDemoScreenshots(t *testing.T) {
	base := os.Getenv("QIYMET_DEMO_URL")
	if base == "" {
		t.Skip("set QIYMET_DEMO_URL to photograph a running demo")
	}
	period := os.Getenv("QIYMET_DEMO_PERIOD")
	if period == "" {
		period = "2026-Q3"
	}
	ctx := browsertest.New(t)
	dashDo(t, ctx, "sign in",
		chromedp.Navigate(base+"/login?lang=az"),
		chromedp.SendKeys("#email", "analyst@qiymet.demo", chromedp.ByID),
		chromedp.SendKeys("#password", "qiymet-demo-2026", chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery),
		chromedp.Navigate(base+"/rankings?period="+period),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "demo-rankings-az")
	dashDo(t, ctx, "agency",
		chromedp.Navigate(base+"/agencies/migration?period="+period+"&lang=ru"),
		chromedp.WaitVisible("svg.trend", chromedp.ByQuery))
	browsertest.Screenshot(t, ctx, "demo-agency-ru")
	// The honest figures on a phone and a laptop, with a complete period and the running one
	// (QIYMET_DEMO_RUNNING, default: none).
	periods := []string{period}
	if r := os.Getenv("QIYMET_DEMO_RUNNING"); r != "" {
		periods = append(periods, r)
	}
	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		for _, lang := range []string{"az", "ru"} {
			for _, p := range periods {
				for _, page := range []struct{ name, path, wait string }{
					{"rankings", "/rankings?period=" + p, "table.rank"}, {"agency", "/agencies/migration?period=" + p, "svg.trend"},
				} {
					dashDo(t, ctx, page.name, chromedp.EmulateViewport(size[0], size[1]),
						chromedp.Navigate(base+page.path+"&lang="+lang), chromedp.WaitVisible(page.wait, chromedp.ByQuery))
					browsertest.Screenshot(t, ctx, "demo-"+page.name+"-"+p+"-"+lang+"-"+strconv.FormatInt(size[0], 10)+"x"+strconv.FormatInt(size[1], 10))
				}
			}
		}
	}
}
