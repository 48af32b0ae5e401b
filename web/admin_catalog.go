package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// The catalog page lists groups, agencies, services, centres and survey versions with links to their forms
// (admin_catalog_entry.go, admin_survey_form.go). Every change, form or JSON, goes through Store.ApplyCatalog,
// which validates, audits and keeps used survey versions immutable. JSON import and export stay for bulk work.

type catalogData struct {
	Notice   adminNotice
	Errs     formErrors
	Groups   []catRow
	Agencies []catRow
	Services []catRow
	Centers  []catRow
	Surveys  []surveyRow
	JSON     string // the import form: what the admin sent back on error, else empty
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

func (s *Server) catalogPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderCatalog(w, r, v, http.StatusOK, catalogData{Notice: s.takeFlash(r).notice()})
}

func (s *Server) renderCatalog(w http.ResponseWriter, r *http.Request, v *view, status int, d catalogData) {
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	for _, g := range cv.Groups {
		d.Groups = append(d.Groups, catRow{Code: g.Code, Name: v.Name(g.Name)})
	}
	for _, a := range cv.Agencies {
		d.Agencies = append(d.Agencies, catRow{Code: a.Code, Name: v.Name(a.Name), Extra: a.Group + " · " + a.Survey})
	}
	for _, sv := range cv.Services {
		d.Services = append(d.Services, catRow{Code: sv.Code, Name: v.Name(sv.Name), Extra: sv.Agency})
	}
	for _, c := range cv.Centers {
		d.Centers = append(d.Centers, catRow{Code: c.Code, Name: v.Name(c.Name), Extra: strings.Join(c.Agencies, ", ")})
	}
	for _, sv := range cv.Surveys {
		n, _ := cv.Survey(sv.Code, 0)
		d.Surveys = append(d.Surveys, surveyRow{Code: sv.Code, Version: sv.Version, Questions: len(sv.Questions), Newest: n.Version == sv.Version})
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

// catalogJSON serves the whole catalog, survey versions included, as the catalog file (the export).
func (s *Server) catalogJSON(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.store.Catalog(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="catalog.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(prettyJSON(c)))
}

// applyCatalog applies a catalog fragment (docs/api.md): any subset of entries, created or updated, never deleted.
func (s *Server) applyCatalog(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 1<<20); err != nil {
		s.renderCatalog(w, r, v, http.StatusRequestEntityTooLarge, catalogData{Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
		return
	}
	text := r.PostFormValue("catalog")
	c, err := survey.DecodeCatalog(strings.NewReader(text))
	if err == nil {
		var res survey.ApplyResult
		if res, err = s.store.ApplyCatalog(r.Context(), *c); err == nil {
			s.redirectWithFlash(w, r, v, "/admin/catalog", adminFlash{Message: v.T("dash.catalog.applied", res.Created, res.Updated, res.Unchanged)})
			return
		}
	}
	fe, status := s.formError(r, v, "catalog", err)
	s.renderCatalog(w, r, v, status, catalogData{Errs: fe, JSON: text})
}

// publishSurvey stores a survey version sent as JSON. An attempt to change a used version is refused by
// ApplyCatalog; the survey form (admin_survey_form.go) always builds the next version instead.
func (s *Server) publishSurvey(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 256<<10); err != nil {
		s.renderCatalog(w, r, v, http.StatusRequestEntityTooLarge, catalogData{Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
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
			s.redirectWithFlash(w, r, v, "/admin/catalog", adminFlash{Message: msg})
			return
		}
	}
	fe, status := s.formError(r, v, "survey", err)
	s.renderCatalog(w, r, v, status, catalogData{Errs: fe, JSON: text})
}
