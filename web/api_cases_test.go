package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey/storetest"
)

// caseList decodes GET /api/v1/cases.
func caseList(t *testing.T, r testResponse) []map[string]any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("cases: %d %s", r.Status, r.Body)
	}
	var out struct{ Cases []map[string]any }
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Cases
}

// TestCasesHTTP goes through the real router: a kiosk's low ratings (replayed, retried at once, and a queue
// sent after an outage) open one case each; the list and the actions follow the role rules; refusals are
// clear, in the user's language, and change nothing.
func TestCasesHTTP(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) { casesHTTP(t, dialect) })
	}
}

func casesHTTP(t *testing.T, dialect string) {
	e := newDashEnv(t, dialect, 0, "")
	sess := map[string]string{}
	for _, who := range []string{"managerA", "managerB", "analyst", "admin"} {
		sess[who] = e.login(t, e.Users[who])
	}
	asJSON := func(method, path, who string, body string, hdr ...string) testResponse {
		var rd *strings.Reader
		if body != "" {
			rd = strings.NewReader(body)
			return e.send(t, method, path, sess[who], "application/json", rd, hdr...)
		}
		return e.send(t, method, path, sess[who], "", nil, hdr...)
	}

	// One low rating, sent by the kiosk 6 times at once with the same id, then once more.
	id := uuid.NewString()
	low := fmt.Sprintf(`{"id":%q,"agency":"migration","answers":{"overall":2},"comment":"<script>alert(1)</script> Növbə"}`, id)
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.do(t, http.MethodPost, "/api/v1/responses", e.KioskToken, low).Status
		}()
	}
	wg.Wait()
	created := 0
	for _, st := range statuses {
		if st == http.StatusCreated {
			created++
		} else if st != http.StatusOK {
			t.Fatalf("retry answered %d", st)
		}
	}
	if created != 1 {
		t.Fatalf("%d of the same id created", created)
	}
	if st := e.do(t, http.MethodPost, "/api/v1/responses", e.KioskToken, low).Status; st != http.StatusOK {
		t.Fatalf("replay: %d", st)
	}
	// The kiosk's queue after an outage: 6 ratings from an hour ago, 30 s apart, every other one low.
	start := e.Clock.Now().Add(-time.Hour)
	for i := range 6 {
		body := fmt.Sprintf(`{"id":%q,"agency":"justice","answers":{"overall":%d},"submitted_at":%q}`, uuid.NewString(),
			[]int{1, 4}[i%2], start.Add(time.Duration(i)*30*time.Second).Format(time.RFC3339))
		if st := e.do(t, http.MethodPost, "/api/v1/responses", e.KioskToken, body).Status; st != http.StatusCreated {
			t.Fatalf("queued rating %d: %d", i, st)
		}
	}

	all := caseList(t, asJSON("GET", "/api/v1/cases", "admin", ""))
	if len(all) != 4 {
		t.Fatalf("admin sees %d cases, want 4 (1 migration + 3 justice)", len(all))
	}
	if n := len(caseList(t, e.get(t, "/api/v1/cases?status=open", e.APIKey))); n != 4 {
		t.Fatalf("API key sees %d", n)
	}
	mine := caseList(t, asJSON("GET", "/api/v1/cases", "managerA", ""))
	if len(mine) != 1 || mine[0]["response_id"] != id || mine[0]["agency"] != "migration" {
		t.Fatalf("manager A sees %v", mine)
	}
	if c := mine[0]["comment"]; c != "<script>alert(1)</script> Növbə" {
		t.Fatalf("comment %q", c)
	}
	if n := len(caseList(t, asJSON("GET", "/api/v1/cases", "managerB", ""))); n != 3 {
		t.Fatalf("manager B sees %d", n)
	}
	if r := asJSON("GET", "/api/v1/cases?agency=migration", "managerB", ""); r.Status != http.StatusForbidden {
		t.Fatalf("manager B reading A: %d", r.Status)
	}
	for _, q := range []string{"status=closed", "from=2025-13-01", "to=yesterday", "agency=%3Cscript%3E", "agency=tax", "from=1999-01-01"} {
		r := asJSON("GET", "/api/v1/cases?"+q, "admin", "")
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	if n := len(caseList(t, asJSON("GET", "/api/v1/cases?from=2025-08-14&to=2025-08-14", "admin", ""))); n != 4 {
		t.Fatalf("today's cases: %d", n)
	}
	if n := len(caseList(t, asJSON("GET", "/api/v1/cases?to=2025-08-13", "admin", ""))); n != 0 {
		t.Fatalf("yesterday's cases: %d", n)
	}

	cid := mine[0]["id"].(string)
	events := "/api/v1/cases/" + cid + "/events"
	act := func(who, body string, hdr ...string) testResponse { return asJSON("POST", events, who, body, hdr...) }
	errOf := func(r testResponse) (string, string, string) {
		var b struct {
			Error struct{ Code, Field, Message string }
		}
		json.Unmarshal(r.Body, &b)
		return b.Error.Code, b.Error.Field, b.Error.Message
	}
	// Who may not act: analysts, API keys, another agency's manager; nothing changes.
	for _, who := range []string{"analyst", "managerB"} {
		if r := act(who, `{"action":"acknowledge"}`); r.Status != http.StatusForbidden {
			t.Fatalf("%s acting: %d %s", who, r.Status, r.Body)
		}
	}
	if r := e.do(t, http.MethodPost, events, e.APIKey, `{"action":"acknowledge"}`); r.Status != http.StatusForbidden {
		t.Fatalf("API key acting: %d", r.Status)
	}
	// Malformed, oversized and hostile bodies.
	bad := []struct {
		body, lang string
		status     int
		field, msg string
	}{
		{`{"action":`, "", 400, "", ""},
		{"\xff\xfe", "", 400, "", ""},
		{`{"action":"comment","note":"` + strings.Repeat("x", 9000) + `"}`, "", 413, "", ""},
		{`{"action":"comment","note":"` + strings.Repeat("ş", 2001) + `"}`, "ru", 422, "note", "не длиннее 2000"},
		{`{"action":"dance"}`, "en", 422, "action", "Unknown action."},
		{`{"action":"resolve"}`, "az", 422, "resolution", "Həll etmək üçün nəticəni seçin."},
		{`{"action":"resolve","resolution":"bribed"}`, "en", 422, "resolution", "Choose a resolution"},
		{`{"action":"comment","note":"  "}`, "ru", 422, "note", "Напишите заметку."},
		{`{"action":"reopen"}`, "ru", 422, "action", "Для обращения в статусе «Открыто» действие «Открыть снова» невозможно."},
		{`{"action":"acknowledge","extra":true}`, "", 422, "extra", ""},
	}
	for _, b := range bad {
		r := act("managerA", b.body, "Accept-Language", b.lang)
		code, field, msg := errOf(r)
		if r.Status != b.status || (b.field != "" && field != b.field) || !strings.Contains(msg, b.msg) {
			t.Fatalf("%.60s: %d %s %s %q", b.body, r.Status, code, field, msg)
		}
	}
	if r := asJSON("POST", "/api/v1/cases/case_nope/events", "admin", `{"action":"acknowledge"}`); r.Status != http.StatusNotFound {
		t.Fatalf("unknown case: %d", r.Status)
	}
	// The transitions, with the trail.
	for _, step := range []struct{ who, body, status string }{
		{"managerA", `{"action":"acknowledge","note":"Baxırıq"}`, "acknowledged"},
		{"admin", `{"action":"comment","note":"<b>Zəng</b> etdik"}`, "acknowledged"},
		{"managerA", `{"action":"resolve","resolution":"explained","note":"Qaydanı izah etdik"}`, "resolved"},
	} {
		r := act(step.who, step.body)
		if r.Status != http.StatusOK || r.JSON()["status"] != step.status {
			t.Fatalf("%s: %d %s", step.body, r.Status, r.Body)
		}
	}
	r := act("managerA", `{"action":"acknowledge"}`, "Accept-Language", "az")
	if _, field, msg := errOf(r); r.Status != 422 || field != "action" || msg != "«Həll edilib» vəziyyətində olan müraciət üçün «Qəbul et» mümkün deyil." {
		t.Fatalf("acknowledging a resolved case: %d %q", r.Status, msg)
	}
	r = act("admin", `{"action":"reopen","note":"Vətəndaş yenə yazdı"}`)
	got := r.JSON()
	if r.Status != 200 || got["status"] != "open" || got["resolution"] != nil {
		t.Fatalf("reopen: %s", r.Body)
	}
	trail := got["events"].([]any)
	var steps []string
	for _, s := range trail {
		m := s.(map[string]any)
		steps = append(steps, m["action"].(string)+"/"+m["actor"].(string))
	}
	want := "open/system,acknowledge/managera@example.az,comment/admin@example.az,resolve/managera@example.az,reopen/admin@example.az"
	if strings.Join(steps, ",") != want {
		t.Fatalf("trail %s", strings.Join(steps, ","))
	}
	// A cross-site form post with the session cookie is refused before it acts.
	if r := act("managerA", `{"action":"comment","note":"x"}`, "Sec-Fetch-Site", "cross-site"); r.Status != http.StatusForbidden {
		t.Fatalf("cross-site: %d", r.Status)
	}

	// Rankings rows carry the period's case figures.
	rk := e.get(t, "/api/v1/rankings?period=2025-Q3", e.APIKey)
	if !strings.Contains(string(rk.Body), `"agency":"justice"`) || !strings.Contains(string(rk.Body), `"cases":{"opened":3,"resolved_in_sla":null}`) {
		t.Fatalf("rankings: %s", rk.Body)
	}
	if !strings.Contains(string(rk.Body), `"cases":{"opened":1,"resolved_in_sla":null}`) { // migration: reopened, not due yet
		t.Fatalf("rankings (migration): %s", rk.Body)
	}

	// The page: a refused form keeps the input and says why in the reader's language; a good one redirects.
	page := "/cases/" + cid + "/events"
	r = e.page(t, http.MethodPost, page+"?lang=ru", sess["managerA"], url.Values{"action": {"resolve"}, "note": {"Позвонили гражданину"}, "back": {"status=open"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Чтобы решить обращение, выберите итог.") ||
		!strings.Contains(string(r.Body), "Позвонили гражданину</textarea>") {
		t.Fatalf("refused form: %d %s", r.Status, r.Body)
	}
	// Its language links lead to the cases page with the same filter, not to the form's address (no GET there).
	if !strings.Contains(string(r.Body), `href="/cases?lang=az&amp;status=open"`) || strings.Contains(string(r.Body), `href="/cases/`+cid+`/events?`) {
		t.Fatalf("language links of a refused form: %s", r.Body)
	}
	r = e.page(t, http.MethodPost, page, sess["managerA"], url.Values{"action": {"resolve"}, "resolution": {"fixed"}, "note": {"Düzəldildi"}, "back": {"status=open&evil=1"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/cases?done=1&case="+cid+"&status=open#"+cid {
		t.Fatalf("form: %d %q", r.Status, r.Header.Get("Location"))
	}
	// "Saved" is said at the case the browser scrolls to, where the reader is looking (the case is resolved now,
	// so it shows without the status filter).
	r = e.page(t, http.MethodGet, "/cases?done=1&case="+cid+"&lang=ru", sess["managerA"], nil)
	if !strings.Contains(string(r.Body), `id="saved-`+cid+`">Сохранено.`) {
		t.Fatalf("saved notice not at the case: %s", r.Body)
	}
	r = e.page(t, http.MethodGet, "/cases?lang=az", sess["managerA"], nil)
	body := string(r.Body)
	if r.Status != 200 || !strings.Contains(body, "Həll edilib") || !strings.Contains(body, "Problem aradan qaldırıldı") ||
		strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("page: %d %s", r.Status, body)
	}
	if strings.Contains(body, "notary") || strings.Contains(body, `id="sla-hours"`) {
		t.Fatal("a manager sees another agency's cases or the SLA form")
	}
	// An agency the catalog does not have, malformed or well-formed: refused in the page's language.
	for q, want := range map[string]string{"agency=ABC&lang=az": "Belə qurum yoxdur", "agency=nope&lang=ru": "Такого ведомства нет",
		"agency=%3Cscript%3E&lang=en": "No such agency"} {
		r = e.page(t, http.MethodGet, "/cases?"+q, sess["analyst"], nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), want) {
			t.Fatalf("/cases?%s: %d, want 422 with %q", q, r.Status, want)
		}
	}
	r = e.page(t, http.MethodGet, "/cases?lang=en", sess["analyst"], nil)
	if !strings.Contains(string(r.Body), "You can read cases but not act on them.") || strings.Contains(string(r.Body), `name="action"`) {
		t.Fatalf("analyst page: %s", r.Body)
	}
	// The SLA form (admins): bad input refused in the reader's language, a good one stored and used.
	for _, h := range []string{"abc", "-3", "99999"} {
		r = e.page(t, http.MethodPost, "/cases/sla?lang=en", sess["admin"], url.Values{"agency": {"justice"}, "hours": {h}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "The SLA must be a whole number of hours from 0 to 8760.") {
			t.Fatalf("SLA %q: %d", h, r.Status)
		}
	}
	r = e.page(t, http.MethodPost, "/cases/sla", sess["admin"], url.Values{"agency": {"justice"}, "hours": {"24"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("SLA: %d %s", r.Status, r.Body)
	}
	nid := uuid.NewString()
	if st := e.do(t, http.MethodPost, "/api/v1/responses", e.APIKey, fmt.Sprintf(`{"id":%q,"agency":"justice","answers":{"overall":1}}`, nid)).Status; st != 201 {
		t.Fatal(st)
	}
	for _, c := range caseList(t, asJSON("GET", "/api/v1/cases?agency=justice", "admin", "")) {
		if c["response_id"] != nid {
			continue
		}
		opened, _ := time.Parse(time.RFC3339, c["opened_at"].(string))
		due, _ := time.Parse(time.RFC3339, c["due_at"].(string))
		if due.Sub(opened) != 24*time.Hour {
			t.Fatalf("due after %v, want the agency's 24 h", due.Sub(opened))
		}
	}
	// The agency page states the period's case figures.
	r = e.page(t, http.MethodGet, "/agencies/justice?period=2025-Q3&lang=en", sess["admin"], nil)
	if !strings.Contains(string(r.Body), "Cases (in the period): Opened 4 · Resolved within SLA none yet") {
		t.Fatalf("agency page: %s", r.Body)
	}
}
