package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// One form per catalog entry (group, agency, service, centre): new or edit. "Preview" validates the entry against
// the stored catalog and shows what would change; "Apply" (offered only with a preview of exactly these values)
// stores it through Store.ApplyCatalog; "Delete" is refused while anything refers to the entry.

// entryForm is an entry as the form sends it.
type entryForm struct {
	Kind     string // groups, agencies, services, centers
	New      bool
	Code     string
	Group    string   // agencies
	Survey   string   // agencies
	Agency   string   // services
	Agencies []string // centres: the hosted agencies
	Name     survey.Names
}

type entryData struct {
	Form     entryForm
	Errs     formErrors
	Groups   []option
	Surveys  []option
	Agencies []option
	Hosted   []string // a centre's stored agencies: ApplyCatalog adds hosts and never removes one
	Preview  []diffRow
	Previewed,
	Unchanged bool
	Digest string // of the previewed values: Apply works only for what was previewed
	Refs   []string
}

// diffRow is one changed field: its label, the stored value and the new one.
type diffRow struct {
	Field, Old, New string
}

func catalogKind(k string) bool { return slices.Contains(survey.CatalogKinds, k) }

// catalogEntryPage serves GET /admin/catalog/{kind}?code=X (edit X) or without code (new).
func (s *Server) catalogEntryPage(w http.ResponseWriter, r *http.Request, v *view) {
	kind := r.PathValue("kind")
	if !catalogKind(kind) {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	f := entryForm{Kind: kind, New: true}
	if code := r.URL.Query().Get("code"); code != "" {
		c, err := s.store.Catalog(r.Context())
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		old, ok := findEntry(&c, kind, code)
		if !ok {
			s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
			return
		}
		f = old
	}
	s.renderEntry(w, r, v, http.StatusOK, entryData{Form: f})
}

// findEntry returns the stored entry kind/code as a form.
func findEntry(c *survey.Catalog, kind, code string) (entryForm, bool) {
	f := entryForm{Kind: kind, Code: code}
	switch kind {
	case "groups":
		for _, g := range c.Groups {
			if g.Code == code {
				f.Name = g.Name
				return f, true
			}
		}
	case "agencies":
		for _, a := range c.Agencies {
			if a.Code == code {
				f.Name, f.Group, f.Survey = a.Name, a.Group, a.Survey
				return f, true
			}
		}
	case "services":
		for _, sv := range c.Services {
			if sv.Code == code {
				f.Name, f.Agency = sv.Name, sv.Agency
				return f, true
			}
		}
	case "centers":
		for _, ce := range c.Centers {
			if ce.Code == code {
				f.Name, f.Agencies = ce.Name, slices.Clone(ce.Agencies)
				return f, true
			}
		}
	}
	return f, false
}

// fragment is the catalog fragment the form stands for.
func (f entryForm) fragment() survey.Catalog {
	var c survey.Catalog
	switch f.Kind {
	case "groups":
		c.Groups = []survey.Group{{Code: f.Code, Name: f.Name}}
	case "agencies":
		c.Agencies = []survey.Agency{{Code: f.Code, Group: f.Group, Survey: f.Survey, Name: f.Name}}
	case "services":
		c.Services = []survey.Service{{Code: f.Code, Agency: f.Agency, Name: f.Name}}
	case "centers":
		c.Centers = []survey.Center{{Code: f.Code, Agencies: append([]string{}, f.Agencies...), Name: f.Name}}
	}
	return c
}

func (f entryForm) digest() string { return entryDigest(f) }

// entryFromRequest reads the form (values trimmed; what cannot be a valid entry is left to Validate).
func entryFromRequest(r *http.Request, kind string) entryForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := entryForm{Kind: kind, New: r.PostFormValue("new") == "1", Code: get("code"), Group: get("group"), Survey: get("survey"),
		Agency: get("agency"), Name: survey.Names{AZ: get("name_az"), EN: get("name_en"), RU: get("name_ru")}}
	if kind == "centers" {
		for _, a := range r.PostForm["agencies"] {
			if a = strings.TrimSpace(a); a != "" && !slices.Contains(f.Agencies, a) {
				f.Agencies = append(f.Agencies, a)
			}
		}
		slices.Sort(f.Agencies)
	}
	return f
}

// postCatalogEntry serves POST /admin/catalog/{kind}: action=preview or apply.
func (s *Server) postCatalogEntry(w http.ResponseWriter, r *http.Request, v *view) {
	kind := r.PathValue("kind")
	if !catalogKind(kind) {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if err := parseForm(w, r, 64<<10); err != nil {
		s.renderEntry(w, r, v, http.StatusRequestEntityTooLarge, entryData{Form: entryForm{Kind: kind, New: true},
			Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
		return
	}
	f := entryFromRequest(r, kind)
	stored, err := s.store.Catalog(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	old, exists := findEntry(&stored, kind, f.Code)
	frag := f.fragment()
	switch {
	case f.New && exists:
		err = survey.FieldError("code", "code taken")
		f.Code = truncateRunes(f.Code, 64)
	case !f.New && !exists:
		err = survey.Errorf(survey.CodeNotFound, "code", "no such entry")
	default:
		err = frag.Validate(&stored)
	}
	if err != nil {
		fe, status := s.formError(r, v, "catalog", err)
		switch {
		case f.New && exists:
			fe = formErrors{Summary: v.T("adm.err.codetaken"), Fields: map[string]string{"code": v.T("adm.err.codetaken")}}
		case !f.New && !exists:
			fe = formErrors{Summary: v.T("adm.err.notfound")}
		}
		s.renderEntry(w, r, v, status, entryData{Form: f, Errs: fe})
		return
	}
	d := entryData{Form: f, Previewed: true, Digest: f.digest()}
	d.Preview = s.entryDiff(v, &stored, old, f, exists)
	d.Unchanged = len(d.Preview) == 0
	if r.PostFormValue("action") != "apply" || d.Unchanged {
		s.renderEntry(w, r, v, http.StatusOK, d)
		return
	}
	if r.PostFormValue("digest") != d.Digest { // changed since the preview: show the new preview first
		s.renderEntry(w, r, v, http.StatusOK, d)
		return
	}
	res, err := s.store.ApplyCatalog(r.Context(), frag)
	if err != nil {
		fe, status := s.formError(r, v, "catalog", err)
		s.renderEntry(w, r, v, status, entryData{Form: f, Errs: fe})
		return
	}
	s.redirectWithFlash(w, r, v, "/admin/catalog", adminFlash{Message: v.T("dash.catalog.applied", res.Created, res.Updated, res.Unchanged)})
}

// entryDiff lists what applying f changes (empty: nothing).
func (s *Server) entryDiff(v *view, stored *survey.Catalog, old, f entryForm, exists bool) []diffRow {
	var rows []diffRow
	add := func(label, was, now string) {
		if was != now {
			rows = append(rows, diffRow{Field: v.T(label), Old: was, New: now})
		}
	}
	if !exists {
		add("dash.code", "", f.Code)
	}
	add("adm.f.name_az", old.Name.AZ, f.Name.AZ)
	add("adm.f.name_en", old.Name.EN, f.Name.EN)
	add("adm.f.name_ru", old.Name.RU, f.Name.RU)
	add("adm.f.group", old.Group, f.Group)
	add("adm.f.survey", old.Survey, f.Survey)
	add("adm.f.agency", old.Agency, f.Agency)
	var added []string
	for _, a := range f.Agencies {
		if !slices.Contains(old.Agencies, a) {
			added = append(added, a)
		}
	}
	if len(added) > 0 {
		add("adm.f.agencies", strings.Join(old.Agencies, ", "), strings.Join(append(slices.Clone(old.Agencies), added...), ", "))
	}
	return rows
}

func (s *Server) renderEntry(w http.ResponseWriter, r *http.Request, v *view, status int, d entryData) {
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	for _, g := range cv.Groups {
		d.Groups = append(d.Groups, option{g.Code, v.Name(g.Name)})
	}
	seen := map[string]bool{}
	for _, sv := range cv.Surveys {
		if !seen[sv.Code] {
			seen[sv.Code] = true
			d.Surveys = append(d.Surveys, option{sv.Code, sv.Code})
		}
	}
	for _, a := range cv.Agencies {
		d.Agencies = append(d.Agencies, option{a.Code, v.Name(a.Name)})
	}
	sortOptions(v.Lang, d.Groups)
	sortOptions(v.Lang, d.Agencies)
	if c, ok := cv.Center(d.Form.Code); ok && d.Form.Kind == "centers" {
		d.Hosted = c.Agencies
		for _, a := range c.Agencies { // a stored host stays whatever the form sent
			if !slices.Contains(d.Form.Agencies, a) {
				d.Form.Agencies = append(d.Form.Agencies, a)
			}
		}
	}
	if !d.Form.New && d.Form.Code != "" {
		if d.Refs, err = s.store.CatalogReferences(r.Context(), d.Form.Kind, d.Form.Code); err != nil {
			s.pageError(w, r, v, err)
			return
		}
	}
	v.Title, v.Nav = v.T("adm.kind."+d.Form.Kind), "catalog"
	s.render(w, r, v, status, "admin_catalog_entry", d)
}

// deleteCatalogEntry serves POST /admin/catalog/{kind}/delete (code in the form).
func (s *Server) deleteCatalogEntry(w http.ResponseWriter, r *http.Request, v *view) {
	kind := r.PathValue("kind")
	if !catalogKind(kind) {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	if err := parseForm(w, r, 4<<10); err != nil {
		s.renderCatalog(w, r, v, http.StatusRequestEntityTooLarge, catalogData{Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
		return
	}
	code := r.PostFormValue("code")
	refs, err := s.store.CatalogReferences(r.Context(), kind, code)
	if err == nil && len(refs) > 0 {
		var named []string
		for _, t := range refs {
			named = append(named, v.T("adm.ref."+t))
		}
		msg := v.T("adm.err.referenced", truncateRunes(code, 64), strings.Join(named, ", "))
		s.renderCatalog(w, r, v, http.StatusConflict, catalogData{Errs: formErrors{Summary: msg}})
		return
	}
	if err == nil {
		err = s.store.DeleteCatalogEntry(r.Context(), kind, code)
	}
	if err != nil {
		msg, _, status := s.adminErrText(r, v, "catalog", err)
		if survey.ErrorCode(err) == survey.CodeNotFound {
			msg = v.T("adm.err.notfound")
		}
		s.renderCatalog(w, r, v, status, catalogData{Errs: formErrors{Summary: msg}})
		return
	}
	s.redirectWithFlash(w, r, v, "/admin/catalog", adminFlash{Message: v.T("adm.deleted", code)})
}
