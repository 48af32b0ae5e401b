package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
)

// TestCompositeInBrowser: from the rankings page to the composite view and back; the composite table, the
// parameter panels (one per assessed agency, each an image with a title and a description) and the
// sensitivity in words; the admin pages of methodologies and assessments. axe-core finds no serious or
// critical violation and nothing sticks out sideways, on a phone and a laptop, in az and ru.
func TestCompositeInBrowser(t *testing.T) {
	e := compositeEnv(t, "sqlite", "http://127.0.0.1")
	ctx := browsertest.New(t)
	dashDo(t, ctx, "sign in",
		chromedp.Navigate(e.URL+"/login?lang=en"),
		chromedp.SendKeys("#email", e.Users["admin"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery))

	var loc, back string
	var panels []map[string]string
	var sens string
	dashDo(t, ctx, "switch to the composite",
		chromedp.Navigate(e.URL+"/?period=2025-Q3&lang=en"),
		chromedp.Click("#to-composite", chromedp.ByID),
		chromedp.WaitVisible("table.composite", chromedp.ByQuery),
		chromedp.Location(&loc),
		chromedp.AttributeValue("#to-citizen", "href", &back, nil, chromedp.ByID),
		chromedp.Evaluate(`[...document.querySelectorAll("figure.pm")].map(f => ({cap: f.querySelector("figcaption").textContent,
			role: f.querySelector("svg").getAttribute("role"), title: f.querySelector("svg title").textContent,
			desc: f.querySelector("svg desc").textContent, bars: String(f.querySelectorAll("rect.bar").length)}))`, &panels),
		chromedp.Text("#sensitivity", &sens, chromedp.ByID))
	if !strings.HasSuffix(loc, "/composite?period=2025-Q3") || back != "/rankings?period=2025-Q3" {
		t.Errorf("switch: at %s, back link %s", loc, back)
	}
	// justice (both parameters… inform not applicable: one bar), migration (two bars), property (one bar).
	if len(panels) != 3 {
		t.Fatalf("panels: %v", panels)
	}
	for _, p := range panels {
		if p["role"] != "img" || !strings.HasSuffix(p["title"], ": scores by parameter") || !strings.Contains(p["desc"], "1. Informing about the service: ") {
			t.Errorf("panel %v", p)
		}
	}
	if !strings.Contains(panels[0]["desc"], "Informing about the service: not applicable") || panels[0]["bars"] != "1" {
		t.Errorf("justice's inform is not applicable: %v", panels[0])
	}
	if !strings.Contains(sens, "Sensitivity analysis") || !strings.Contains(sens, "OECD/JRC Handbook on Constructing Composite Indicators") {
		t.Errorf("sensitivity: %q", sens)
	}

	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		for _, lang := range []string{"az", "ru"} {
			for _, page := range []struct{ name, path, wait string }{
				{"composite", "/composite?period=2025-Q3", "table.composite"},
				{"methodologies", "/admin/methodologies", "#methodology-json"},
				{"assessments", "/admin/assessments?methodology=test-asan&period=2025-Q3&service=temp-residence", "#assess-form"},
			} {
				name := fmt.Sprintf("composite-%s-%s-%dx%d", page.name, lang, size[0], size[1])
				dashDo(t, ctx, name,
					chromedp.EmulateViewport(size[0], size[1]),
					chromedp.Navigate(e.URL+page.path+sep(page.path)+"lang="+lang),
					chromedp.WaitVisible(page.wait, chromedp.ByQuery))
				var overflow int64
				dashDo(t, ctx, name+" overflow", chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
				if overflow > 0 {
					var wide []string
					chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest(".scroll")).slice(0, 5).map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right))`, &wide))
					t.Errorf("%s: the page is %dpx wider than the screen: %v", name, overflow, wide)
				}
				browsertest.Screenshot(t, ctx, name)
				for _, v := range browsertest.Axe(t, ctx) {
					var nodes []string
					for _, n := range v.Nodes {
						nodes = append(nodes, n.HTML)
					}
					t.Errorf("%s: axe %s (%s): %s — %s", name, v.ID, v.Impact, v.Help, strings.Join(nodes, " | "))
				}
			}
		}
	}
}
