// Package figures turns the sums of the store's summary tables (survey/store_cell.go) into the published
// figures: ranking tables with previous rank, change and streaks, breakdowns, trends and exclusion counts
// (docs/api.md, docs/method.md). It holds no SQL, and it is the only place where figures are rounded.
//
// Every figure is a sum of cells: a ranking reads the month cells once for every month it needs (the
// period, the previous one, the previous year and up to scoring.MaxStreak periods back for streaks) and
// answers scoring.Rankings from memory; custom ranges read whole months plus the days at their edges.
// Percentages are rounded with scoring.Round2 only here, when they are output. Before reading, every figure
// waits until the cells hold every change committed before the call (Store.AwaitCells); it never writes (the
// store may store, in the background, the packs of cells a read had to sum row by row: survey/store_pack.go).
package figures

import (
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Figures computes published figures from a store's cells.
type Figures struct {
	store *survey.Store
	cfg   scoring.Config
	loc   *time.Location
	now   func() time.Time // decides which periods are running or not started yet
}

// New wires Figures to a store and a methodology; its clock is the store's.
func New(store *survey.Store, cfg scoring.Config) *Figures {
	return &Figures{store: store, cfg: cfg, loc: store.Location(), now: store.Now}
}

// WithClock sets the clock that tells running and not-started periods apart (tests), and returns f.
func (f *Figures) WithClock(now func() time.Time) *Figures {
	f.now = now
	return f
}

// Now is the time by f's clock.
func (f *Figures) Now() time.Time { return f.now() }

// Config is the methodology in use.
func (f *Figures) Config() scoring.Config { return f.cfg }

// Location is the zone in which periods begin (QIYMET_TIMEZONE).
func (f *Figures) Location() *time.Location { return f.loc }

// PeriodInfo is a period as published: its label and its boundaries in QIYMET_TIMEZONE, RFC 3339.
type PeriodInfo struct {
	Label string `json:"label"`
	Start string `json:"start"`
	End   string `json:"end"`

	// Complete is false while the period is still running (now < end); AsOf is the end, or now while running.
	Complete bool   `json:"complete"`
	AsOf     string `json:"as_of"`
}

// InfoAt publishes a period as seen at now: complete once now has reached its end; as of its end, or of now
// while it runs.
func InfoAt(p scoring.Period, now time.Time) PeriodInfo {
	info := PeriodInfo{Label: p.Label, Start: p.Start.Format(time.RFC3339), End: p.End.Format(time.RFC3339),
		Complete: !now.Before(p.End), AsOf: p.End.Format(time.RFC3339)}
	if !info.Complete {
		info.AsOf = now.In(p.End.Location()).Format(time.RFC3339)
	}
	return info
}

// Info publishes a period by f's clock.
func (f *Figures) Info(p scoring.Period) PeriodInfo { return InfoAt(p, f.now()) }

// CheckStarted is the one rule for periods that have not begun (now < start): an invalid_field error on
// "period" (422 in the API and on pages, exit 1 in `qiymet report`); nil for running and past periods.
func CheckStarted(p scoring.Period, now time.Time) error {
	if now.Before(p.Start) {
		return survey.FieldError("period", "period %s has not started yet (it begins %s)", p.Label, p.Start.Format(time.RFC3339))
	}
	return nil
}

// CheckStarted is CheckStarted by f's clock.
func (f *Figures) CheckStarted(p scoring.Period) error { return CheckStarted(p, f.now()) }

// Methodology is what a table was computed with.
type Methodology struct {
	MinN        int64   `json:"min_n"`
	Confidence  float64 `json:"confidence"`
	PriorWeight float64 `json:"prior_weight"`
}

// Rankings is GET /api/v1/rankings (docs/api.md). Every percentage is already rounded to 2 decimals.
type Rankings struct {
	Period      PeriodInfo     `json:"period"`
	Methodology Methodology    `json:"methodology"`
	Groups      []GroupRanking `json:"groups"`

	P scoring.Period `json:"-"` // the period itself, for callers that go on computing
}

// GroupRanking is one peer group's table.
type GroupRanking struct {
	Group string       `json:"group"`
	Name  string       `json:"name"`
	Index float64      `json:"index"`
	N     int64        `json:"n"`
	Rows  []RankingRow `json:"rows"`
}

// RankingRow is one agency's line.
type RankingRow struct {
	Rank         *int    `json:"rank"` // nil when insufficient
	Agency       string  `json:"agency"`
	Name         string  `json:"name"`
	Index        float64 `json:"index"`
	CILow        float64 `json:"ci_low"`
	CIHigh       float64 `json:"ci_high"`
	Adjusted     float64 `json:"adjusted"`
	N            int64   `json:"n"`
	CSAT         float64 `json:"csat"`
	CSATLow      float64 `json:"csat_low"`
	CSATHigh     float64 `json:"csat_high"`
	PreviousRank *int    `json:"previous_rank"`
	Change       Change  `json:"change"`
	Streak       int     `json:"streak"`
	Status       string  `json:"status"` // "ranked" or "insufficient"

	// Honest figures (docs/method.md#honest-figures).
	ChangeSignificant Significance `json:"change_significant"`
	RankLow           *int         `json:"rank_low"`  // nil when insufficient
	RankHigh          *int         `json:"rank_high"` // nil when insufficient
	ClearFirst        bool         `json:"clear_first"`
	ClearStreak       int          `json:"clear_streak"`

	// Cases (CONTRACT §11) opened in the period.
	Cases CaseFigures `json:"cases"`
}

// CaseFigures are an agency's cases opened in a period: how many, and the percentage of those whose outcome is
// known (resolved, or past due) that were resolved by their due time (nil while none is known).
type CaseFigures struct {
	Opened        int64    `json:"opened"`
	ResolvedInSLA *float64 `json:"resolved_in_sla"`
}

// caseFigures publishes the store's case counts (rounded).
func caseFigures(c survey.CaseCounts) CaseFigures {
	return CaseFigures{Opened: c.Opened, ResolvedInSLA: round2p(c.ResolvedInSLAPercent())}
}

// Significance tells whether each change of Change is beyond its 95% margin; nil where the change is nil.
type Significance struct {
	PreviousPeriod *bool `json:"previous_period"`
	PreviousYear   *bool `json:"previous_year"`
}

// Control is GET /api/v1/agencies/{code}/control (docs/api.md): an agency's monthly indices with
// Shewhart limits. Every percentage is already rounded to 2 decimals.
type Control struct {
	Agency string         `json:"agency"`
	CL     float64        `json:"cl"`
	Sigma  float64        `json:"sigma"`
	Points []ControlPoint `json:"points"`
}

// ControlPoint is one month with counted responses. Signal is "above", "below", "run_above", "run_below" or nil.
type ControlPoint struct {
	Month  string  `json:"month"` // YYYY-MM
	Index  float64 `json:"index"`
	N      int64   `json:"n"`
	LCL    float64 `json:"lcl"`
	UCL    float64 `json:"ucl"`
	Signal *string `json:"signal"`
}

// Change is the index change in percentage points; nil where either side has n < min_n.
type Change struct {
	PreviousPeriod *float64 `json:"previous_period"`
	PreviousYear   *float64 `json:"previous_year"`
}

// Breakdown is GET /api/v1/agencies/{code}/breakdown (docs/api.md).
type Breakdown struct {
	Agency string         `json:"agency"`
	Period PeriodInfo     `json:"period"`
	By     string         `json:"by"`
	Rows   []BreakdownRow `json:"rows"`
}

// BreakdownRow is one service, centre, channel, question or month.
type BreakdownRow struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	Index  float64 `json:"index"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	N      int64   `json:"n"`
}

// Breakdown dimensions.
const (
	ByService  = "service"
	ByCenter   = "center"
	ByChannel  = "channel"
	ByQuestion = "question"
	ByMonth    = "month"
)

// ValidBy reports whether by is a breakdown dimension.
func ValidBy(by string) bool {
	switch by {
	case ByService, ByCenter, ByChannel, ByQuestion, ByMonth:
		return true
	}
	return false
}

// TrendPoint is one period of an agency's trend. N == 0 means no counted responses (the figures are 0 then).
type TrendPoint struct {
	Label  string  `json:"label"`
	Index  float64 `json:"index"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	N      int64   `json:"n"`
	CSAT   float64 `json:"csat"`

	P scoring.Period `json:"-"`
}

// checkLang validates an output language; "" means az.
func checkLang(lang string) (string, error) {
	if lang == "" {
		return "az", nil
	}
	if !survey.ValidLang(lang) {
		return "", survey.FieldError("lang", "lang must be az, en or ru")
	}
	return lang, nil
}
