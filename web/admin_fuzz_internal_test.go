package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// FuzzSurveyForm: any form body either is refused with a field the page can mark, or becomes a survey version
// that validates or is refused by survey validation with a sentence in every language; never a panic.
func FuzzSurveyForm(f *testing.F) {
	for _, s := range []string{
		"code=visit&n=2&primary=0&q0.key=overall&q0.type=scale&q0.min=1&q0.max=5&q0.az=N%C9%99c%C9%99%3F&q1.key=clean&q1.type=yes_no&q1.weight=0,5&q1.az=T",
		"code=visit&n=1&q0.key=x&q0.type=scale&q0.min=1&q0.max=2&q0.az=a",
		"code=visit&n=1&q0.key=x&q0.type=scale&q0.min=-9999999999999&q0.max=five&q0.az=a",
		"code=visit&n=99999&q0.key=x&q0.type=text&q0.weight=1e309",
		"code=../x&n=-1", "n=3&primary=7&q2.key=Q&q2.type=stars", "%zz", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := http.NewRequest(http.MethodPost, "/admin/surveys/edit", strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r.ParseForm() != nil {
			return
		}
		d := surveyFormData{Code: r.PostFormValue("code"), Next: 1}
		sv, err := surveyFromRequest(r, &d)
		if err == nil {
			err = (&survey.Catalog{Surveys: []survey.Survey{sv}}).Validate(nil)
		}
		if len(d.Qs) > maxFormQuestions {
			t.Fatalf("%d question rows", len(d.Qs))
		}
		if err == nil {
			return
		}
		e, ok := survey.AsError(err)
		if !ok {
			t.Fatalf("not a domain error: %v", err)
		}
		for _, lang := range []string{"az", "en", "ru"} {
			if msg, _ := i18n.AdminError(lang, "survey", e.Code, e.Field, e.Message); msg == "" || strings.Contains(msg, "!adm.") {
				t.Fatalf("%s: no sentence for %+v: %q", lang, e, msg)
			}
		}
	})
}

// FuzzCatalogEntryForm: any entry form is refused with a sentence, or validates against the test catalog.
func FuzzCatalogEntryForm(f *testing.F) {
	for _, s := range []string{
		"kind=agencies&code=tax&group=central&survey=visit&name_az=Vergi",
		"kind=agencies&code=tax&name_az=Vergi", "kind=centers&code=c&agencies=a&agencies=a&name_az=x",
		"kind=services&code=..&agency=%00&name_az=%01", "kind=groups&code=g&name_az=" + strings.Repeat("%C9%99", 301),
	} {
		f.Add(s)
	}
	stored := survey.Catalog{Groups: []survey.Group{{Code: "central", Name: survey.Names{AZ: "M"}}},
		Surveys: []survey.Survey{{Code: "visit", Version: 1, Primary: "q", Questions: []survey.Question{{Key: "q", Type: survey.TypeYesNo, Text: survey.Names{AZ: "?"}}}}}}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := http.NewRequest(http.MethodPost, "/admin/catalog/x", strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r.ParseForm() != nil || !catalogKind(r.PostFormValue("kind")) {
			return
		}
		e := entryFromRequest(r, r.PostFormValue("kind"))
		frag := e.fragment()
		if err := frag.Validate(&stored); err != nil {
			de, ok := survey.AsError(err)
			if !ok {
				t.Fatalf("not a domain error: %v", err)
			}
			if msg, _ := i18n.AdminError("ru", "catalog", de.Code, de.Field, de.Message); msg == "" {
				t.Fatalf("no sentence for %+v", de)
			}
		}
	})
}
