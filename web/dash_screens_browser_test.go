package web_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
	"github.com/qiymet/qiymet/web/i18n"
)

// englishOnlyWords is the dictionary of the UI's English: every word of an en message that no az or ru
// message uses (so abbreviations and names shared by all three, such as "SMS", "PDF" or "ASAN", are out).
func englishOnlyWords() map[string]bool {
	word := regexp.MustCompile(`\p{L}+`)
	other := map[string]bool{}
	en := map[string]bool{}
	for _, k := range i18n.Keys() {
		for _, w := range word.FindAllString(i18n.T("az", k)+" "+i18n.T("ru", k), -1) {
			other[strings.ToLower(w)] = true
		}
		for _, w := range word.FindAllString(i18n.T("en", k), -1) {
			if len(w) >= 3 && isASCII(w) {
				en[strings.ToLower(w)] = true
			}
		}
	}
	for w := range other {
		delete(en, w)
	}
	// Format verbs and the "!key!" of a missing message are not words of the page.
	for _, w := range []string{"s", "d"} {
		delete(en, w)
	}
	return en
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// pageCheck is what one page at one size and language must satisfy.
type pageCheck struct {
	Overflow  int      // scrollWidth − innerWidth, ≤ 0
	Clipped   []string // chart texts outside their drawing
	Small     []string // chart texts rendered under 12 px
	Text      string   // every visible text, title and label of the page
	Tiny      []string // links and buttons with a tap area under 44 px on a phone
	Overflows []string // elements wider than the viewport
}

const pageCheckJS = `(() => {
  const out = {Overflow: document.documentElement.scrollWidth - window.innerWidth, Clipped: [], Small: [], Tiny: [], Overflows: []};
  document.querySelectorAll("svg.chart").forEach(svg => {
    const r = svg.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return; // replaced by its table at this width
    const vb = svg.viewBox.baseVal, scale = r.width / vb.width;
    svg.querySelectorAll("text").forEach(t => {
      const b = t.getBBox();
      if (b.width === 0) return;
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5)
        out.Clipped.push(svg.id + " " + t.textContent + " " + [b.x, b.y, b.width, b.height].map(Math.round).join(",") + " in " + vb.width + "x" + vb.height);
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11.9) out.Small.push(t.textContent + " at " + px.toFixed(1) + "px");
    });
  });
  const attrs = [...document.querySelectorAll("[title], [aria-label]")].map(e => (e.getAttribute("title") || "") + " " + (e.getAttribute("aria-label") || ""));
  const svgTitles = [...document.querySelectorAll("svg title, svg desc")].map(e => e.textContent);
  out.Text = document.title + "\n" + document.body.innerText + "\n" + attrs.join("\n") + "\n" + svgTitles.join("\n");
  if (window.innerWidth < 800) {
    document.querySelectorAll("a, button, summary, select, input:not([type=hidden])").forEach(e => {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || e.closest(".sr, .skip, td, .answers, .crumbs")) return;
      // A help mark enlarges its tap area with ::after (dash.css).
      const after = getComputedStyle(e, "::after");
      const extra = after.content !== "none" && after.position === "absolute" ? 2 * Math.abs(parseFloat(after.top) || 0) : 0;
      if (r.height + extra < 43.5 && !(e.tagName === "A" && e.closest("p, li, h2, h1") && !e.closest(".langs, nav"))) out.Tiny.push(e.tagName + " " + (e.textContent || e.name).trim().slice(0, 30) + " " + Math.round(r.height));
    });
  }
  document.querySelectorAll("body *").forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && !e.closest(".scroll, figure.chart") && getComputedStyle(e).position !== "fixed")
      out.Overflows.push(e.tagName + "." + e.className + " " + Math.round(r.right));
  });
  out.Overflows = out.Overflows.slice(0, 8);
  return out;
})()`

// TestDashboardOnEveryScreen opens every dashboard page a manager sees at 360×740, 390×844 and 1366×768 in
// az, en and ru: no sideways page scroll, no chart label outside its drawing or under 12 px, phone tap
// targets of 44 px, no English UI word on an az or ru page, and no serious or critical axe-core violation.
// Screenshots of each go to /tmp/qiymet-screenshots (screens-*.png).
func TestDashboardOnEveryScreen(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	english := englishOnlyWords()
	if len(english) < 200 || !english["rankings"] || english["sms"] {
		t.Fatalf("the English dictionary looks wrong: %d words", len(english))
	}
	word := regexp.MustCompile(`\p{L}+`)
	email := regexp.MustCompile(`\S+@\S+`)
	pages := []struct{ name, path, wait string }{
		{"landing", "/?period=2025-Q3", "#rank-in-group"},
		{"rankings", "/rankings?period=2025-Q3", "table.rank"},
		{"agency", "/agencies/migration?period=2025-Q3", "svg.trend"},
		{"help", "/help/figures", "#main h1"},
	}
	for _, size := range [][2]int64{{360, 740}, {390, 844}, {1366, 768}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			// A browser per screen size: each has browsertest's time budget to itself.
			ctx := browsertest.New(t)
			dashDo(t, ctx, "sign in",
				chromedp.Navigate(e.URL+"/login?lang=az"),
				chromedp.SendKeys("#email", e.Users["managerA"], chromedp.ByID),
				chromedp.SendKeys("#password", testPassword, chromedp.ByID),
				chromedp.Submit("#password", chromedp.ByID),
				chromedp.WaitVisible("#rank-in-group", chromedp.ByID))
			for _, lang := range []string{"az", "en", "ru"} {
				for _, pg := range pages {
					name := fmt.Sprintf("screens-%s-%s-%dx%d", pg.name, lang, size[0], size[1])
					var c pageCheck
					dashDo(t, ctx, name, chromedp.EmulateViewport(size[0], size[1]),
						chromedp.Navigate(e.URL+pg.path+sep(pg.path)+"lang="+lang), chromedp.WaitReady(pg.wait, chromedp.ByQuery),
						chromedp.Evaluate(pageCheckJS, &c))
					if c.Overflow > 0 {
						t.Errorf("%s: the page scrolls sideways by %d px: %v", name, c.Overflow, c.Overflows)
					}
					if len(c.Clipped) > 0 {
						t.Errorf("%s: clipped chart labels: %v", name, c.Clipped)
					}
					if len(c.Small) > 0 {
						t.Errorf("%s: chart text under 12 px: %v", name, c.Small[:min(len(c.Small), 5)])
					}
					if len(c.Tiny) > 0 {
						t.Errorf("%s: tap targets under 44 px: %v", name, c.Tiny)
					}
					if lang != "en" {
						var found []string
						for _, w := range word.FindAllString(email.ReplaceAllString(c.Text, " "), -1) {
							if english[strings.ToLower(w)] {
								found = append(found, w)
							}
						}
						if len(found) > 0 {
							sort.Strings(found)
							t.Errorf("%s: English words on a %s page: %v", name, lang, found)
						}
					}
					if size[0] != 360 || lang == "az" {
						browsertest.Screenshot(t, ctx, name)
					}
					if size[0] == 390 || (size[0] == 1366 && lang == "az") {
						for _, v := range browsertest.Axe(t, ctx) {
							t.Errorf("%s: axe %s (%s): %s %v", name, v.ID, v.Impact, v.Help, v.Nodes)
						}
					}
				}
			}
		})
	}
}
