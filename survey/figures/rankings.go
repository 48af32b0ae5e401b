package figures

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// cell is one agency's sums in one month (whole-month periods) or one day (custom ranges).
type cell struct {
	key    int // month index or day key
	agency string
	stats  scoring.Stats
}

// span is a half-open range of month indexes or day keys.
type span struct{ from, to int }

func (s span) has(k int) bool { return k >= s.from && k < s.to }

// monthSpan is p's months; ok is false for periods that are not whole months (custom ranges).
func monthSpan(p scoring.Period) (span, bool) {
	a, b, ok := p.MonthRange()
	return span{a, b}, ok
}

func daySpan(p scoring.Period) span {
	a, b := p.DayRange()
	return span{a, b}
}

// Rankings is P's ranking table per group (CONTRACT §4), with previous rank, change and streaks. group ""
// means every group; an unknown group is not_found; lang "" is az.
func (f *Figures) Rankings(ctx context.Context, p scoring.Period, group, lang string) (*Rankings, error) {
	lang, err := checkLang(lang)
	if err != nil {
		return nil, err
	}
	var cv *survey.CatalogView
	groupOf := func(agency string) (string, bool) { // called only once cv is set
		a, ok := cv.Agency(agency)
		if !ok || (group != "" && a.Group != group) {
			return "", false
		}
		return a.Group, true
	}
	load := func() (func(scoring.Period) []scoring.Unit, error) {
		if p.Kind != scoring.Custom { // every period the table needs is whole months
			return f.monthly(ctx, p, groupOf)
		}
		return f.daily(ctx, p, groupOf)
	}
	// The catalog, the freshness check and the cells are independent reads: one round trip of latency.
	var (
		wg                       sync.WaitGroup
		fresh                    bool
		ixErr, freshErr, loadErr error
		statsFor                 func(scoring.Period) []scoring.Unit
	)
	wg.Go(func() { cv, ixErr = f.store.CatalogView(ctx) })
	wg.Go(func() { fresh, freshErr = f.fresh(ctx) })
	statsFor, loadErr = load()
	wg.Wait()
	if err := cmp.Or(ixErr, freshErr, loadErr); err != nil {
		return nil, err
	}
	if !fresh { // changes were pending: fold them in and read again
		if _, err := f.store.Rollup(ctx); err != nil {
			return nil, err
		}
		if statsFor, err = load(); err != nil {
			return nil, err
		}
	}
	if group != "" {
		if _, ok := cv.Group(group); !ok {
			return nil, survey.Errorf(survey.CodeNotFound, "group", "no peer group %q", group)
		}
	}
	groups := scoring.Rankings(p, statsFor, f.cfg)
	return f.publish(cv, p, groups, lang), nil
}

// periodsNeeded are the periods scoring.Rankings may ask for.
func periodsNeeded(p scoring.Period) []scoring.Period {
	ps := []scoring.Period{p, p.Previous(), p.PreviousYear()}
	if p.Kind != scoring.Custom {
		for k := 2; k < scoring.MaxStreak; k++ {
			ps = append(ps, p.Back(k))
		}
	}
	return ps
}

// monthly reads, in one query, agg_month for every month any needed period covers, summed by the
// database per period of p's kind and agency (periods of a kind start at month indexes that are multiples
// of its length), and serves each period from memory.
func (f *Figures) monthly(ctx context.Context, p scoring.Period, groupOf func(string) (string, bool)) (func(scoring.Period) []scoring.Unit, error) {
	all := span{}
	for i, q := range periodsNeeded(p) {
		s, _ := monthSpan(q)
		if i == 0 || s.from < all.from {
			all.from = s.from
		}
		all.to = max(all.to, s.to)
	}
	cur, _ := monthSpan(p)
	k := cur.to - cur.from
	all.from = max(all.from, 0) // month indexes of years before 0 never hold data
	cells, err := f.query(ctx, fmt.Sprintf(`SELECT month / %d, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2),
		CAST(SUM(n_top2) AS BIGINT) FROM agg_month WHERE month >= ? AND month < ? AND n > 0 GROUP BY month / %d, agency_code`, k, k),
		all.from, all.to)
	if err != nil {
		return nil, err
	}
	byBucket := map[int][]cell{}
	for _, c := range cells {
		byBucket[c.key] = append(byBucket[c.key], c)
	}
	return func(q scoring.Period) []scoring.Unit {
		s, _ := monthSpan(q)
		var units []scoring.Unit
		for _, c := range byBucket[s.from/k] {
			if g, ok := groupOf(c.agency); ok {
				units = append(units, scoring.Unit{Agency: c.agency, Group: g, Stats: c.stats})
			}
		}
		return units
	}, nil
}

// daily serves a custom range, its previous range and its previous year in one query: per range and
// agency, agg_month for the whole months inside the range plus agg_day for the days at its edges.
func (f *Figures) daily(ctx context.Context, p scoring.Period, groupOf func(string) (string, bool)) (func(scoring.Period) []scoring.Unit, error) {
	periods := []scoring.Period{p, p.Previous(), p.PreviousYear()}
	var parts []string
	var args []any
	for i, q := range periods {
		months, days := splitDays(daySpan(q))
		if months.to > months.from {
			parts = append(parts, fmt.Sprintf(`SELECT %d, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT)
				FROM agg_month WHERE month >= ? AND month < ? GROUP BY agency_code`, i))
			args = append(args, months.from, months.to)
		}
		for _, d := range days {
			parts = append(parts, fmt.Sprintf(`SELECT %d, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT)
				FROM agg_day WHERE day >= ? AND day < ? GROUP BY agency_code`, i))
			args = append(args, d.from, d.to)
		}
	}
	cells, err := f.query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	return func(q scoring.Period) []scoring.Unit {
		var units []scoring.Unit
		for i, pp := range periods {
			if pp.Label != q.Label {
				continue
			}
			for _, c := range cells {
				if c.key != i {
					continue
				}
				if g, ok := groupOf(c.agency); ok {
					units = append(units, scoring.Unit{Agency: c.agency, Group: g, Stats: c.stats})
				}
			}
			break
		}
		return units
	}, nil
}

// splitDays splits a range of day keys into the whole months inside it and the day ranges left at its
// edges.
func splitDays(d span) (months span, days []span) {
	monthOf := func(day int) int { return (day/10000)*12 + (day/100)%100 - 1 }
	firstDay := func(month int) int { return (month/12)*10000 + (month%12+1)*100 + 1 }
	months.from = monthOf(d.from)
	if d.from%100 != 1 {
		months.from++
	}
	months.to = monthOf(d.to) // the month holding the exclusive end is never whole
	if months.from >= months.to {
		return span{}, []span{d}
	}
	if a := firstDay(months.from); d.from < a {
		days = append(days, span{d.from, a})
	}
	if b := firstDay(months.to); b < d.to {
		days = append(days, span{b, d.to})
	}
	return months, days
}

// query scans (key, agency, n, Σr, Σr², n_top2) rows.
func (f *Figures) query(ctx context.Context, q string, args ...any) ([]cell, error) {
	rows, err := f.store.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cell
	for rows.Next() {
		var c cell
		var sumR, sumR2 sql.NullFloat64
		if err := rows.Scan(&c.key, &c.agency, &c.stats.N, &sumR, &sumR2, &c.stats.NTop2); err != nil {
			return nil, err
		}
		c.stats.SumR, c.stats.SumR2 = sumR.Float64, sumR2.Float64
		if c.stats.N > 0 {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// publish rounds and names scoring's tables.
func (f *Figures) publish(cv *survey.CatalogView, p scoring.Period, groups []scoring.Group, lang string) *Rankings {
	out := &Rankings{
		Period:      InfoOf(p),
		Methodology: Methodology{MinN: f.cfg.MinN, Confidence: 0.95, PriorWeight: f.cfg.PriorWeight},
		Groups:      make([]GroupRanking, 0, len(groups)),
		P:           p,
	}
	r2 := scoring.Round2
	for _, g := range groups {
		gr := GroupRanking{Group: g.Group, Name: g.Group, Index: r2(g.Index), N: g.N, Rows: make([]RankingRow, 0, len(g.Rows))}
		if gg, ok := cv.Group(g.Group); ok {
			gr.Name = gg.Name.Get(lang)
		}
		for _, r := range g.Rows {
			row := RankingRow{
				Agency: r.Agency, Name: r.Agency,
				Index: r2(r.Index), CILow: r2(r.CILow), CIHigh: r2(r.CIHigh), Adjusted: r2(r.Adjusted), N: r.N,
				CSAT: r2(r.CSAT), CSATLow: r2(r.CSATLow), CSATHigh: r2(r.CSATHigh),
				PreviousRank: r.PreviousRank, Streak: r.Streak, Status: r.Status(),
				Change: Change{PreviousPeriod: round2p(r.ChangePrev), PreviousYear: round2p(r.ChangeYear)},
			}
			if r.Ranked {
				row.Rank = new(r.Rank)
			}
			if a, ok := cv.Agency(r.Agency); ok {
				row.Name = a.Name.Get(lang)
			}
			gr.Rows = append(gr.Rows, row)
		}
		out.Groups = append(out.Groups, gr)
	}
	return out
}

func round2p(v *float64) *float64 {
	if v == nil {
		return nil
	}
	return new(scoring.Round2(*v))
}

// rollup folds pending changes into the cells so the figures include everything committed. The common
// case, nothing pending and cells built for our zone, costs one round trip instead of a roll-up
// transaction.
func (f *Figures) rollup(ctx context.Context) error {
	fresh, err := f.fresh(ctx)
	if err != nil || fresh {
		return err
	}
	_, err = f.store.Rollup(ctx)
	return err
}

// fresh reports whether the cells are current: nothing pending and built for our zone.
func (f *Figures) fresh(ctx context.Context) (bool, error) {
	var pending int64
	var zone sql.NullString
	err := f.store.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM agg_pending LIMIT 1) AS p),
		(SELECT value FROM meta WHERE key = 'agg_timezone')`).Scan(&pending, &zone)
	return pending == 0 && zone.Valid && zone.String == f.loc.String(), err
}
