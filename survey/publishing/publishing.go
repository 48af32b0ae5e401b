// Package publishing assembles and stores published periods (CONTRACT §10, docs/publishing.md): a snapshot of
// a complete period's figures from survey/figures — the same numbers as the rankings API, the breakdowns and
// the PDF report — with names in az, en and ru and every figure below min_n reduced to "insufficient". The
// store keeps the snapshot; everything public is served from it and never recomputed.
package publishing

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
)

// Langs are the languages every published name carries.
var Langs = []string{"az", "en", "ru"}

// Publish builds the snapshot of p and stores it as p's next revision, audited (survey.Store.Publish).
func Publish(ctx context.Context, s *survey.Store, f *figures.Figures, p scoring.Period, reason string) (*survey.Publication, error) {
	ctx = survey.ReadPrimary(ctx) // a snapshot is official: every response stored so far, never a lagging replica's view
	snap, counted, err := Build(ctx, s, f, p)
	if err != nil {
		return nil, err
	}
	return s.Publish(ctx, snap, reason, counted)
}

// CheckPublishable refuses what cannot be published: custom ranges, periods that have not started and running
// ones (invalid_field on "period", 422).
func CheckPublishable(f *figures.Figures, p scoring.Period) error {
	if p.Kind == scoring.Custom {
		return survey.FieldError("period", "only a year, half-year, quarter or month can be published, not a custom range")
	}
	if err := f.CheckStarted(p); err != nil {
		return err
	}
	if !f.Info(p).Complete {
		return survey.FieldError("period", "period %s is still running (it ends %s): only a complete period can be published",
			p.Label, p.End.Format(time.RFC3339))
	}
	return nil
}

// Build assembles the snapshot of the complete period p (without revision, reason, time or hash: the store
// sets those) and the number of counted responses it was computed from.
func Build(ctx context.Context, s *survey.Store, f *figures.Figures, p scoring.Period) (*survey.Snapshot, int64, error) {
	if err := CheckPublishable(f, p); err != nil {
		return nil, 0, err
	}
	cfg := f.Config()
	minN := cfg.MinN
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, 0, err
	}
	ranks := map[string]*figures.Rankings{}
	for _, l := range Langs {
		if ranks[l], err = f.Rankings(ctx, p, "", l); err != nil {
			return nil, 0, err
		}
	}
	pooled, err := f.Pooled(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	last, err := f.LastSubmitted(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	excluded, err := f.Excluded(ctx, p, "")
	if err != nil {
		return nil, 0, err
	}
	info := f.Info(p)
	snap := &survey.Snapshot{
		Period: survey.SnapshotPeriod{Label: info.Label, Start: info.Start, End: info.End},
		Methodology: survey.SnapshotMethodology{MinN: minN, PriorWeight: cfg.PriorWeight, Confidence: 0.95,
			TimeZone: f.Location().String(), Surveys: surveys(cv)},
		Overall:  estimate(pooled[""], minN),
		Groups:   []survey.SnapshotGroup{},
		Agencies: []survey.SnapshotAgency{},
		Excluded: excluded,
	}
	if snap.Excluded == nil {
		snap.Excluded = map[string]int64{}
	}
	if last != 0 {
		snap.DataAsOf = time.UnixMicro(last).In(f.Location()).Format(time.RFC3339)
	}
	names := rankingNames(ranks)
	for _, g := range ranks["az"].Groups {
		sg := survey.SnapshotGroup{Group: g.Group, Name: names[":"+g.Group], Estimate: estimate(pooled[g.Group], minN),
			Rows: []survey.SnapshotRow{}, Insufficient: []survey.SnapshotUnranked{}}
		for _, r := range g.Rows {
			if r.Rank == nil {
				sg.Insufficient = append(sg.Insufficient, survey.SnapshotUnranked{Agency: r.Agency, Name: names[r.Agency], Status: survey.Insufficient})
				continue
			}
			sg.Rows = append(sg.Rows, row(r, names[r.Agency]))
			ag, err := agency(ctx, f, p, g.Group, r.Agency, names[r.Agency], minN)
			if err != nil {
				return nil, 0, err
			}
			snap.Agencies = append(snap.Agencies, ag)
		}
		snap.Groups = append(snap.Groups, sg)
	}
	return snap, pooled[""].N, nil
}

// rankingNames gathers each agency's (code) and group's (":" + code) names from the three languages' tables.
func rankingNames(ranks map[string]*figures.Rankings) map[string]survey.Names {
	out := map[string]survey.Names{}
	set := func(key, lang, name string) {
		n := out[key]
		switch lang {
		case "az":
			n.AZ = name
		case "en":
			n.EN = name
		case "ru":
			n.RU = name
		}
		out[key] = n
	}
	for lang, rk := range ranks {
		for _, g := range rk.Groups {
			set(":"+g.Group, lang, g.Name)
			for _, r := range g.Rows {
				set(r.Agency, lang, r.Name)
			}
		}
	}
	return out
}

func row(r figures.RankingRow, name survey.Names) survey.SnapshotRow {
	out := survey.SnapshotRow{Rank: *r.Rank, Agency: r.Agency, Name: name, Index: r.Index, CILow: r.CILow, CIHigh: r.CIHigh,
		Adjusted: r.Adjusted, N: r.N, CSAT: r.CSAT, CSATLow: r.CSATLow, CSATHigh: r.CSATHigh, PreviousRank: r.PreviousRank,
		Change:            survey.ChangePair{PreviousPeriod: r.Change.PreviousPeriod, PreviousYear: r.Change.PreviousYear},
		ChangeSignificant: survey.SignifPair{PreviousPeriod: r.ChangeSignificant.PreviousPeriod, PreviousYear: r.ChangeSignificant.PreviousYear},
		Streak:            r.Streak, ClearFirst: r.ClearFirst, ClearStreak: r.ClearStreak, Status: r.Status}
	if r.RankLow != nil && r.RankHigh != nil {
		out.RankLow, out.RankHigh = *r.RankLow, *r.RankHigh
	}
	return out
}

// agency is a ranked agency's breakdowns (names in every language), trend and control chart, as the PDF
// report's agency section reads them (periodreport).
func agency(ctx context.Context, f *figures.Figures, p scoring.Period, group, code string, name survey.Names, minN int64) (survey.SnapshotAgency, error) {
	out := survey.SnapshotAgency{Agency: code, Group: group, Name: name}
	by := map[string]map[string]*figures.Breakdown{} // lang → dimension → breakdown
	for _, l := range Langs {
		svc, ctr, chn, err := f.AttributeBreakdowns(ctx, code, p, l)
		if err != nil {
			return out, err
		}
		q, err := f.Breakdown(ctx, code, p, figures.ByQuestion, l)
		if err != nil {
			return out, err
		}
		by[l] = map[string]*figures.Breakdown{figures.ByService: svc, figures.ByCenter: ctr, figures.ByChannel: chn, figures.ByQuestion: q}
	}
	rows := func(dim string) []survey.BreakdownEstimate {
		named := map[string]survey.Names{}
		for _, l := range Langs {
			for _, r := range by[l][dim].Rows {
				n := named[r.Key]
				switch l {
				case "az":
					n.AZ = r.Name
				case "en":
					n.EN = r.Name
				case "ru":
					n.RU = r.Name
				}
				named[r.Key] = n
			}
		}
		out := []survey.BreakdownEstimate{}
		for _, r := range by["az"][dim].Rows {
			out = append(out, survey.BreakdownEstimate{Key: r.Key, Name: named[r.Key],
				Estimate: survey.NewEstimate(r.Index, r.CILow, r.CIHigh, r.N, minN)})
		}
		return out
	}
	out.Breakdowns = survey.SnapshotBreakdowns{Service: rows(figures.ByService), Center: rows(figures.ByCenter),
		Channel: rows(figures.ByChannel), Question: rows(figures.ByQuestion)}

	trend, err := f.Trend(ctx, code, p, periodreport.TrendPeriods)
	if err != nil {
		return out, err
	}
	out.Trend = []survey.SnapshotTrend{}
	for _, t := range trend {
		out.Trend = append(out.Trend, survey.SnapshotTrend{Label: t.Label, Estimate: survey.NewEstimate(t.Index, t.CILow, t.CIHigh, t.N, minN)})
	}
	c, err := f.Control(ctx, code, periodreport.ControlTo(p, f.Now(), f.Location()), periodreport.ControlMonths)
	if err != nil {
		return out, err
	}
	if len(c.Points) > 0 {
		out.Control = &survey.SnapshotControl{CL: c.CL, Sigma: c.Sigma, Points: []survey.SnapshotControlPoint{}}
		for _, pt := range c.Points {
			cp := survey.SnapshotControlPoint{Month: pt.Month}
			if pt.N < minN {
				cp.Status = survey.Insufficient
			} else {
				cp.Index, cp.N, cp.LCL, cp.UCL, cp.Signal = new(pt.Index), new(pt.N), new(pt.LCL), new(pt.UCL), pt.Signal
			}
			out.Control.Points = append(out.Control.Points, cp)
		}
	}
	return out, nil
}

func estimate(e figures.Figure, minN int64) survey.Estimate {
	return survey.NewEstimate(e.Index, e.CILow, e.CIHigh, e.N, minN)
}

// surveys lists every survey version of the catalog with its questions' weights, by code then version.
func surveys(cv *survey.CatalogView) []survey.SnapshotSurvey {
	out := []survey.SnapshotSurvey{}
	for _, sv := range cv.Surveys {
		ss := survey.SnapshotSurvey{Code: sv.Code, Version: sv.Version, Primary: sv.Primary, Questions: []survey.SnapshotQuestion{}}
		for _, q := range sv.Questions {
			sq := survey.SnapshotQuestion{Key: q.Key, Type: q.Type, Weight: q.ScoreWeight(), Text: q.Text}
			if q.Type == survey.TypeScale {
				sq.Min, sq.Max = new(q.Min), new(q.Max)
			}
			ss.Questions = append(ss.Questions, sq)
		}
		out = append(out, ss)
	}
	slices.SortFunc(out, func(a, b survey.SnapshotSurvey) int {
		return cmp.Or(strings.Compare(a.Code, b.Code), a.Version-b.Version)
	})
	return out
}
