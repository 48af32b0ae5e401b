package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// countRows counts the rows of table (where: an optional condition with its args).
func countRows(t testing.TB, e *testEnv, table, where string, args ...any) int {
	t.Helper()
	q := e.Store.DB().NewSelect().Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func mustContain(t testing.TB, what string, r testResponse, status int, wants ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, status, r.Body)
	}
	for _, w := range wants {
		if !strings.Contains(string(r.Body), w) {
			t.Fatalf("%s: %q not in the page\n%s", what, w, r.Body)
		}
	}
}

// TestAdminPostRedirectGet: every successful admin form answers 303; the one-time secret is on the next page
// only, once; reloading it creates nothing; the secret is never in a URL.
func TestAdminPostRedirectGet(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	kiosks := countRows(t, e.testEnv, "kiosks", "")
	r := e.page(t, http.MethodPost, "/admin/kiosks", admin, url.Values{"name": {"Çıxış 3"}, "center": {"ganja"}})
	if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != "/admin/kiosks" {
		t.Fatalf("register kiosk: %d %q", r.Status, loc)
	}
	page := e.followPost(t, r, admin)
	mustContain(t, "enrolment after the redirect", page, 200, `id="pair-url"`, "Çıxış 3")
	for i := 0; i < 2; i++ { // the reload
		again := e.page(t, http.MethodGet, "/admin/kiosks", admin, nil)
		if strings.Contains(string(again.Body), `id="pair-url"`) {
			t.Fatal("the enrolment code is shown twice")
		}
	}
	if n := countRows(t, e.testEnv, "kiosks", ""); n != kiosks+1 {
		t.Fatalf("kiosks %d → %d", kiosks, n)
	}
	// The flash belongs to the session: another admin session does not see it.
	other := e.login(t, e.Users["admin"])
	r = e.page(t, http.MethodPost, "/admin/apikeys", admin, url.Values{"name": {"CRM"}})
	if strings.Contains(r.Header.Get("Location"), "qk_") || r.Status != http.StatusSeeOther {
		t.Fatalf("api key: %d %q", r.Status, r.Header.Get("Location"))
	}
	if strings.Contains(string(e.page(t, http.MethodGet, "/admin/apikeys", other, nil).Body), `id="secret"`) {
		t.Fatal("another session saw the secret")
	}
	key := secretOf(t, e.page(t, http.MethodGet, "/admin/apikeys", admin, nil))
	if _, err := e.Store.AuthAPIKey(context.Background(), key); err != nil {
		t.Fatalf("the shown key: %v", err)
	}
	// The sealed flash in the table does not contain the secret.
	r = e.page(t, http.MethodPost, "/admin/apikeys", admin, url.Values{"name": {"CRM 2"}})
	var sealed string
	if err := e.Store.DB().NewSelect().Table("admin_flashes").Column("sealed").Limit(1).Scan(context.Background(), &sealed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "qk_") || strings.Contains(sealed, "CRM 2") {
		t.Fatal("the flash is stored in clear")
	}
	// An expired flash is not shown.
	e.Clock.Advance(survey.FlashTTL + time.Second)
	if strings.Contains(string(e.followPost(t, r, admin).Body), `id="secret"`) {
		t.Fatal("an expired flash was shown")
	}
}

// TestAdminUserForm: no role is preselected; refusals are in the page's language, name the field and keep what
// was typed; nothing is stored.
func TestAdminUserForm(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	r := e.page(t, http.MethodGet, "/admin/users?lang=en", admin, nil)
	mustContain(t, "new-user form", r, 200, `<option value="">— choose —</option><option value="manager">`)
	if form, _, _ := strings.Cut(string(r.Body), `id="h-list"`); strings.Contains(form, " selected") {
		t.Fatal("admin preselected")
	}
	users := countRows(t, e.testEnv, "users", "")
	for _, c := range []struct {
		name, lang string
		form       url.Values
		status     int
		wants      []string
	}{
		{"manager without agency, ru", "ru", url.Values{"email": {"yeni@example.az"}, "role": {"manager"}}, 422,
			[]string{"Ведомство: выберите ведомство", `value="yeni@example.az"`, `<option value="manager" selected>`, `id="u-agency" name="agency" aria-invalid="true"`}},
		{"no role, az", "az", url.Values{"email": {"yeni@example.az"}}, 422,
			[]string{"Rol: administrator, analitik və ya rəhbər seçin.", `value="yeni@example.az"`, `id="u-role" name="role" required aria-invalid="true"`}},
		{"bad email, ru", "ru", url.Values{"email": {"не почта"}, "role": {"analyst"}}, 422,
			[]string{"Эл. почта: введите правильный адрес", `value="не почта"`, `<option value="analyst" selected>`}},
		{"existing email, az", "az", url.Values{"email": {e.Users["analyst"]}, "role": {"analyst"}}, 422,
			[]string{"E-poçt: düzgün ünvan yazın"}},
		{"unknown agency, en", "en", url.Values{"email": {"m@example.az"}, "role": {"manager"}, "agency": {"<script>"}}, 422,
			[]string{"Agency: choose the agency", `value="m@example.az"`}},
		{"unknown role", "en", url.Values{"email": {"m@example.az"}, "role": {"root"}}, 422, []string{"Role: choose"}},
		{"oversized", "ru", url.Values{"email": {strings.Repeat("a", 20<<10) + "@example.az"}, "role": {"analyst"}}, 413, []string{"Форма слишком большая"}},
	} {
		r := e.page(t, http.MethodPost, "/admin/users?lang="+c.lang, admin, c.form)
		mustContain(t, c.name, r, c.status, c.wants...)
		if strings.Contains(string(r.Body), "--agency") || strings.Contains(string(r.Body), "<script>") {
			t.Fatalf("%s: a developer message or unescaped input on the page", c.name)
		}
	}
	if n := countRows(t, e.testEnv, "users", ""); n != users {
		t.Fatalf("refused forms created users: %d → %d", users, n)
	}
}

// TestAdminCatalogForms: create with a preview, apply only what was previewed, refusals naming the field in the
// page's language, hostile input stores nothing, delete refused while referenced.
func TestAdminCatalogForms(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	ctx := context.Background()
	admin := e.login(t, e.Users["admin"])
	audits := func() int { return countRows(t, e.testEnv, "audit_log", "action LIKE 'catalog.%'") }
	before := audits()

	// A new group: preview shows the change and stores nothing.
	group := url.Values{"new": {"1"}, "code": {"regional"}, "name_az": {"Regional qurumlar"}, "name_ru": {"Региональные органы"}}
	r := e.page(t, http.MethodPost, "/admin/catalog/groups?lang=ru", admin, group)
	mustContain(t, "preview", r, 200, "Что изменится", "<ins>Regional qurumlar</ins>", `id="apply"`)
	if cv, _ := e.Store.CatalogView(ctx); func() bool { _, ok := cv.Group("regional"); return ok }() {
		t.Fatal("the preview stored the group")
	}
	digest := strings.SplitN(strings.SplitN(string(r.Body), `name="digest" value="`, 2)[1], `"`, 2)[0]
	// Apply with other values than previewed: a new preview, nothing stored.
	changed := url.Values{"new": {"1"}, "code": {"regional"}, "name_az": {"Başqa"}, "action": {"apply"}, "digest": {digest}}
	mustContain(t, "apply unpreviewed values", e.page(t, http.MethodPost, "/admin/catalog/groups", admin, changed), 200, "<ins>Başqa</ins>")
	group.Set("action", "apply")
	group.Set("digest", digest)
	r = e.page(t, http.MethodPost, "/admin/catalog/groups", admin, group)
	mustContain(t, "applied", e.followPost(t, r, admin), 200, "regional")
	cv, _ := e.Store.CatalogView(ctx)
	if g, ok := cv.Group("regional"); !ok || g.Name.RU != "Региональные органы" {
		t.Fatalf("group: %+v", g)
	}
	if audits() != before+1 {
		t.Fatal("the change is not audited")
	}
	// The same code again as new: refused.
	group.Del("action")
	mustContain(t, "code taken", e.page(t, http.MethodPost, "/admin/catalog/groups?lang=en", admin, group), 422, "Code: this code exists already")

	// Rename an agency through its edit form: the preview shows old and new names.
	r = e.page(t, http.MethodGet, "/admin/catalog/agencies?code=migration&lang=az", admin, nil)
	mustContain(t, "edit form", r, 200, `value="migration"`, `readonly`, `<option value="central" selected>`)
	edit := url.Values{"code": {"migration"}, "group": {"central"}, "survey": {"visit"}, "name_az": {"Dövlət Miqrasiya Xidməti (yeni)"}}
	mustContain(t, "rename preview", e.page(t, http.MethodPost, "/admin/catalog/agencies", admin, edit), 200, "<del>", "<ins>Dövlət Miqrasiya Xidməti (yeni)</ins>")

	// Refusals: each names the field, in the page's language, keeps the input, stores nothing.
	before = audits()
	for _, c := range []struct {
		name, kind, lang string
		form             url.Values
		wants            []string
	}{
		{"agency without group (ru)", "agencies", "ru", url.Values{"new": {"1"}, "code": {"tax"}, "survey": {"visit"}, "name_az": {"Vergi"}},
			[]string{"Ведомство «tax»: выберите группу из списка", `id="e-group" name="group" aria-invalid="true"`, `value="Vergi"`}},
		{"agency without survey (az)", "agencies", "az", url.Values{"new": {"1"}, "code": {"tax"}, "group": {"central"}, "name_az": {"Vergi"}},
			[]string{"Qurum «tax»: sorğunu siyahıdan seçin", `id="e-survey" name="survey" aria-invalid="true"`}},
		{"bad code", "groups", "en", url.Values{"new": {"1"}, "code": {"../Etc"}, "name_az": {"X"}}, []string{"the code must be lower-case", `value="../Etc"`}},
		{"no name", "groups", "ru", url.Values{"new": {"1"}, "code": {"x"}}, []string{"название на азербайджанском обязательно"}},
		{"name too long", "services", "en", url.Values{"new": {"1"}, "code": {"x"}, "agency": {"migration"}, "name_az": {strings.Repeat("ə", 301)}}, []string{"at most 300 characters"}},
		{"control character", "groups", "en", url.Values{"new": {"1"}, "code": {"x"}, "name_az": {"a\x01b"}}, []string{"no control characters"}},
		{"unknown hosted agency", "centers", "ru", url.Values{"new": {"1"}, "code": {"x"}, "name_az": {"X"}, "agencies": {"nope"}}, []string{"выбирайте только ведомства из списка"}},
		{"service of unknown agency", "services", "az", url.Values{"new": {"1"}, "code": {"x"}, "agency": {"nope"}, "name_az": {"X"}}, []string{"qurumu siyahıdan seçin"}},
		{"edit of a missing entry", "groups", "en", url.Values{"code": {"nope"}, "name_az": {"X"}, "action": {"apply"}}, []string{"There is no such entry."}},
	} {
		r := e.page(t, http.MethodPost, "/admin/catalog/"+c.kind+"?lang="+c.lang, admin, c.form)
		if r.Status < 400 || r.Status >= 500 {
			t.Fatalf("%s: %d", c.name, r.Status)
		}
		mustContain(t, c.name, r, r.Status, c.wants...)
	}
	big := url.Values{"new": {"1"}, "code": {"x"}, "name_az": {strings.Repeat("a", 70<<10)}}
	mustContain(t, "oversized", e.page(t, http.MethodPost, "/admin/catalog/groups?lang=az", admin, big), 413, "Forma çox böyükdür")
	if r := e.page(t, http.MethodGet, "/admin/catalog/surveys", admin, nil); r.Status != 404 {
		t.Fatalf("unknown kind: %d", r.Status)
	}
	if audits() != before {
		t.Fatal("a refused form changed the catalog")
	}

	// Delete protection: the group agencies use stays; a free one goes.
	r = e.page(t, http.MethodPost, "/admin/catalog/groups/delete?lang=ru", admin, url.Values{"code": {"central"}})
	mustContain(t, "delete referenced", r, 409, "«central» не удалено", "ведомства")
	mustContain(t, "edit page says why", e.page(t, http.MethodGet, "/admin/catalog/centers?code=baku-1&lang=en", admin, nil), 200,
		`id="delete-refused"`, "kiosks")
	r = e.page(t, http.MethodPost, "/admin/catalog/groups/delete", admin, url.Values{"code": {"regional"}})
	mustContain(t, "delete", e.followPost(t, r, admin), 200, "regional")
	cv, _ = e.Store.CatalogView(ctx)
	if _, ok := cv.Group("regional"); ok {
		t.Fatal("not deleted")
	}
	if _, ok := cv.Group("central"); !ok {
		t.Fatal("a referenced group was deleted")
	}
	mustContain(t, "delete twice", e.page(t, http.MethodPost, "/admin/catalog/groups/delete?lang=en", admin, url.Values{"code": {"regional"}}), 404, "There is no such entry")

	// The JSON import names the entry and the field in the page's language and keeps the text.
	bad := `{"agencies":[{"code":"migration","group":"nope","survey":"visit","name":{"az":"X"}}]}`
	r = e.page(t, http.MethodPost, "/admin/catalog?lang=ru", admin, url.Values{"catalog": {bad}})
	mustContain(t, "JSON with a bad group", r, 422, "Ведомство «migration»: выберите группу из списка", "&#34;nope&#34;")
	r = e.page(t, http.MethodPost, "/admin/catalog?lang=az", admin, url.Values{"catalog": {`{"groups":[`}})
	mustContain(t, "broken JSON", r, 400, "JSON oxunmadı")
	if strings.Contains(string(e.page(t, http.MethodPost, "/admin/catalog?lang=en", admin, url.Values{"catalog": {`{"agencies":[{"code":"migration","group":"central"}]}`}}).Body), `unknown survey ""`) {
		t.Fatal("the developer's message is shown")
	}

	// The export is the whole catalog.
	r = e.page(t, http.MethodGet, "/admin/catalog.json", admin, nil)
	if c, err := survey.DecodeCatalog(strings.NewReader(string(r.Body))); err != nil || len(c.Surveys) == 0 || len(c.Agencies) == 0 {
		t.Fatalf("export: %v", err)
	}
}

// TestAdminSurveyForm: the form builds the next version; a used version never changes; errors name the question.
func TestAdminSurveyForm(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	ctx := context.Background()
	admin := e.login(t, e.Users["admin"])
	cv, _ := e.Store.CatalogView(ctx)
	v1, _ := cv.Survey("visit", 0)
	r := e.page(t, http.MethodGet, "/admin/surveys/edit?code=visit&lang=en", admin, nil)
	mustContain(t, "form", r, 200, `Survey “visit”: version 2`, `name="q0.key" value="`+v1.Questions[0].Key+`"`)

	// The form as the browser sends it back, with one weight changed and one question added.
	f := url.Values{"code": {"visit"}, "base": {"1"}, "n": {itoa(int64(len(v1.Questions) + 1))}}
	for i, q := range v1.Questions {
		p := "q" + itoa(int64(i)) + "."
		f.Set(p+"key", q.Key)
		f.Set(p+"type", q.Type)
		if q.Type == survey.TypeScale {
			f.Set(p+"min", itoa(int64(q.Min)))
			f.Set(p+"max", itoa(int64(q.Max)))
		}
		if q.Required {
			f.Set(p+"required", "on")
		}
		f.Set(p+"az", q.Text.AZ)
		f.Set(p+"en", q.Text.EN)
		f.Set(p+"ru", q.Text.RU)
		if q.Key == v1.Primary {
			f.Set("primary", itoa(int64(i)))
		}
	}
	n := len(v1.Questions)
	p := "q" + itoa(int64(n)) + "."
	f.Set(p+"key", "clean")
	f.Set(p+"type", "yes_no")
	f.Set(p+"az", "Zal təmiz idi?")
	f.Set(p+"weight", "0,5")
	r = e.page(t, http.MethodPost, "/admin/surveys/edit?lang=en", admin, f)
	mustContain(t, "preview", r, 200, "New question: “clean”.", "Publish version 2")
	digest := strings.SplitN(strings.SplitN(string(r.Body), `name="digest" value="`, 2)[1], `"`, 2)[0]

	// Refusals name the question; nothing is published.
	for _, c := range []struct {
		name, field, value, lang, want string
	}{
		{"scale too short", "q0.max", "2", "ru", "Вопрос №1: у шкалы min и max"},
		{"max not a number", "q0.max", "five", "az", "Sual №1: şkalada min və max tam ədədlərdir"},
		{"weight out of range", p + "weight", "1e9", "en", "Question " + itoa(int64(n+1)) + ": the weight is a number"},
		{"bad key", p + "key", "Clean!", "ru", "ключ начинается со строчной латинской буквы"},
		{"no az text", p + "az", "", "en", "the Azerbaijani text is required"},
		{"bad type", p + "type", "stars", "az", "növ şkala, bəli/xeyr və ya mətn olmalıdır"},
		{"forged base", "base", "0", "en", "A newer version of this survey was published meanwhile"},
	} {
		bad := url.Values{}
		for k, v := range f {
			bad[k] = append([]string(nil), v...)
		}
		bad.Set(c.field, c.value)
		mustContain(t, c.name, e.page(t, http.MethodPost, "/admin/surveys/edit?lang="+c.lang, admin, bad), 422, c.want)
	}
	if sv, _ := e.Store.CatalogView(ctx); func() int { s, _ := sv.Survey("visit", 0); return s.Version }() != 1 {
		t.Fatal("a refused form published a version")
	}
	f.Set("action", "publish")
	f.Set("digest", digest)
	r = e.page(t, http.MethodPost, "/admin/surveys/edit", admin, f)
	e.followPost(t, r, admin)
	cv, _ = e.Store.CatalogView(ctx)
	v2, _ := cv.Survey("visit", 0)
	old, _ := cv.Survey("visit", 1)
	if v2.Version != 2 || len(v2.Questions) != n+1 || len(old.Questions) != n {
		t.Fatalf("v2: %+v; v1 %d questions", v2, len(old.Questions))
	}
	if q, _ := v2.Question("clean"); q.Weight == nil || *q.Weight != 0.5 {
		t.Fatalf("weight: %+v", q)
	}
	// Sending the same form again (base 1) is refused: version 2 exists now.
	mustContain(t, "resubmit", e.page(t, http.MethodPost, "/admin/surveys/edit?lang=en", admin, f), 422, "published meanwhile")
}

// TestAdminKioskFleet: a kiosk that only sent ratings shows its last response and is not "not heard from";
// a heartbeat's battery shows; a kiosk quiet for 2 h of opening time is silent, in words, counted above the table.
func TestAdminKioskFleet(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	st, _ := e.postJSON(t, "/api/v1/responses", e.KioskToken, map[string]any{"agency": "migration", "answers": map[string]any{"overall": 5}})
	if st != http.StatusCreated {
		t.Fatalf("submit: %d", st)
	}
	row := func(r testResponse, id int64) string {
		t.Helper()
		s := string(r.Body)
		i := strings.Index(s, `data-kiosk="`+itoa(id)+`"`)
		if i < 0 {
			t.Fatalf("no row for kiosk %d", id)
		}
		return s[i : i+strings.Index(s[i:], "</tr>")]
	}
	r := e.page(t, http.MethodGet, "/admin/kiosks?lang=en", admin, nil)
	if got := row(r, e.Kiosk.ID); !strings.Contains(got, `data-state="online"`) || !strings.Contains(got, "2025-08-14 10:00") {
		t.Fatalf("kiosk that just sent a response: %s", got)
	}
	e.Clock.Advance(10 * time.Minute)
	r = e.page(t, http.MethodGet, "/admin/kiosks?lang=en", admin, nil)
	if got := row(r, e.Kiosk.ID); !strings.Contains(got, `data-state="offline"`) || !strings.Contains(got, "2025-08-14 10:00") {
		t.Fatalf("kiosk with a response 10 minutes ago: %s", got)
	}
	// Hostile heartbeats store nothing.
	for _, body := range []string{`{"version":"1.5","battery_level":1.5}`, `{"version":"1.5","battery_level":-1}`,
		`{"version":"1.5","charging":"yes"}`, `{"version":"1.5","battery_level":"full"}`, `{"version":"1.5","extra":1}`} {
		if st, _ := e.postJSON(t, "/api/v1/kiosk/heartbeat", e.KioskToken, body); st != 422 && st != 400 {
			t.Fatalf("%s: %d", body, st)
		}
	}
	if k, _ := e.Store.KioskByID(context.Background(), e.Kiosk.ID); k.LastSeenUS != 0 || k.BatteryPct != nil {
		t.Fatalf("a refused heartbeat was stored: %+v", k)
	}
	if st, _ := e.postJSON(t, "/api/v1/kiosk/heartbeat", e.KioskToken, `{"version":"1.5","queue_length":4,"battery_level":0.43,"charging":true}`); st != 200 {
		t.Fatalf("heartbeat: %d", st)
	}
	r = e.page(t, http.MethodGet, "/admin/kiosks?lang=ru", admin, nil)
	got := row(r, e.Kiosk.ID)
	for _, w := range []string{`data-state="online"`, "в сети", "43 % · заряжается", ">1.5<", `class="num">4<`} {
		if !strings.Contains(got, w) {
			t.Fatalf("%q not in the row: %s", w, got)
		}
	}
	// 3 h later on a Thursday (10:10 → 13:10 Baku): silent, said in words and counted.
	e.Clock.Advance(3 * time.Hour)
	admin = e.login(t, e.Users["admin"]) // the idle session has expired meanwhile
	r = e.page(t, http.MethodGet, "/admin/kiosks?lang=az", admin, nil)
	if got := row(r, e.Kiosk.ID); !strings.Contains(got, `class="silent"`) || !strings.Contains(got, "⚠ susur") {
		t.Fatalf("silent kiosk: %s", got)
	}
	mustContain(t, "silent count", r, 200, `id="silent-summary"`, "Susan köşklər: 1")
}
