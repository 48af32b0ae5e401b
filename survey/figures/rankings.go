package figures

import (
	"cmp"
	"context"
	"sync"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// span is a half-open range of month indexes or day keys.
type span struct{ from, to int }

func (s span) has(k int) bool { return k >= s.from && k < s.to }

// days is a span of day keys as the store takes it.
func (s span) days() survey.DayRange { return survey.DayRange{From: s.from, To: s.to} }

// monthSpan is p's months; ok is false for periods that are not whole months (custom ranges).
func monthSpan(p scoring.Period) (span, bool) {
	a, b, ok := p.MonthRange()
	return span{a, b}, ok
}

func daySpan(p scoring.Period) span {
	a, b := p.DayRange()
	return span{a, b}
}

// Rankings is P's ranking table per group (docs/api.md), with previous rank, change and streaks and their
// honest companions (significance, rank interval, clear first). group "" means every group; an unknown group
// is not_found; lang "" is az; a period that has not started is invalid_field (CheckStarted).
func (f *Figures) Rankings(ctx context.Context, p scoring.Period, group, lang string) (*Rankings, error) {
	lang, err := checkLang(lang)
	if err != nil {
		return nil, err
	}
	if err := f.CheckStarted(p); err != nil {
		return nil, err
	}
	// The catalog and the cells' freshness are independent reads: one round trip of latency. The cells are
	// read after the freshness check, so that they hold everything committed before the call.
	var (
		wg              sync.WaitGroup
		cv              *survey.CatalogView
		cases           map[string]survey.CaseCounts
		cvErr, casesErr error
	)
	wg.Go(func() { cv, cvErr = f.store.CatalogView(ctx) })
	wg.Go(func() { cases, casesErr = f.store.CaseFigures(ctx, p.Start, p.End, f.now()) })
	awaitErr := f.store.AwaitCells(ctx)
	wg.Wait()
	if err := cmp.Or(cvErr, casesErr, awaitErr); err != nil {
		return nil, err
	}
	if group != "" {
		if _, ok := cv.Group(group); !ok {
			return nil, survey.Errorf(survey.CodeNotFound, "group", "no peer group %q", group)
		}
	}
	groupOf := func(agency string) (string, bool) {
		a, ok := cv.Agency(agency)
		if !ok || (group != "" && a.Group != group) {
			return "", false
		}
		return a.Group, true
	}
	var statsFor func(scoring.Period) []scoring.Unit
	var failed error              // a read of the streak walk's earlier periods that failed
	if p.Kind != scoring.Custom { // every period the table needs is whole months
		statsFor, err = f.monthly(ctx, p, groupOf, &failed)
	} else {
		statsFor, err = f.daily(ctx, p, groupOf)
	}
	if err != nil {
		return nil, err
	}
	groups := scoring.Rankings(p, statsFor, f.cfg)
	if failed != nil {
		return nil, failed
	}
	return f.publish(cv, p, groups, lang, cases), nil
}

// monthly serves every period scoring.Rankings asks for from month cells summed per period of p's kind and
// agency. The first read covers P back to its previous year (P, the previous period and the previous year, and
// the first streak periods); the streak walk's earlier periods are read only when it gets there, monthChunk
// periods per read, back to at most MaxStreak − 1 periods before P. A walk that stops within the first read costs
// a quarter's ranking 15 months of cells instead of 120. The reads are separate statements: a roll-up committed
// between them shows in the earlier periods only (streaks, never P's own figures). The first failed read is kept
// in *failed and the periods it would have served have no units.
func (f *Figures) monthly(ctx context.Context, p scoring.Period, groupOf func(string) (string, bool), failed *error) (func(scoring.Period) []scoring.Unit, error) {
	cur, _ := monthSpan(p)
	k := cur.to - cur.from
	oldest, _ := monthSpan(p.Back(scoring.MaxStreak - 1))
	if py, _ := monthSpan(p.PreviousYear()); py.from < oldest.from {
		oldest.from = py.from
	}
	floor := max(oldest.from, 0) // month indexes of years before 0 never hold data
	byRun := map[int][]survey.AgencySums{}
	read := cur.to // months [read, cur.to) have been read
	readBack := func(from int) error {
		from = max(from, floor)
		if from >= read {
			return nil
		}
		sums, err := f.store.MonthSums(ctx, from, read, k)
		if err != nil {
			return err
		}
		for _, c := range sums {
			byRun[c.Key] = append(byRun[c.Key], c)
		}
		read = from
		return nil
	}
	first, _ := monthSpan(p.PreviousYear())
	if prev, _ := monthSpan(p.Previous()); prev.from < first.from {
		first = prev
	}
	if err := readBack(first.from); err != nil {
		return nil, err
	}
	return func(q scoring.Period) []scoring.Unit {
		s, _ := monthSpan(q)
		if s.from < read && *failed == nil {
			*failed = readBack(min(s.from, read-monthChunk*k))
		}
		return units(byRun[s.from/k], groupOf)
	}, nil
}

// monthChunk is how many earlier periods the streak walk reads at once beyond the first read.
const monthChunk = 8

// daily serves a custom range, its previous range and its previous year in one query.
func (f *Figures) daily(ctx context.Context, p scoring.Period, groupOf func(string) (string, bool)) (func(scoring.Period) []scoring.Unit, error) {
	periods := []scoring.Period{p, p.Previous(), p.PreviousYear()}
	ranges := make([]survey.DayRange, len(periods))
	for i, q := range periods {
		ranges[i] = daySpan(q).days()
	}
	sums, err := f.store.RangeSums(ctx, ranges)
	if err != nil {
		return nil, err
	}
	return func(q scoring.Period) []scoring.Unit {
		for i, pp := range periods {
			if pp.Label != q.Label {
				continue
			}
			var mine []survey.AgencySums
			for _, c := range sums {
				if c.Key == i {
					mine = append(mine, c)
				}
			}
			return units(mine, groupOf)
		}
		return nil
	}, nil
}

// units are the sums of the agencies groupOf keeps, with their groups.
func units(sums []survey.AgencySums, groupOf func(string) (string, bool)) []scoring.Unit {
	out := make([]scoring.Unit, 0, len(sums))
	for _, c := range sums {
		if g, ok := groupOf(c.Agency); ok {
			out = append(out, scoring.Unit{Agency: c.Agency, Group: g, Stats: c.Stats})
		}
	}
	return out
}

// publish rounds and names scoring's tables.
func (f *Figures) publish(cv *survey.CatalogView, p scoring.Period, groups []scoring.Group, lang string, cases map[string]survey.CaseCounts) *Rankings {
	out := &Rankings{
		Period:      f.Info(p),
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
				Change:            Change{PreviousPeriod: round2p(r.ChangePrev), PreviousYear: round2p(r.ChangeYear)},
				ChangeSignificant: Significance{PreviousPeriod: r.SignificantPrev, PreviousYear: r.SignificantYear},
				ClearFirst:        r.ClearFirst, ClearStreak: r.ClearStreak,
				Cases: caseFigures(cases[r.Agency]),
			}
			if r.Ranked {
				row.Rank, row.RankLow, row.RankHigh = new(r.Rank), new(r.RankLow), new(r.RankHigh)
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
