package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// rowHTML returns the <tr> of an agency in a rankings table.
func rowHTML(t testing.TB, body, agency string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr[^>]*data-agency="` + agency + `".*?</tr>`).FindString(body)
	if m == "" {
		t.Fatalf("no row for %s", agency)
	}
	return m
}

type apiRanking struct {
	Groups []struct {
		Group string
		Rows  []struct {
			Rank   *int
			Agency string
			Status string
			Index  float64
			CILow  float64 `json:"ci_low"`
			CIHigh float64 `json:"ci_high"`
			CSAT   float64
			Streak int
			Change struct {
				PreviousPeriod *float64 `json:"previous_period"`
				PreviousYear   *float64 `json:"previous_year"`
			}
			ChangeSignificant struct {
				PreviousPeriod *bool `json:"previous_period"`
				PreviousYear   *bool `json:"previous_year"`
			} `json:"change_significant"`
			RankLow     *int `json:"rank_low"`
			RankHigh    *int `json:"rank_high"`
			ClearFirst  bool `json:"clear_first"`
			ClearStreak int  `json:"clear_streak"`
		}
	}
}

func TestRankingsPage(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	var api apiRanking
	r := e.do(t, http.MethodGet, "/api/v1/rankings?period=2025-Q3", e.APIKey, nil)
	if err := json.Unmarshal(r.Body, &api); err != nil || r.Status != 200 {
		t.Fatalf("api: %d %s", r.Status, r.Body)
	}

	for _, lang := range []string{"az", "en", "ru"} {
		r := e.page(t, http.MethodGet, "/?period=2025-Q3&lang="+lang, analyst, nil)
		body := string(r.Body)
		if r.Status != 200 || !strings.Contains(body, `<html lang="`+lang+`">`) {
			t.Fatalf("%s: %d", lang, r.Status)
		}
		if !strings.Contains(body, i18n.T(lang, "dash.col.rank")) || !strings.Contains(body, i18n.T(lang, "dash.col.first")) {
			t.Fatalf("%s: headings not translated", lang)
		}
		for _, g := range api.Groups {
			for _, row := range g.Rows {
				tr := rowHTML(t, body, row.Agency)
				for _, want := range []string{locale.Page(lang).Number(row.Index, 2), locale.Page(lang).Number(row.CILow, 2) + "–" + locale.Page(lang).Number(row.CIHigh, 2), locale.Page(lang).Number(row.CSAT, 2)} {
					if !strings.Contains(tr, want) {
						t.Errorf("%s %s: row lacks %q: %s", lang, row.Agency, want, tr)
					}
				}
				if row.Status == "insufficient" != strings.Contains(tr, `class="insufficient"`) {
					t.Errorf("%s: insufficient styling wrong: %s", row.Agency, tr)
				}
				// An up arrow only for a significant increase; one that is not significant says so in words.
				c, sig := row.Change.PreviousPeriod, row.ChangeSignificant.PreviousPeriod
				if (c != nil && *c > 0 && (sig == nil || *sig)) != strings.Contains(tr, `delta up`) {
					t.Errorf("%s: change arrow wrong (%v, significant %v): %s", row.Agency, c, sig, tr)
				}
				if (sig != nil && !*sig) != strings.Contains(tr, `<span class="words">`+i18n.T(lang, "dash.change.ns")+`</span>`) {
					t.Errorf("%s: significance words wrong (%v): %s", row.Agency, sig, tr)
				}
				if row.Rank != nil && row.RankLow != nil && *row.RankLow != *row.RankHigh &&
					!strings.Contains(tr, fmt.Sprintf("%d (%d–%d)", *row.Rank, *row.RankLow, *row.RankHigh)) {
					t.Errorf("%s: rank interval %d–%d not shown: %s", row.Agency, *row.RankLow, *row.RankHigh, tr)
				}
			}
		}
		if lang != "en" && strings.Contains(rowHTML(t, body, "migration"), "."+"00<") {
			t.Errorf("%s uses a decimal point", lang)
		}
	}
	// The seed makes migration first with a change, property insufficient.
	mig := api.Groups[0].Rows[0]
	if api.Groups[0].Group != "central" || mig.Agency != "migration" || *mig.Rank != 1 || mig.Change.PreviousPeriod == nil {
		t.Fatalf("seed not as expected: %+v", api.Groups[0].Rows[0])
	}

	r = e.page(t, http.MethodGet, "/?period=2025-Q3", analyst, nil)
	body := string(r.Body)
	// Insufficient rows come after the separator, greyed; the chart has title and desc.
	if sep, prop := strings.Index(body, `class="sep"`), strings.Index(body, `data-agency="property"`); sep < 0 || prop < sep {
		t.Fatal("insufficient rows must be listed below the ranked ones")
	}
	if strings.Count(body, `<svg class="chart bars"`) != 2 || !strings.Contains(body, "<desc id=") || !strings.Contains(body, `<svg class="cibar"`) {
		t.Fatal("bar charts or CI bars missing")
	}
	// Deterministic output: the same request renders the same bytes.
	if again := e.page(t, http.MethodGet, "/?period=2025-Q3", analyst, nil); string(again.Body) != body {
		t.Fatal("the rankings page is not deterministic")
	}
	// The default is the latest complete quarter with responses (2025-Q2: Q3 is running on the test clock);
	// the language choice is remembered by cookie.
	r = e.page(t, http.MethodGet, "/?lang=ru", analyst, nil)
	if !strings.Contains(string(r.Body), `<span class="period-label" data-period="2025-Q2">`) || !strings.Contains(r.Header.Get("Set-Cookie"), "lang=ru") {
		t.Fatalf("default period or language cookie: %s", r.Header.Get("Set-Cookie"))
	}
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: e.sessionCookieName(), Value: analyst})
	req.AddCookie(&http.Cookie{Name: "lang", Value: "ru"})
	resp, err := noRedirect.Do(req)
	if err != nil || resp.Header.Get("Content-Language") != "ru" {
		t.Fatalf("remembered language: %v %v", err, resp.Header)
	}
	resp.Body.Close()
	// …and in the account: a fresh sign-in elsewhere gets it back.
	r = e.page(t, http.MethodPost, "/login", "", url.Values{"email": {e.Users["analyst"]}, "password": {testPassword}})
	if !strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), ";"), "lang=ru") {
		t.Fatalf("language not restored at sign-in: %v", r.Header.Values("Set-Cookie"))
	}
	// Month, half, year and custom ranges; a malformed period is 422.
	for _, q := range []string{"period=2025-08", "period=2025-H2", "period=2025", "period=custom&from=2025-07-01&to=2025-09-30"} {
		if r := e.page(t, http.MethodGet, "/?"+q, analyst, nil); r.Status != 200 {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	if r := e.page(t, http.MethodGet, "/?period=custom&from=2025-07-01&to=2025-09-30", analyst, nil); !strings.Contains(string(r.Body), "2025-07-01..2025-09-30") {
		t.Error("custom range not shown")
	}
	if r := e.page(t, http.MethodGet, "/?period=2025-Q9", analyst, nil); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad period: %d", r.Status)
	}
	// A manager sees the whole table but can open only their own agency, which is marked in words.
	mgr := e.login(t, e.Users["managerA"])
	body = string(e.page(t, http.MethodGet, "/rankings?period=2025-Q3", mgr, nil).Body)
	if own := rowHTML(t, body, "migration"); !strings.Contains(own, `class=" own"`) || !strings.Contains(own, `<span class="own-tag">sizin qurumunuz</span>`) ||
		strings.Contains(rowHTML(t, body, "justice"), "own") {
		t.Fatalf("own agency not marked: %s", own)
	}
	if !strings.Contains(rowHTML(t, body, "justice"), "Ədliyyə") || strings.Contains(rowHTML(t, body, "justice"), "<a href") ||
		!strings.Contains(rowHTML(t, body, "migration"), `<a href="/agencies/migration?period=2025-Q3"`) {
		t.Fatal("manager links wrong")
	}
}

func TestAgencyPage(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	mgr := e.login(t, e.Users["managerA"])
	r := e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3&lang=en", mgr, nil)
	body := string(r.Body)
	if r.Status != 200 {
		t.Fatalf("agency page: %d %s", r.Status, body)
	}
	for _, want := range []string{
		`<svg class="chart trend"`, `class="band"`, "<desc id=\"trend-d\">", // trend with CI band
		"By question", "By service", "By centre", "By channel", "Waiting time", "Temporary residence permit",
		"Baku ASAN service centre No. 1", "integration (queue system)", // breakdown rows, channels in words
		"Q2 2025", "Q4 2024", // earlier periods on the trend, named
		`href="/api/v1/responses.csv?agency=migration&amp;from=2025-07-01&amp;to=2025-09-30"`,
		"Növbə uzun idi", "İŞ tez həll olundu", "<dt>Waiting time</dt><dd>", // comments with their ratings
	} {
		if !strings.Contains(body, want) {
			t.Errorf("agency page lacks %q", want)
		}
	}
	// A language tag with a region, as a person or another site may write it, is the language.
	if r := e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3&lang=ru-RU", mgr, nil); !strings.Contains(string(r.Body), `<html lang="ru"`) {
		t.Errorf("?lang=ru-RU: not in Russian")
	}
	// A search that finds nothing says so, not that the period has no comments; a page past the end shows the
	// last one.
	none := string(e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3&lang=en&q=zzzqqq", mgr, nil).Body)
	if !strings.Contains(none, "No comments match your search and filters.") || strings.Contains(none, "No comments in this period.") {
		t.Errorf("a search without hits: %s", none)
	}
	last := string(e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3&lang=en&page=99999", mgr, nil).Body)
	if !strings.Contains(last, "Növbə uzun idi") || strings.Contains(last, "99998") {
		t.Errorf("page 99999: %s", last)
	}
	// The breakdown tables hold exactly the API's figures (the page folds service, centre and channel from
	// one scan of the cells; the API asks figures.Breakdown for each).
	for _, by := range []string{"question", "service", "center", "channel"} {
		var api struct {
			Rows []struct {
				Key    string
				Name   string
				Index  float64
				CILow  float64 `json:"ci_low"`
				CIHigh float64 `json:"ci_high"`
				N      int64
			}
		}
		r := e.do(t, http.MethodGet, "/api/v1/agencies/migration/breakdown?lang=en&period=2025-Q3&by="+by, e.APIKey, nil)
		if err := json.Unmarshal(r.Body, &api); err != nil || len(api.Rows) == 0 {
			t.Fatalf("api breakdown %s: %s", by, r.Body)
		}
		sec := regexp.MustCompile(`(?s)<section aria-labelledby="h-by-` + by + `".*?</section>`).FindString(body)
		if n := strings.Count(sec, `<tr><th scope="row">`); n != len(api.Rows) {
			t.Errorf("by %s: %d rows on the page, %d in the API", by, n, len(api.Rows))
		}
		for _, row := range api.Rows {
			name := row.Name
			if by == "channel" {
				name = i18n.T("en", "dash.channel."+row.Key)
			}
			want := `<th scope="row">` + name + `</th><td class="num">` + locale.Page("en").Number(row.Index, 2) + `</td><td>` +
				locale.Page("en").Number(row.CILow, 2) + "–" + locale.Page("en").Number(row.CIHigh, 2) + `</td><td class="num">` + locale.Page("en").Integer(row.N) + `</td>`
			if !strings.Contains(sec, want) {
				t.Errorf("by %s: page lacks %s", by, want)
			}
		}
	}
	// Search folds case the Azerbaijani way.
	for q, want := range map[string][]string{"iş": {"İŞ tez həll olundu"}, "QIZ": {"Qız çox"}, "долго": {"Очень ДОЛГО"}} {
		r := e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3&q="+url.QueryEscape(q), mgr, nil)
		b := string(r.Body)
		for _, w := range want {
			if !strings.Contains(b, w) {
				t.Errorf("search %q lacks %q", q, w)
			}
		}
		if strings.Contains(b, "Növbə uzun idi") {
			t.Errorf("search %q matched an unrelated comment", q)
		}
	}
	// Another agency's page, an unknown agency.
	if r := e.page(t, http.MethodGet, "/agencies/justice?period=2025-Q3", mgr, nil); r.Status != http.StatusForbidden {
		t.Fatalf("other agency: %d", r.Status)
	}
	if r := e.page(t, http.MethodGet, "/agencies/nowhere", mgr, nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown agency: %d", r.Status)
	}
	// A period without data still renders.
	if r := e.page(t, http.MethodGet, "/agencies/migration?period=2021-Q1", mgr, nil); r.Status != 200 {
		t.Fatalf("empty period: %d", r.Status)
	}
}

var secretRE = regexp.MustCompile(`<code id="secret">([^<]+)</code>`)

func secretOf(t testing.TB, r testResponse) string {
	t.Helper()
	m := secretRE.FindStringSubmatch(string(r.Body))
	if m == nil {
		t.Fatalf("no one-time secret on the page (%d)", r.Status)
	}
	return m[1]
}

func TestAdminPages(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	ctx := context.Background()
	admin := e.login(t, e.Users["admin"])
	for _, p := range []string{"/admin/kiosks", "/admin/users", "/admin/apikeys", "/admin/catalog"} {
		if r := e.page(t, http.MethodGet, p+"?lang=ru", admin, nil); r.Status != 200 || !strings.Contains(string(r.Body), `lang="ru"`) {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}

	// API keys: the key is shown once and works; revoking stops it.
	r := e.page(t, http.MethodPost, "/admin/apikeys", admin, url.Values{"name": {"CRM"}})
	key := secretOf(t, e.followPost(t, r, admin))
	k, err := e.Store.AuthAPIKey(ctx, key)
	if err != nil || k.Name != "CRM" {
		t.Fatalf("created key: %v", err)
	}
	if r := e.page(t, http.MethodGet, "/admin/apikeys", admin, nil); strings.Contains(string(r.Body), key) {
		t.Fatal("the key is shown again")
	}
	if r := e.page(t, http.MethodPost, "/admin/apikeys/"+itoa(k.ID)+"/revoke", admin, url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if _, err := e.Store.AuthAPIKey(ctx, key); err == nil {
		t.Fatal("revoked key still works")
	}
	if r := e.page(t, http.MethodGet, "/admin/apikeys?lang=ru", admin, nil); !strings.Contains(string(r.Body), "Отозван: он больше не принимается.") {
		t.Fatal("no notice after revoking a key")
	}

	// Users: create a manager with a generated password, who can sign in; demote; reset the password.
	r = e.page(t, http.MethodPost, "/admin/users", admin, url.Values{"email": {"new@example.az"}, "role": {"manager"}, "agency": {"justice"}})
	pw := secretOf(t, e.followPost(t, r, admin))
	if u, err := e.Store.Login(ctx, "new@example.az", pw, "test"); err != nil || u.Agency != "justice" {
		t.Fatalf("new user: %+v %v", u, err)
	}
	// A chosen password must pass the rule (12+ characters, not common); the refusal is in the page's language.
	for _, c := range []struct{ pw, lang, want string }{
		{"short pw", "az", "ən azı 12 simvol"}, {"qwerty123456", "ru", "10 000 самых"}, {"1qaz2wsx3edc", "en", "10,000 most common"},
	} {
		r := e.page(t, http.MethodPost, "/admin/users?lang="+c.lang, admin, url.Values{"email": {"weak@example.az"}, "role": {"analyst"},
			"password": {c.pw}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), c.want) {
			t.Fatalf("password %q (%s): %d, want %q in the page:\n%s", c.pw, c.lang, r.Status, c.want, r.Body)
		}
	}
	users, _ := e.Store.ListUsers(ctx)
	for _, u := range users {
		if u.Email == "weak@example.az" {
			t.Fatal("a refused password created the user")
		}
	}
	var id int64
	for _, u := range users {
		if u.Email == "new@example.az" {
			id = u.ID
		}
	}
	r = e.page(t, http.MethodPost, "/admin/users/"+itoa(id), admin, url.Values{"action": {"save"}, "role": {"analyst"}, "agency": {""}})
	if u, _ := e.Store.UserByID(ctx, id); r.Status != http.StatusSeeOther || u.Role != "analyst" || u.Agency != "" {
		t.Fatalf("edit: %d %+v", r.Status, u)
	}
	r = e.page(t, http.MethodPost, "/admin/users/"+itoa(id), admin, url.Values{"action": {"reset"}})
	if _, err := e.Store.Login(ctx, "new@example.az", secretOf(t, e.followPost(t, r, admin)), "test"); err != nil {
		t.Fatalf("reset password: %v", err)
	}
	// Ending a user's sessions signs them out everywhere.
	other := e.login(t, e.Users["analyst"])
	analyst, _ := e.Store.Login(ctx, e.Users["analyst"], testPassword, "test")
	if r := e.page(t, http.MethodPost, "/admin/users/"+itoa(analyst.ID), admin, url.Values{"action": {"signout"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", r.Status)
	}
	if r := e.page(t, http.MethodGet, "/", other, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("session survived: %d", r.Status)
	}
	// A bad email is 422 with the reason on the page; an admin cannot demote themselves.
	if r := e.page(t, http.MethodPost, "/admin/users", admin, url.Values{"email": {"not an email"}, "role": {"analyst"}}); r.Status != 422 || !strings.Contains(string(r.Body), `role="alert"`) {
		t.Fatalf("bad user: %d", r.Status)
	}
	me, _ := e.Store.Login(ctx, e.Users["admin"], testPassword, "test")
	if r := e.page(t, http.MethodPost, "/admin/users/"+itoa(me.ID), admin, url.Values{"action": {"save"}, "role": {"analyst"}}); r.Status != 422 {
		t.Fatalf("self-demotion: %d", r.Status)
	}

	// Kiosks: registering shows an enrolment QR code whose code pairs a tablet; revoke ends the kiosk.
	r = e.page(t, http.MethodPost, "/admin/kiosks", admin, url.Values{"name": {"Exit 2"}, "center": {"ganja"}, "agency": {"migration"}})
	r = e.followPost(t, r, admin)
	body := string(r.Body)
	if r.Status != 200 || !strings.Contains(body, `<img src="data:image/png;base64,`) {
		t.Fatalf("register kiosk: %d", r.Status)
	}
	link := regexp.MustCompile(`<code class="wrap" id="pair-url">([^<]+)</code>`).FindStringSubmatch(body)
	if link == nil || !strings.HasPrefix(link[1], "https://rate.example.az/kiosk/enrol/") {
		t.Fatalf("enrolment link: %v", link)
	}
	code, _ := url.PathUnescape(strings.TrimPrefix(link[1], "https://rate.example.az/kiosk/enrol/"))
	kiosk, token, err := e.Store.PairKiosk(ctx, code)
	if err != nil || kiosk.Name != "Exit 2" {
		t.Fatalf("pair with the shown code: %v", err)
	}
	if r := e.page(t, http.MethodPost, "/admin/kiosks/"+itoa(kiosk.ID)+"/revoke", admin, url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke kiosk: %d", r.Status)
	}
	if _, err := e.Store.AuthKiosk(ctx, token); err == nil {
		t.Fatal("revoked kiosk still authenticates")
	}

	// Catalog: a fragment renames a group; a new survey version is published; a used version cannot change.
	frag := `{"groups":[{"code":"central","name":{"az":"Mərkəzi orqanlar","en":"Central bodies","ru":"Центральные органы"}}]}`
	if r := e.page(t, http.MethodPost, "/admin/catalog", admin, url.Values{"catalog": {frag}}); r.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	cv, _ := e.Store.CatalogView(ctx)
	if g, _ := cv.Group("central"); g.Name.EN != "Central bodies" {
		t.Fatalf("group not renamed: %+v", g)
	}
	sv, _ := cv.Survey("visit", 1)
	changed := *sv
	changed.Questions = append([]survey.Question(nil), sv.Questions[:2]...)
	raw, _ := json.Marshal(changed)
	r = e.page(t, http.MethodPost, "/admin/surveys", admin, url.Values{"survey": {string(raw)}})
	if r.Status != 422 || !strings.Contains(string(r.Body), "cannot change; changes are published as a new version") {
		t.Fatalf("changing a used version: %d", r.Status)
	}
	changed.Version = 2
	raw, _ = json.Marshal(changed)
	if r := e.page(t, http.MethodPost, "/admin/surveys", admin, url.Values{"survey": {string(raw)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publish v2: %d %s", r.Status, r.Body)
	}
	cv, _ = e.Store.CatalogView(ctx)
	if v2, ok := cv.Survey("visit", 0); !ok || v2.Version != 2 || len(v2.Questions) != 2 {
		t.Fatalf("v2 not published: %+v", v2)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// followPost checks that a form's answer is a 303 redirect (Post/Redirect/Get) and GETs where it points.
func (e *testEnv) followPost(t testing.TB, r testResponse, cookie string) testResponse {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") == "" {
		t.Fatalf("form answered %d (Location %q), want 303:\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	return e.page(t, http.MethodGet, r.Header.Get("Location"), cookie, nil)
}
