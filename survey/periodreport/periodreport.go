// Package periodreport feeds the PDF period report (scoring/report) with figures from the store: it is the
// one place both `qiymet report` and the dashboard download build a report.
package periodreport

import (
	"context"
	"fmt"
	"github.com/qiymet/qiymet/scoring/locale"
	"io"
	"strconv"
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

	// Now is the clock: a period that has not started is refused, a running one is provisional. Zero:
	// the figures' clock.
	Now time.Time
	// Generated is the generation date on the cover (SOURCE_DATE_EPOCH or today, chosen by the caller:
	// see GenerationDate). Zero: the day of Now.
	Generated time.Time
}

// GenerationDate is the report's generation date by the reproducible-builds convention
// (docs/method.md#reproducible-report): SOURCE_DATE_EPOCH (Unix seconds) when set, else today at
// midnight in loc, so that two runs on one day with the same data give the same bytes. A malformed
// SOURCE_DATE_EPOCH is an error.
func GenerationDate(sourceDateEpoch string, now time.Time, loc *time.Location) (time.Time, error) {
	if sourceDateEpoch != "" {
		sec, err := strconv.ParseInt(sourceDateEpoch, 10, 64)
		if err != nil || sec < 0 {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH must be a non-negative number of seconds, not %q", sourceDateEpoch)
		}
		return time.Unix(sec, 0).In(loc), nil
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
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
	if o.Now.IsZero() {
		o.Now = f.Now()
	}
	if o.Now.Before(p.Start) {
		return report.Input{}, survey.FieldError("period", "period %s has not started yet", p.Label)
	}
	if o.Generated.IsZero() {
		o.Generated, _ = GenerationDate("", o.Now, f.Location())
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
		Lang: o.Lang, PeriodLabel: locale.PeriodName(o.Lang, p.Label), PeriodStart: p.Start, PeriodEnd: p.End,
		GroupFilter: o.Group, MinN: cfg.MinN, PriorWeight: cfg.PriorWeight, Confidence: 0.95,
		Overall: figure(pooled[o.Group]),
	}
	in.GeneratedAt = o.Generated
	if last != 0 {
		in.DataAsOf = time.UnixMicro(last).In(f.Location())
	}
	if o.Now.Before(p.End) {
		// A running period: its figures are as of the last response read (never later than now), a
		// date taken from the data, so the same data still gives the same bytes.
		in.Provisional, in.AsOf = true, p.Start
		if !in.DataAsOf.IsZero() {
			in.AsOf = in.DataAsOf
		}
		if in.AsOf.After(o.Now) {
			in.AsOf = o.Now.In(f.Location())
		}
		in.Elapsed = float64(in.AsOf.Sub(p.Start)) / float64(p.End.Sub(p.Start))
	}
	for _, g := range rk.Groups {
		rg := report.Group{Code: g.Group, Name: g.Name, Figure: figure(pooled[g.Group])}
		for _, r := range g.Rows {
			row := report.Row{Agency: r.Agency, Name: r.Name, Insufficient: r.Rank == nil,
				Index: r.Index, CILow: r.CILow, CIHigh: r.CIHigh, Adjusted: r.Adjusted, N: r.N,
				CSAT: r.CSAT, CSATLow: r.CSATLow, CSATHigh: r.CSATHigh,
				ChangePrev: r.Change.PreviousPeriod, ChangeYear: r.Change.PreviousYear,
				PreviousRank: r.PreviousRank, Streak: r.Streak,
				SignificantPrev: r.ChangeSignificant.PreviousPeriod, SignificantYear: r.ChangeSignificant.PreviousYear,
				ClearFirst: r.ClearFirst, ClearStreak: r.ClearStreak}
			if r.Rank != nil {
				row.Rank = *r.Rank
			}
			if r.RankLow != nil && r.RankHigh != nil {
				row.RankLow, row.RankHigh = *r.RankLow, *r.RankHigh
			}
			rg.Rows = append(rg.Rows, row)
			if o.Agency != "" && r.Agency != o.Agency {
				continue
			}
			sec, err := section(ctx, f, p, g, r, o)
			if err != nil {
				return report.Input{}, err
			}
			in.Agencies = append(in.Agencies, sec)
		}
		in.Groups = append(in.Groups, rg)
	}
	if in.Composites, err = composites(ctx, f, p, o); err != nil { // composite.go
		return report.Input{}, err
	}
	in.Excluded, err = f.Excluded(ctx, p, o.Agency)
	return in, err
}

func section(ctx context.Context, f *figures.Figures, p scoring.Period, g figures.GroupRanking, r figures.RankingRow, o Options) (report.AgencySection, error) {
	lang := o.Lang
	sec := report.AgencySection{Code: r.Agency, Name: r.Name, GroupCode: g.Group, GroupName: g.Name,
		Cases: &report.CaseFigures{Opened: r.Cases.Opened, ResolvedInSLA: r.Cases.ResolvedInSLA}}
	c, err := controlOf(ctx, f, r.Agency, ControlTo(p, o.Now, f.Location()), ControlMonths)
	if err != nil {
		return sec, err
	}
	if c != nil && len(c.Points) > 0 {
		sec.Control = &report.Control{CL: c.CL, Sigma: c.Sigma}
		for _, pt := range c.Points {
			sig := ""
			if pt.Signal != nil {
				sig = *pt.Signal
			}
			sec.Control.Points = append(sec.Control.Points, report.ControlPoint{Month: pt.Month, Index: pt.Index, N: pt.N,
				LCL: pt.LCL, UCL: pt.UCL, Signal: sig})
		}
	}
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

// ControlMonths is how many months the control chart of an agency section covers.
const ControlMonths = 24

// ControlTo is the last month a control chart of period p shows: p's last month, but never one that has
// not ended (a running month's point would still move).
func ControlTo(p scoring.Period, now time.Time, loc *time.Location) scoring.Period {
	last := scoring.PeriodContaining(scoring.Month, p.End.Add(-time.Nanosecond), loc)
	if cur := scoring.PeriodContaining(scoring.Month, now, loc); !last.Start.Before(cur.Start) {
		return cur.Previous()
	}
	return last
}

// controlOf reads an agency's control chart (a variable so tests can see the chart's inputs).
var controlOf = func(ctx context.Context, f *figures.Figures, code string, to scoring.Period, months int) (*figures.Control, error) {
	return f.Control(ctx, code, to, months)
}
