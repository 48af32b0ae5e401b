package periodreport

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/report"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
)

// composites are the report's composite-index sections (docs/method.md#composite-index): one per
// methodology (its newest version) that has an assessment counting in p; none for custom ranges, which
// assessments are never made for.
func composites(ctx context.Context, f *figures.Figures, p scoring.Period, o Options) ([]report.Composite, error) {
	if p.Kind == scoring.Custom {
		return nil, nil
	}
	codes, err := f.MethodologyCodes(ctx)
	if err != nil {
		return nil, err
	}
	var out []report.Composite
	for _, code := range codes {
		rk, err := f.CompositeRankings(ctx, p, code, 0, o.Group, o.Lang)
		if err != nil {
			return nil, err
		}
		if !assessed(rk) {
			continue
		}
		sens, err := f.Sensitivity(ctx, p, code, 0, o.Group, o.Lang)
		if err != nil {
			return nil, err
		}
		c := report.Composite{Code: rk.Composite.Code, Name: rk.Composite.Name, Version: rk.Composite.Version,
			CitizenWeight: rk.Composite.CitizenWeight, Pooled: rk.Composite.Aggregate == survey.AggregatePooled}
		weights := map[string]report.CompositeParameter{}
		for _, prm := range rk.Composite.Parameters {
			cp := report.CompositeParameter{Name: prm.Name, Weight: prm.Weight}
			c.Parameters = append(c.Parameters, cp)
			weights[prm.Code] = cp
		}
		names := map[string]string{}
		for _, g := range rk.Groups {
			cg := report.CompositeGroup{Name: g.Name}
			for _, r := range g.Rows {
				names[r.Agency] = r.Name
				row := report.CompositeRow{Name: r.Name, Composite: r.Composite, Index: r.Index, N: r.N, Checklist: r.Checklist, Status: r.Status}
				if r.Rank != nil {
					row.Rank = *r.Rank
				}
				for _, prm := range rk.Composite.Parameters {
					row.Parameters = append(row.Parameters, r.Parameters[prm.Code])
				}
				cg.Rows = append(cg.Rows, row)
			}
			c.Groups = append(c.Groups, cg)
		}
		for _, ch := range sens.Changes {
			rc := report.RankChange{Factor: ch.Factor, Group: ch.Group, Agency: ch.Agency, OldWeight: rk.Composite.CitizenWeight}
			if n, ok := names[ch.Agency]; ok {
				rc.Agency = n
			}
			if ch.Weight != scoring.CitizenWeightKey {
				rc.Weight, rc.OldWeight = weights[ch.Weight].Name, weights[ch.Weight].Weight
			}
			if ch.Rank != nil {
				rc.Rank = *ch.Rank
			}
			if ch.NewRank != nil {
				rc.NewRank = *ch.NewRank
			}
			c.Changes = append(c.Changes, rc)
		}
		out = append(out, c)
	}
	return out, nil
}

// assessed reports whether any agency of the table has a checklist score.
func assessed(rk *figures.CompositeRankings) bool {
	for _, g := range rk.Groups {
		for _, r := range g.Rows {
			if r.Checklist != nil {
				return true
			}
		}
	}
	return false
}
