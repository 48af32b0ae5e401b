package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestAdminMethodologyAndAssessmentPages(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := compositeEnv(t, dialect)
			admin := e.login(t, e.Users["admin"])
			ctx := context.Background()

			r := e.page(t, http.MethodGet, "/admin/methodologies?lang=az", admin, nil)
			body := string(r.Body)
			for _, want := range []string{"Sınaq metodologiyası", "Xidmət haqqında məlumatlandırma", "Elektron müraciət", "info-phone",
				"Qiymətləndirmələrdə istifadə olunur", "66,7%"} { // inform's share: 2 of 3
				if r.Status != 200 || !strings.Contains(body, want) {
					t.Errorf("methodologies page lacks %q (%d)", want, r.Status)
				}
			}
			// A bad methodology: refused in the reader's language, nothing stored; a new version is applied.
			r = e.page(t, http.MethodPost, "/admin/methodologies?lang=ru", admin, url.Values{"methodology": {`{"code":"x","version":1,"citizen_weight":7,"parameters":[]}`}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Методология не принята: citizen_weight must be between 0 and 1") {
				t.Errorf("bad methodology: %d %s", r.Status, noticeOf(r.Body))
			}
			for _, hostile := range []string{"", "{", `{"code":"<script>alert(1)</script>","version":1}`, strings.Repeat("[", 100000)} {
				if r := e.page(t, http.MethodPost, "/admin/methodologies", admin, url.Values{"methodology": {hostile}}); r.Status != 422 || strings.Contains(string(r.Body), "<script>alert") {
					t.Errorf("hostile %.20q: %d", hostile, r.Status)
				}
			}
			m := storetest.Methodology(t)
			m.Version, m.CitizenWeight = 2, 0.5
			raw, _ := json.Marshal(m)
			r = e.page(t, http.MethodPost, "/admin/methodologies?lang=en", admin, url.Values{"methodology": {string(raw)}})
			if r.Status != 200 || !strings.Contains(string(r.Body), "Methodology test-asan, version 2: created.") {
				t.Errorf("apply v2: %d %s", r.Status, noticeOf(r.Body))
			}
			if got, _ := e.Store.Methodology(ctx, "test-asan", 0); got.Version != 2 {
				t.Fatalf("newest %d", got.Version)
			}

			// The form of a service, filled with the assessment that counts (v2 has none yet: empty).
			r = e.page(t, http.MethodGet, "/admin/assessments?methodology=test-asan&period=2025-Q3&service=temp-residence&lang=az", admin, nil)
			if r.Status != 200 || !strings.Contains(string(r.Body), `name="p.info-site"`) || !strings.Contains(string(r.Body), "Saytda məlumat") {
				t.Fatalf("form: %d", r.Status)
			}
			before := countAssessments(t, e)
			bad := []struct {
				name, lang string
				form       url.Values
				want       string
			}{
				{"points above max", "az", url.Values{"p.info-phone": {"2"}}, "“Telefon xətti”: bal 0 ilə 1 arasında rəqəm olmalıdır."},
				{"negative", "ru", url.Values{"p.e-apply": {"-1"}}, "«Электронная подача»: балл должен быть числом от 0 до 3."},
				{"not a number", "en", url.Values{"p.e-apply": {"three"}}, "“Online application”: points must be a number from 0 to 3."},
				{"NaN", "en", url.Values{"p.e-apply": {"NaN"}}, "points must be a number from 0 to 3"},
				{"long evidence", "az", url.Values{"p.e-apply": {"1"}, "e.e-apply": {strings.Repeat("ə", survey.MaxEvidenceRunes+1)}}, "sübut ən çox 2000 simvol"},
				{"unknown service", "ru", url.Values{"service": {"nope"}}, "Выберите услугу организации."},
				{"bad period", "az", url.Values{"period": {"2025-Q7"}, "p.e-apply": {"1"}}, "Dövr düzgün deyil"},
				{"unknown methodology", "en", url.Values{"methodology": {"nope"}}, "There is no such methodology or version."},
			}
			for _, c := range bad {
				f := url.Values{"methodology": {"test-asan"}, "version": {"2"}, "period": {"2025-Q3"}, "service": {"temp-residence"}}
				for k, v := range c.form {
					f[k] = v
				}
				r := e.page(t, http.MethodPost, "/admin/assessments?lang="+c.lang, admin, f)
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(noticeOf(r.Body), c.want) {
					t.Errorf("%s: %d %q, want %q", c.name, r.Status, noticeOf(r.Body), c.want)
				}
			}
			if n := countAssessments(t, e); n != before {
				t.Fatalf("refused forms stored %d", n-before)
			}
			// A good form: empty points = not applicable, evidence kept, the assessor defaults to the admin.
			r = e.page(t, http.MethodPost, "/admin/assessments?lang=en", admin, url.Values{"methodology": {"test-asan"}, "version": {"2"},
				"period": {"2025-Q3"}, "service": {"temp-residence"}, "p.info-site": {"1,5"}, "p.info-phone": {""}, "p.e-apply": {"3"},
				"e.e-apply": {"https://e-gov.az/ <b>bold</b>"}, "assessor": {"Ekspert Şəbnəm"}})
			if r.Status != 200 || !strings.Contains(noticeOf(r.Body), "Assessment saved: Temporary residence permit, 2025-Q3.") {
				t.Fatalf("save: %d %q", r.Status, noticeOf(r.Body))
			}
			if strings.Contains(string(r.Body), "<b>bold</b>") {
				t.Error("evidence not escaped")
			}
			got, _ := e.Store.LatestAssessments(ctx, survey.AssessmentFilter{Methodology: "test-asan", Version: 2, Period: "2025-Q3"})
			if len(got) != 1 || *got[0].Scores["info-site"] != 1.5 || got[0].Scores["info-phone"] != nil || got[0].Assessor != "Ekspert Şəbnəm" ||
				got[0].Evidence["e-apply"] != "https://e-gov.az/ <b>bold</b>" {
				t.Fatalf("stored %+v", got)
			}
			// The list shows it with its S: 100·(2·1.5/2 + 2·3/3)/(2 + 2) = 87.5.
			r = e.page(t, http.MethodGet, "/admin/assessments?methodology=test-asan&period=2025-Q3&lang=en", admin, nil)
			if !strings.Contains(string(r.Body), "<td class=\"num\">87.50</td>") {
				t.Errorf("list lacks S 87.50")
			}
			entries, _, _ := e.Store.ListAudit(ctx, survey.AuditFilter{Action: "assessment", Actor: e.Users["admin"]})
			if len(entries) != 1 {
				t.Errorf("audit %d", len(entries))
			}
		})
	}
}

// noticeOf is the error or message notice of a page.
func noticeOf(body []byte) string {
	s := string(body)
	i := strings.Index(s, `class="notice`)
	if i < 0 {
		return ""
	}
	s = s[i:]
	s = s[strings.Index(s, ">")+1:]
	return s[:strings.Index(s, "<")]
}
