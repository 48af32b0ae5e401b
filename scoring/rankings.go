package scoring

// MaxStreak caps Row.Streak: the periods examined are P and at most
// MaxStreak−1 before it, so no streak is ever reported above MaxStreak.
const MaxStreak = 40

// Rankings computes P's table with previous rank, changes and streaks, asking
// statsFor for each period it needs: P, the previous period, the previous year,
// and for streaks up to MaxStreak−1 periods back, stopping as soon as no
// agency's streak can grow. Each period is asked for at most once.
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

	cur := rank(p)
	if len(cur) == 0 {
		return cur
	}
	prev := byAgency(rank(p.Previous()))
	lastYear := byAgency(rank(p.PreviousYear()))
	streak := streaks(p, cur, rank)

	for gi := range cur {
		for ri := range cur[gi].Rows {
			r := &cur[gi].Rows[ri]
			if pr, ok := prev[r.Agency]; ok && pr.Ranked {
				r.PreviousRank = new(pr.Rank)
			}
			r.ChangePrev = change(*r, prev)
			r.ChangeYear = change(*r, lastYear)
			r.Streak = streak[r.Agency]
		}
	}
	return cur
}

// change is the index change against another period, defined only when both
// sides are large enough to be ranked.
func change(r Row, other map[string]Row) *float64 {
	o, ok := other[r.Agency]
	if !r.Ranked || !ok || !o.Ranked {
		return nil
	}
	return new(r.Index - o.Index)
}

// streaks counts, for each agency ranked 1st in P, how many consecutive
// periods of P's kind ending with P it was ranked 1st in its group.
func streaks(p Period, cur []Group, rank func(Period) []Group) map[string]int {
	if p.Kind == Custom {
		return nil
	}
	n := map[string]int{}
	for a := range firsts(cur) {
		n[a] = 1
	}
	alive := firsts(cur) // agencies 1st in every period seen so far
	for k := 1; k < MaxStreak && len(alive) > 0; k++ {
		earlier := firsts(rank(p.Back(k)))
		for a := range alive {
			if earlier[a] {
				n[a]++
			} else {
				delete(alive, a)
			}
		}
	}
	return n
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
