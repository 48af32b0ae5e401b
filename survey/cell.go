package survey

import (
	"github.com/qiymet/qiymet/scoring"
	"github.com/uptrace/bun"
)

// The summary tables ("cells") hold additive sums of the counted responses, so that every figure is a sum
// of a few cells instead of a scan of the responses (docs/method.md). Triggers append one agg_pending row
// per change of a counted response inside the writing transaction; the roll-up (rollup.go) folds them into
// the cells. This file holds the cells' types and rules, store_cell.go every read of them.

// DayCell is n, ΣR, ΣR², top-2 count per (day, agency, service, centre, channel).
type DayCell struct {
	bun.BaseModel `bun:"table:agg_day,alias:agg_day"`
	Day           int    `bun:"day,pk"`
	Agency        string `bun:"agency_code,pk"`
	Service       string `bun:"service_code,pk"`
	Center        string `bun:"center_code,pk"`
	Channel       string `bun:"channel,pk"`
	cellSums
}

// MonthCell is the same per (month, agency): every non-custom period is a set of whole months.
type MonthCell struct {
	bun.BaseModel `bun:"table:agg_month,alias:agg_month"`
	Month         int    `bun:"month,pk"`
	Agency        string `bun:"agency_code,pk"`
	cellSums
}

// AgencyDayCell is the same per (day, agency): agg_day summed over service, centre and channel, so that the
// days of a custom range cost one row per agency and day.
type AgencyDayCell struct {
	bun.BaseModel `bun:"table:agg_agency_day,alias:agg_agency_day"`
	Day           int    `bun:"day,pk"`
	Agency        string `bun:"agency_code,pk"`
	cellSums
}

// cellSums are the additive sums of a day or month cell.
type cellSums struct {
	N     int64   `bun:"n"`
	SumR  float64 `bun:"sum_r"`
	SumR2 float64 `bun:"sum_r2"`
	NTop2 int64   `bun:"n_top2"`
}

// Stats converts a cell into scoring's sums.
func (c cellSums) Stats() scoring.Stats {
	return scoring.Stats{N: c.N, SumR: c.SumR, SumR2: c.SumR2, NTop2: c.NTop2}
}

// add folds one response in with sign +1 (counted) or −1 (no longer counted).
func (c *cellSums) add(sign int64, score float64, top2 bool) {
	c.N += sign
	c.SumR += float64(sign) * score
	c.SumR2 += float64(sign) * score * score
	if top2 {
		c.NTop2 += sign
	}
}

// negate turns the sums into their opposite.
func (c *cellSums) negate() { c.N, c.SumR, c.SumR2, c.NTop2 = -c.N, -c.SumR, -c.SumR2, -c.NTop2 }

// AnswerCell counts one answer value of one question per (day, agency, survey version).
type AnswerCell struct {
	bun.BaseModel `bun:"table:agg_answer,alias:agg_answer"`
	Day           int    `bun:"day,pk"`
	Agency        string `bun:"agency_code,pk"`
	Survey        string `bun:"survey_code,pk"`
	SurveyVersion int    `bun:"survey_version,pk"`
	Question      string `bun:"question,pk"`
	Value         int    `bun:"value,pk"`
	N             int64  `bun:"n"`
}

// AgencySums is one agency's sums over several cells. What Key is (a day key, a month index, a run of months,
// the position of a range in the caller's list) is said by the method that reads them.
type AgencySums struct {
	Key    int
	Agency string
	Stats  scoring.Stats
}

// The attributes a day cell is kept by besides day and agency; "" in a cell means the response had none.
const (
	AttrService = "service"
	AttrCenter  = "center"
	AttrChannel = "channel"
)

// attrColumns are the agg_day columns of the attributes.
var attrColumns = map[string]string{AttrService: "service_code", AttrCenter: "center_code", AttrChannel: "channel"}

// AttributeCell is an agency's sums over a range of days for one (service, centre, channel); "" is "none",
// or "not grouped by" when the read grouped by one attribute only.
type AttributeCell struct {
	Service, Center, Channel string
	Stats                    scoring.Stats
}

// Attr is the cell's value of an attribute (AttrService, AttrCenter or AttrChannel).
func (c AttributeCell) Attr(attr string) string {
	switch attr {
	case AttrService:
		return c.Service
	case AttrCenter:
		return c.Center
	case AttrChannel:
		return c.Channel
	}
	return ""
}

// AnswerCount is how often one value of one question of one survey version was given, summed over a range.
type AnswerCount struct {
	Survey        string
	SurveyVersion int
	Question      string
	Value         int
	N             int64
}

// DayRange is a half-open range [From, To) of day keys.
type DayRange struct{ From, To int }

// splitDays splits a range of days into the whole months inside it, read from agg_month, and the day ranges
// left at its edges, read from agg_day: a long custom range then reads few cells.
func splitDays(d DayRange) (monthFrom, monthTo int, edges []DayRange) {
	monthFrom = scoring.MonthOfDay(d.From)
	if scoring.FirstDayOfMonth(monthFrom) != d.From {
		monthFrom++
	}
	monthTo = scoring.MonthOfDay(d.To) // the month holding the exclusive end is never whole
	if monthFrom >= monthTo {
		return 0, 0, []DayRange{d}
	}
	if a := scoring.FirstDayOfMonth(monthFrom); d.From < a {
		edges = append(edges, DayRange{d.From, a})
	}
	if b := scoring.FirstDayOfMonth(monthTo); b < d.To {
		edges = append(edges, DayRange{b, d.To})
	}
	return monthFrom, monthTo, edges
}
