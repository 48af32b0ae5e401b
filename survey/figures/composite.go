package figures

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// CompositeRankings is GET /api/v1/rankings?index=composite (CONTRACT §12): per group, the agencies ranked by
// composite = citizen_weight·index + (1 − citizen_weight)·checklist. Every percentage is rounded to 2
// decimals.
type CompositeRankings struct {
	Period      PeriodInfo           `json:"period"`
	Methodology Methodology          `json:"methodology"`
	Composite   CompositeMethodology `json:"composite"`
	Groups      []CompositeGroup     `json:"groups"`

	P scoring.Period `json:"-"`
}

// CompositeMethodology is the checklist methodology a composite table was computed with.
type CompositeMethodology struct {
	Code          string               `json:"code"`
	Version       int                  `json:"version"`
	Name          string               `json:"name"`
	CitizenWeight float64              `json:"citizen_weight"`
	Aggregate     string               `json:"aggregate"`
	Parameters    []CompositeParameter `json:"parameters"`
}

// CompositeParameter names a parameter and its weight.
type CompositeParameter struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

// CompositeGroup is one peer group's composite table.
type CompositeGroup struct {
	Group string         `json:"group"`
	Name  string         `json:"name"`
	Rows  []CompositeRow `json:"rows"`
}

// CompositeRow is one agency's line. Status: "ranked"; "insufficient" (citizens' n < min_n); "unassessed"
// (no assessment with an applicable criterion).
type CompositeRow struct {
	Rank       *int                `json:"rank"`
	Agency     string              `json:"agency"`
	Name       string              `json:"name"`
	Composite  *float64            `json:"composite"`
	Index      float64             `json:"index"`
	N          int64               `json:"n"`
	Checklist  *float64            `json:"checklist"`
	Parameters map[string]*float64 `json:"parameters"`
	Services   int                 `json:"services"` // assessed services
	Status     string              `json:"status"`
}

// Sensitivity is GET /api/v1/composite/sensitivity (CONTRACT §12): every agency whose composite rank changes
// when one weight is multiplied by 0.8 or 1.2.
type Sensitivity struct {
	Period    PeriodInfo           `json:"period"`
	Composite CompositeMethodology `json:"composite"`
	Changes   []RankChange         `json:"changes"`
}

// RankChange is one agency's rank under one changed weight; NewRank nil when it drops out.
type RankChange struct {
	Weight  string  `json:"weight"` // "citizen_weight" or a parameter code
	Factor  float64 `json:"factor"`
	Group   string  `json:"group"`
	Agency  string  `json:"agency"`
	Rank    *int    `json:"rank"`
	NewRank *int    `json:"new_rank"`
}

// compositeInputs are what both answers are computed from.
type compositeInputs struct {
	cv       *survey.CatalogView
	m        *survey.Methodology
	units    []scoring.CompositeUnit
	assessed map[string]int
}

// compositeInputs reads P's citizens' figures per agency (only P: the composite has no change or streak) and
// the latest assessments. The composite is defined for calendar periods (the periods assessments are made
// for); version 0 is the newest of the methodology.
func (f *Figures) compositeInputs(ctx context.Context, p scoring.Period, code string, version int, group string) (*compositeInputs, error) {
	if p.Kind == scoring.Custom {
		return nil, survey.FieldError("period", "the composite index is computed for calendar periods (YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM), as assessments are")
	}
	if err := f.CheckStarted(p); err != nil {
		return nil, err
	}
	if code == "" {
		return nil, survey.FieldError("methodology", "methodology is required with index=composite")
	}
	if !survey.ValidCode(code) {
		return nil, survey.Errorf(survey.CodeNotFound, "methodology", "no methodology %q", code)
	}
	m, err := f.store.Methodology(ctx, code, version)
	if err != nil {
		return nil, err
	}
	cv, err := f.store.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	if group != "" {
		if _, ok := cv.Group(group); !ok {
			return nil, survey.Errorf(survey.CodeNotFound, "group", "no peer group %q", group)
		}
	}
	if err := f.store.AwaitCells(ctx); err != nil {
		return nil, err
	}
	months, _ := monthSpan(p)
	sums, err := f.store.MonthSums(ctx, months.from, months.to, months.to-months.from)
	if err != nil {
		return nil, err
	}
	groupOf := func(agency string) (string, bool) {
		a, ok := cv.Agency(agency)
		if !ok || (group != "" && a.Group != group) {
			return "", false
		}
		return a.Group, true
	}
	assessments, err := f.store.LatestAssessments(ctx, survey.AssessmentFilter{Methodology: m.Code, Version: m.Version, Period: p.Label})
	if err != nil {
		return nil, err
	}
	byAgency := map[string][]scoring.ServiceScores{}
	for _, a := range assessments {
		byAgency[a.Agency] = append(byAgency[a.Agency], a.Scores)
	}
	in := &compositeInputs{cv: cv, m: m, assessed: map[string]int{}}
	for _, g := range scoring.RankPeriod(units(sums, groupOf), f.cfg) {
		for _, r := range g.Rows {
			in.units = append(in.units, scoring.CompositeUnit{Agency: r.Agency, Group: r.Group, Index: r.Index, N: r.N,
				Ranked: r.Ranked, Services: byAgency[r.Agency]})
			in.assessed[r.Agency] = len(byAgency[r.Agency])
		}
	}
	return in, nil
}

func (in *compositeInputs) methodology(lang string) CompositeMethodology {
	out := CompositeMethodology{Code: in.m.Code, Version: in.m.Version, Name: in.m.Name.Get(lang), CitizenWeight: in.m.CitizenWeight,
		Aggregate: in.m.Aggregate, Parameters: make([]CompositeParameter, 0, len(in.m.Parameters))}
	if out.Name == "" {
		out.Name = in.m.Code
	}
	for _, p := range in.m.Parameters {
		out.Parameters = append(out.Parameters, CompositeParameter{Code: p.Code, Name: p.Name.Get(lang), Weight: p.Weight})
	}
	return out
}

// CompositeRankings is P's composite table (CONTRACT §12). group "" means every group; version 0 the newest
// methodology version; lang "" az.
func (f *Figures) CompositeRankings(ctx context.Context, p scoring.Period, code string, version int, group, lang string) (*CompositeRankings, error) {
	lang, err := checkLang(lang)
	if err != nil {
		return nil, err
	}
	in, err := f.compositeInputs(ctx, p, code, version, group)
	if err != nil {
		return nil, err
	}
	out := &CompositeRankings{Period: f.Info(p), P: p, Composite: in.methodology(lang),
		Methodology: Methodology{MinN: f.cfg.MinN, Confidence: 0.95, PriorWeight: f.cfg.PriorWeight}}
	r2 := scoring.Round2
	for _, g := range in.m.Checklist().Composite(in.units) {
		cg := CompositeGroup{Group: g.Group, Name: g.Group, Rows: make([]CompositeRow, 0, len(g.Rows))}
		if gg, ok := in.cv.Group(g.Group); ok {
			cg.Name = gg.Name.Get(lang)
		}
		for _, r := range g.Rows {
			row := CompositeRow{Agency: r.Agency, Name: r.Agency, Composite: round2p(r.Composite), Index: r2(r.Index), N: r.N,
				Checklist: round2p(r.Checklist), Parameters: map[string]*float64{}, Services: in.assessed[r.Agency]}
			for i, pm := range in.m.Parameters {
				row.Parameters[pm.Code] = round2p(r.Parameters[i])
			}
			switch {
			case r.Rank > 0:
				row.Rank, row.Status = new(r.Rank), "ranked"
			case r.N < f.cfg.MinN:
				row.Status = "insufficient"
			default:
				row.Status = "unassessed"
			}
			if a, ok := in.cv.Agency(r.Agency); ok {
				row.Name = a.Name.Get(lang)
			}
			cg.Rows = append(cg.Rows, row)
		}
		out.Groups = append(out.Groups, cg)
	}
	if out.Groups == nil {
		out.Groups = []CompositeGroup{}
	}
	return out, nil
}

// Sensitivity is the ±20% weight analysis of P's composite table (CONTRACT §12).
func (f *Figures) Sensitivity(ctx context.Context, p scoring.Period, code string, version int, group, lang string) (*Sensitivity, error) {
	lang, err := checkLang(lang)
	if err != nil {
		return nil, err
	}
	in, err := f.compositeInputs(ctx, p, code, version, group)
	if err != nil {
		return nil, err
	}
	out := &Sensitivity{Period: f.Info(p), Composite: in.methodology(lang), Changes: []RankChange{}}
	for _, c := range in.m.Checklist().Sensitivity(in.units) {
		rc := RankChange{Weight: c.Weight, Factor: c.Factor, Group: c.Group, Agency: c.Agency}
		if c.Rank > 0 {
			rc.Rank = new(c.Rank)
		}
		if c.NewRank > 0 {
			rc.NewRank = new(c.NewRank)
		}
		out.Changes = append(out.Changes, rc)
	}
	return out, nil
}

// MethodologyCodes lists the codes of the stored methodologies (each stands for its newest version).
func (f *Figures) MethodologyCodes(ctx context.Context) ([]string, error) {
	ms, err := f.store.Methodologies(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		if len(out) == 0 || out[len(out)-1] != m.Code {
			out = append(out, m.Code)
		}
	}
	return out, nil
}
