package web_test

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestKioskAPI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			env := newTestEnv(t, d)
			ctx := context.Background()

			// Enrolment: a one-time code for a token; the code works once, the printed token is replaced.
			code, err := env.Store.NewPairingCode(ctx, env.Kiosk.ID)
			if err != nil {
				t.Fatal(err)
			}
			status, body := env.postJSON(t, "/api/v1/kiosk/pair", "", map[string]string{"code": code})
			if status != http.StatusOK {
				t.Fatalf("pair: %d %v", status, body)
			}
			tok := body["token"].(string)
			if k := body["kiosk"].(map[string]any); k["center"] != "baku-1" || k["name"] != "Exit 1" {
				t.Fatalf("pair kiosk: %v", k)
			}
			for _, c := range []struct {
				name   string
				body   any
				status int
				code   string
			}{
				{"used code", map[string]string{"code": code}, 404, "not_found"},
				{"garbage code", map[string]string{"code": "qp_nothing"}, 404, "not_found"},
				{"malformed JSON", `{"code":`, 400, "invalid_json"},
				{"unknown field", `{"code":"x","kiosk":1}`, 422, "invalid_field"},
			} {
				st, b := env.postJSON(t, "/api/v1/kiosk/pair", "", c.body)
				if st != c.status {
					t.Fatalf("%s: status %d, want %d (%v)", c.name, st, c.status, b)
				}
				if got, _ := errorOf(t, b); got != c.code {
					t.Fatalf("%s: code %s, want %s", c.name, got, c.code)
				}
			}

			// Configuration.
			r := env.get(t, "/api/v1/kiosk/config", tok)
			if r.Status != http.StatusOK {
				t.Fatalf("config: %d %s", r.Status, r.Body)
			}
			cfg := r.JSON()
			if cfg["center"].(map[string]any)["code"] != "baku-1" ||
				cfg["center"].(map[string]any)["name"].(map[string]any)["az"] != "Bakı 1 nömrəli ASAN xidmət mərkəzi" {
				t.Fatalf("center: %v", cfg["center"])
			}
			ags := cfg["agencies"].([]any)
			var codes []string
			for _, a := range ags {
				codes = append(codes, a.(map[string]any)["code"].(string))
			}
			if strings.Join(codes, ",") != "justice,migration,property" {
				t.Fatalf("agencies: %v", codes)
			}
			mig := ags[1].(map[string]any)
			if mig["name"].(map[string]any)["ru"] != "Государственная миграционная служба" {
				t.Fatalf("agency name: %v", mig["name"])
			}
			sv := mig["survey"].(map[string]any)
			qs := sv["questions"].([]any)
			if sv["primary"] != "overall" || sv["version"] != float64(1) || len(qs) != 5 ||
				qs[0].(map[string]any)["text"].(map[string]any)["en"] != "Overall, how satisfied are you?" {
				t.Fatalf("survey: %v", sv)
			}
			if cfg["burst_seconds"] != float64(3) || cfg["idle_seconds"] != float64(30) || cfg["reset_seconds"] != float64(6) ||
				cfg["heartbeat_seconds"] != float64(60) {
				t.Fatalf("settings: %v", cfg)
			}
			if st, _ := time.Parse(time.RFC3339Nano, cfg["server_time"].(string)); !st.Equal(env.Clock.Now()) {
				t.Fatalf("server_time %v, want the store clock %v", cfg["server_time"], env.Clock.Now())
			}
			if r := env.get(t, "/api/v1/kiosk/config", env.KioskToken); r.Status != http.StatusUnauthorized {
				t.Fatalf("the replaced token still reads the config: %d", r.Status)
			}
			if r := env.get(t, "/api/v1/kiosk/config", env.APIKey); r.Status != http.StatusForbidden {
				t.Fatalf("an API key reads a kiosk config: %d", r.Status)
			}
			if r := env.get(t, "/api/v1/kiosk/config", ""); r.Status != http.StatusUnauthorized {
				t.Fatalf("no credential: %d", r.Status)
			}

			// Heartbeat.
			env.Clock.Advance(90 * time.Second)
			if st, b := env.postJSON(t, "/api/v1/kiosk/heartbeat", tok, map[string]any{"version": "1.0.0", "queue_length": 4}); st != 200 {
				t.Fatalf("heartbeat: %d %v", st, b)
			}
			for _, c := range []struct {
				body  string
				field string
			}{
				{`{"version":"","queue_length":0}`, "version"},
				{`{"version":"1.0","queue_length":-3}`, "queue_length"},
				{`{"version":"1.0","queue_length":"many"}`, "queue_length"},
			} {
				st, b := env.postJSON(t, "/api/v1/kiosk/heartbeat", tok, c.body)
				if code, field := errorOf(t, b); st != 422 || code != "invalid_field" || field != c.field {
					t.Fatalf("heartbeat %s: %d %v", c.body, st, b)
				}
			}
			if st, _ := env.postJSON(t, "/api/v1/kiosk/heartbeat", env.APIKey, `{"version":"1","queue_length":0}`); st != 403 {
				t.Fatalf("heartbeat with an API key: %d", st)
			}
			ks, err := env.Store.ListKiosks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ks[0].LastSeenUS != env.Clock.Now().UnixMicro() || ks[0].AppVersion != "1.0.0" || ks[0].QueueLen != 4 {
				t.Fatalf("heartbeat not stored (or a bad one changed it): %+v", ks[0])
			}

			// Submissions with the device token: the client's UUID makes a resend harmless.
			sub := map[string]any{"id": "7d9f3c1e-2b4a-4c5d-8e6f-0a1b2c3d4e5f", "agency": "migration",
				"answers": map[string]any{"overall": 5}, "lang": "az",
				"submitted_at": env.Clock.Now().Add(-time.Minute).Format(time.RFC3339)}
			if st, b := env.postJSON(t, "/api/v1/responses", tok, sub); st != 201 {
				t.Fatalf("submit: %d %v", st, b)
			}
			if st, b := env.postJSON(t, "/api/v1/responses", tok, sub); st != 200 || b["id"] != sub["id"] {
				t.Fatalf("resend: %d %v", st, b)
			}
			if n := env.countResponses(t); n != 1 {
				t.Fatalf("%d responses stored, want 1", n)
			}

			// Revocation shuts the tablet out at once.
			if err := env.Store.RevokeKiosk(ctx, env.Kiosk.ID); err != nil {
				t.Fatal(err)
			}
			if r := env.get(t, "/api/v1/kiosk/config", tok); r.Status != http.StatusUnauthorized {
				t.Fatalf("revoked kiosk reads its config: %d", r.Status)
			}
		})
	}
}

func TestKioskPairExpired(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	code, err := env.Store.NewPairingCode(context.Background(), env.Kiosk.ID)
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(survey.PairingTTL + time.Second)
	st, b := env.postJSON(t, "/api/v1/kiosk/pair", "", map[string]string{"code": code})
	if code, _ := errorOf(t, b); st != http.StatusGone || code != "token_expired" {
		t.Fatalf("expired code: %d %v", st, b)
	}
	if r := env.get(t, "/api/v1/kiosk/config", env.KioskToken); r.Status != 200 {
		t.Fatalf("a failed enrolment changed the token: %d", r.Status)
	}
}

var inlineCode = regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=`)

func TestKioskAppFiles(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	for _, c := range []struct{ path, ctype string }{
		{"/kiosk/", "text/html; charset=utf-8"},
		{"/kiosk/enrol/qp_whatever", "text/html; charset=utf-8"},
		{"/kiosk/app.js", "text/javascript; charset=utf-8"},
		{"/kiosk/enrol.js", "text/javascript; charset=utf-8"},
		{"/kiosk/app.css", "text/css; charset=utf-8"},
		{"/kiosk/strings.json", "application/json; charset=utf-8"},
	} {
		r := env.get(t, c.path, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != c.ctype {
			t.Fatalf("%s: %d %s", c.path, r.Status, r.Header.Get("Content-Type"))
		}
		if !strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Fatalf("%s: no strict CSP", c.path)
		}
		if strings.HasSuffix(c.ctype, "html; charset=utf-8") {
			if m := inlineCode.Find(r.Body); m != nil {
				t.Fatalf("%s has inline code the CSP would block: %q", c.path, m)
			}
			if r.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("%s: Referrer-Policy %q", c.path, r.Header.Get("Referrer-Policy"))
			}
		}
		// Revalidation: unchanged files are not sent again.
		req, _ := http.NewRequest("GET", env.URL+c.path, nil)
		req.Header.Set("If-None-Match", r.Header.Get("ETag"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Fatalf("%s with its ETag: %d", c.path, resp.StatusCode)
		}
	}
	for _, p := range []string{"/kiosk/nope.js", "/kiosk/index.html", "/kiosk/enrol.html", "/kiosk/../go.mod"} {
		if r := env.get(t, p, ""); r.Status != 404 && r.Status != 301 {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}
	// /kiosk redirects to the app.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(env.URL + "/kiosk")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/kiosk/" {
		t.Fatalf("/kiosk: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Every kiosk text in all three languages, with the same keys.
	r := env.get(t, "/kiosk/strings.json", "")
	all := r.JSON()
	keysOf := func(l string) string {
		var ks []string
		for k, v := range all[l].(map[string]any) {
			if strings.TrimSpace(v.(string)) == "" {
				t.Fatalf("%s %s is empty", l, k)
			}
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	if keysOf("az") != keysOf("en") || keysOf("az") != keysOf("ru") || !strings.Contains(keysOf("az"), "kiosk.attract.title") {
		t.Fatalf("kiosk strings differ between languages")
	}
	if all["az"].(map[string]any)["citizen.thanks.title"] != "Təşəkkür edirik!" ||
		all["ru"].(map[string]any)["kiosk.staff.offline"] != "Нет связи" {
		t.Fatalf("strings: %v", all["az"])
	}
}

func TestKioskAppRateLimit(t *testing.T) {
	// Scale 0.05: a kiosk may burst 6 requests, then one every 4 s.
	env := newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 0.05})
	tok := env.KioskToken
	_, tok2, err := env.Store.AddKiosk(context.Background(), "ganja", "Ganja hall", "")
	if err != nil {
		t.Fatal(err)
	}
	var limited *testResponse
	for i := 0; i < 10; i++ {
		r := env.get(t, "/api/v1/kiosk/config", tok)
		if r.Status == http.StatusTooManyRequests {
			limited = &r
			if i < 6 {
				t.Fatalf("limited after %d requests, the burst is 6", i)
			}
			break
		}
		if r.Status != 200 {
			t.Fatalf("config: %d", r.Status)
		}
	}
	if limited == nil {
		t.Fatal("10 requests in a row were never limited")
	}
	if ra := limited.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("429 without Retry-After: %v", limited.Header)
	}
	if code, _ := errorOf(t, limited.JSON()); code != "rate_limited" {
		t.Fatalf("code %s", code)
	}
	// Per kiosk: the limited kiosk's heartbeat is refused too, the other kiosk goes on.
	if st, _ := env.postJSON(t, "/api/v1/kiosk/heartbeat", tok, `{"version":"1","queue_length":0}`); st != 429 {
		t.Fatalf("heartbeat of a limited kiosk: %d", st)
	}
	if r := env.get(t, "/api/v1/kiosk/config", tok2); r.Status != 200 {
		t.Fatalf("another kiosk was limited: %d", r.Status)
	}
}
