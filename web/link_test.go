package web_test

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/boombuler/barcode/qr"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
)

// newInvitation creates an invitation through the API and returns its token.
func newInvitation(t *testing.T, env *testEnv, visit string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"agency": "migration", "service": "temp-residence", "center": "baku-1", "visit_id": visit}
	for k, v := range extra {
		body[k] = v
	}
	st, b := env.postJSON(t, "/api/v1/invitations", env.APIKey, body)
	if st != http.StatusCreated {
		t.Fatalf("invitation: %d %v", st, b)
	}
	return b["token"].(string)
}

// page fetches a link page like a browser would.
func page(t *testing.T, env *testEnv, method, path string, form url.Values, hdr map[string]string) testResponse {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, env.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

func wantPage(t *testing.T, r testResponse, status int, lang string, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if !bytes.Contains(r.Body, []byte(`<html lang="`+lang+`">`)) {
		t.Fatalf("page is not in %s:\n%s", lang, r.Body)
	}
	if m := inlineCode.Find(r.Body); m != nil {
		t.Fatalf("inline code the CSP would block: %q", m)
	}
	for _, s := range texts {
		if !bytes.Contains(r.Body, []byte(s)) {
			t.Fatalf("page lacks %q:\n%s", s, r.Body)
		}
	}
}

func TestLinkPages(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			env := newTestEnv(t, d)

			// The invitation answer carries the link, its QR code and ready SMS texts.
			st, inv := env.postJSON(t, "/api/v1/invitations", env.APIKey, map[string]any{"agency": "migration",
				"service": "temp-residence", "center": "baku-1", "visit_id": "Q-1"})
			if st != 201 {
				t.Fatalf("invitation: %d %v", st, inv)
			}
			tok := inv["token"].(string)
			if inv["url"] != env.BaseURL+"/r/"+tok || inv["qr"] != env.BaseURL+"/r/"+tok+"/qr.png" {
				t.Fatalf("links: %v", inv)
			}
			sms := inv["sms"].(map[string]any)
			if !strings.Contains(sms["az"].(string), "qiymətləndirin") || !strings.Contains(sms["ru"].(string), env.BaseURL+"/r/"+tok) {
				t.Fatalf("sms: %v", sms)
			}
			path := "/r/" + tok

			// Language: ?lang=, then Accept-Language, then az.
			wantPage(t, page(t, env, "GET", path+"?lang=ru", nil, map[string]string{"Accept-Language": "en"}), 200, "ru",
				"Государственная миграционная служба", "Насколько вы довольны в целом?", "Отлично", "Очень плохо",
				`name="overall" id="q-overall-5" value="5"`, "Разрешение на временное проживание")
			wantPage(t, page(t, env, "GET", path, nil, map[string]string{"Accept-Language": "en-GB,en;q=0.8"}), 200, "en",
				"State Migration Service", "Overall, how satisfied are you?", "Excellent", "(required)")
			r := page(t, env, "GET", path, nil, nil)
			wantPage(t, r, 200, "az", "Dövlət Miqrasiya Xidməti", "Xidmətdən ümumi razılığınız?", "Əla", "Çox pis", "Bəli", "Xeyr", "Şərhiniz")
			if r.Header.Get("Referrer-Policy") != "no-referrer" || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("headers: %v", r.Header)
			}

			// Bad input: a clear error in the page's language, nothing stored, the link still usable.
			for _, c := range []struct {
				name string
				form url.Values
				want string
			}{
				{"no primary", url.Values{"lang": {"en"}, "waiting": {"4"}}, "Please choose an answer to the first question."},
				{"out of range", url.Values{"lang": {"az"}, "overall": {"9"}}, "Bu cavab qəbul edilmədi"},
				{"not a number", url.Values{"lang": {"ru"}, "overall": {"five"}}, "Этот ответ не принят"},
				{"bad yes/no", url.Values{"lang": {"en"}, "overall": {"5"}, "resolved": {"maybe"}}, "could not be accepted"},
				{"long comment", url.Values{"lang": {"en"}, "overall": {"5"}, "comment": {strings.Repeat("ə", 2001)}}, "at most 2,000 characters"},
			} {
				r := page(t, env, "POST", path, c.form, nil)
				wantPage(t, r, http.StatusUnprocessableEntity, c.form.Get("lang"), c.want, `role="alert"`, `aria-invalid="true"`)
			}
			// The answers given are kept on the re-shown form.
			r = page(t, env, "POST", path, url.Values{"lang": {"en"}, "waiting": {"4"}, "comment": {"kept <text>"}}, nil)
			wantPage(t, r, 422, "en", `value="4" checked`, "kept &lt;text&gt;")

			// A cross-site post is refused.
			r = page(t, env, "POST", path, url.Values{"overall": {"5"}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
			wantPage(t, r, http.StatusForbidden, "az", "Sorğu rədd edildi")
			r = page(t, env, "POST", path, url.Values{"overall": {"5"}}, map[string]string{"Origin": "https://evil.example"})
			if r.Status != http.StatusForbidden {
				t.Fatalf("foreign Origin: %d", r.Status)
			}
			if n := env.countResponses(t); n != 0 {
				t.Fatalf("bad posts stored %d responses", n)
			}

			// The rating.
			r = page(t, env, "POST", path+"?lang=en", url.Values{"lang": {"ru"}, "overall": {"4"}, "waiting": {"3"},
				"resolved": {"yes"}, "courtesy": {""}, "comment": {"  Çox sağ olun!  "}}, map[string]string{"Sec-Fetch-Site": "same-origin"})
			wantPage(t, r, 200, "ru", "Спасибо!")
			var row struct {
				Channel, Answers, Comment, Lang, Agency, Service, Center string
			}
			if err := env.Store.DB().NewSelect().Table("responses").
				ColumnExpr("channel, answers, comment, lang, agency_code AS agency, service_code AS service, center_code AS center").
				Scan(context.Background(), &row.Channel, &row.Answers, &row.Comment, &row.Lang, &row.Agency, &row.Service, &row.Center); err != nil {
				t.Fatal(err)
			}
			if row.Channel != "link" || row.Answers != `{"overall":4,"resolved":true,"waiting":3}` || row.Comment != "Çox sağ olun!" ||
				row.Lang != "ru" || row.Agency != "migration" || row.Service != "temp-residence" || row.Center != "baku-1" {
				t.Fatalf("stored %+v", row)
			}

			// Used: the second attempt, by GET or POST, shows the already-rated page with 409.
			wantPage(t, page(t, env, "GET", path+"?lang=en", nil, nil), http.StatusConflict, "en", "This visit has already been rated")
			wantPage(t, page(t, env, "POST", path, url.Values{"lang": {"az"}, "overall": {"1"}}, nil), http.StatusConflict, "az",
				"Bu gəliş artıq qiymətləndirilib")
			if n := env.countResponses(t); n != 1 {
				t.Fatalf("%d responses, want 1", n)
			}

			// Double click: two posts at once, the first wins, the other sees the used page.
			tok2 := newInvitation(t, env, "Q-2", nil)
			statuses := sendAtOnce(t, 2, func() *http.Request {
				req, _ := http.NewRequest("POST", env.URL+"/r/"+tok2, strings.NewReader("overall=5"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return req
			})
			if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
				t.Fatalf("double click: %v", statuses)
			}
			if n := env.countResponses(t); n != 2 {
				t.Fatalf("%d responses, want 2", n)
			}

			// Expired: 410 for the page and the post; nothing stored.
			tok3 := newInvitation(t, env, "Q-3", map[string]any{"expires_in": 60})
			env.Clock.Advance(61 * time.Second)
			wantPage(t, page(t, env, "GET", "/r/"+tok3+"?lang=ru", nil, nil), http.StatusGone, "ru", "Срок действия ссылки истёк")
			wantPage(t, page(t, env, "POST", "/r/"+tok3, url.Values{"overall": {"5"}}, nil), http.StatusGone, "az", "Keçidin müddəti bitib")

			// Unknown: 404.
			for _, p := range []string{"/r/AAAAAAAAAAAAAAAAAAAAAAAA", "/r/" + strings.Repeat("x", 300), "/r/%00"} {
				wantPage(t, page(t, env, "GET", p+"?lang=en", nil, nil), http.StatusNotFound, "en", "Link not found")
			}
			wantPage(t, page(t, env, "POST", "/r/nope", url.Values{"overall": {"5"}}, nil), http.StatusNotFound, "az", "Keçid tapılmadı")
			if n := env.countResponses(t); n != 2 {
				t.Fatalf("%d responses, want 2", n)
			}

			// The QR code of the link (for any known token, also used ones).
			r = page(t, env, "GET", path+"/qr.png", nil, nil)
			if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("qr: %d %v", r.Status, r.Header)
			}
			if !qrMatches(t, r.Body, env.BaseURL+"/r/"+tok) {
				t.Fatalf("qr.png does not encode the link")
			}
			if r := page(t, env, "GET", "/r/nope/qr.png", nil, nil); r.Status != 404 {
				t.Fatalf("qr of an unknown token: %d", r.Status)
			}
			if r := page(t, env, "GET", path+"/qr.png?size=99999", nil, nil); r.Status != 422 {
				t.Fatalf("qr size: %d", r.Status)
			}
		})
	}
}

// qrMatches reports whether a QR PNG shows exactly the module grid of an independent encoding of text, with
// a white 4-module quiet zone and whole pixels per module. (No QR decoder is among the dependencies; matching
// the grid proves the image carries that text.)
func qrMatches(t *testing.T, pngBytes []byte, text string) bool {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		t.Fatal(err)
	}
	n := code.Bounds().Dx()
	w := img.Bounds().Dx()
	if img.Bounds().Dy() != w || w%(n+8) != 0 {
		return false
	}
	scale := w / (n + 8)
	dark := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r < 0x8000 }
	for my := -4; my < n+4; my++ {
		for mx := -4; mx < n+4; mx++ {
			want := false
			if mx >= 0 && my >= 0 && mx < n && my < n {
				r, _, _, _ := code.At(mx, my).RGBA()
				want = r == 0
			}
			// Both corners of the module must agree: modules are whole pixels.
			x0, y0 := (mx+4)*scale, (my+4)*scale
			if dark(x0, y0) != want || dark(x0+scale-1, y0+scale-1) != want {
				return false
			}
		}
	}
	return true
}

// TestLinkThanksAndRetries: a bad rating is thanked without a smile, as on the kiosk; posting the same form
// twice (a double tap: the form's own id) is thanked twice and stored once; the line breaks of a comment, which
// a browser sends as CRLF, count as the textarea's maxlength counts them (one each); and a slash typed after the
// link still opens the form.
func TestLinkThanksAndRetries(t *testing.T) {
	formID := regexp.MustCompile(`name="id" value="([0-9a-f-]{36})"`)
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			env := newTestEnv(t, d)
			sameOrigin := map[string]string{"Sec-Fetch-Site": "same-origin"}

			// A slash after the token: the link's own form.
			path := "/r/" + newInvitation(t, env, "T-1", nil)
			wantPage(t, page(t, env, "GET", path+"/?lang=ru", nil, nil), http.StatusOK, "ru", "Государственная миграционная служба")

			// The form carries an id; posting it twice stores one response and thanks both times.
			m := formID.FindSubmatch(page(t, env, "GET", path, nil, nil).Body)
			if m == nil {
				t.Fatal("the form carries no id")
			}
			bad := url.Values{"id": {string(m[1])}, "lang": {"az"}, "overall": {"1"}, "resolved": {"no"}}
			for i := range 2 {
				r := page(t, env, "POST", path, bad, sameOrigin)
				wantPage(t, r, http.StatusOK, "az", "Təşəkkür edirik — bunu araşdıracağıq", "Rəyiniz qeydə alındı və xidmətin rəhbərliyinə çatacaq.")
				if bytes.Contains(r.Body, []byte(`class="face`)) {
					t.Fatalf("post %d: a face on the thank-you of a bad rating", i+1)
				}
			}
			var id string
			if err := env.Store.DB().NewSelect().Table("responses").Column("id").Scan(context.Background(), &id); err != nil || id != string(m[1]) {
				t.Fatalf("stored id %q (%v), want the form's %s", id, err, m[1])
			}
			if n := env.countResponses(t); n != 1 {
				t.Fatalf("%d responses after a double tap, want 1", n)
			}
			// The same form posted with other answers (another tab): the link is used.
			wantPage(t, page(t, env, "POST", path, url.Values{"id": {string(m[1])}, "overall": {"5"}}, sameOrigin), http.StatusConflict, "az")
			// An id that is not a UUID is not taken; the post is stored under an id of the server's.
			path2 := "/r/" + newInvitation(t, env, "T-2", nil)
			r := page(t, env, "POST", path2, url.Values{"id": {"<x>"}, "lang": {"ru"}, "overall": {"5"}}, sameOrigin)
			wantPage(t, r, http.StatusOK, "ru", "Спасибо!", `class="face`)
			if bytes.Contains(r.Body, []byte("разберёмся")) {
				t.Fatal("a good rating thanked as a bad one")
			}

			// 40 lines of 49 letters and 39 line breaks: 1,999 characters as the textarea counts them.
			lines := make([]string, 40)
			for i := range lines {
				lines[i] = strings.Repeat("ə", 49)
			}
			path3 := "/r/" + newInvitation(t, env, "T-3", nil)
			r = page(t, env, "POST", path3, url.Values{"lang": {"en"}, "overall": {"4"}, "comment": {strings.Join(lines, "\r\n")}}, sameOrigin)
			wantPage(t, r, http.StatusOK, "en", "Thank you!")
			var comment string
			if err := env.Store.DB().NewSelect().Table("responses").Column("comment").Where("comment IS NOT NULL").Scan(context.Background(), &comment); err != nil {
				t.Fatal(err)
			}
			if comment != strings.Join(lines, "\n") {
				t.Fatalf("stored comment of %d characters, want the lines joined by LF", utf8.RuneCountInString(comment))
			}
			if n := env.countResponses(t); n != 3 {
				t.Fatalf("%d responses, want 3", n)
			}
		})
	}
}

func TestQRPNG(t *testing.T) {
	for _, c := range []struct {
		text string
		size int
	}{{"https://rate.example.az/r/abc", 360}, {"https://rate.example.az/kiosk/enrol/qp_" + strings.Repeat("Z", 43), 200}, {"x", 64}} {
		b, err := web.QRPNG(c.text, c.size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() > c.size || img.Bounds().Dx() < c.size/2 {
			t.Fatalf("%d px for size %d", img.Bounds().Dx(), c.size)
		}
		if !qrMatches(t, b, c.text) {
			t.Fatalf("QR of %q does not show its text", c.text)
		}
		if qrMatches(t, b, c.text+"?") {
			t.Fatalf("QR of %q also matches another text: the check proves nothing", c.text)
		}
	}
	for _, c := range []struct {
		text string
		size int
	}{{"", 200}, {"x", 10}, {"x", 5000}} {
		if _, err := web.QRPNG(c.text, c.size); err == nil {
			t.Fatalf("QRPNG(%q, %d) did not fail", c.text, c.size)
		}
	}
}

func TestLinkRateLimits(t *testing.T) {
	// Scale 0.1: one client IP may burst 3 link requests, then one every 10 s; an API key bursts 100.
	env := newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 0.1})
	tok := newInvitation(t, env, "Q-9", nil)
	var got []int
	var limited testResponse
	for i := 0; i < 5; i++ {
		r := page(t, env, "GET", "/r/"+tok+"?lang=ru", nil, nil)
		got = append(got, r.Status)
		if r.Status == http.StatusTooManyRequests {
			limited = r
		}
	}
	if got[0] != 200 || got[2] != 200 || got[3] != 429 || got[4] != 429 {
		t.Fatalf("statuses %v, want 3×200 then 429", got)
	}
	wantPage(t, limited, 429, "ru", "Слишком много запросов")
	if ra := limited.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("429 without Retry-After")
	}
	// The post and the QR code count too, and nothing is stored while limited.
	if r := page(t, env, "POST", "/r/"+tok, url.Values{"overall": {"5"}}, nil); r.Status != 429 {
		t.Fatalf("post: %d", r.Status)
	}
	if r := page(t, env, "GET", "/r/"+tok+"/qr.png", nil, nil); r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("qr: %d", r.Status)
	}
	if n := env.countResponses(t); n != 0 {
		t.Fatalf("stored %d while limited", n)
	}

	// Per API key on POST /api/v1/invitations.
	env2 := newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 0.002}) // API key: burst 2, one per second
	var last int
	var hdr http.Header
	for i := 0; i < 4; i++ {
		r := env2.do(t, "POST", "/api/v1/invitations", env2.APIKey, map[string]any{"agency": "migration", "visit_id": "V" + string(rune('a'+i))})
		last, hdr = r.Status, r.Header
		if r.Status == 429 {
			if i < 2 {
				t.Fatalf("limited after %d requests", i)
			}
			if code, _ := errorOf(t, r.JSON()); code != "rate_limited" {
				t.Fatalf("code %s", code)
			}
			break
		}
	}
	if last != 429 || hdr.Get("Retry-After") == "" {
		t.Fatalf("API key never limited: %d", last)
	}
}
