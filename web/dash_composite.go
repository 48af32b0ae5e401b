package web

import (
	"cmp"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
)

// The composite view (GET /composite, docs/method.md#composite-index): the rankings by composite index of a
// methodology, each agency's parameter scores as small multiples (with the same numbers in a table), and the
// ±20% weight sensitivity in words. Its templates are registered here, next to the dashboard's own.

// compositePages are this feature's page templates (templates/dash/<name>.html).
var compositePages = []string{"composite", "admin_methodologies", "admin_assessments"}

func init() {
	helpTopics = append(helpTopics, "composite") // the "Explained" page gains the composite index
	base := template.Must(template.New("layout.html").Funcs(dashFuncs).ParseFS(dashFS, "templates/dash/layout.html"))
	for _, p := range compositePages {
		dashTemplates[p] = template.Must(template.Must(base.Clone()).ParseFS(dashFS, "templates/dash/"+p+".html"))
	}
}

type compositeData struct {
	Picker        *periodPicker
	Search        string // the shared period form reads it
	CitizenLink   string
	Methodologies []methodOption
	Method        *figures.CompositeMethodology
	Formula       string
	Params        []paramHead
	Groups        []compGroup
	Notice        string
	Sensitivity   []string // one sentence per changed weight
	Depends       string   // who depends on the weights; "" when nobody does
	MinN          int64
	Cols          int // columns of the table
}

type methodOption struct {
	Code, Label string
	Selected    bool
}

type paramHead struct {
	N          int
	Code, Name string
	Share      string // the parameter's share of the checklist weight, "15%"
}

type compGroup struct {
	Code, Name string
	Ranked     []compRow
	Unranked   []compRow
	Panels     []panel
}

// panel is one agency's small multiple with its caption.
type panel struct {
	Name, Rank, Composite string
	SVG                   template.HTML
}

type compRow struct {
	Rank, Name, Link               string
	Composite, Index, Checklist, N string
	Status                         string
	Params                         []string
}

func (s *Server) compositePage(w http.ResponseWriter, r *http.Request, v *view) {
	pk, err := s.pickPeriod(r, v)
	if err != nil {
		s.periodError(w, r, v, err)
		return
	}
	ctx := r.Context()
	v.Title, v.Nav = v.T("comp.title")+" · "+v.PeriodName(pk.P), "rankings"
	d := compositeData{Picker: pk, CitizenLink: "/rankings?" + periodQuery(pk.P), MinN: s.scoring.MinN}
	ms, err := s.store.Methodologies(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	code := r.URL.Query().Get("methodology")
	for _, m := range ms { // newest version first within a code
		if len(d.Methodologies) > 0 && d.Methodologies[len(d.Methodologies)-1].Code == m.Code {
			continue
		}
		if code == "" {
			code = m.Code
		}
		d.Methodologies = append(d.Methodologies, methodOption{Code: m.Code, Label: cmp.Or(v.Name(m.Name), m.Code), Selected: m.Code == code})
	}
	switch {
	case len(ms) == 0:
		d.Notice = v.T("comp.nomethod")
	case pk.Custom:
		d.Notice = v.T("comp.custom")
	}
	if d.Notice != "" {
		s.render(w, r, v, http.StatusOK, "composite", d)
		return
	}
	f := s.figures()
	res, err := f.CompositeRankings(ctx, pk.P, code, 0, "", v.Lang)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	sens, err := f.Sensitivity(ctx, pk.P, code, 0, "", v.Lang)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	d.Method = &res.Composite
	agg := "comp.agg.mean"
	if res.Composite.Aggregate == survey.AggregatePooled {
		agg = "comp.agg.pooled"
	}
	cw := res.Composite.CitizenWeight
	d.Formula = v.T("comp.formula", v.Num(cw), v.Num(1-cw), v.T(agg))
	var total float64
	for _, p := range res.Composite.Parameters {
		total += p.Weight
	}
	for i, p := range res.Composite.Parameters {
		share := "—"
		if total > 0 {
			share = v.Num1(100*p.Weight/total) + "%"
		}
		d.Params = append(d.Params, paramHead{N: i + 1, Code: p.Code, Name: p.Name, Share: share})
	}
	d.Cols = len(d.Params) + 6
	assessed := false
	names := map[string]string{}
	for gi, g := range res.Groups {
		cg := compGroup{Code: g.Group, Name: g.Name}
		for _, row := range g.Rows {
			names[row.Agency] = row.Name
			cr := compRow{Rank: "—", Name: row.Name, Composite: v.optNum(row.Composite), Index: v.Num(row.Index),
				Checklist: v.optNum(row.Checklist), N: v.Int(row.N)}
			if v.P.CanSeeAgency(row.Agency) {
				cr.Link = "/agencies/" + row.Agency + "?" + periodQuery(pk.P)
			}
			for _, p := range res.Composite.Parameters {
				cr.Params = append(cr.Params, v.optNum(row.Parameters[p.Code]))
			}
			switch row.Status {
			case "insufficient":
				cr.Status = v.T("comp.status.insufficient", v.Int(res.Methodology.MinN))
			case "unassessed":
				cr.Status = v.T("comp.status.unassessed")
			}
			if row.Checklist != nil {
				assessed = true
				pn := panel{Name: row.Name, Composite: v.optNum(row.Composite),
					SVG: v.paramPanel("pm-"+strconv.Itoa(gi)+"-"+row.Agency, row, res.Composite.Parameters)}
				if row.Rank != nil {
					pn.Rank = strconv.Itoa(*row.Rank)
				}
				cg.Panels = append(cg.Panels, pn)
			}
			if row.Rank != nil {
				cr.Rank = strconv.Itoa(*row.Rank)
				cg.Ranked = append(cg.Ranked, cr)
			} else {
				cg.Unranked = append(cg.Unranked, cr)
			}
		}
		d.Groups = append(d.Groups, cg)
	}
	if !assessed {
		d.Notice = v.T("comp.noassess", v.PeriodName(pk.P))
	}
	d.Sensitivity, d.Depends = v.sensitivityWords(sens, res.Composite, names)
	s.render(w, r, v, http.StatusOK, "composite", d)
}

// optNum formats a nullable percentage; null is a dash.
func (v *view) optNum(x *float64) string {
	if x == nil {
		return "—"
	}
	return v.Num(*x)
}

// sensitivityWords turns the rank changes into one sentence per changed weight, and names every agency whose
// rank depends on the weights.
func (v *view) sensitivityWords(sens *figures.Sensitivity, m figures.CompositeMethodology, names map[string]string) ([]string, string) {
	type key struct {
		weight string
		factor float64
	}
	var order []key
	moves := map[key][]string{}
	var depends []string
	seen := map[string]bool{}
	for _, c := range sens.Changes {
		k := key{c.Weight, c.Factor}
		if _, ok := moves[k]; !ok {
			order = append(order, k)
		}
		name := cmp.Or(names[c.Agency], c.Agency)
		var move string
		switch {
		case c.Rank != nil && c.NewRank != nil:
			move = v.T("comp.sens.move", name, *c.Rank, *c.NewRank)
		case c.Rank != nil:
			move = v.T("comp.sens.out", name, *c.Rank)
		case c.NewRank != nil:
			move = v.T("comp.sens.in", name, *c.NewRank)
		}
		moves[k] = append(moves[k], move)
		if !seen[c.Agency] {
			seen[c.Agency] = true
			depends = append(depends, name)
		}
	}
	var out []string
	for _, k := range order {
		list := strings.Join(moves[k], "; ")
		if k.weight == scoring.CitizenWeightKey {
			nw := math.Min(math.Max(m.CitizenWeight*k.factor, 0), 1)
			out = append(out, v.T("comp.sens.citizen", v.Num(m.CitizenWeight), v.Num(nw), list))
			continue
		}
		name, w := k.weight, 0.0
		for _, p := range m.Parameters {
			if p.Code == k.weight {
				name, w = p.Name, p.Weight
			}
		}
		out = append(out, v.T("comp.sens.param", name, v.Num1(w), v.Num1(w*k.factor), list))
	}
	if len(depends) == 0 {
		return nil, ""
	}
	return out, v.T("comp.sens.depends", strings.Join(depends, ", "))
}

// paramPanel is one agency's small multiple: a column per parameter on the fixed 0–100 scale, numbered like
// the table's columns; a parameter with nothing applicable shows a dash. Written directly, like ciBar
// (every text escaped).
func (v *view) paramPanel(id string, row figures.CompositeRow, params []figures.CompositeParameter) template.HTML {
	const w, h, x0, x1, yTop, yBase = 200.0, 136.0, 30.0, 196.0, 18.0, 108.0
	e := template.HTMLEscapeString
	id = e(id)
	title := v.T("comp.chart.title", row.Name)
	var desc []string
	for i, p := range params {
		desc = append(desc, v.T("comp.chart.value", i+1, p.Name, v.optNumNA(row.Parameters[p.Code])))
	}
	var b strings.Builder
	b.WriteString(`<svg class="panel" viewBox="0 0 ` + svgCoord(w) + ` ` + svgCoord(h) + `" role="img" aria-labelledby="` + id + `-t ` + id + `-d">`)
	b.WriteString(`<title id="` + id + `-t">` + e(title) + `</title><desc id="` + id + `-d">` + e(strings.Join(desc, "; ")) + `</desc>`)
	ys := scale{0, 100, yBase, yTop}
	for _, t := range []float64{0, 50, 100} {
		y := svgCoord(ys.at(t))
		b.WriteString(`<line x1="` + svgCoord(x0) + `" y1="` + y + `" x2="` + svgCoord(x1) + `" y2="` + y + `" class="grid"/>`)
		b.WriteString(`<text x="` + svgCoord(x0-4) + `" y="` + svgCoord(ys.at(t)+4) + `" class="tick" text-anchor="end">` + strconv.Itoa(int(t)) + `</text>`)
	}
	slot := (x1 - x0) / float64(max(len(params), 1))
	bw := math.Min(slot*0.66, 18)
	for i, p := range params {
		cx := x0 + slot*(float64(i)+0.5)
		val := row.Parameters[p.Code]
		b.WriteString(`<g><title>` + e(desc[i]) + `</title>`)
		if val != nil {
			top := ys.at(*val)
			b.WriteString(`<rect x="` + svgCoord(cx-bw/2) + `" y="` + svgCoord(top) + `" width="` + svgCoord(bw) + `" height="` +
				svgCoord(math.Max(yBase-top, 0.5)) + `" class="bar"/>`)
			b.WriteString(`<text x="` + svgCoord(cx) + `" y="` + svgCoord(top-3) + `" class="val" text-anchor="middle">` +
				strconv.Itoa(int(math.Round(*val))) + `</text>`)
		} else {
			b.WriteString(`<text x="` + svgCoord(cx) + `" y="` + svgCoord(yBase-3) + `" class="na" text-anchor="middle">–</text>`)
		}
		b.WriteString(`<text x="` + svgCoord(cx) + `" y="` + svgCoord(yBase+17) + `" class="tick" text-anchor="middle">` + strconv.Itoa(i+1) + `</text></g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// optNumNA formats a nullable score for words: null is "not applicable".
func (v *view) optNumNA(x *float64) string {
	if x == nil {
		return v.T("comp.na")
	}
	return v.Num(*x)
}
