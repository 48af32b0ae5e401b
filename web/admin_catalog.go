package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// The catalog page lists groups, agencies, services, centres and survey versions, and changes them only
// through Store.ApplyCatalog, which validates and keeps used survey versions immutable.

type catalogData struct {
	Notice   adminNotice
	Groups   []catRow
	Agencies []catRow
	Services []catRow
	Centers  []catRow
	Surveys  []surveyRow
	JSON     string // the apply form (the current catalog, or what the admin sent back on error)
	Publish  []publishForm
}

type catRow struct {
	Code, Name, Extra string
}

type surveyRow struct {
	Code      string
	Version   int
	Questions int
	Newest    bool
}

// publishForm edits a survey's newest version as JSON; saving publishes it as the next version.
type publishForm struct {
	Code string
	Next int
	JSON string
}

func (s *Server) catalogPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderCatalog(w, r, v, http.StatusOK, adminNotice{}, "", nil)
}

func (s *Server) renderCatalog(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, sent string, sentSurvey map[string]string) {
	ctx := r.Context()
	cv, err := s.store.CatalogView(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d := catalogData{Notice: n, JSON: sent}
	for _, g := range cv.Groups {
		d.Groups = append(d.Groups, catRow{Code: g.Code, Name: v.Name(g.Name)})
	}
	for _, a := range cv.Agencies {
		extra := a.Group + " · " + a.Survey
		d.Agencies = append(d.Agencies, catRow{Code: a.Code, Name: v.Name(a.Name), Extra: extra})
	}
	for _, sv := range cv.Services {
		d.Services = append(d.Services, catRow{Code: sv.Code, Name: v.Name(sv.Name), Extra: sv.Agency})
	}
	for _, c := range cv.Centers {
		d.Centers = append(d.Centers, catRow{Code: c.Code, Name: v.Name(c.Name), Extra: strings.Join(c.Agencies, ", ")})
	}
	newest := map[string]*survey.Survey{}
	for i := range cv.Surveys {
		sv := &cv.Surveys[i]
		if n, ok := cv.Survey(sv.Code, 0); ok && n.Version == sv.Version {
			newest[sv.Code] = sv
		}
		d.Surveys = append(d.Surveys, surveyRow{Code: sv.Code, Version: sv.Version, Questions: len(sv.Questions)})
	}
	for i := range d.Surveys {
		d.Surveys[i].Newest = newest[d.Surveys[i].Code].Version == d.Surveys[i].Version
	}
	for _, sv := range cv.Surveys {
		if newest[sv.Code] == nil || newest[sv.Code].Version != sv.Version {
			continue
		}
		next := sv
		next.Version++
		text := sentSurvey[sv.Code]
		if text == "" {
			text = prettyJSON(next)
		}
		d.Publish = append(d.Publish, publishForm{Code: sv.Code, Next: next.Version, JSON: text})
	}
	if d.JSON == "" {
		c, err := s.store.Catalog(ctx)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		c.Surveys = nil // survey versions are published with their own form
		d.JSON = prettyJSON(c)
	}
	v.Title, v.Nav = v.T("dash.admin.catalog"), "catalog"
	s.render(w, r, v, status, "admin_catalog", d)
}

func prettyJSON(x any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(x)
	return b.String()
}

// applyCatalog applies a catalog fragment (docs/api.md): any subset of entries, created or updated, never deleted.
func (s *Server) applyCatalog(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 1<<20); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	text := r.PostFormValue("catalog")
	c, err := survey.DecodeCatalog(strings.NewReader(text))
	if err == nil {
		var res survey.ApplyResult
		if res, err = s.store.ApplyCatalog(r.Context(), *c); err == nil {
			s.renderCatalog(w, r, v, http.StatusOK, adminNotice{Message: v.T("dash.catalog.applied", res.Created, res.Updated, res.Unchanged)}, "", nil)
			return
		}
	}
	msg, _ := s.errText(r, v, err)
	s.renderCatalog(w, r, v, statusOf(survey.ErrorCode(err)), adminNotice{Error: msg}, text, nil)
}

// publishSurvey stores an edited survey as a new version. The version comes from the form's JSON, so an
// attempt to change a used version is refused by ApplyCatalog with its message.
func (s *Server) publishSurvey(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 256<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	text := r.PostFormValue("survey")
	var sv survey.Survey
	err := survey.DecodeJSON([]byte(text), &sv)
	if err == nil {
		var res survey.ApplyResult
		if res, err = s.store.ApplyCatalog(r.Context(), survey.Catalog{Surveys: []survey.Survey{sv}}); err == nil {
			msg := v.T("dash.catalog.published", sv.Code, sv.Version)
			if res.Created == 0 && res.Updated == 0 {
				msg = v.T("dash.catalog.unchanged")
			}
			s.renderCatalog(w, r, v, http.StatusOK, adminNotice{Message: msg}, "", nil)
			return
		}
	}
	msg, _ := s.errText(r, v, err)
	s.renderCatalog(w, r, v, statusOf(survey.ErrorCode(err)), adminNotice{Error: msg}, "", map[string]string{sv.Code: text})
}
