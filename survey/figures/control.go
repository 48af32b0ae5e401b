package figures

import (
	"context"
	"slices"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Control chart window (docs/api.md): how many months end with `to`.
const (
	ControlMonthsMin     = 6
	ControlMonthsMax     = 60
	ControlMonthsDefault = 24
)

// LastCompleteMonth is the latest month that has ended by f's clock: the default `to` of a control chart.
func (f *Figures) LastCompleteMonth() scoring.Period {
	return scoring.PeriodContaining(scoring.Month, f.now(), f.loc).Previous()
}

// Control is one agency's control chart over the `months` months ending with the month `to`
// (docs/method.md#control-chart), from the agency's month cells in one read; only months with counted
// responses are listed. months outside ControlMonthsMin..ControlMonthsMax, and a `to` that is not a month or
// has not started, are invalid_field; an unknown agency is not_found.
func (f *Figures) Control(ctx context.Context, agency string, to scoring.Period, months int) (*Control, error) {
	if months < ControlMonthsMin || months > ControlMonthsMax {
		return nil, survey.FieldError("months", "months must be a whole number from %d to %d", ControlMonthsMin, ControlMonthsMax)
	}
	span, ok := monthSpan(to)
	if !ok || to.Kind != scoring.Month {
		return nil, survey.FieldError("to", "to must be a month, YYYY-MM")
	}
	if f.now().Before(to.Start) {
		return nil, survey.FieldError("to", "month %s has not started yet", to.Label)
	}
	_, ag, err := f.agency(ctx, agency)
	if err != nil {
		return nil, err
	}
	if err := f.store.AwaitCells(ctx); err != nil {
		return nil, err
	}
	from := max(span.to-months, 0) // month indexes of years before 0 never hold data
	cells, err := f.store.MonthCells(ctx, ag.Code, from, span.to)
	if err != nil {
		return nil, err
	}
	in := make([]scoring.MonthStats, 0, len(cells))
	for _, c := range cells {
		in = append(in, scoring.MonthStats{Month: c.Key, Stats: c.Stats})
	}
	slices.SortFunc(in, func(a, b scoring.MonthStats) int { return a.Month - b.Month })
	chart := scoring.Control(in)
	r2 := scoring.Round2
	out := &Control{Agency: ag.Code, CL: r2(chart.CL), Sigma: r2(chart.Sigma), Points: make([]ControlPoint, 0, len(chart.Points))}
	for _, p := range chart.Points {
		cp := ControlPoint{Month: scoring.MonthLabel(p.Month), Index: r2(p.Index), N: p.N, LCL: r2(p.LCL), UCL: r2(p.UCL)}
		if p.Signal != "" {
			cp.Signal = new(p.Signal)
		}
		out.Points = append(out.Points, cp)
	}
	return out, nil
}
