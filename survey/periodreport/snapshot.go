package periodreport

import (
	"io"
	"time"

	"github.com/qiymet/qiymet/scoring/report"
	"github.com/qiymet/qiymet/survey"
)

// WriteSnapshot renders the §8 report of a published period from its snapshot alone (CONTRACT §10): the
// public edition (report.Input.Withhold), generated at the publication time, so the same snapshot gives the
// same bytes whenever it is rendered.
func WriteSnapshot(w io.Writer, snap *survey.Snapshot, lang string) error {
	in, err := FromSnapshot(snap, lang)
	if err != nil {
		return err
	}
	return report.Write(w, in)
}

// FromSnapshot is the report's input for a snapshot in lang. Figures below min_n are not in a snapshot: their
// rows say "insufficient", their breakdown rows and control months are left out, their trend points are gaps.
func FromSnapshot(snap *survey.Snapshot, lang string) (report.Input, error) {
	if lang == "" {
		lang = "az"
	}
	if !survey.ValidLang(lang) {
		return report.Input{}, survey.FieldError("lang", "lang must be az, en or ru")
	}
	loc, err := time.LoadLocation(snap.Methodology.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}
		}
		return t.In(loc)
	}
	m := snap.Methodology
	in := report.Input{Lang: lang, PeriodLabel: snap.Period.Label, PeriodStart: at(snap.Period.Start), PeriodEnd: at(snap.Period.End),
		GeneratedAt: at(snap.PublishedAt), DataAsOf: at(snap.DataAsOf), Withhold: true,
		MinN: m.MinN, PriorWeight: m.PriorWeight, Confidence: m.Confidence, Overall: publishedFigure(snap.Overall), Excluded: snap.Excluded}
	sections := map[string]survey.SnapshotAgency{}
	for _, a := range snap.Agencies {
		sections[a.Agency] = a
	}
	for _, g := range snap.Groups {
		rg := report.Group{Code: g.Group, Name: g.Name.Get(lang), Figure: publishedFigure(g.Estimate)}
		for _, r := range g.Rows {
			rg.Rows = append(rg.Rows, report.Row{Rank: r.Rank, Agency: r.Agency, Name: r.Name.Get(lang),
				Index: r.Index, CILow: r.CILow, CIHigh: r.CIHigh, Adjusted: r.Adjusted, N: r.N,
				CSAT: r.CSAT, CSATLow: r.CSATLow, CSATHigh: r.CSATHigh,
				ChangePrev: r.Change.PreviousPeriod, ChangeYear: r.Change.PreviousYear, PreviousRank: r.PreviousRank, Streak: r.Streak,
				SignificantPrev: r.ChangeSignificant.PreviousPeriod, SignificantYear: r.ChangeSignificant.PreviousYear,
				RankLow: r.RankLow, RankHigh: r.RankHigh, ClearFirst: r.ClearFirst, ClearStreak: r.ClearStreak})
			if a, ok := sections[r.Agency]; ok {
				in.Agencies = append(in.Agencies, snapshotSection(a, g, lang))
			}
		}
		for _, r := range g.Insufficient {
			rg.Rows = append(rg.Rows, report.Row{Agency: r.Agency, Name: r.Name.Get(lang), Insufficient: true})
		}
		in.Groups = append(in.Groups, rg)
	}
	return in, nil
}

func snapshotSection(a survey.SnapshotAgency, g survey.SnapshotGroup, lang string) report.AgencySection {
	sec := report.AgencySection{Code: a.Agency, Name: a.Name.Get(lang), GroupCode: g.Group, GroupName: g.Name.Get(lang)}
	for _, t := range a.Trend {
		sec.Trend = append(sec.Trend, report.TrendPoint{Label: t.Label, Figure: publishedFigure(t.Estimate)})
	}
	if c := a.Control; c != nil {
		rc := &report.Control{CL: c.CL, Sigma: c.Sigma}
		for _, pt := range c.Points {
			if pt.Status == survey.Insufficient || pt.Index == nil || pt.N == nil || pt.LCL == nil || pt.UCL == nil {
				continue
			}
			sig := ""
			if pt.Signal != nil {
				sig = *pt.Signal
			}
			rc.Points = append(rc.Points, report.ControlPoint{Month: pt.Month, Index: *pt.Index, N: *pt.N, LCL: *pt.LCL, UCL: *pt.UCL, Signal: sig})
		}
		if len(rc.Points) > 0 {
			sec.Control = rc
		}
	}
	rows := func(in []survey.BreakdownEstimate, channel bool) []report.BreakdownRow {
		var out []report.BreakdownRow
		for _, r := range in {
			if !r.Sufficient() {
				continue
			}
			name := r.Name.Get(lang)
			if channel {
				name = "" // the report translates kiosk/link/api itself
			}
			out = append(out, report.BreakdownRow{Key: r.Key, Name: name, Figure: publishedFigure(r.Estimate)})
		}
		return out
	}
	sec.ByQuestion = rows(a.Breakdowns.Question, false)
	sec.ByService = rows(a.Breakdowns.Service, false)
	sec.ByChannel = rows(a.Breakdowns.Channel, true)
	return sec
}

// publishedFigure is a published estimate in the report's terms; an insufficient one has n 0 (drawn as "—" or a gap).
func publishedFigure(e survey.Estimate) report.Figure {
	if !e.Sufficient() || e.N == nil || e.CILow == nil || e.CIHigh == nil {
		return report.Figure{}
	}
	return report.Figure{Index: *e.Index, CILow: *e.CILow, CIHigh: *e.CIHigh, N: *e.N}
}
