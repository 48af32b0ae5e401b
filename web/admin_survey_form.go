package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// The survey form builds the NEXT version of a survey (or version 1 of a new one) from the newest: questions,
// types, scale bounds, weights, required, texts in az/en/ru. A stored version is never edited here, so a
// version that responses use cannot change; "Preview" shows what differs from the newest version and "Publish"
// stores the new version through Store.ApplyCatalog (refused if someone published meanwhile).

// maxFormQuestions bounds the form (survey.Validate allows 50 questions).
const maxFormQuestions = 50

type surveyFormData struct {
	Code    string
	New     bool
	Base    int // the version the form was built from (0: a new survey)
	Next    int
	Primary int // index of the main question
	Qs      []formQuestion
	Errs    formErrors
	Preview []string // what changes, one sentence each
	Digest  string
}

// formQuestion is one question row as typed (numbers kept as text, so a refused form shows what was typed).
type formQuestion struct {
	I                           int
	Key, Type, Min, Max, Weight string
	Required                    bool
	AZ, EN, RU                  string
}

func questionRow(i int, q survey.Question) formQuestion {
	fq := formQuestion{I: i, Key: q.Key, Type: q.Type, Required: q.Required, AZ: q.Text.AZ, EN: q.Text.EN, RU: q.Text.RU}
	if q.Type == survey.TypeScale {
		fq.Min, fq.Max = strconv.Itoa(q.Min), strconv.Itoa(q.Max)
	}
	if q.Weight != nil {
		fq.Weight = strconv.FormatFloat(*q.Weight, 'f', -1, 64)
	}
	return fq
}

// surveyFormPage serves GET /admin/surveys/edit?code=X (next version of X) or without code (a new survey).
func (s *Server) surveyFormPage(w http.ResponseWriter, r *http.Request, v *view) {
	d := surveyFormData{New: true, Next: 1}
	if code := r.URL.Query().Get("code"); code != "" {
		cv, err := s.store.CatalogView(r.Context())
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		sv, ok := cv.Survey(code, 0)
		if !ok {
			s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
			return
		}
		d = surveyFormData{Code: sv.Code, Base: sv.Version, Next: sv.Version + 1}
		for i, q := range sv.Questions {
			d.Qs = append(d.Qs, questionRow(i, q))
			if q.Key == sv.Primary {
				d.Primary = i
			}
		}
	}
	s.renderSurveyForm(w, r, v, http.StatusOK, d)
}

func (s *Server) renderSurveyForm(w http.ResponseWriter, r *http.Request, v *view, status int, d surveyFormData) {
	blank := 0
	for _, q := range d.Qs {
		if q.Key == "" {
			blank++
		}
	}
	for ; blank < 2 && len(d.Qs) < maxFormQuestions; blank++ { // empty rows to add questions with
		d.Qs = append(d.Qs, formQuestion{I: len(d.Qs), Type: survey.TypeScale, Min: "1", Max: "5"})
	}
	v.Title, v.Nav = v.T("adm.survey.title", d.Code, d.Next), "catalog"
	s.render(w, r, v, status, "admin_survey", d)
}

// surveyFromRequest reads the form into a survey version; field-level problems the store's validation would
// report less precisely (numbers that are not numbers, scale bounds) are caught here with the question's field.
func surveyFromRequest(r *http.Request, d *surveyFormData) (survey.Survey, error) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	sv := survey.Survey{Code: d.Code, Version: d.Next}
	d.Primary, _ = strconv.Atoi(get("primary"))
	var firstErr error
	fail := func(field string) {
		if firstErr == nil {
			firstErr = survey.FieldError(field, "invalid")
		}
	}
	n, _ := strconv.Atoi(get("n"))
	n = min(max(n, 0), maxFormQuestions)
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("q%d.", i)
		fq := formQuestion{I: i, Key: get(p + "key"), Type: get(p + "type"), Min: get(p + "min"), Max: get(p + "max"),
			Weight: get(p + "weight"), Required: r.PostFormValue(p+"required") == "on",
			AZ: get(p + "az"), EN: get(p + "en"), RU: get(p + "ru")}
		fq.Key, fq.Min, fq.Max, fq.Weight = truncateRunes(fq.Key, 64), truncateRunes(fq.Min, 12), truncateRunes(fq.Max, 12), truncateRunes(fq.Weight, 12)
		d.Qs = append(d.Qs, fq)
		if fq.Key == "" && fq.AZ == "" && fq.EN == "" && fq.RU == "" {
			continue // a blank row
		}
		q := survey.Question{Key: fq.Key, Type: fq.Type, Required: fq.Required, Text: survey.Names{AZ: fq.AZ, EN: fq.EN, RU: fq.RU}}
		if q.Type == survey.TypeScale {
			lo, err1 := strconv.Atoi(fq.Min)
			hi, err2 := strconv.Atoi(fq.Max)
			switch {
			case err1 != nil || lo < -100 || lo > 100:
				fail(p + "min")
			case err2 != nil || hi < -100 || hi > 100 || hi-lo < 2 || hi-lo > 10:
				fail(p + "max")
			}
			q.Min, q.Max = lo, hi
		}
		if fq.Weight != "" && q.Type != survey.TypeText {
			w, err := strconv.ParseFloat(strings.Replace(fq.Weight, ",", ".", 1), 64)
			if err != nil || !(w >= 0 && w <= 1000) {
				fail(p + "weight")
			}
			q.Weight = &w
		}
		if i == d.Primary {
			sv.Primary = q.Key
		}
		sv.Questions = append(sv.Questions, q)
	}
	return sv, firstErr
}

// postSurveyForm serves POST /admin/surveys/edit: action=preview or publish.
func (s *Server) postSurveyForm(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 256<<10); err != nil {
		s.renderSurveyForm(w, r, v, http.StatusRequestEntityTooLarge, surveyFormData{New: true, Next: 1,
			Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
		return
	}
	d := surveyFormData{Code: strings.TrimSpace(r.PostFormValue("code")), New: r.PostFormValue("new") == "1"}
	d.Code = truncateRunes(d.Code, 64)
	d.Base, _ = strconv.Atoi(r.PostFormValue("base"))
	d.Next = d.Base + 1
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	newest, exists := cv.Survey(d.Code, 0)
	sv, err := surveyFromRequest(r, &d)
	switch {
	case d.New && exists:
		err = survey.FieldError("code", "taken")
	case !d.New && (!exists || newest.Version != d.Base): // someone published meanwhile, or a forged base
		err = survey.FieldError("base", "stale")
	case err == nil:
		err = (&survey.Catalog{Surveys: []survey.Survey{sv}}).Validate(nil)
	}
	if err != nil {
		fe, status := s.formError(r, v, "survey", err)
		switch e, _ := survey.AsError(err); e.Field {
		case "code":
			if d.New && exists {
				fe = formErrors{Summary: v.T("adm.err.codetaken"), Fields: map[string]string{"code": v.T("adm.err.codetaken")}}
			}
		case "base":
			fe = formErrors{Summary: v.T("adm.err.stale")}
		}
		if strings.HasPrefix(fieldOf(err), "q") { // the form's own checks name "q3.max" etc.
			msg := v.T("adm.err.scale")
			if strings.HasSuffix(fieldOf(err), "weight") {
				msg = v.T("adm.err.weightnum")
			}
			n, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(fieldOf(err), ".", 2)[0], "q"))
			msg = v.T("adm.q.N", n+1) + ": " + msg
			fe = formErrors{Summary: msg, Fields: map[string]string{fieldOf(err): msg}}
		}
		d.Errs = fe
		s.renderSurveyForm(w, r, v, status, d)
		return
	}
	var old *survey.Survey
	if exists {
		old = newest
	}
	d.Preview = surveyDiff(v, old, &sv)
	d.Digest = entryDigest(sv)
	if r.PostFormValue("action") != "publish" || r.PostFormValue("digest") != d.Digest {
		s.renderSurveyForm(w, r, v, http.StatusOK, d)
		return
	}
	if _, err := s.store.ApplyCatalog(r.Context(), survey.Catalog{Surveys: []survey.Survey{sv}}); err != nil {
		d.Errs, _ = s.formError(r, v, "survey", err)
		d.Preview, d.Digest = nil, ""
		s.renderSurveyForm(w, r, v, statusOf(survey.ErrorCode(err)), d)
		return
	}
	s.redirectWithFlash(w, r, v, "/admin/catalog", adminFlash{Message: v.T("dash.catalog.published", sv.Code, sv.Version)})
}

func fieldOf(err error) string {
	if e, ok := survey.AsError(err); ok {
		return e.Field
	}
	return ""
}

func entryDigest(x any) string {
	b, _ := json.Marshal(x)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// surveyDiff says, question by question, what the new version changes against the newest one (nil: a new survey).
func surveyDiff(v *view, old, sv *survey.Survey) []string {
	if old == nil {
		return []string{v.T("adm.survey.first", sv.Code, len(sv.Questions))}
	}
	var out []string
	for _, q := range sv.Questions {
		p, ok := old.Question(q.Key)
		switch {
		case !ok:
			out = append(out, v.T("adm.survey.added", q.Key))
		case !reflect.DeepEqual(normQuestion(p), normQuestion(q)):
			out = append(out, v.T("adm.survey.changed", q.Key))
		}
	}
	for _, q := range old.Questions {
		if _, ok := sv.Question(q.Key); !ok {
			out = append(out, v.T("adm.survey.removed", q.Key))
		}
	}
	if old.Primary != sv.Primary {
		out = append(out, v.T("adm.survey.primary", old.Primary, sv.Primary))
	}
	if len(out) == 0 {
		out = append(out, v.T("adm.survey.same"))
	}
	return out
}

// normQuestion makes an unset weight equal to its default, so "1" and "" do not differ.
func normQuestion(q survey.Question) survey.Question {
	w := q.ScoreWeight()
	q.Weight = &w
	return q
}
