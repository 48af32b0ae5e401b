package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"golang.org/x/crypto/bcrypt"
)

func init() { survey.BcryptCost = bcrypt.MinCost } // sign-ins in tests need not be slow

const testPassword = "correct horse battery"

// dashEnv is a running server with min_n = 30, seeded responses and one user per role.
type dashEnv struct {
	*testEnv
	Users map[string]string // role name → email: admin, analyst, managerA (migration), managerB (justice)
}

// newDashEnv starts a server like newTestEnv but with the contract's min_n, and seeds Q3 2025 (and the
// periods it is compared with) so rankings have ranked, insufficient and changed rows.
func newDashEnv(t testing.TB, dialect string, rateScale float64, baseURL string) *dashEnv {
	t.Helper()
	e := &dashEnv{testEnv: newTestEnvWith(t, dialect, testEnvOptions{RateScale: rateScale, BaseURL: baseURL,
		MinN: 30, Seed: seedDash}), Users: map[string]string{}}
	s, ctx := e.Store, context.Background()
	for role, u := range map[string][2]string{
		"admin": {survey.RoleAdmin, ""}, "analyst": {survey.RoleAnalyst, ""},
		"managerA": {survey.RoleManager, "migration"}, "managerB": {survey.RoleManager, "justice"},
	} {
		email := strings.ToLower(role) + "@example.az"
		if _, err := s.AddUser(ctx, email, testPassword, u[0], u[1]); err != nil {
			t.Fatal(err)
		}
		e.Users[role] = email
	}
	return e
}

// testLogger discards logs unless QIYMET_TEST_LOG is set (then internal errors show up in the test output).
func testLogger() *slog.Logger {
	if os.Getenv("QIYMET_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// seedComments are written on migration's Q3 2025 responses, newest last.
var seedComments = []string{"İŞ tez həll olundu", "Qız çox nəzakətli idi", "Очень ДОЛГО ждал", "Növbə uzun idi"}

// seedDash stores responses: migration 60 in 2025-Q3 (high), 40 in Q2 and 40 in 2024-Q3; justice 40 in Q3
// (lower); property 10 in Q3 (insufficient).
func seedDash(t testing.TB, s *survey.Store) {
	t.Helper()
	ctx := context.Background()
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rows []*survey.Response
	add := func(agency, service string, start time.Time, n int, overall func(i int) int) {
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(i) * 37 * time.Hour)
			comment := ""
			if agency == "migration" && start.Month() == time.July && start.Year() == 2025 && i >= n-len(seedComments) {
				comment = seedComments[i-(n-len(seedComments))]
			}
			body := fmt.Sprintf(`{"id":%q,"agency":%q,"service":%q,"center":"baku-1","answers":{"overall":%d,"waiting":%d,"resolved":%v},"comment":%q,"lang":"az","submitted_at":%q}`,
				uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprint(agency, start, i))).String(), agency, service,
				overall(i), 1+(i*3)%5, i%4 != 0, comment, at.Format(time.RFC3339))
			sub, err := survey.DecodeSubmission([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, at)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r)
		}
	}
	q3 := time.Date(2025, 7, 1, 9, 0, 0, 0, storetest.Baku)
	add("migration", "temp-residence", q3, 60, func(i int) int { return 5 - i%3/2 })
	add("migration", "temp-residence", q3.AddDate(0, -3, 0), 40, func(i int) int { return 4 - i%3/2 })
	add("migration", "temp-residence", q3.AddDate(-1, 0, 0), 40, func(i int) int { return 3 + i%2 })
	add("justice", "notary", q3, 40, func(i int) int { return 2 + i%3 })
	add("property", "registry", q3, 10, func(i int) int { return 3 })
	if _, err := s.BulkInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// page sends a request as a browser would: an optional session cookie, an optional form, no redirects.
func (e *testEnv) page(t testing.TB, method, path, cookie string, form url.Values, hdr ...string) testResponse {
	t.Helper()
	if form == nil {
		return e.send(t, method, path, cookie, "", nil, hdr...)
	}
	return e.send(t, method, path, cookie, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), hdr...)
}

// send sends one request without following redirects: body of contentType (none for ""), an optional session
// cookie, and extra headers as name, value pairs.
func (e *testEnv) send(t testing.TB, method, path, cookie, contentType string, body io.Reader, hdr ...string) testResponse {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: e.sessionCookieName(), Value: cookie})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// sessionCookieName is the session cookie's name for the env's base URL: __Host- prefixed over https.
func (e *testEnv) sessionCookieName() string {
	if strings.HasPrefix(e.BaseURL, "https://") {
		return "__Host-qiymet_session"
	}
	return "qiymet_session"
}

// login signs in and returns the session cookie's value.
func (e *testEnv) login(t testing.TB, email string) string {
	t.Helper()
	r := e.page(t, http.MethodPost, "/login", "", url.Values{"email": {email}, "password": {testPassword}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("login %s: %d %s %s", email, r.Status, r.Header.Get("Location"), r.Body)
	}
	c := sessionCookieOf(t, r)
	return c.Value
}

func sessionCookieOf(t testing.TB, r testResponse) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if strings.HasSuffix(c.Name, "qiymet_session") {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", r.Header)
	return nil
}

func TestLoginSessionLogout(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newDashEnv(t, dialect, 0, "")
			// The form, in the negotiated language.
			r := e.page(t, http.MethodGet, "/login", "", nil, "Accept-Language", "ru-RU,ru;q=0.9")
			if r.Status != 200 || !strings.Contains(string(r.Body), "Войти") || !strings.Contains(string(r.Body), `name="password"`) {
				t.Fatalf("login form: %d %s", r.Status, r.Body)
			}
			// A page without a session goes to the form, remembering where it was going.
			r = e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3", "", nil)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Fagencies%2Fmigration%3Fperiod%3D2025-Q3" {
				t.Fatalf("anonymous page: %d %q", r.Status, r.Header.Get("Location"))
			}

			// Wrong password: 401, the form again, no cookie.
			r = e.page(t, http.MethodPost, "/login", "", url.Values{"email": {e.Users["analyst"]}, "password": {"wrong password"}})
			if r.Status != http.StatusUnauthorized || r.Header.Get("Set-Cookie") != "" || !strings.Contains(string(r.Body), "role=\"alert\"") {
				t.Fatalf("wrong password: %d %v", r.Status, r.Header)
			}

			// Right password: 303 to next, cookie HttpOnly, SameSite=Lax, Secure (https base URL).
			r = e.page(t, http.MethodPost, "/login", "", url.Values{"email": {"ANALYST@example.az"}, "password": {testPassword},
				"next": {"/agencies/justice"}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/agencies/justice" {
				t.Fatalf("login: %d %q", r.Status, r.Header.Get("Location"))
			}
			c := sessionCookieOf(t, r)
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Name != "__Host-qiymet_session" {
				t.Fatalf("cookie attributes: %+v", c)
			}
			// Only the hash is stored.
			var n int
			if err := e.Store.DB().NewSelect().Table("sessions").ColumnExpr("count(*)").Where("token_hash = ?", c.Value).Scan(context.Background(), &n); err != nil || n != 0 {
				t.Fatalf("raw session token stored: %d %v", n, err)
			}
			// No open redirect through next.
			r = e.page(t, http.MethodPost, "/login", "", url.Values{"email": {e.Users["analyst"]}, "password": {testPassword}, "next": {"//evil.example"}})
			if r.Header.Get("Location") != "/" {
				t.Fatalf("open redirect: %q", r.Header.Get("Location"))
			}

			if r := e.page(t, http.MethodGet, "/", c.Value, nil); r.Status != 200 || !strings.Contains(string(r.Body), "analyst@example.az") {
				t.Fatalf("rankings with session: %d", r.Status)
			}
			// The API accepts the session too.
			if r := e.page(t, http.MethodGet, "/api/v1/rankings?period=2025-Q3", c.Value, nil); r.Status != 200 {
				t.Fatalf("API with session: %d %s", r.Status, r.Body)
			}

			// Sign-out revokes server-side: the old cookie is dead even if replayed.
			r = e.page(t, http.MethodPost, "/logout", c.Value, url.Values{})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" || sessionCookieOf(t, r).MaxAge >= 0 {
				t.Fatalf("logout: %d %v", r.Status, r.Header)
			}
			if r := e.page(t, http.MethodGet, "/", c.Value, nil); r.Status != http.StatusSeeOther {
				t.Fatalf("replayed cookie after logout: %d", r.Status)
			}
			if r := e.page(t, http.MethodGet, "/api/v1/rankings?period=2025-Q3", c.Value, nil); r.Status != http.StatusUnauthorized {
				t.Fatalf("API after logout: %d", r.Status)
			}

			// API keys and kiosk tokens cannot sign in to pages.
			for _, tok := range []string{e.APIKey, e.KioskToken} {
				r := e.page(t, http.MethodGet, "/", "", nil, "Authorization", "Bearer "+tok)
				if r.Status != http.StatusSeeOther {
					t.Fatalf("bearer on a page: %d", r.Status)
				}
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	// The per-IP limit: a burst of 10 then 429, whatever the account.
	lim := newDashEnv(t, "sqlite", 1, "")
	got429 := false
	for i := 0; i < 12; i++ {
		// a new e-mail each time: the per-(account, source) throttle is TestLoginThrottlePerSource's
		r := lim.page(t, http.MethodPost, "/login", "", url.Values{"email": {"nobody" + itoa(int64(i)) + "@example.az"}, "password": {"x"}})
		if r.Status == http.StatusTooManyRequests {
			got429 = i >= 10
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			break
		}
	}
	if !got429 {
		t.Fatal("no rate limit on POST /login after a burst of 10")
	}
}

func TestCSRFAndSecurityHeaders(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	form := url.Values{"name": {"integration"}}
	// A cross-site form post is refused by CrossOriginProtection, and nothing is created.
	r := e.page(t, http.MethodPost, "/admin/apikeys", admin, form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if r.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", r.Status)
	}
	r = e.page(t, http.MethodPost, "/login", "", url.Values{"email": {e.Users["admin"]}, "password": {testPassword}}, "Origin", "https://evil.example")
	if r.Status != http.StatusForbidden {
		t.Fatalf("cross-origin login: %d", r.Status)
	}
	keys, _ := e.Store.ListAPIKeys(context.Background())
	if len(keys) != 1 {
		t.Fatalf("a refused POST created a key: %d", len(keys))
	}
	// Same-origin (the browser says so) and the configured public origin are fine.
	if r := e.page(t, http.MethodPost, "/admin/apikeys", admin, form, "Sec-Fetch-Site", "same-origin"); r.Status != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d", r.Status)
	}
	if r := e.page(t, http.MethodPost, "/admin/apikeys", admin, form, "Origin", "https://rate.example.az"); r.Status != http.StatusSeeOther {
		t.Fatalf("base-URL origin POST: %d", r.Status)
	}
	r = e.page(t, http.MethodGet, "/", admin, nil)
	h := r.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "style-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || h.Get("Referrer-Policy") == "" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: %v", h)
	}
	// Pages carry no inline script or style (the CSP would block them).
	body := string(r.Body)
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=\"") || strings.Contains(body, "<style") {
		t.Error("inline script or style on a page")
	}
	// Plain http base URL: the cookie is not Secure (else the browser would drop it).
	plain := newDashEnv(t, "sqlite", 0, "http://localhost:8080")
	r = plain.page(t, http.MethodPost, "/login", "", url.Values{"email": {plain.Users["admin"]}, "password": {testPassword}})
	if c := sessionCookieOf(t, r); c.Secure || c.Name != "qiymet_session" {
		t.Fatalf("cookie on an http base URL: %+v", c)
	}
	// HSTS follows the public base URL (TLS may end at a proxy in front): https yes, http no.
	if h := e.page(t, http.MethodGet, "/login", "", nil).Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") {
		t.Fatalf("no HSTS with an https base URL: %q", h)
	}
	if h := plain.page(t, http.MethodGet, "/login", "", nil).Header.Get("Strict-Transport-Security"); h != "" {
		t.Fatalf("HSTS with an http base URL: %q", h)
	}
}
