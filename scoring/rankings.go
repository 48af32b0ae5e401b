package scoring

// MaxStreak caps Row.Streak: the periods examined are P and at most
// MaxStreak−1 before it, so no streak is ever reported above MaxStreak.
const MaxStreak = 40

// Rankings computes P's table with previous rank, changes and their significance, rank intervals and
// streaks (plain and clear), asking statsFor for each period it needs: P, the previous period, the previous
// year, and for streaks up to MaxStreak−1 periods back, stopping as soon as no agency's streak can grow.
// Each period is asked for at most once.
func Rankings(p Period, statsFor func(Period) []Unit, cfg Config) []Group {
	seen := map[string][]Group{}
	rank := func(q Period) []Group {
		g, ok := seen[q.Label]
		if !ok {
			g = RankPeriod(statsFor(q), cfg)
			seen[q.Label] = g
		}
		return g
	}
	// The streak walk needs only the firsts and clear firsts of the periods it goes back through: those not
	// ranked whole already (P, the previous period, the previous year) are not ordered row by row.
	lead := func(q Period) (first, clear map[string]bool) {
		if g, ok := seen[q.Label]; ok {
			return firsts(g), clearFirsts(g)
		}
		return leaders(statsFor(q), cfg)
	}

	cur := rank(p)
	if len(cur) == 0 {
		return cur
	}
	for gi := range cur {
		RankIntervals(cur[gi].Rows)
	}
	prev := byAgency(rank(p.Previous()))
	lastYear := byAgency(rank(p.PreviousYear()))
	streak, clear := streaks(p, cur, lead)

	for gi := range cur {
		for ri := range cur[gi].Rows {
			r := &cur[gi].Rows[ri]
			if pr, ok := prev[r.Agency]; ok && pr.Ranked {
				r.PreviousRank = new(pr.Rank)
			}
			r.ChangePrev, r.SignificantPrev = change(*r, prev)
			r.ChangeYear, r.SignificantYear = change(*r, lastYear)
			r.Streak = streak[r.Agency]
			r.ClearStreak = clear[r.Agency]
		}
	}
	return cur
}

// change is the index change against another period and whether it is beyond its margin of error
// (ChangeSignificant), defined only when both sides are large enough to be ranked.
func change(r Row, other map[string]Row) (*float64, *bool) {
	o, ok := other[r.Agency]
	if !r.Ranked || !ok || !o.Ranked {
		return nil, nil
	}
	return new(r.Index - o.Index), new(ChangeSignificant(r.Estimate, o.Estimate))
}

// streaks counts, for each agency ranked 1st in P, how many consecutive periods of P's kind ending with P
// it was ranked 1st in its group (first), and, in the same walk, how many it was clear first (clear). A
// clear first is a first, so the walk goes back exactly as far as the plain streaks need. lead gives a
// period's firsts and clear firsts.
func streaks(p Period, cur []Group, lead func(Period) (first, clear map[string]bool)) (first, clear map[string]int) {
	if p.Kind == Custom {
		return nil, nil
	}
	first, clear = map[string]int{}, map[string]int{}
	alive := firsts(cur)           // agencies 1st in every period seen so far
	aliveClear := clearFirsts(cur) // agencies clear 1st in every period seen so far (a subset of alive)
	for a := range alive {
		first[a] = 1
	}
	for a := range aliveClear {
		clear[a] = 1
	}
	for k := 1; k < MaxStreak && len(alive) > 0; k++ {
		earlier, earlierClear := lead(p.Back(k))
		for a := range alive {
			if earlier[a] {
				first[a]++
			} else {
				delete(alive, a)
			}
		}
		for a := range aliveClear {
			if earlierClear[a] {
				clear[a]++
			} else {
				delete(aliveClear, a)
			}
		}
	}
	return first, clear
}

// clearFirsts are the agencies clear first in their group.
func clearFirsts(groups []Group) map[string]bool {
	set := map[string]bool{}
	for _, g := range groups {
		for i, r := range g.Rows {
			if r.Rank == 1 && clearFirst(g.Rows, i) {
				set[r.Agency] = true
			}
		}
	}
	return set
}

func firsts(groups []Group) map[string]bool {
	set := map[string]bool{}
	for _, g := range groups {
		for _, r := range g.Rows {
			if r.Rank == 1 {
				set[r.Agency] = true
			}
		}
	}
	return set
}

// byAgency indexes rows by agency code (an agency belongs to one group in a
// period; should it appear in two, the first group by code wins).
func byAgency(groups []Group) map[string]Row {
	m := map[string]Row{}
	for _, g := range groups {
		for _, r := range g.Rows {
			if _, dup := m[r.Agency]; !dup {
				m[r.Agency] = r
			}
		}
	}
	return m
}
