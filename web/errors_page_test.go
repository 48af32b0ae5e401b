package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/web/i18n"
)

// browserAccept is what Chromium sends for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// An unknown URL opened in a browser is an HTML page in the reader's language with a way back; JSON clients
// and /api/ keep the JSON error object.
func TestErrorPagesForBrowsers(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	for _, c := range []struct{ lang, hdr, val string }{
		{"az", "X-None", "1"}, // nothing said: az
		{"ru", "Accept-Language", "ru-RU,ru;q=0.9"},
		{"en", "Cookie", "lang=en"},
		{"ru", "X-Unused", "1"}, // ?lang= below
	} {
		path := "/no/such/page"
		if c.hdr == "X-Unused" {
			path += "?lang=ru"
		}
		r := e.page(t, http.MethodGet, path, "", nil, "Accept", browserAccept, c.hdr, c.val)
		body := string(r.Body)
		if r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", c.lang, r.Status, r.Header.Get("Content-Type"))
		}
		for _, want := range []string{`<html lang="` + c.lang + `">`, "<h1>" + i18n.T(c.lang, "dash.err.notfound") + "</h1>",
			i18n.T(c.lang, "dash.err.notfound.text"), `href="/login">` + i18n.T(c.lang, "dash.signin"),
			`rel="icon"`, `rel="manifest"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", c.lang, want)
			}
		}
		if json.Valid(r.Body) || strings.Contains(body, "no such resource") || strings.Contains(body, `"error"`) {
			t.Errorf("%s: developer text or JSON on the page: %s", c.lang, body)
		}
	}

	// A wrong method in a browser: 405, a page.
	r := e.page(t, http.MethodDelete, "/login", "", nil, "Accept", browserAccept, "Accept-Language", "az")
	if r.Status != http.StatusMethodNotAllowed || !strings.Contains(string(r.Body), i18n.T("az", "dash.err.method")) {
		t.Errorf("405 page: %d %s", r.Status, r.Body)
	}

	// JSON for JSON clients, curl's */* and anything under /api/, whatever the Accept.
	for _, c := range []struct{ path, accept string }{
		{"/no/such/page", "application/json"},
		{"/no/such/page", "*/*"},
		{"/no/such/page", "application/json, text/html;q=0.5"},
		{"/api/v1/no-such", browserAccept},
	} {
		r := e.page(t, http.MethodGet, c.path, "", nil, "Accept", c.accept)
		if r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s (%s): %d %s", c.path, c.accept, r.Status, r.Header.Get("Content-Type"))
		}
		if code, _ := errorOf(t, r.JSON()); code != "not_found" {
			t.Errorf("%s (%s): code %q", c.path, c.accept, code)
		}
	}
}

// A bad period on a dashboard page names the field in the reader's words with what it expects, and never
// the parser's message.
func TestErrorPageFieldInWords(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	for _, lang := range []string{"az", "en", "ru"} {
		r := e.page(t, http.MethodGet, "/?period=garbage&lang="+lang, analyst, nil, "Accept", browserAccept)
		body := string(r.Body)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d", lang, r.Status)
		}
		want := i18n.T(lang, "dash.err.field", i18n.T(lang, "dash.field.period"), i18n.T(lang, "dash.field.period.want"))
		if !strings.Contains(body, want) {
			t.Errorf("%s: lacks %q", lang, want)
		}
		for _, dev := range []string{"want YYYY", "invalid period", `"garbage"`, "invalid_field"} {
			if strings.Contains(body, dev) {
				t.Errorf("%s: developer text %q on the page", lang, dev)
			}
		}
		// The heading is not repeated as the body.
		title := i18n.T(lang, "dash.err.invalid")
		if strings.Count(body, title) != 2 { // <title> and <h1>
			t.Errorf("%s: heading %q appears %d times", lang, title, strings.Count(body, title))
		}
	}
	// Signed in, an unknown URL links back to the rankings.
	nf := e.page(t, http.MethodGet, "/no/such/page?lang=en", analyst, nil, "Accept", browserAccept)
	if nf.Status != http.StatusNotFound || !strings.Contains(string(nf.Body), `href="/rankings">`+i18n.T("en", "dash.back")) {
		t.Errorf("signed-in 404: %d, no way back to the rankings", nf.Status)
	}
	r := e.page(t, http.MethodGet, "/?from=2025-09-30&to=2025-07-01&lang=ru", analyst, nil)
	if want := i18n.T("ru", "dash.field.to"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), want) {
		t.Errorf("to before from: %d, lacks %q", r.Status, want)
	}
}

func TestFaviconAndManifest(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	r := e.get(t, "/favicon.ico", "")
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(r.Body), "<svg") {
		t.Fatalf("favicon: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if s := e.get(t, "/static/dash/icon.svg", ""); s.Status != 200 || string(s.Body) != string(r.Body) {
		t.Fatalf("linked icon: %d", s.Status)
	}
	r = e.get(t, "/manifest.webmanifest", "")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("manifest: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	var m struct {
		Name       string `json:"name"`
		StartURL   string `json:"start_url"`
		Display    string `json:"display"`
		ThemeColor string `json:"theme_color"`
		Lang       string `json:"lang"`
		Icons      []struct{ Src, Type string }
	}
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m.StartURL != "/" || m.Display != "standalone" || m.Lang != "az" || !strings.Contains(m.Name, "Qiymət") ||
		len(m.Icons) != 1 || m.Icons[0].Src != "/static/dash/icon.svg" {
		t.Errorf("manifest: %s", r.Body)
	}
	// The theme colour is the layout header's.
	css := e.get(t, "/static/dash/dash.css", "")
	_, top, _ := strings.Cut(string(css.Body), "\n.top {")
	top, _, _ = strings.Cut(top, "}")
	if m.ThemeColor == "" || !strings.Contains(top, "background: "+m.ThemeColor+";") {
		t.Errorf("theme colour %q is not the header's", m.ThemeColor)
	}
}
