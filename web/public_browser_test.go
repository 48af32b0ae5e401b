package web_test

import (
	"fmt"
	"github.com/qiymet/qiymet/scoring/locale"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web/browsertest"
	"github.com/qiymet/qiymet/web/i18n"
)

// The public period page and the index in Chromium, az and ru, phone and desktop: no serious or critical
// axe-core violation, no sideways scroll at 390 px (nor 360 px), the first place's sentence on screen; then an
// admin publishes a revision from the Publications page and the rankings page shows the notice.
// Screenshots in QIYMET_SCREENSHOTS (default /tmp/qiymet-screenshots).
func TestPublicPortalInBrowser(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	e.Clock.Set(time.Date(2025, 10, 2, 10, 0, 0, 0, storetest.Baku))
	publishPeriod(t, e.Store, "2025-Q3") // with a row below min_n
	ctx := browsertest.New(t)
	for _, lang := range []string{"az", "ru"} {
		for _, size := range [][2]int64{{390, 844}, {1366, 768}, {360, 740}} {
			name := fmt.Sprintf("public-period-%s-%dx%d", lang, size[0], size[1])
			var h1, lead string
			var overflow int
			dashDo(t, ctx, name, chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(e.URL+"/public/2025-Q3?lang="+lang),
				chromedp.WaitVisible("table.rank", chromedp.ByQuery),
				chromedp.Text("h1", &h1, chromedp.ByQuery),
				chromedp.Text("p.lead", &lead, chromedp.ByQuery),
				chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
			if h1 != i18n.T(lang, "pub.period.title", locale.PeriodName(lang, "2025-Q3")) || lead == "" {
				t.Errorf("%s: h1 %q lead %q", name, h1, lead)
			}
			if overflow > 0 {
				t.Errorf("%s: the page scrolls sideways by %d px", name, overflow)
			}
			if size[0] == 360 {
				continue
			}
			for _, v := range browsertest.Axe(t, ctx) {
				t.Errorf("%s: axe %s (%s): %s", name, v.ID, v.Impact, v.Help)
			}
			browsertest.Screenshot(t, ctx, name)
		}
		name := "public-index-" + lang
		var overflow int
		dashDo(t, ctx, name, chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.URL+"/public/?lang="+lang),
			chromedp.WaitVisible("ul.periods", chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
		if overflow > 0 {
			t.Errorf("%s: the page scrolls sideways by %d px", name, overflow)
		}
		for _, v := range browsertest.Axe(t, ctx) {
			t.Errorf("%s: axe %s (%s): %s", name, v.ID, v.Impact, v.Help)
		}
		browsertest.Screenshot(t, ctx, name)
	}
	var overflow int
	dashDo(t, ctx, "data dictionary", chromedp.EmulateViewport(360, 740), chromedp.Navigate(e.URL+"/public/data-dictionary?lang=ru"),
		chromedp.WaitVisible("table.dict", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
	if overflow > 0 {
		t.Errorf("dictionary: the page scrolls sideways by %d px at 360 px", overflow)
	}
	for _, v := range browsertest.Axe(t, ctx) {
		t.Errorf("dictionary: axe %s (%s): %s", v.ID, v.Impact, v.Help)
	}
	browsertest.Screenshot(t, ctx, "public-dictionary-ru")

	var notice string
	dashDo(t, ctx, "sign in as admin and publish 2025-Q2", chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.URL+"/login?lang=ru"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", e.Users["admin"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery),
		chromedp.Navigate(e.URL+"/admin/publications?lang=ru"),
		chromedp.SendKeys("#pub-period", "2025-Q2", chromedp.ByID),
		chromedp.Submit("#pub-period", chromedp.ByID),
		chromedp.WaitVisible(".notice", chromedp.ByQuery))
	for _, v := range browsertest.Axe(t, ctx) {
		t.Errorf("admin publications: axe %s (%s): %s", v.ID, v.Impact, v.Help)
	}
	browsertest.Screenshot(t, ctx, "dash-admin-publications-ru")
	dashDo(t, ctx, "the rankings page's notice", chromedp.Navigate(e.URL+"/?period=2025-Q2"),
		chromedp.WaitVisible("#publication", chromedp.ByID), chromedp.Text("#publication", &notice, chromedp.ByID))
	if !strings.Contains(notice, i18n.T("ru", "pub.notice.same")) {
		t.Errorf("notice %q", notice)
	}
	browsertest.Screenshot(t, ctx, "dash-rankings-published-ru")
}
