package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

const testUA = `=HYPERLINK("http://x","y") TrustTest/1.0`

// TestAuditAdminPages: every administrative change made through the pages writes one audit entry naming the
// admin, the address and the browser; the log page filters and pages; the CSV download is spreadsheet-safe.
func TestAuditAdminPages(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newDashEnv(t, dialect, 0, "")
			ctx := context.Background()
			admin := e.login(t, e.Users["admin"])
			spare, err := e.Store.AddUser(ctx, "spare@example.az", testPassword, survey.RoleAnalyst, "")
			if err != nil {
				t.Fatal(err)
			}
			cv, _ := e.Store.CatalogView(ctx)
			sv, _ := cv.Survey("visit", 1)
			sv.Version = 2
			svJSON, _ := json.Marshal(sv)
			kiosks, _ := e.Store.ListKiosks(ctx)
			keys, _ := e.Store.ListAPIKeys(ctx)
			steps := []struct {
				path, action, target string
				form                 url.Values
				entries              int // 0: one
			}{
				// adding a kiosk also issues its first enrolment code: two changes, two entries
				{"/admin/kiosks", survey.AuditKioskPairCode, "", url.Values{"name": {"Exit 2"}, "center": {"baku-1"}}, 2},
				{"/admin/kiosks/" + itoa(kiosks[0].ID) + "/pair", survey.AuditKioskPairCode, "kiosk:" + itoa(kiosks[0].ID), url.Values{}, 1},
				{"/admin/kiosks/" + itoa(kiosks[0].ID) + "/revoke", survey.AuditKioskRevoke, "kiosk:" + itoa(kiosks[0].ID), url.Values{}, 1},
				{"/admin/users", survey.AuditUserAdd, "user:new@example.az", url.Values{"email": {"new@example.az"}, "role": {"analyst"}}, 1},
				{"/admin/users/" + itoa(spare.ID), survey.AuditUserUpdate, "user:spare@example.az", url.Values{"action": {"save"}, "role": {"manager"}, "agency": {"justice"}}, 1},
				{"/admin/users/" + itoa(spare.ID), survey.AuditUserUpdate, "user:spare@example.az", url.Values{"action": {"reset"}}, 1},
				{"/admin/users/" + itoa(spare.ID), survey.AuditUserSignOut, "user:spare@example.az", url.Values{"action": {"signout"}}, 1},
				{"/admin/apikeys", survey.AuditAPIKeyAdd, "", url.Values{"name": {"@report bot"}}, 1},
				{"/admin/apikeys/" + itoa(keys[0].ID) + "/revoke", survey.AuditAPIKeyRevoke, "apikey:" + itoa(keys[0].ID), url.Values{}, 1},
				{"/admin/catalog", survey.AuditCatalogApply, "catalog", url.Values{"catalog": {`{"groups":[{"code":"extra","name":{"az":"Əlavə"}}]}`}}, 1},
				{"/admin/surveys", survey.AuditCatalogApply, "catalog", url.Values{"survey": {string(svJSON)}}, 1},
			}
			for _, st := range steps {
				before, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Limit: 500})
				r := e.page(t, http.MethodPost, st.path, admin, st.form, "User-Agent", testUA)
				if r.Status >= 400 {
					t.Fatalf("%s: %d %s", st.path, r.Status, r.Body)
				}
				after, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Limit: 500})
				if st.entries == 0 {
					st.entries = 1
				}
				if len(after) != len(before)+st.entries {
					t.Fatalf("%s %v wrote %d entries, want %d", st.path, st.form, len(after)-len(before), st.entries)
				}
				if st.entries == 2 && after[1].Action != survey.AuditKioskAdd {
					t.Fatalf("%s: first entry %+v", st.path, after[1])
				}
				got := after[0]
				if got.Action != st.action || (st.target != "" && got.Target != st.target) || got.Actor != e.Users["admin"] ||
					got.IP != "127.0.0.1" || got.UserAgent != testUA || got.ActorID == 0 {
					t.Fatalf("%s: entry %+v", st.path, got)
				}
				if strings.Contains(got.Details, "qk_") || strings.Contains(got.Details, "qa_") || strings.Contains(got.Details, "qp_") || strings.Contains(got.Details, "$2") {
					t.Fatalf("%s: a secret in the details: %s", st.path, got.Details)
				}
			}
			all, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Limit: 500})

			// The page: newest first, filtered, paged.
			me := url.QueryEscape(strings.ToUpper(e.Users["admin"]))
			r := e.page(t, http.MethodGet, "/admin/audit?action=user&actor="+me, admin, nil)
			body := html.UnescapeString(string(r.Body))
			// The filter offers every action the service logs (survey.AuditActions), each entity first.
			sel, _, _ := strings.Cut(body[strings.Index(body, `<select id="a-action"`):], "</select>")
			for _, a := range []string{"webhook", "publication.publish", "sms.update", "assessment.save", "kiosk.add"} {
				if !strings.Contains(sel, `<option value="`+a+`"`) {
					t.Errorf("the action filter lacks %s", a)
				}
			}
			rows := strings.Replace(body, sel, "", 1)
			if r.Status != 200 || strings.Count(rows, "<tr>") != 5 || !strings.Contains(rows, "user.signout") || strings.Contains(rows, "kiosk.add") {
				t.Fatalf("filtered page: %d\n%s", r.Status, body)
			}
			r = e.page(t, http.MethodGet, "/admin/audit?actor="+me, admin, nil)
			if strings.Count(string(r.Body), "<tr>") != 13 { // 12 entries and the header row
				t.Fatalf("by actor: %d rows", strings.Count(string(r.Body), "<tr>"))
			}
			day := time.UnixMicro(all[0].AtUS).In(storetest.Baku).Format(time.DateOnly)
			if r := e.page(t, http.MethodGet, "/admin/audit?from="+day+"&to="+day+"&actor="+me, admin, nil); strings.Count(string(r.Body), "<tr>") != 13 {
				t.Fatalf("by day %s: %d rows", day, strings.Count(string(r.Body), "<tr>"))
			}
			if r := e.page(t, http.MethodGet, "/admin/audit?to=2099-01-01&from=1999-01-01&action=apikey&actor="+me, admin, nil); strings.Count(string(r.Body), "<tr>") != 3 {
				t.Fatalf("by dates and entity: %d rows", strings.Count(string(r.Body), "<tr>"))
			}
			if r := e.page(t, http.MethodGet, "/admin/audit?from=yesterday", admin, nil); r.Status != 400 || !strings.Contains(string(r.Body), "İİİİ-AA-GG") {
				t.Fatalf("bad date: %d", r.Status)
			}
			// Paging: 60 more entries make two pages; the second holds the rest and no next link.
			for i := range 60 {
				if _, _, err := e.Store.AddAPIKey(ctx, "bulk "+itoa(int64(i))); err != nil {
					t.Fatal(err)
				}
			}
			r = e.page(t, http.MethodGet, "/admin/audit", admin, nil)
			next := regexp.MustCompile(`id="audit-next" href="([^"]+)"`).FindStringSubmatch(string(r.Body))
			if strings.Count(string(r.Body), "<tr>") != 51 || next == nil {
				t.Fatalf("page 1: %d rows, next %v", strings.Count(string(r.Body), "<tr>"), next)
			}
			// Page by page to the end: every entry once, newest first, the last page without a next link.
			total, seen, last := len(all)+60, strings.Count(string(r.Body), "<tr>")-1, int64(1<<62)
			for pages := 1; next != nil; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				r = e.page(t, http.MethodGet, html.UnescapeString(next[1]), admin, nil)
				ids := regexp.MustCompile(`<tr>\s*<td class="num">(\d+)</td>`).FindAllStringSubmatch(string(r.Body), -1)
				for _, id := range ids {
					n, _ := strconv.ParseInt(id[1], 10, 64)
					if n >= last {
						t.Fatalf("ids out of order: %d after %d", n, last)
					}
					last = n
				}
				seen += len(ids)
				next = regexp.MustCompile(`id="audit-next" href="([^"]+)"`).FindStringSubmatch(string(r.Body))
			}
			if seen != total {
				t.Fatalf("paging showed %d entries of %d", seen, total)
			}

			// The download: CSV, oldest first, every text cell safe for a spreadsheet.
			r = e.page(t, http.MethodGet, "/admin/audit.csv?action=apikey", admin, nil)
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("csv: %d %v", r.Status, r.Header)
			}
			recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
			if err != nil || len(recs) != 1+63 || recs[2][4] != survey.AuditAPIKeyAdd || recs[2][6] != `{"name":"@report bot"}` ||
				recs[2][8] != "'"+testUA {
				t.Fatalf("csv records: %v %d %q", err, len(recs), recs[2])
			}
			for _, rec := range recs[1:] {
				for _, c := range rec {
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Fatalf("a live formula in the download: %q", c)
					}
				}
			}
		})
	}
}

var totpSecretRE = regexp.MustCompile(`<code id="totp-secret" class="wrap">([A-Z2-7 ]+)</code>`)
var recoveryRE = regexp.MustCompile(`<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>`)

// cookiesOf collects the cookies a response sets into jar (name → value; deleted ones removed).
func cookiesOf(jar map[string]string, r testResponse) {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(jar, c.Name)
		} else {
			jar[c.Name] = c.Value
		}
	}
}

func cookieHeader(jar map[string]string) []string {
	var parts []string
	for k, v := range jar {
		parts = append(parts, k+"="+v)
	}
	return []string{"Cookie", strings.Join(parts, "; ")}
}

// browse is a tiny browser: it keeps cookies across requests, never follows redirects.
type browse struct {
	e   *dashEnv
	jar map[string]string
}

func (b *browse) do(t *testing.T, method, path string, form url.Values) testResponse {
	t.Helper()
	r := b.e.page(t, method, path, "", form, cookieHeader(b.jar)...)
	cookiesOf(b.jar, r)
	return r
}

// enrol turns two-factor sign-in on for the browser's user from the enrolment page; it returns the secret and
// the recovery codes.
func enrol(t *testing.T, e *dashEnv, b *browse, next string) (string, []string) {
	t.Helper()
	r := b.do(t, http.MethodGet, "/account/2fa?next="+url.QueryEscape(next), nil)
	m := totpSecretRE.FindStringSubmatch(string(r.Body))
	if r.Status != 200 || m == nil || !strings.Contains(string(r.Body), `<img src="data:image/png;base64,`) {
		t.Fatalf("enrolment page: %d %s", r.Status, r.Body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	// The same page again offers the same secret (the phone may have scanned it already).
	if again := totpSecretRE.FindStringSubmatch(string(b.do(t, http.MethodGet, "/account/2fa", nil).Body)); again == nil || again[1] != m[1] {
		t.Fatalf("the secret changed on reload: %v", again)
	}
	if r := b.do(t, http.MethodPost, "/account/2fa", url.Values{"code": {"000000"}, "next": {next}}); r.Status != 422 || !strings.Contains(string(r.Body), `role="alert"`) {
		t.Fatalf("wrong code at enrolment: %d", r.Status)
	}
	code, err := totp.GenerateCode(secret, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r = b.do(t, http.MethodPost, "/account/2fa", url.Values{"code": {code}, "next": {next}})
	codes := recoveryRE.FindAllStringSubmatch(string(r.Body), -1)
	if r.Status != 200 || len(codes) != survey.RecoveryCodes {
		t.Fatalf("confirm: %d, %d recovery codes\n%s", r.Status, len(codes), r.Body)
	}
	var out []string
	for _, c := range codes {
		out = append(out, c[1])
	}
	return secret, out
}

// TestTwoFactorSignIn: a user enrols with a real code, then signs in in two steps; the first step makes no
// session; a code is good once; recovery codes work once each; too many wrong codes end the sign-in;
// reset-2fa lets the user in with the password alone again.
func TestTwoFactorSignIn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newDashEnv(t, dialect, 0, "")
			ctx := context.Background()
			email := e.Users["analyst"]
			b := &browse{e: e, jar: map[string]string{e.sessionCookieName(): e.login(t, email)}}
			// An offer left in the browser does not let anyone without the session enrol the user.
			b.do(t, http.MethodGet, "/account/2fa", nil)
			leftover := &browse{e: e, jar: map[string]string{"qiymet_2fa": b.jar["qiymet_2fa"]}}
			if r := leftover.do(t, http.MethodGet, "/account/2fa", nil); r.Status != http.StatusSeeOther {
				t.Fatalf("enrolment page with a left-over offer: %d", r.Status)
			}
			if r := leftover.do(t, http.MethodPost, "/account/2fa", url.Values{"code": {"123456"}}); r.Status != 401 {
				t.Fatalf("enrolment with a left-over offer: %d", r.Status)
			}
			// Cross-site posts of either form are refused before anything is looked at.
			for _, p := range []string{"/account/2fa", "/login/2fa"} {
				r := e.page(t, http.MethodPost, p, "", url.Values{"code": {"123456"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
				if r.Status != http.StatusForbidden {
					t.Fatalf("cross-site POST %s: %d", p, r.Status)
				}
			}
			secret, recovery := enrol(t, e, b, "/")
			u, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Action: survey.AuditUser2FAOn})
			if len(u) != 1 || u[0].Actor != email || u[0].Target != "user:"+email {
				t.Fatalf("enrolment audit: %+v", u)
			}
			// Stored sealed, never as the secret itself; shown again nowhere.
			var stored string
			e.Store.DB().NewSelect().Table("users").Column("totp_secret").Where("email = ?", email).Scan(ctx, &stored)
			if stored == "" || strings.Contains(stored, secret) {
				t.Fatalf("stored secret %q", stored)
			}
			if r := b.do(t, http.MethodGet, "/account/2fa", nil); strings.Contains(string(r.Body), secret[:8]) || !strings.Contains(string(r.Body), `id="twofa-on"`) {
				t.Fatalf("the secret is shown again: %s", r.Body)
			}

			signIn := func() (*browse, testResponse) {
				t.Helper()
				nb := &browse{e: e, jar: map[string]string{}}
				r := nb.do(t, http.MethodPost, "/login", url.Values{"email": {email}, "password": {testPassword}, "next": {"/agencies/migration"}})
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa") {
					t.Fatalf("password step: %d %s", r.Status, r.Header.Get("Location"))
				}
				return nb, r
			}
			nb, _ := signIn()
			if nb.jar[e.sessionCookieName()] != "" || nb.jar["qiymet_2fa"] == "" {
				t.Fatalf("after the password: cookies %v", nb.jar)
			}
			// The half-done sign-in opens nothing.
			for _, p := range []string{"/", "/admin/users", "/account/2fa"} {
				if r := nb.do(t, http.MethodGet, p, nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
					t.Fatalf("%s with only the first step: %d %s", p, r.Status, r.Header.Get("Location"))
				}
			}
			if r := nb.do(t, http.MethodGet, "/api/v1/rankings?period=2025-Q3", nil); r.Status != 401 {
				t.Fatalf("API with only the first step: %d", r.Status)
			}
			if r := nb.do(t, http.MethodGet, "/login/2fa?next=%2Fagencies%2Fmigration", nil); r.Status != 200 || !strings.Contains(string(r.Body), `autocomplete="one-time-code"`) {
				t.Fatalf("code page: %d", r.Status)
			}
			// The code used to enrol is spent: the same 30 s step is refused.
			used, _ := totp.GenerateCode(secret, e.Clock.Now())
			if r := nb.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {used}}); r.Status != 401 || nb.jar[e.sessionCookieName()] != "" {
				t.Fatalf("reused code: %d", r.Status)
			}
			e.Clock.Advance(30 * time.Second)
			code, _ := totp.GenerateCode(secret, e.Clock.Now())
			r := nb.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {code}, "next": {"/agencies/migration"}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/agencies/migration" || nb.jar[e.sessionCookieName()] == "" || nb.jar["qiymet_2fa"] != "" {
				t.Fatalf("second step: %d %s %v", r.Status, r.Header.Get("Location"), nb.jar)
			}
			if r := nb.do(t, http.MethodGet, "/agencies/migration?period=2025-Q3", nil); r.Status != 200 {
				t.Fatalf("signed in: %d", r.Status)
			}
			// The same code in another sign-in within its step: refused.
			other, _ := signIn()
			if r := other.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {code}}); r.Status != 401 || other.jar[e.sessionCookieName()] != "" {
				t.Fatalf("code reused in another sign-in: %d", r.Status)
			}
			// A recovery code works once (typed in capitals with spaces), then never again.
			if r := other.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {" " + strings.ToUpper(recovery[0]) + " "}}); r.Status != http.StatusSeeOther || other.jar[e.sessionCookieName()] == "" {
				t.Fatalf("recovery code: %d %s", r.Status, r.Body)
			}
			third, _ := signIn()
			if r := third.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {recovery[0]}}); r.Status != 401 {
				t.Fatalf("recovery code reused: %d", r.Status)
			}
			if n, _ := e.Store.RecoveryCodesLeft(ctx, u[0].ActorID); n != survey.RecoveryCodes-1 {
				t.Fatalf("recovery codes left: %d", n)
			}
			// Wrong codes: after the fifth the half-done sign-in is gone, even the right code no longer helps.
			for i := 1; i < survey.MaxCodeAttempts-1; i++ { // one wrong try was made above
				if r := third.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {"999999"}}); r.Status != 401 || !strings.Contains(string(r.Body), `action="/login/2fa"`) {
					t.Fatalf("wrong code %d: %d", i, r.Status)
				}
			}
			r = third.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {"999999"}})
			if r.Status != 401 || !strings.Contains(string(r.Body), `action="/login"`) || third.jar["qiymet_2fa"] != "" {
				t.Fatalf("the last wrong code: %d %v", r.Status, third.jar)
			}
			e.Clock.Advance(30 * time.Second)
			fresh, _ := totp.GenerateCode(secret, e.Clock.Now())
			third.jar["qiymet_2fa"] = "qc_forged"
			if r := third.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {fresh}}); r.Status != 401 || third.jar[e.sessionCookieName()] != "" {
				t.Fatalf("after the challenge ended: %d", r.Status)
			}
			// A half-done sign-in expires.
			late, _ := signIn()
			e.Clock.Advance(survey.ChallengeTTL + time.Second)
			fresh, _ = totp.GenerateCode(secret, e.Clock.Now())
			if r := late.do(t, http.MethodPost, "/login/2fa", url.Values{"code": {fresh}}); r.Status != 401 || late.jar[e.sessionCookieName()] != "" {
				t.Fatalf("expired challenge: %d", r.Status)
			}

			// A lost phone: reset-2fa (the store call the CLI makes) ends the sessions; the password alone works again.
			if _, err := e.Store.ResetTOTP(survey.WithActor(ctx, survey.CLIActor), email); err != nil {
				t.Fatal(err)
			}
			if r := nb.do(t, http.MethodGet, "/", nil); r.Status != http.StatusSeeOther {
				t.Fatalf("session after reset: %d", r.Status)
			}
			e.login(t, email)
			if got, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Action: survey.AuditUser2FAReset}); len(got) != 1 || got[0].Actor != "cli" {
				t.Fatalf("reset audit: %+v", got)
			}
		})
	}
}

// TestRequire2FAForAdmins: with QIYMET_REQUIRE_2FA=admin an admin without two-factor sign-in is sent to the
// enrolment after the password and can do nothing else (no session, pages and API refused), until enrolled.
// Other roles are not affected.
func TestRequire2FAForAdmins(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := &dashEnv{testEnv: newTestEnvWith(t, dialect, testEnvOptions{MinN: 30, Seed: seedDash, Require2FA: "admin"}), Users: map[string]string{}}
			ctx := context.Background()
			for role, r := range map[string]string{"admin": survey.RoleAdmin, "analyst": survey.RoleAnalyst} {
				if _, err := e.Store.AddUser(ctx, role+"@example.az", testPassword, r, ""); err != nil {
					t.Fatal(err)
				}
				e.Users[role] = role + "@example.az"
			}
			// An analyst signs in with the password alone.
			e.login(t, e.Users["analyst"])
			// An admin session made before the rule (the store call, as an old cookie would be) is held at enrolment.
			oldToken, _, err := e.Store.CreateSession(ctx, mustUser(t, e, "admin").ID)
			if err != nil {
				t.Fatal(err)
			}
			old := &browse{e: e, jar: map[string]string{e.sessionCookieName(): oldToken}}
			if r := old.do(t, http.MethodGet, "/admin/users", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/account/2fa" {
				t.Fatalf("old admin session, page: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := old.do(t, http.MethodPost, "/admin/apikeys", url.Values{"name": {"x"}}); r.Status != 403 {
				t.Fatalf("old admin session, change: %d", r.Status)
			}
			if r := old.do(t, http.MethodGet, "/api/v1/rankings?period=2025-Q3", nil); r.Status != 403 {
				t.Fatalf("old admin session, API: %d", r.Status)
			}

			b := &browse{e: e, jar: map[string]string{}}
			r := b.do(t, http.MethodPost, "/login", url.Values{"email": {e.Users["admin"]}, "password": {testPassword}, "next": {"/admin/users"}})
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/account/2fa") || b.jar[e.sessionCookieName()] != "" {
				t.Fatalf("admin password step: %d %s %v", r.Status, r.Header.Get("Location"), b.jar)
			}
			if r := b.do(t, http.MethodGet, "/admin/users", nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Fatalf("admin page before enrolment: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := b.do(t, http.MethodGet, "/login/2fa", nil); r.Status != http.StatusSeeOther {
				t.Fatalf("code page without a second factor: %d", r.Status)
			}
			page := b.do(t, http.MethodGet, "/account/2fa?next=%2Fadmin%2Fusers", nil)
			if !strings.Contains(string(page.Body), `role="alert"`) {
				t.Fatalf("the enrolment page does not say it is required: %s", page.Body)
			}
			enrol(t, e, b, "/admin/users")
			if b.jar[e.sessionCookieName()] == "" {
				t.Fatal("no session after enrolment")
			}
			if r := b.do(t, http.MethodGet, "/admin/users", nil); r.Status != 200 {
				t.Fatalf("admin page after enrolment: %d", r.Status)
			}
			if r := old.do(t, http.MethodGet, "/admin/users", nil); r.Status != 200 {
				t.Fatalf("the older session after enrolment: %d", r.Status)
			}
			// Next time: password, then code.
			nb := &browse{e: e, jar: map[string]string{}}
			if r := nb.do(t, http.MethodPost, "/login", url.Values{"email": {e.Users["admin"]}, "password": {testPassword}}); !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa") {
				t.Fatalf("second sign-in: %s", r.Header.Get("Location"))
			}
		})
	}
}

func mustUser(t *testing.T, e *dashEnv, role string) *survey.User {
	t.Helper()
	users, err := e.Store.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range users {
		if users[i].Email == e.Users[role] {
			return &users[i]
		}
	}
	t.Fatalf("no user %s", role)
	return nil
}
