package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey/storetest"
)

const validBody = `{"id":"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01","agency":"migration","service":"temp-residence","center":"baku-1","answers":{"overall":5,"waiting":4,"resolved":true},"comment":"Tez və nəzakətli.","lang":"az"}`

// padTo pads a JSON object with insignificant whitespace before its closing brace to exactly n bytes.
func padTo(t testing.TB, body string, n int) string {
	t.Helper()
	if len(body) > n {
		t.Fatalf("body already %d bytes", len(body))
	}
	return body[:len(body)-1] + strings.Repeat(" ", n-len(body)) + "}"
}

// storedString reads one column of a stored response.
func (e *testEnv) storedString(t testing.TB, id, col string) string {
	t.Helper()
	var v string
	if err := e.Store.DB().NewSelect().Table("responses").Column(col).Where("id = ?", id).Scan(context.Background(), &v); err != nil {
		t.Fatalf("read %s of %s: %v", col, id, err)
	}
	return v
}

func TestPostResponseRejects(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			big := padTo(t, validBody, 64<<10+1)
			cases := []struct {
				name   string
				auth   string
				header string // raw Authorization header, overrides auth
				body   string
				status int
				code   string
				field  string
			}{
				{"no credential", "", "", validBody, 401, "unauthorized", ""},
				{"unknown kiosk token", "qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", validBody, 401, "unauthorized", ""},
				{"garbage bearer", "hello", "", validBody, 401, "unauthorized", ""},
				{"basic auth", "", "Basic dXNlcjpwYXNz", validBody, 401, "unauthorized", ""},
				{"empty bearer", "", "Bearer ", validBody, 401, "unauthorized", ""},
				{"malformed JSON", env.KioskToken, "", `{"agency":"migration",`, 400, "invalid_json", ""},
				{"empty body", env.KioskToken, "", ``, 400, "invalid_json", ""},
				{"array body", env.KioskToken, "", `[` + validBody + `]`, 400, "invalid_json", ""},
				{"trailing garbage", env.KioskToken, "", validBody + `{}`, 400, "invalid_json", ""},
				{"invalid UTF-8", env.KioskToken, "", strings.Replace(validBody, "Tez", "T\xffz", 1), 400, "invalid_json", ""},
				{"raw NUL", env.KioskToken, "", strings.Replace(validBody, "Tez", "T\x00z", 1), 400, "invalid_json", ""},
				{"escaped NUL", env.KioskToken, "", strings.Replace(validBody, "Tez", `T\u0000z`, 1), 400, "invalid_json", ""},
				{"agency wrong type", env.KioskToken, "", strings.Replace(validBody, `"agency":"migration"`, `"agency":5`, 1), 422, "invalid_field", "agency"},
				{"answers wrong type", env.KioskToken, "", strings.Replace(validBody, `"answers":{"overall":5,"waiting":4,"resolved":true}`, `"answers":"5"`, 1), 422, "invalid_field", "answers"},
				{"scale out of range", env.KioskToken, "", strings.Replace(validBody, `"overall":5`, `"overall":6`, 1), 422, "invalid_field", "answers.overall"},
				{"scale fraction", env.KioskToken, "", strings.Replace(validBody, `"overall":5`, `"overall":4.5`, 1), 422, "invalid_field", "answers.overall"},
				{"unknown question", env.KioskToken, "", strings.Replace(validBody, `"overall":5`, `"overall":5,"speed":2`, 1), 422, "invalid_field", "answers.speed"},
				{"unknown top-level key", env.KioskToken, "", strings.Replace(validBody, `"lang":"az"`, `"lang":"az","rating":5`, 1), 422, "invalid_field", "rating"},
				{"missing required", env.KioskToken, "", strings.Replace(validBody, `"overall":5,`, ``, 1), 422, "invalid_field", "answers.overall"},
				{"lang de", env.KioskToken, "", strings.Replace(validBody, `"lang":"az"`, `"lang":"de"`, 1), 422, "invalid_field", "lang"},
				{"comment 2001 characters", env.KioskToken, "", strings.Replace(validBody, "Tez və nəzakətli.", strings.Repeat("ş", 2001), 1), 422, "invalid_field", "comment"},
				{"future submitted_at", env.KioskToken, "", strings.Replace(validBody, `"lang":"az"`, `"lang":"az","submitted_at":"`+env.Clock.Now().Add(5*time.Minute+time.Second).Format(time.RFC3339)+`"`, 1), 422, "invalid_field", "submitted_at"},
				{"old submitted_at", env.KioskToken, "", strings.Replace(validBody, `"lang":"az"`, `"lang":"az","submitted_at":"`+env.Clock.Now().Add(-31*24*time.Hour).Format(time.RFC3339)+`"`, 1), 422, "invalid_field", "submitted_at"},
				{"bad id", env.KioskToken, "", strings.Replace(validBody, `1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01`, `42`, 1), 422, "invalid_field", "id"},
				{"unknown agency", env.APIKey, "", strings.Replace(strings.Replace(validBody, `"agency":"migration"`, `"agency":"tax"`, 1), `"service":"temp-residence",`, ``, 1), 422, "unknown_agency", "agency"},
				{"service of another agency", env.APIKey, "", strings.Replace(validBody, `"service":"temp-residence"`, `"service":"notary"`, 1), 422, "invalid_field", "service"},
				{"centre not hosting the agency", env.APIKey, "", strings.Replace(strings.Replace(validBody, `"agency":"migration","service":"temp-residence"`, `"agency":"justice"`, 1), `"baku-1"`, `"ganja"`, 1), 422, "invalid_field", "center"},
				{"kiosk in another centre", env.KioskToken, "", strings.Replace(validBody, `"baku-1"`, `"ganja"`, 1), 422, "invalid_field", "center"},
				{"body over 64 KiB", env.KioskToken, "", big, 413, "payload_too_large", ""},
				{"unknown token", "", "", `{"token":"AAAAAAAAAAAAAAAAAAAAAAAA","answers":{"overall":5}}`, 404, "not_found", "token"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					before := env.countResponses(t)
					req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/responses", strings.NewReader(c.body))
					req.Header.Set("Content-Type", "application/json")
					switch {
					case c.header != "":
						req.Header.Set("Authorization", c.header)
					case c.auth != "":
						req.Header.Set("Authorization", "Bearer "+c.auth)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					var body map[string]any
					if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
						t.Fatalf("status %d: body is not JSON: %v", resp.StatusCode, err)
					}
					if resp.StatusCode != c.status {
						t.Fatalf("status %d, want %d: %v", resp.StatusCode, c.status, body)
					}
					if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
						t.Fatalf("content type %q", ct)
					}
					if len(body) != 1 {
						t.Fatalf("error body must only hold \"error\": %v", body)
					}
					code, field := errorOf(t, body)
					if code != c.code || field != c.field {
						t.Fatalf("got %s/%q, want %s/%q: %v", code, field, c.code, c.field, body)
					}
					if n := env.countResponses(t); n != before {
						t.Fatalf("a refused request stored a response: %d → %d", before, n)
					}
				})
			}
		})
	}
}

func TestPostResponseAccepts(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			// 201 with the exact answer shape; R = (100 + 75 + 100)/3 = 91.666… → 91.67
			r := env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, validBody)
			if r.Status != http.StatusCreated {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var res map[string]any
			if err := json.Unmarshal(r.Body, &res); err != nil {
				t.Fatal(err)
			}
			if len(res) != 4 || res["id"] != "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01" || res["status"] != "counted" ||
				res["reason"] != nil || res["score"] != 91.67 {
				t.Fatalf("201 body %s", r.Body)
			}
			if _, present := res["reason"]; !present {
				t.Fatal(`"reason" must be present (null)`)
			}
			// Replay: 200 and the first answer; conflict: 409.
			r2 := env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, validBody)
			if r2.Status != http.StatusOK || string(r2.Body) != string(r.Body) {
				t.Fatalf("replay %d %s, want 200 %s", r2.Status, r2.Body, r.Body)
			}
			before := env.countResponses(t)
			status, body := env.postJSON(t, "/api/v1/responses", env.KioskToken, strings.Replace(validBody, `"overall":5`, `"overall":4`, 1))
			if code, field := errorOf(t, body); status != http.StatusConflict || code != "id_conflict" || field != "id" {
				t.Fatalf("conflict: %d %v", status, body)
			}
			if env.countResponses(t) != before {
				t.Fatal("conflict stored a row")
			}
			if got := env.storedString(t, "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01", "channel"); got != "kiosk" {
				t.Fatalf("kiosk channel stored as %q", got)
			}
			// Exactly 64 KiB is accepted when otherwise valid.
			env.Clock.Advance(time.Minute)
			exact := padTo(t, strings.Replace(validBody, "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01", "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e02", 1), 64<<10)
			if status, body := env.postJSON(t, "/api/v1/responses", env.KioskToken, exact); status != http.StatusCreated {
				t.Fatalf("64 KiB body: %d %v", status, body)
			}
			// Channel from the credential: API key → api.
			status, body = env.postJSON(t, "/api/v1/responses", env.APIKey, `{"agency":"property","answers":{"overall":3,"resolved":false}}`)
			if status != http.StatusCreated || body["score"] != 25.0 {
				t.Fatalf("api submission: %d %v", status, body)
			}
			if got := env.storedString(t, body["id"].(string), "channel"); got != "api" {
				t.Fatalf("api channel stored as %q", got)
			}
			// Burst: the same kiosk one second later is stored but excluded.
			env.Clock.Advance(time.Second)
			status, body = env.postJSON(t, "/api/v1/responses", env.KioskToken, `{"agency":"migration","answers":{"overall":1}}`)
			if status != http.StatusCreated || body["status"] != "excluded" || body["reason"] != "burst" || body["score"] != 0.0 {
				t.Fatalf("burst: %d %v", status, body)
			}
		})
	}
}

func TestPostResponseHostileStrings(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnvWith(t, dialect, testEnvOptions{Burst: -1})
			cases := []struct{ name, comment string }{
				{"sql", `'; DROP TABLE responses;--`},
				{"sql quotes", `Robert'); DELETE FROM responses WHERE ('1'='1`},
				{"script", `<script>alert("x")</script><img src=x onerror=alert(1)>`},
				{"rtl override", "\u202eilgəs\u202c normal \u2066isolate\u2069"},
				{"emoji", "👍🏽 👨‍👩‍👧 🇦🇿"},
				{"azerbaijani 2000", strings.Repeat("Əəğış", 400)},
				{"russian and percent", `Спасибо! 100% %s %d \n`},
				{"backslashes", `C:\new\table \u0041`},
			}
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					id := fmt.Sprintf("2c4e28ba-2fa1-4d2e-8a3c-%012d", i)
					payload := map[string]any{"id": id, "agency": "justice", "answers": map[string]any{"overall": 4, "comment": c.comment}, "comment": c.comment, "lang": "ru"}
					status, body := env.postJSON(t, "/api/v1/responses", env.KioskToken, payload)
					if status != http.StatusCreated {
						t.Fatalf("status %d %v", status, body)
					}
					if got := env.storedString(t, id, "comment"); got != c.comment {
						t.Fatalf("comment stored as %q, want %q", got, c.comment)
					}
					var answers map[string]any
					if err := json.Unmarshal([]byte(env.storedString(t, id, "answers")), &answers); err != nil || answers["comment"] != c.comment {
						t.Fatalf("text answer stored as %v (%v)", answers["comment"], err)
					}
				})
			}
			if n := env.countResponses(t); n != int64(len(cases)) {
				t.Fatalf("%d rows after %d hostile submissions", n, len(cases))
			}
		})
	}
}

func TestPostResponseLinkChannel(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	status, inv := env.postJSON(t, "/api/v1/invitations", env.APIKey, map[string]any{"agency": "migration", "service": "temp-residence", "visit_id": "V-1"})
	if status != http.StatusCreated {
		t.Fatalf("invitation: %d %v", status, inv)
	}
	token := inv["token"].(string)
	body := `{"id":"3c4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01","token":"` + token + `","answers":{"overall":5}}`
	status, res := env.postJSON(t, "/api/v1/responses", "", body)
	if status != http.StatusCreated {
		t.Fatalf("link submission: %d %v", status, res)
	}
	if got := env.storedString(t, "3c4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01", "channel"); got != "link" {
		t.Fatalf("link channel stored as %q", got)
	}
	// A retry of the same submission is a replay, not token_used.
	if status, res := env.postJSON(t, "/api/v1/responses", "", body); status != http.StatusOK || res["id"] != "3c4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01" {
		t.Fatalf("retry: %d %v", status, res)
	}
	before := env.countResponses(t)
	status, res = env.postJSON(t, "/api/v1/responses", "", `{"token":"`+token+`","answers":{"overall":2}}`)
	if code, field := errorOf(t, res); status != http.StatusConflict || code != "token_used" || field != "token" {
		t.Fatalf("reuse: %d %v", status, res)
	}
	status, inv = env.postJSON(t, "/api/v1/invitations", env.APIKey, map[string]any{"agency": "justice", "visit_id": "V-2", "expires_in": 60})
	if status != http.StatusCreated {
		t.Fatalf("short invitation: %d %v", status, inv)
	}
	env.Clock.Advance(61 * time.Second)
	status, res = env.postJSON(t, "/api/v1/responses", "", `{"token":"`+inv["token"].(string)+`","answers":{"overall":2}}`)
	if code, _ := errorOf(t, res); status != http.StatusGone || code != "token_expired" {
		t.Fatalf("expired: %d %v", status, res)
	}
	if env.countResponses(t) != before {
		t.Fatal("refused link submissions stored rows")
	}
}

func TestKioskRateLimit(t *testing.T) {
	// RateScale 0.05: a kiosk gets a burst of 6 and 0.25 requests per second.
	env := newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 0.05, Burst: -1})
	var limited *testResponse
	created := 0
	for i := range 20 {
		r := env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, `{"agency":"migration","answers":{"overall":5}}`)
		if r.Status == http.StatusTooManyRequests {
			limited = &r
			break
		}
		if r.Status != http.StatusCreated {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
		created++
	}
	if limited == nil {
		t.Fatal("20 rapid kiosk submissions were never rate limited")
	}
	if created < 1 || created > 10 {
		t.Fatalf("%d submissions passed before the limit", created)
	}
	ra, err := strconv.Atoi(limited.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Fatalf("Retry-After %q", limited.Header.Get("Retry-After"))
	}
	if code, _ := errorOf(t, limited.JSON()); code != "rate_limited" {
		t.Fatalf("code %s", code)
	}
	// Refused requests do not dig the hole deeper: the wait stays about one token's interval (4 s here).
	for range 15 {
		r := env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, `{"agency":"migration","answers":{"overall":5}}`)
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("status %d while limited", r.Status)
		}
		if ra, _ := strconv.Atoi(r.Header.Get("Retry-After")); ra < 1 || ra > 5 {
			t.Fatalf("Retry-After grew to %d after refused requests", ra)
		}
	}
	if n := env.countResponses(t); n != int64(created) {
		t.Fatalf("%d rows for %d accepted submissions", n, created)
	}
	// Another credential has its own budget.
	if status, body := env.postJSON(t, "/api/v1/responses", env.APIKey, `{"agency":"migration","answers":{"overall":5}}`); status != http.StatusCreated {
		t.Fatalf("api key limited by the kiosk's budget: %d %v", status, body)
	}
}

func TestRoutingAndHeaders(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	cases := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown api route", http.MethodGet, "/api/v1/nope", 404, "not_found"},
		{"unknown deep route", http.MethodPost, "/api/v2/responses", 404, "not_found"},
		{"GET responses", http.MethodGet, "/api/v1/responses", 405, ""},
		{"PUT responses", http.MethodPut, "/api/v1/responses", 405, ""},
		{"DELETE invitations", http.MethodDelete, "/api/v1/invitations", 405, ""},
		{"POST healthz", http.MethodPost, "/healthz", 405, ""},
		{"POST rankings", http.MethodPost, "/api/v1/rankings", 405, ""},
		{"PUT link", http.MethodPut, "/r/abcdef", 405, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, c.method, c.path, "", nil)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d", r.Status, c.status)
			}
			code, _ := errorOf(t, r.JSON())
			if c.code != "" && code != c.code {
				t.Fatalf("code %s, want %s", code, c.code)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("content type %q", r.Header.Get("Content-Type"))
			}
			checkSecurityHeaders(t, r.Header)
		})
	}
	r := env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, validBody)
	if r.Status != http.StatusCreated {
		t.Fatalf("status %d", r.Status)
	}
	checkSecurityHeaders(t, r.Header)
}

func checkSecurityHeaders(t testing.TB, h http.Header) {
	t.Helper()
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "same-origin"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := env.get(t, p, ""); r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", p, r.Status, r.Body)
		}
	}
	env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, validBody)
	env.do(t, http.MethodPost, "/api/v1/responses", "", validBody)
	const secret = "SeCrEtToKeNxyz123"
	env.get(t, "/r/"+secret, "")
	env.get(t, "/no/such/"+secret, "")
	for range 3 { // the first reading builds the packs and stores them, the second reads and keeps them, the third is served from the process's cache
		if r := env.get(t, "/api/v1/rankings?period=2025-Q3", env.APIKey); r.Status != http.StatusOK {
			t.Fatalf("rankings: %d %s", r.Status, r.Body)
		}
		env.Store.WaitPacks() // packs are built and stored behind the reading
	}
	r := env.get(t, "/metrics", "")
	if r.Status != http.StatusOK {
		t.Fatalf("metrics: %d", r.Status)
	}
	m := string(r.Body)
	for _, want := range []string{
		`qiymet_http_requests_total{method="POST",route="/api/v1/responses",status="201"} 1`,
		`qiymet_http_requests_total{method="POST",route="/api/v1/responses",status="401"} 1`,
		`qiymet_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`route="/r/{token}"`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(m, secret) {
		t.Error("metrics carry a raw path")
	}
	if hits := regexp.MustCompile(`(?m)^qiymet_pack_cache_hits_total (\d+)$`).FindStringSubmatch(m); hits == nil || hits[1] == "0" {
		t.Errorf("qiymet_pack_cache_hits_total after three readings of one ranking: %q", hits)
	}
	// Once the database is gone: readyz 503 with Retry-After, healthz still 200.
	if err := env.Store.Close(); err != nil {
		t.Fatal(err)
	}
	rr := env.get(t, "/readyz", "")
	if rr.Status != http.StatusServiceUnavailable || rr.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz after close: %d Retry-After %q", rr.Status, rr.Header.Get("Retry-After"))
	}
	if code, _ := errorOf(t, rr.JSON()); code != "unavailable" {
		t.Fatalf("readyz code %s", code)
	}
	if r := env.get(t, "/healthz", ""); r.Status != http.StatusOK {
		t.Fatalf("healthz after close: %d", r.Status)
	}
	// Submissions answer 503 (not 500) with Retry-After, and the process keeps running.
	sr := env.do(t, http.MethodPost, "/api/v1/responses", env.KioskToken, validBody)
	if sr.Status != http.StatusServiceUnavailable || sr.Header.Get("Retry-After") == "" {
		t.Fatalf("submit after close: %d %s", sr.Status, sr.Body)
	}
}

func TestBearerScheme(t *testing.T) {
	env := newTestEnvWith(t, "sqlite", testEnvOptions{Burst: -1})
	cases := []struct {
		name, header string
		status       int
	}{
		{"canonical", "Bearer " + env.APIKey, 201},
		{"lower-case scheme", "bearer " + env.APIKey, 201},
		{"upper-case scheme", "BEARER " + env.KioskToken, 201},
		{"padded token", "Bearer   " + env.APIKey + " ", 201},
		{"other scheme", "Token " + env.APIKey, 401},
		{"scheme only", "Bearer", 401},
		{"token only", env.APIKey, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := env.countResponses(t)
			req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/responses", strings.NewReader(`{"agency":"migration","answers":{"overall":5}}`))
			req.Header.Set("Authorization", c.header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			if want := before + map[bool]int64{true: 1, false: 0}[c.status == 201]; env.countResponses(t) != want {
				t.Fatalf("rows %d, want %d", env.countResponses(t), want)
			}
		})
	}
}
