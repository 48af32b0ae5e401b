// Package periodreport feeds the PDF period report (scoring/report) with figures from the store: it is the
// one place both `qiymet report` and the dashboard download build a report.
package periodreport

import (
	"context"
	"io"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/report"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
)

// TrendPeriods is how many periods of the same kind each agency's trend shows.
const TrendPeriods = 8

// Options select one edition of the report.
type Options struct {
	Lang   string // az, en or ru
	Group  string // "" = every peer group
	Agency string // "" = a section for every agency; a code = a manager's edition with only that section
}

// Write builds and writes the report of period p.
func Write(ctx context.Context, w io.Writer, f *figures.Figures, p scoring.Period, o Options) error {
	in, err := Build(ctx, f, p, o)
	if err != nil {
		return err
	}
	return report.Write(w, in)
}

// Build gathers every figure of the report. Everything comes from the data, so the same data and options
// give the same input (and so the same bytes).
func Build(ctx context.Context, f *figures.Figures, p scoring.Period, o Options) (report.Input, error) {
	if o.Lang == "" {
		o.Lang = "az"
	}
	if !survey.ValidLang(o.Lang) {
		return report.Input{}, survey.FieldError("lang", "lang must be az, en or ru")
	}
	rk, err := f.Rankings(ctx, p, o.Group, o.Lang)
	if err != nil {
		return report.Input{}, err
	}
	pooled, err := f.Pooled(ctx, p)
	if err != nil {
		return report.Input{}, err
	}
	last, err := f.LastSubmitted(ctx, p)
	if err != nil {
		return report.Input{}, err
	}
	cfg := f.Config()
	in := report.Input{
		Lang: o.Lang, PeriodLabel: p.Label, PeriodStart: p.Start, PeriodEnd: p.End,
		GroupFilter: o.Group, MinN: cfg.MinN, PriorWeight: cfg.PriorWeight, Confidence: 0.95,
		Overall: figure(pooled[o.Group]),
	}
	if last != 0 {
		in.GeneratedAt = time.UnixMicro(last).In(f.Location())
	}
	for _, g := range rk.Groups {
		rg := report.Group{Code: g.Group, Name: g.Name, Figure: figure(pooled[g.Group])}
		for _, r := range g.Rows {
			row := report.Row{Agency: r.Agency, Name: r.Name, Insufficient: r.Rank == nil,
				Index: r.Index, CILow: r.CILow, CIHigh: r.CIHigh, Adjusted: r.Adjusted, N: r.N,
				CSAT: r.CSAT, CSATLow: r.CSATLow, CSATHigh: r.CSATHigh,
				ChangePrev: r.Change.PreviousPeriod, ChangeYear: r.Change.PreviousYear,
				PreviousRank: r.PreviousRank, Streak: r.Streak}
			if r.Rank != nil {
				row.Rank = *r.Rank
			}
			rg.Rows = append(rg.Rows, row)
			if o.Agency != "" && r.Agency != o.Agency {
				continue
			}
			sec, err := section(ctx, f, p, g, r, o.Lang)
			if err != nil {
				return report.Input{}, err
			}
			in.Agencies = append(in.Agencies, sec)
		}
		in.Groups = append(in.Groups, rg)
	}
	in.Excluded, err = f.Excluded(ctx, p, o.Agency)
	return in, err
}

func section(ctx context.Context, f *figures.Figures, p scoring.Period, g figures.GroupRanking, r figures.RankingRow, lang string) (report.AgencySection, error) {
	sec := report.AgencySection{Code: r.Agency, Name: r.Name, GroupCode: g.Group, GroupName: g.Name}
	trend, err := f.Trend(ctx, r.Agency, p, TrendPeriods)
	if err != nil {
		return sec, err
	}
	for _, t := range trend {
		sec.Trend = append(sec.Trend, report.TrendPoint{Label: t.Label,
			Figure: report.Figure{Index: t.Index, CILow: t.CILow, CIHigh: t.CIHigh, N: t.N}})
	}
	for _, b := range []struct {
		by  string
		dst *[]report.BreakdownRow
	}{{figures.ByQuestion, &sec.ByQuestion}, {figures.ByService, &sec.ByService}, {figures.ByChannel, &sec.ByChannel}} {
		bd, err := f.Breakdown(ctx, r.Agency, p, b.by, lang)
		if err != nil {
			return sec, err
		}
		for _, row := range bd.Rows {
			name := row.Name
			if b.by == figures.ByChannel {
				name = "" // the report translates kiosk/link/api itself
			}
			*b.dst = append(*b.dst, report.BreakdownRow{Key: row.Key, Name: name,
				Figure: report.Figure{Index: row.Index, CILow: row.CILow, CIHigh: row.CIHigh, N: row.N}})
		}
	}
	return sec, nil
}

// figure is a pooled figure in the report's terms.
func figure(e figures.Figure) report.Figure {
	return report.Figure{Index: e.Index, CILow: e.CILow, CIHigh: e.CIHigh, N: e.N}
}
