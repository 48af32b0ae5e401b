package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
	"github.com/qiymet/qiymet/web/i18n"
)

// A browser that opens an unknown URL sees the error page (not JSON) in its language, without sideways
// scroll on a phone, with the icon loaded; screenshots in QIYMET_SCREENSHOTS.
func TestNotFoundPageInBrowser(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := browsertest.New(t)
	for _, lang := range []string{"az", "ru"} {
		for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
			var h1, p string
			var overflow int
			var iconOK bool
			name := fmt.Sprintf("notfound-%s-%dx%d", lang, size[0], size[1])
			dashDo(t, ctx, name, chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(e.URL+"/no/such/page?lang="+lang),
				chromedp.WaitVisible("h1", chromedp.ByQuery),
				chromedp.Text("h1", &h1, chromedp.ByQuery),
				chromedp.Text(".errorpage p", &p, chromedp.ByQuery),
				chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow),
				chromedp.Evaluate(`fetch(document.querySelector('link[rel=icon]').href).then(r => r.ok && r.headers.get('content-type') === 'image/svg+xml')`, &iconOK,
					func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if h1 != i18n.T(lang, "dash.err.notfound") || p != i18n.T(lang, "dash.err.notfound.text") {
				t.Errorf("%s: h1 %q, p %q", name, h1, p)
			}
			if overflow > 0 {
				t.Errorf("%s: page scrolls sideways by %d px", name, overflow)
			}
			if !iconOK {
				t.Errorf("%s: the linked icon does not load", name)
			}
			if strings.Contains(h1+p, "{") {
				t.Errorf("%s: JSON on the page", name)
			}
			browsertest.Screenshot(t, ctx, name)
		}
	}
}
