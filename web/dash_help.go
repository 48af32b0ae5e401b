package web

import (
	"html/template"
	"net/http"
)

// helpTopics are the sections of the "Explained" page, in order; each figure on the dashboard links its
// section with a small "?" (view.Help).
var helpTopics = []string{"index", "ci", "n", "csat", "sig", "rank", "control", "provisional"}

type helpTopic struct{ ID, Title, Text string }

// helpPage is GET /help/figures: every figure explained in plain words (docs/method.md has the formulas).
func (s *Server) helpPage(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title, v.Nav = v.T("dash.help.title"), "help"
	var topics []helpTopic
	for _, t := range helpTopics {
		topics = append(topics, helpTopic{ID: t, Title: v.T("dash.help." + t + ".h"), Text: v.T("dash.help." + t)})
	}
	s.render(w, r, v, http.StatusOK, "help", topics)
}

// Help is the "?" link to a topic of the "Explained" page; what is explained is named for screen readers.
func (v *view) Help(topic, what string) template.HTML {
	e := template.HTMLEscapeString
	label := v.T("dash.help.link", what)
	return template.HTML(`<a class="help" href="/help/figures#` + e(topic) + `" aria-label="` + e(label) +
		`" title="` + e(label) + `">?</a>`)
}
