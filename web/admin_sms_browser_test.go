package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/sms"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestAdminSMSBrowser: an admin sees each template's segment count, a bad template is refused in the page's
// language naming the field and keeping what was typed, a good one is saved once (a reload after the
// redirect saves nothing again), is audited, and the invitation API then answers the new text.
func TestAdminSMSBrowser(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	bg := context.Background()
	if _, err := env.Store.AddUser(bg, "admin@example.az", testPassword, survey.RoleAdmin, ""); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	checkErrors := watchErrors(t, ctx)
	kioskDo(t, ctx, "sign in", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(env.URL+"/login?next=/admin/sms"),
		chromedp.SendKeys("#email", "admin@example.az", chromedp.ByID), chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID), chromedp.WaitVisible("#sender", chromedp.ByID))

	// The defaults, with their counts. The test catalog's longest Russian name (48 characters) pushes Russian
	// to three segments: the page says so and suggests a short name.
	for _, lang := range []string{"az", "ru", "en"} {
		var rows [][]string
		kioskDo(t, ctx, "open "+lang, chromedp.Navigate(env.URL+"/admin/sms?lang="+lang), chromedp.WaitVisible("#sender", chromedp.ByID),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('.sms-template')).map(e => [e.querySelector('samp').textContent, e.querySelector('.sms-count').textContent, e.querySelector('.sms-count').className])`, &rows))
		word := map[string][2]string{"az": {"Simvollar", "seqmentlər"}, "en": {"Characters", "segments"}, "ru": {"Символы", "сегменты"}}[lang]
		for i, l := range []string{"az", "en", "ru"} {
			c := sms.CountText(rows[i][0])
			want := fmt.Sprintf("%s: %d · %s · %s: %d", word[0], c.Chars, c.Encoding, word[1], c.Segments)
			over := strings.Contains(rows[i][2], "over")
			if !strings.HasPrefix(rows[i][1], want) || over != (l == "ru") || !strings.Contains(rows[i][0], "Qiymet: ") {
				t.Fatalf("%s page, %s template: %q counted %q (%s), want %q", lang, l, rows[i][0], rows[i][1], rows[i][2], want)
			}
		}
		if lang != "en" {
			noAxe(t, ctx, "admin-sms-"+lang)
			shot(t, ctx, "admin-sms-"+lang+"-1366")
			kioskDo(t, ctx, "phone", chromedp.EmulateViewport(390, 844))
			var sideways bool
			kioskDo(t, ctx, "sideways", chromedp.Evaluate(`document.documentElement.scrollWidth > innerWidth`, &sideways))
			if sideways {
				t.Errorf("%s: the SMS page scrolls sideways at 390 px", lang)
			}
			shot(t, ctx, "admin-sms-"+lang+"-390")
			kioskDo(t, ctx, "desk", chromedp.EmulateViewport(1366, 768))
		}
	}

	// A template without the link, in Russian: refused, in Russian, naming the field; what was typed stays.
	typed := "{sender}: оцените {agency}, пожалуйста"
	var errText, kept, sender string
	kioskDo(t, ctx, "bad template", chromedp.Navigate(env.URL+"/admin/sms?lang=ru"), chromedp.WaitVisible("#sender", chromedp.ByID),
		chromedp.SetValue("#sender", "ASAN", chromedp.ByID), chromedp.SetValue("#template_ru", typed, chromedp.ByID),
		chromedp.Click("#save", chromedp.ByID), chromedp.WaitVisible("#errors", chromedp.ByID),
		chromedp.Text("#errors", &errText, chromedp.ByID), chromedp.Value("#template_ru", &kept, chromedp.ByID),
		chromedp.Value("#sender", &sender, chromedp.ByID))
	if !strings.Contains(errText, "Шаблон (Русский): должен содержать {url} ровно один раз.") || kept != typed || sender != "ASAN" {
		t.Fatalf("refusal %q, kept %q / %q", errText, kept, sender)
	}
	shot(t, ctx, "admin-sms-error-ru")
	noAxe(t, ctx, "admin-sms-error-ru")
	if got, _ := env.Store.SMSTexts(bg); got.Sender != "Qiymet" {
		t.Fatalf("a refused form stored %+v", got)
	}

	// Fixed, with a short name: counted first without saving, then saved, redirected, audited once even after
	// a reload.
	var count string
	kioskDo(t, ctx, "preview", chromedp.SetValue("#template_ru", "{sender}: {agency} просит оценить визит: {url}", chromedp.ByID),
		chromedp.SetValue("#short_property_ru", "ГСИВ", chromedp.ByID),
		chromedp.Click("#preview", chromedp.ByID), chromedp.WaitVisible(".notice.ok", chromedp.ByQuery),
		chromedp.Text(`#template_ru-count`, &count, chromedp.ByQuery))
	// The longest Russian text is now the migration service's: property has a short name.
	c := sms.CountText("ASAN: Государственная миграционная служба просит оценить визит: " + env.BaseURL + "/r/AbCdEfGhIjKlMnOpQrStUvWx")
	if want := fmt.Sprintf("Символы: %d · UCS-2 · сегменты: %d", c.Chars, c.Segments); !strings.HasPrefix(count, want) || c.Segments != 2 {
		t.Fatalf("preview count %q, want %q", count, want)
	}
	if got, _ := env.Store.SMSTexts(bg); got.Sender != "Qiymet" {
		t.Fatalf("a preview stored %+v", got)
	}
	shot(t, ctx, "admin-sms-preview-ru")
	kioskDo(t, ctx, "good template", chromedp.SetValue("#short_migration_ru", "ГМС", chromedp.ByID),
		chromedp.Click("#save", chromedp.ByID))
	// The preview's notice is on screen already: wait for the redirect's page itself.
	waitFor(t, ctx, "redirected after saving", `location.pathname + location.search === '/admin/sms?saved=1' && document.readyState === 'complete'`, 20*time.Second)
	kioskDo(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(".notice.ok", chromedp.ByQuery))
	shot(t, ctx, "admin-sms-saved-ru")
	entries, _, err := env.Store.ListAudit(bg, survey.AuditFilter{Action: survey.AuditSMSUpdate})
	if err != nil || len(entries) != 1 || entries[0].Actor != "admin@example.az" {
		t.Fatalf("audit %+v %v", entries, err)
	}
	status, inv := env.postJSON(t, "/api/v1/invitations", env.APIKey, map[string]any{"agency": "migration", "visit_id": "S-1"})
	if status != http.StatusCreated {
		t.Fatalf("invitation %d", status)
	}
	if got := inv["sms"].(map[string]any)["ru"]; got != "ASAN: ГМС просит оценить визит: "+inv["url"].(string) {
		t.Fatalf("sms[ru] = %q", got)
	}
	checkErrors()
}

// TestAdminSMSHostile: malformed, oversized and hostile forms store nothing and get a clear answer.
func TestAdminSMSHostile(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			if _, err := env.Store.AddUser(context.Background(), "admin@example.az", testPassword, survey.RoleAdmin, ""); err != nil {
				t.Fatal(err)
			}
			cookie := env.login(t, "admin@example.az")
			good := url.Values{"sender": {"Qiymet"}, "template_az": {"{url}"}, "template_en": {"{url}"}, "template_ru": {"{url}"}}
			with := func(k, v string) url.Values {
				out := url.Values{}
				for kk, vv := range good {
					out[kk] = vv
				}
				out.Set(k, v)
				return out
			}
			cases := []struct {
				name   string
				form   url.Values
				status int
				text   string
			}{
				{"no sender", with("sender", ""), 422, "Sender: must be 1 to 40 characters"},
				{"missing template", url.Values{"sender": {"Q"}, "template_az": {"{url}"}, "template_en": {"{url}"}}, 422, "Template (Русский): must not be empty"},
				{"two links", with("template_en", "{url}{url}"), 422, "exactly once"},
				{"unknown placeholder", with("template_az", "{url} {phone}"), 422, "may only use"},
				{"control characters", with("template_ru", "{url}\x1b[2J"), 422, "control characters"},
				{"invalid UTF-8", with("template_ru", "{url}\xff"), 422, "invalid UTF-8"},
				{"long short name", with("short_migration_en", strings.Repeat("x", 41)), 422, "Short name of State Migration Service (English): must be at most 40 characters"},
				{"oversized", with("template_az", strings.Repeat("ə", 70<<10)), 413, ""},
				{"script", with("sender", "<script>alert(1)</script>"), 303, ""},
			}
			for _, tc := range cases {
				r := env.page(t, http.MethodPost, "/admin/sms?lang=en", cookie, tc.form)
				body := string(r.Body)
				if r.Status != tc.status || !strings.Contains(body, tc.text) {
					t.Errorf("%s: %d %.300q", tc.name, r.Status, body)
				}
				if tc.status == 422 && !strings.Contains(body, "Nothing was saved") {
					t.Errorf("%s: no summary", tc.name)
				}
			}
			got, err := env.Store.SMSTexts(context.Background())
			if err != nil || got.Sender != "<script>alert(1)</script>" || got.Templates["az"] != "{url}" {
				t.Fatalf("only the last, valid form (a sender that is just text) is stored: %+v %v", got, err)
			}
			entries, _, _ := env.Store.ListAudit(context.Background(), survey.AuditFilter{Action: survey.AuditSMSUpdate})
			if len(entries) != 1 {
				t.Fatalf("%d audit entries, want 1", len(entries))
			}
			// The page shows it as text.
			if r := env.page(t, http.MethodGet, "/admin/sms", cookie, nil); strings.Contains(string(r.Body), "<script>alert") {
				t.Fatal("the sender is not escaped")
			}
		})
	}
}
