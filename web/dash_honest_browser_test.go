package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
)

// TestHonestFiguresInBrowser: in headless Chromium, a running period is labelled provisional; a change that
// is not significant is neutral (not red or green), has no arrow and says so in visible words; significant
// ones keep their arrow with words for screen readers; the control chart has its legend; the Explained
// page is reachable by keyboard from a "?"; axe-core finds no serious or critical violation on the changed
// pages, on a phone and a laptop screen.
func TestHonestFiguresInBrowser(t *testing.T) {
	e := newHonestEnv(t, "http://127.0.0.1", seedSteady)
	ctx := browsertest.New(t)
	dashDo(t, ctx, "sign in",
		chromedp.Navigate(e.URL+"/login?lang=az"),
		chromedp.SendKeys("#email", e.Users["analyst"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("table.rank", chromedp.ByQuery))

	var notice string
	dashDo(t, ctx, "a running quarter",
		chromedp.Navigate(e.URL+"/?period=2025-Q3&lang=en"),
		chromedp.WaitVisible("#provisional", chromedp.ByID),
		chromedp.Text("#provisional", &notice, chromedp.ByID))
	if !strings.Contains(notice, "Provisional") || !strings.Contains(notice, "% of the period elapsed") {
		t.Fatalf("provisional notice: %q", notice)
	}

	// Every non-significant change: grey like the muted text, no ▲/▼, words visible on screen.
	var ns []map[string]string
	dashDo(t, ctx, "read the changes", chromedp.Evaluate(`[...document.querySelectorAll(".delta.ns, .delta.up, .delta.down")].map(d => {
		const w = d.querySelector(".words"), sr = d.querySelector(".sr"), r = w ? w.getBoundingClientRect() : null;
		return {cls: d.className, text: d.textContent, color: getComputedStyle(d).color,
			words: w ? w.textContent : "", wordsVisible: r && r.width > 1 && r.height > 1 ? "yes" : "no", sr: sr ? sr.textContent : ""};
	})`, &ns))
	var muted string
	dashDo(t, ctx, "muted colour", chromedp.Evaluate(`(() => { const p = document.createElement("span"); p.className = "muted"; document.body.append(p); const c = getComputedStyle(p).color; p.remove(); return c; })()`, &muted))
	seen := map[string]int{}
	for _, d := range ns {
		switch {
		case strings.Contains(d["cls"], "ns"):
			seen["ns"]++
			if strings.ContainsAny(d["text"], "▲▼") || d["words"] != "no significant change" || d["wordsVisible"] != "yes" || d["color"] != muted {
				t.Errorf("a non-significant change must be neutral and in words: %v (muted %s)", d, muted)
			}
		default:
			seen["sig"]++
			if !strings.ContainsAny(d["text"], "▲▼") || !strings.HasPrefix(strings.TrimSpace(d["sr"]), "significant") || d["color"] == muted {
				t.Errorf("a significant change keeps its arrow, colour and words: %v", d)
			}
		}
	}
	if seen["ns"] == 0 || seen["sig"] == 0 {
		t.Fatalf("the seed should show both kinds of change: %v", seen)
	}

	// The "?" next to a heading is a link reached by keyboard, named for screen readers.
	var label, loc string
	dashDo(t, ctx, "open the Explained page from a heading",
		chromedp.Focus(`thead a.help[href$="#sig"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement.getAttribute("aria-label")`, &label),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible("#sig", chromedp.ByID),
		chromedp.Location(&loc))
	if !strings.HasPrefix(label, "What this figure means: ") || !strings.HasSuffix(loc, "/help/figures#sig") {
		t.Fatalf("help link %q led to %s", label, loc)
	}

	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		for _, lang := range []string{"az", "ru"} {
			for _, page := range []struct{ name, path, wait string }{
				{"rankings-running", "/?period=2025-Q3", "table.rank"},
				{"rankings-complete", "/?period=2025-Q2", "table.rank"},
				{"agency-running", "/agencies/migration?period=2025-Q3", "svg.control"},
				{"agency-complete", "/agencies/migration?period=2025-Q2", "svg.control"},
				{"help", "/help/figures", "#control"},
			} {
				name := fmt.Sprintf("honest-%s-%s-%dx%d", page.name, lang, size[0], size[1])
				dashDo(t, ctx, name,
					chromedp.EmulateViewport(size[0], size[1]),
					chromedp.Navigate(e.URL+page.path+sep(page.path)+"lang="+lang),
					chromedp.WaitVisible(page.wait, chromedp.ByQuery))
				// Nothing may stick out sideways on a phone but the tables' own scrolling boxes.
				var overflow int64
				dashDo(t, ctx, name+" overflow", chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
				if overflow > 0 {
					var wide []string
					chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest(".scroll, figure.chart")).slice(0, 5).map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right))`, &wide))
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
