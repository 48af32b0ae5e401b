package scoring

import (
	"cmp"
	"slices"
)

// DefaultMinN is the default fewest counted responses for a unit to be ranked.
const DefaultMinN = 30

// Config holds the ranking methodology.
type Config struct {
	MinN        int64   // fewest counted responses to be ranked (DefaultMinN unless configured); ≤ 1 ranks every unit with responses
	PriorWeight float64 // m of the shrinkage; 0 (or less) = off
}

// DefaultConfig is the methodology with the configuration defaults (docs/api.md#configuration).
func DefaultConfig() Config { return Config{MinN: DefaultMinN} }

// Unit is one agency's stats in one period. Several units with the same
// Agency and Group are summed, so callers may pass per-service or per-day cells.
type Unit struct {
	Agency, Group string
	Stats         Stats
}

// Row is one agency's line of a ranking table. Every figure is unrounded.
type Row struct {
	Agency, Group string
	Estimate
	Adjusted     float64  // (m·C + n·index)/(m+n), C = group's pooled index; = Index when m=0
	Rank         int      // 1-based competition rank on Round2(Adjusted) desc (1,2,2,4); 0 = not ranked
	Ranked       bool     // n >= MinN
	PreviousRank *int     // rank in the previous period; nil when unranked there
	ChangePrev   *float64 // Index(P) − Index(previous), pp; nil if either side n < MinN (or absent)
	ChangeYear   *float64 // same vs previous year
	Streak       int      // consecutive periods of P's kind ending with P ranked 1 in its group; 0 if not 1st in P; always 0 for Custom; at most MaxStreak

	// Honest figures (docs/method.md#honest-figures).
	SignificantPrev *bool // |ChangePrev| > 1.959964·se; nil where ChangePrev is nil
	SignificantYear *bool // same for ChangeYear
	RankLow         int   // Bonferroni rank interval among the group's ranked rows, widened to contain Rank; 0 when not ranked
	RankHigh        int
	ClearFirst      bool // Rank == 1 && RankHigh == 1
	ClearStreak     int  // consecutive periods of P's kind ending with P in which the agency was clear first; 0 for Custom; at most MaxStreak
}

// Status is the row's status as published: "ranked" or "insufficient".
func (r Row) Status() string {
	if r.Ranked {
		return "ranked"
	}
	return "insufficient"
}

// Group is one peer group's ranking table.
type Group struct {
	Group    string
	Estimate       // pools every agency's responses in the group (sum of Stats)
	Rows     []Row // ranked rows by rank (ties by agency code), then insufficient rows by Index desc (ties by code)
}

// RankPeriod ranks one period's units (no change, streak or rank interval: Rankings adds them; RankIntervals
// sets the intervals of one group). Units with N==0 are left out; groups with no counted responses are left
// out; groups sorted by code.
func RankPeriod(units []Unit, cfg Config) []Group {
	groups := unrankedGroups(units, cfg)
	for i := range groups {
		rankRows(groups[i].Rows)
	}
	return groups
}

// unrankedGroups is RankPeriod before the ranking: each group's rows (in no particular order, Rank 0) with
// their estimates, shrunk indices and Ranked, groups sorted by code.
func unrankedGroups(units []Unit, cfg Config) []Group {
	byGroup := map[string]map[string]Stats{}
	for _, u := range units {
		if u.Stats.N <= 0 {
			continue
		}
		agencies := byGroup[u.Group]
		if agencies == nil {
			agencies = map[string]Stats{}
			byGroup[u.Group] = agencies
		}
		s := agencies[u.Agency]
		s.Add(u.Stats)
		agencies[u.Agency] = s
	}

	groups := make([]Group, 0, len(byGroup))
	for code, agencies := range byGroup {
		var pooled Stats
		for _, s := range agencies {
			pooled.Add(s)
		}
		g := Group{Group: code, Estimate: pooled.Estimate(), Rows: make([]Row, 0, len(agencies))}
		for agency, s := range agencies {
			g.Rows = append(g.Rows, newRow(agency, code, s.Estimate(), g.Index, cfg))
		}
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b Group) int { return cmp.Compare(a.Group, b.Group) })
	return groups
}

// leaders are the agencies ranked 1st in their group (first) and those of them clear first (clear) in a
// period of units: firsts and clearFirsts of RankPeriod(units, cfg), found without ordering every row. Rank 1
// goes to the ranked rows whose published key (rankKey) is the group's highest, as rankRows gives it.
func leaders(units []Unit, cfg Config) (first, clear map[string]bool) {
	first, clear = map[string]bool{}, map[string]bool{}
	for _, g := range unrankedGroups(units, cfg) {
		best, any := 0.0, false
		keys := make([]float64, len(g.Rows))
		for i, r := range g.Rows {
			if !r.Ranked {
				continue
			}
			if keys[i] = rankKey(r); !any || keys[i] > best {
				best, any = keys[i], true
			}
		}
		if !any {
			continue
		}
		for i := range g.Rows {
			if g.Rows[i].Ranked && keys[i] == best {
				g.Rows[i].Rank = 1
			}
		}
		for i, r := range g.Rows {
			if r.Rank == 1 {
				first[r.Agency] = true
				if clearFirst(g.Rows, i) {
					clear[r.Agency] = true
				}
			}
		}
	}
	return first, clear
}

// rankKey is what a row is ranked on: its adjusted index as published when ranked, else its index as published.
func rankKey(r Row) float64 {
	if r.Ranked {
		return Round2(r.Adjusted)
	}
	return Round2(r.Index)
}

func newRow(agency, group string, e Estimate, pooledIndex float64, cfg Config) Row {
	r := Row{Agency: agency, Group: group, Estimate: e, Adjusted: e.Index, Ranked: e.N >= cfg.MinN}
	// Shrinkage pulls small samples towards the group's index, so that a lucky
	// handful of responses cannot top the table.
	if m := cfg.PriorWeight; m > 0 {
		n := float64(e.N)
		r.Adjusted = (m*pooledIndex + n*e.Index) / (m + n)
	}
	return r
}

// rankRows orders rows and assigns competition ranks. Ranks compare the values
// as published (rounded to 2 decimals): two agencies shown with the same
// figure must not be ranked apart by an invisible third decimal.
func rankRows(rows []Row) {
	// Sort small keys (rounded once per row, not once per comparison) and move
	// each Row once, rather than swapping whole Rows inside the sort.
	type keyed struct {
		key    float64 // Round2(Adjusted) when ranked, else Round2(Index)
		ranked bool
		i      int
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{rankKey(r), r.Ranked, i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.ranked != b.ranked {
			if a.ranked {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.key, a.key); c != 0 {
			return c
		}
		return cmp.Compare(rows[a.i].Agency, rows[b.i].Agency)
	})
	sorted := make([]Row, len(rows))
	for i, k := range ks {
		sorted[i] = rows[k.i]
		switch {
		case !k.ranked:
			sorted[i].Rank = 0
		case i > 0 && k.key == ks[i-1].key:
			sorted[i].Rank = sorted[i-1].Rank
		default:
			sorted[i].Rank = i + 1
		}
	}
	copy(rows, sorted)
}
