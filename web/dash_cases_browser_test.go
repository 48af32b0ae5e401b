package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/browsertest"
)

// TestCasesPageInBrowser: in headless Chromium a manager sees their agency's cases, overdue first with the
// SLA countdown; resolving without a resolution is refused in their language with the note kept, then done;
// admins see every agency and the SLA form. axe-core finds no serious or critical violation, and nothing
// sticks out sideways on a phone; screenshots at 390×844 and 1366×768 in az and ru.
func TestCasesPageInBrowser(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	ctx := context.Background()
	low := func(agency, comment string, overall int) {
		t.Helper()
		body := fmt.Sprintf(`{"id":%q,"agency":%q,"center":"baku-1","answers":{"overall":%d,"waiting":1,"resolved":false},"comment":%q}`,
			uuid.NewString(), agency, overall, comment)
		if st, b := e.postJSON(t, "/api/v1/responses", e.APIKey, body); st != 201 {
			t.Fatalf("low rating: %d %v", st, b)
		}
	}
	low("migration", "Növbədə üç saat gözlədim, heç kim izah etmədi.", 1)
	e.Clock.Advance(80 * time.Hour) // the first is overdue now
	low("migration", "Sənədi qəbul etmədilər, səbəbini demədilər.", 2)
	low("migration", "", 1)
	low("justice", "Очень долго ждал, сотрудник был груб.", 2)
	list, err := e.Store.ListCases(ctx, survey.CaseFilter{Agency: "migration"})
	if err != nil || len(list) != 3 {
		t.Fatalf("cases: %v %v", list, err)
	}
	actx := survey.WithActor(ctx, survey.Actor{Name: e.Users["managerA"]})
	if _, err := e.Store.ActOnCase(actx, list[2].ID, survey.CaseAction{Action: "acknowledge", Note: "Baxırıq"}, nil); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	signIn := func(who string) {
		dashDo(t, b, "sign in as "+who,
			chromedp.Navigate(e.URL+"/login?lang=az"),
			chromedp.SendKeys("#email", e.Users[who], chromedp.ByID),
			chromedp.SendKeys("#password", testPassword, chromedp.ByID),
			chromedp.Submit("#password", chromedp.ByID),
			chromedp.WaitVisible("#signout", chromedp.ByID))
	}
	signIn("managerA")
	var first, countdown string
	var ids []string
	dashDo(t, b, "the manager's cases",
		chromedp.Navigate(e.URL+"/cases?lang=az"),
		chromedp.WaitVisible("ol.cases", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("li.case")].map(li => li.id)`, &ids),
		chromedp.Evaluate(`document.querySelector("li.case").className`, &first),
		chromedp.Text("li.case .countdown", &countdown, chromedp.ByQuery))
	if len(ids) != 3 || !strings.Contains(first, "overdue") || !strings.HasPrefix(countdown, "Müddəti keçib: ") {
		t.Fatalf("cases %v, first %q, countdown %q", ids, first, countdown)
	}
	// Resolve the overdue one: first without choosing a resolution, then properly.
	target := ids[0]
	note := `#note-` + target
	var alert, kept string
	dashDo(t, b, "a refused resolution",
		chromedp.SendKeys(note, "Vətəndaşa zəng etdik", chromedp.ByQuery),
		chromedp.Click(`#`+target+` button[value="resolve"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#err-`+target, chromedp.ByQuery),
		chromedp.Text(`#err-`+target, &alert, chromedp.ByQuery),
		chromedp.Value(note, &kept, chromedp.ByQuery))
	if alert != "Həll etmək üçün nəticəni seçin." || kept != "Vətəndaşa zəng etdik" {
		t.Fatalf("refusal %q, note kept %q", alert, kept)
	}
	shoot(t, b, "cases-refused-az-390x844", 390, 844, "", "#err-"+target)
	var done string
	dashDo(t, b, "resolve",
		chromedp.SetValue(`#res-`+target, "explained", chromedp.ByQuery),
		chromedp.Click(`#`+target+` button[value="resolve"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".notice.ok", chromedp.ByQuery),
		chromedp.Text(".notice.ok", &done, chromedp.ByQuery))
	if done != "Yadda saxlanıldı." {
		t.Fatalf("after resolving: %q", done)
	}
	c, trail, err := e.Store.CaseByID(ctx, target)
	if err != nil || c.Status != survey.CaseResolved || c.Resolution != "explained" || c.Note != "Vətəndaşa zəng etdik" || len(trail) != 2 {
		t.Fatalf("stored %+v %v %v", c, trail, err)
	}
	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		for _, lang := range []string{"az", "ru"} {
			shoot(t, b, fmt.Sprintf("cases-manager-%s-%dx%d", lang, size[0], size[1]), size[0], size[1], "/cases?lang="+lang, "ol.cases")
		}
	}
	dashDo(t, b, "sign out", chromedp.Click("#signout", chromedp.ByID), chromedp.WaitVisible("#email", chromedp.ByID))

	signIn("admin")
	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		for _, lang := range []string{"az", "ru"} {
			shoot(t, b, fmt.Sprintf("cases-admin-%s-%dx%d", lang, size[0], size[1]), size[0], size[1], "/cases?lang="+lang, "#sla-hours")
		}
	}
	var n int
	dashDo(t, b, "admin filters", chromedp.Navigate(e.URL+"/cases?agency=justice&status=open&lang=ru"),
		chromedp.WaitVisible("ol.cases", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("li.case").length`, &n))
	if n != 1 {
		t.Fatalf("justice's open cases: %d", n)
	}
}

// shoot opens path (when given) at a viewport size, checks that nothing but scrolling boxes sticks out
// sideways, takes a screenshot and runs axe-core.
func shoot(t *testing.T, b context.Context, name string, w, h int64, path, wait string) {
	t.Helper()
	actions := []chromedp.Action{chromedp.EmulateViewport(w, h)}
	if path != "" {
		actions = append(actions, chromedp.Navigate(strings.TrimSuffix(browserBase(t, b), "/")+path))
	}
	actions = append(actions, chromedp.WaitVisible(wait, chromedp.ByQuery))
	dashDo(t, b, name, actions...)
	var overflow int64
	dashDo(t, b, name+" overflow", chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
	if overflow > 0 {
		t.Errorf("%s: the page is %dpx wider than the screen", name, overflow)
	}
	browsertest.Screenshot(t, b, name)
	for _, v := range browsertest.Axe(t, b) {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s — %s", name, v.ID, v.Impact, v.Help, strings.Join(nodes, " | "))
	}
}

// browserBase is the origin of the page the browser shows.
func browserBase(t *testing.T, b context.Context) string {
	var origin string
	dashDo(t, b, "origin", chromedp.Evaluate(`location.origin`, &origin))
	return origin
}
