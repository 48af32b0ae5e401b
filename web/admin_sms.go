package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/sms"
	"github.com/qiymet/qiymet/survey"
)

// The SMS texts page (/admin/sms): the sender's name, one template per language and the agencies' short names
// that the invitation API's ready SMS texts are made of, with each text's segment count as it would be sent.

func init() {
	// Registered here rather than in dashPages: the page is this file's alone.
	base := template.Must(template.New("layout.html").Funcs(dashFuncs).ParseFS(dashFS, "templates/dash/layout.html"))
	dashTemplates["admin_sms"] = template.Must(base.ParseFS(dashFS, "templates/dash/admin_sms.html"))
}

// smsSampleToken has the length of a real invitation token: the previews count what will be sent.
const smsSampleToken = "AbCdEfGhIjKlMnOpQrStUvWx"

type smsPage struct {
	Notice    adminNotice
	Errors    []linkError
	Sender    smsInput
	Templates []smsTemplateRow
	Agencies  []smsAgencyRow
	SampleURL string
}

type smsInput struct {
	Field, Label, Value string
	Invalid             bool
}

type smsTemplateRow struct {
	smsInput
	Lang, Preview, Sample, Count string
	Over                         bool
}

type smsAgencyRow struct {
	Code, Name string
	Short      []smsInput
	Counts     []smsCount
}

type smsCount struct {
	Lang, Text string
	Over       bool
}

// smsOver: the text costs more than the target of one GSM-7 or two UCS-2 segments.
func smsOver(c sms.Count) bool {
	return (c.Encoding == sms.GSM7 && c.Segments > 1) || (c.Encoding == sms.UCS2 && c.Segments > 2)
}

func smsCountText(v *view, c sms.Count) string {
	return v.T("sms.count", c.Chars, c.Encoding, c.Segments)
}

func (s *Server) smsPage(w http.ResponseWriter, r *http.Request, v *view) {
	t, err := s.store.SMSTexts(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	n := adminNotice{}
	if r.URL.Query().Get("saved") == "1" {
		n.Message = v.T("sms.saved")
	}
	s.renderSMS(w, r, v, http.StatusOK, t, n, nil)
}

// saveSMS stores the texts and redirects (Post/Redirect/Get), or shows the form again, as typed, with every
// problem named in the page's language.
func (s *Server) saveSMS(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 64<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	f := r.PostForm
	t := &survey.SMSTexts{Sender: f.Get("sender"), Templates: map[string]string{}, Short: map[string]survey.Names{}}
	for _, l := range locale.Langs {
		t.Templates[l] = f.Get("template_" + l)
	}
	for _, a := range cv.Agencies {
		n := survey.Names{AZ: f.Get("short_" + a.Code + "_az"), EN: f.Get("short_" + a.Code + "_en"), RU: f.Get("short_" + a.Code + "_ru")}
		if n != (survey.Names{}) {
			t.Short[a.Code] = n
		}
	}
	if problems := t.Check(cv); len(problems) > 0 {
		s.renderSMS(w, r, v, http.StatusUnprocessableEntity, t, adminNotice{}, problems)
		return
	}
	// Preview: the counts of what was typed, nothing stored.
	if f.Get("preview") != "" {
		s.renderSMS(w, r, v, http.StatusOK, t, adminNotice{Message: v.T("sms.previewed")}, nil)
		return
	}
	if err := s.store.SaveSMSTexts(r.Context(), t); err != nil {
		msg, _ := s.errText(r, v, err)
		s.renderSMS(w, r, v, statusOf(survey.ErrorCode(err)), t, adminNotice{Error: msg}, nil)
		return
	}
	http.Redirect(w, r, "/admin/sms?saved=1", http.StatusSeeOther)
}

func (s *Server) renderSMS(w http.ResponseWriter, r *http.Request, v *view, status int, t *survey.SMSTexts, n adminNotice, problems []survey.SMSProblem) {
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d := smsPage{Notice: n, SampleURL: s.linkURL(smsSampleToken)}
	invalid := map[string]bool{}
	labels := map[string]string{"sender": v.T("sms.sender")}
	for _, l := range locale.Langs {
		labels["template_"+l] = v.T("sms.template", locale.Name(l))
	}
	for _, a := range cv.Agencies {
		for _, l := range locale.Langs {
			labels["short_"+a.Code+"_"+l] = v.T("sms.short.label", v.Name(a.Name), locale.Name(l))
		}
	}
	for _, p := range problems {
		invalid[p.Field] = true
		label := labels[p.Field]
		if label == "" {
			label = p.Field
		}
		d.Errors = append(d.Errors, linkError{Anchor: p.Field, Message: label + ": " + v.T("sms.error."+p.Reason)})
	}
	if len(problems) > 0 {
		d.Notice.Error = v.T("sms.error.summary")
	}
	d.Sender = smsInput{Field: "sender", Label: labels["sender"], Value: t.Sender, Invalid: invalid["sender"]}
	for _, l := range locale.Langs {
		// The preview uses the agency whose name is longest in this language: the worst case.
		var worst *survey.Agency
		longest := -1
		for i := range cv.Agencies {
			a := &cv.Agencies[i]
			if n := len([]rune(t.Render(l, a.Code, a.Name, ""))); n > longest {
				worst, longest = a, n
			}
		}
		row := smsTemplateRow{smsInput: smsInput{Field: "template_" + l, Label: labels["template_"+l], Value: t.Templates[l],
			Invalid: invalid["template_"+l]}, Lang: l}
		if worst != nil && !invalid["template_"+l] {
			text := t.Render(l, worst.Code, worst.Name, d.SampleURL)
			c := sms.CountText(text)
			row.Preview, row.Sample, row.Count, row.Over = text, v.Name(worst.Name), smsCountText(v, c), smsOver(c)
		}
		d.Templates = append(d.Templates, row)
	}
	for _, a := range cv.Agencies {
		row := smsAgencyRow{Code: a.Code, Name: v.Name(a.Name)}
		sh := t.Short[a.Code]
		for _, l := range locale.Langs {
			field := "short_" + a.Code + "_" + l
			val := map[string]string{"az": sh.AZ, "en": sh.EN, "ru": sh.RU}[l]
			row.Short = append(row.Short, smsInput{Field: field, Label: labels[field], Value: val, Invalid: invalid[field]})
			if !invalid["template_"+l] && strings.Contains(t.Templates[l], sms.URL) {
				c := sms.CountText(t.Render(l, a.Code, a.Name, d.SampleURL))
				row.Counts = append(row.Counts, smsCount{Lang: l, Text: smsCountText(v, c), Over: smsOver(c)})
			}
		}
		d.Agencies = append(d.Agencies, row)
	}
	v.Title, v.Nav = v.T("sms.title"), "sms"
	s.render(w, r, v, status, "admin_sms", d)
}
