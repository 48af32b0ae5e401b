// Package report renders the period report (docs/method.md) as a PDF: cover,
// summary with streak sentences, ranking tables per group, a bar chart of the
// indices, one section per agency (trend, breakdowns by question, service and
// channel) and a methodology appendix.
//
// The package touches no database and does no scoring: it takes plain,
// already computed and already translated figures (Input) and only lays them
// out. The same Input gives a byte-identical PDF: nothing depends on the
// clock, the machine or map iteration order. Write is safe for concurrent use.
package report

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Input is everything the report shows. Slices are drawn in the order given:
// the caller passes groups, rows and agencies already sorted (rows ranked by
// rank, then the insufficient ones by index, as in the rankings API).
type Input struct {
	// Lang selects the report's own strings and number and date formats:
	// "az" (default when empty), "en" or "ru". Names in the data must already
	// be in that language.
	Lang string
	// PeriodLabel is the period's name in the report's language, e.g. "2025-ci ilin III rübü"
	// (locale.PeriodName; the contract label "2025-Q3" also works).
	PeriodLabel string
	// PeriodStart and PeriodEnd bound the period; PeriodEnd is exclusive.
	// Dates are printed in the location of these times (QIYMET_TIMEZONE).
	PeriodStart, PeriodEnd time.Time
	// GeneratedAt is the generation date printed on the cover and stored as
	// the PDF creation date. The caller takes it from SOURCE_DATE_EPOCH when
	// set, else today (docs/method.md#reproducible-report); when zero,
	// PeriodEnd is used. The report itself never reads the clock.
	GeneratedAt time.Time
	// DataAsOf is the submission time of the last counted response in the
	// period ("data as of" on the cover); zero when there is none.
	DataAsOf time.Time
	// Provisional marks a period that is still running: a banner on the
	// cover and a mark in every page header. AsOf is then the moment the
	// figures were read and Elapsed the share of the period gone (0..1).
	Provisional bool
	AsOf        time.Time
	Elapsed     float64
	// GroupFilter is the group code the report was restricted to ("" = all
	// groups); its name is looked up in Groups.
	GroupFilter string

	// Withhold makes the public edition (CONTRACT §10): a row that is not
	// ranked shows only the word "insufficient", never a figure; the caller
	// leaves such rows out of breakdowns and trends.
	Withhold bool

	MinN        int64   // min_n (docs/method.md)
	PriorWeight float64 // m of the shrinkage; 0 = off
	Confidence  float64 // confidence level of the CIs; 0 means 0.95

	Overall  Figure           // pooled over everything in scope
	Groups   []Group          // ranking tables, in order
	Agencies []AgencySection  // agency sections, in order
	Excluded map[string]int64 // excluded responses in the period by reason, e.g. "burst"

	// Composites are the composite-index tables of the period, one per methodology with assessments
	// (composite.go); none: no section.
	Composites []Composite
}

// Figure is an index with its confidence interval and sample size.
// Percentages are on the 0–100 scale and need not be rounded: the report
// rounds half away from zero to 2 decimals when it prints them.
type Figure struct {
	Index, CILow, CIHigh float64
	N                    int64
}

// Group is one peer group and its ranking table.
type Group struct {
	Code   string
	Name   string
	Figure Figure // the group's pooled index (C of the shrinkage)
	Rows   []Row
}

// Row is one agency's line in a ranking table.
type Row struct {
	// Rank is the rank in the group; 0 when the agency is not ranked
	// (n < min_n). Insufficient says the same explicitly; a row is drawn as
	// not ranked when either says so.
	Rank         int
	Insufficient bool
	Agency       string // agency code
	Name         string // agency name in the report language
	Index        float64
	CILow        float64
	CIHigh       float64
	Adjusted     float64 // shrunk index; shown only when PriorWeight > 0
	N            int64
	CSAT         float64
	CSATLow      float64
	CSATHigh     float64
	ChangePrev   *float64 // vs the previous period, percentage points; nil = not comparable
	ChangeYear   *float64 // vs the same period a year earlier; nil = not comparable
	PreviousRank *int     // rank in the previous period; nil = not ranked then
	Streak       int      // consecutive periods ranked 1st, ending with this one

	// Uncertainty (docs/method.md#honest-figures). SignificantPrev and
	// SignificantYear: whether each change is beyond its 95% margin; nil =
	// unknown (drawn as before). RankLow..RankHigh: the rank interval; 0 =
	// unknown. ClearFirst: 1st even allowing for the margin of error;
	// ClearStreak: consecutive periods clearly 1st, ending with this one.
	SignificantPrev *bool
	SignificantYear *bool
	RankLow         int
	RankHigh        int
	ClearFirst      bool
	ClearStreak     int
}

func (r Row) ranked() bool { return r.Rank > 0 && !r.Insufficient }

// AgencySection is the per-agency part of the report.
type AgencySection struct {
	Code      string
	Name      string
	GroupCode string
	GroupName string
	// Trend holds up to the last 8 periods of the same kind, oldest first,
	// ending with the report's period. A point with N == 0 has no data and
	// is drawn as a gap.
	Trend []TrendPoint
	// Control is the agency's monthly control chart up to the period's end
	// (docs/method.md#control-chart); when it has points it replaces the
	// trend chart, with its limits and signals marked.
	Control    *Control
	ByQuestion []BreakdownRow // Name: the question text
	ByService  []BreakdownRow
	ByChannel  []BreakdownRow // Key kiosk|link|api; an empty Name is translated from Key
	// Cases are the agency's cases opened in the period (CONTRACT §11); nil leaves the line out.
	Cases *CaseFigures
}

// CaseFigures are an agency's cases opened in the period and the percentage of the decided ones (resolved, or
// past due) resolved within the SLA; nil while none is decided.
type CaseFigures struct {
	Opened        int64
	ResolvedInSLA *float64
}

// Control is a control chart: centre line, pooled sigma and the months.
type Control struct {
	CL, Sigma float64
	Points    []ControlPoint
}

// ControlPoint is one month with counted responses. Signal is "", "above",
// "below", "run_above" or "run_below".
type ControlPoint struct {
	Month           string // YYYY-MM
	Index, LCL, UCL float64
	N               int64
	Signal          string
}

// TrendPoint is one period of an agency's trend.
type TrendPoint struct {
	Label  string // e.g. "2024-Q4"
	Figure        // N == 0: no data
}

// BreakdownRow is one line of a breakdown table.
type BreakdownRow struct {
	Key    string
	Name   string
	Figure // Index, CI and n of the responses with this attribute
}

// Write renders the report for in as a PDF to w. The same Input always
// gives the same bytes.
func Write(w io.Writer, in Input) error {
	return write(w, in, nil)
}

// write is Write with an optional hook that sees every string drawn (used
// by the glyph coverage test).
func write(w io.Writer, in Input, record func(string)) error {
	if in.Lang == "" {
		in.Lang = "az"
	}
	l, ok := newLoc(in.Lang)
	if !ok {
		return fmt.Errorf("report: unsupported language %q (want az, en or ru)", in.Lang)
	}
	if in.GeneratedAt.IsZero() {
		in.GeneratedAt = in.PeriodEnd
	}
	if in.GeneratedAt.IsZero() {
		return errors.New("report: GeneratedAt (or PeriodEnd) is required for a reproducible report")
	}
	if in.Confidence <= 0 || in.Confidence >= 1 {
		in.Confidence = 0.95
	}
	if _, err := loadCoverage(); err != nil {
		return fmt.Errorf("report: embedded font: %w", err)
	}
	d := newDoc(&in, l, record)
	d.build()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
