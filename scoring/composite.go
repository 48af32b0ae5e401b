package scoring

import (
	"cmp"
	"slices"
)

// The composite index (docs/method.md#composite-index): an expert checklist of parameters and criteria,
// scored per service, combined with the citizens' index. Every figure here is unrounded; ranks compare the
// composite rounded to 2 decimals, as §6's ranks do.

// Checklist is a methodology's weights: the citizens' share of the composite, how services are aggregated to
// an agency, and the parameters with their criteria.
type Checklist struct {
	CitizenWeight float64 // 0..1
	Pooled        bool    // "pooled": sums over every service's criteria; otherwise the mean of the services' S
	Parameters    []ChecklistParameter
}

// ChecklistParameter is one parameter (e.g. "informing about the service") and its criteria.
type ChecklistParameter struct {
	Code     string
	Weight   float64
	Criteria []ChecklistCriterion
}

// ChecklistCriterion is one criterion, scored 0..Max points.
type ChecklistCriterion struct {
	Code   string
	Weight float64
	Max    float64
}

// ServiceScores are one service's points per criterion code; a nil value or a missing code is "not
// applicable" and leaves the criterion out of both sums.
type ServiceScores map[string]*float64

// weighted is Σ e·a/max and Σ e over some applicable criteria.
type weighted struct{ num, den float64 }

func (w *weighted) add(o weighted) { w.num += o.num; w.den += o.den }

// score is 100·num/den, nil when nothing applicable weighs anything.
func (w weighted) score() *float64 {
	if w.den <= 0 {
		return nil
	}
	return new(100 * w.num / w.den)
}

// sums are a service's weighted sums in total and per parameter (in m's order).
func (m Checklist) sums(s ServiceScores) (total weighted, params []weighted) {
	params = make([]weighted, len(m.Parameters))
	for i, p := range m.Parameters {
		for _, c := range p.Criteria {
			a := s[c.Code]
			if a == nil || c.Max <= 0 {
				continue
			}
			e := p.Weight * c.Weight
			params[i].add(weighted{e * *a / c.Max, e})
		}
		total.add(params[i])
	}
	return total, params
}

// ServiceScore is a service's checklist score S = 100·Σ e_j·a_j/max_j ÷ Σ e_j over its applicable criteria
// (e_j = parameter weight × criterion weight), and the same per parameter; nil where nothing applies.
func (m Checklist) ServiceScore(s ServiceScores) (*float64, []*float64) {
	total, params := m.sums(s)
	out := make([]*float64, len(params))
	for i, p := range params {
		out[i] = p.score()
	}
	return total.score(), out
}

// AgencyScore aggregates an agency's assessed services: the mean of their S (services whose S is defined)
// or, pooled, 100·Σ_services Σ_j e_j·a_j/max_j ÷ Σ_services Σ_j e_j; the same per parameter. nil where
// no service has anything applicable (or there is no service).
func (m Checklist) AgencyScore(services []ServiceScores) (*float64, []*float64) {
	n := len(m.Parameters)
	if m.Pooled {
		var total weighted
		params := make([]weighted, n)
		for _, s := range services {
			t, ps := m.sums(s)
			total.add(t)
			for i := range ps {
				params[i].add(ps[i])
			}
		}
		out := make([]*float64, n)
		for i := range params {
			out[i] = params[i].score()
		}
		return total.score(), out
	}
	type mean struct {
		sum float64
		n   int
	}
	var total mean
	params := make([]mean, n)
	for _, s := range services {
		t, ps := m.ServiceScore(s)
		if t != nil {
			total.sum += *t
			total.n++
		}
		for i, p := range ps {
			if p != nil {
				params[i].sum += *p
				params[i].n++
			}
		}
	}
	avg := func(x mean) *float64 {
		if x.n == 0 {
			return nil
		}
		return new(x.sum / float64(x.n))
	}
	out := make([]*float64, n)
	for i := range params {
		out[i] = avg(params[i])
	}
	return avg(total), out
}

// CompositeUnit is one agency's inputs: its citizens' figures in the period (from the §6 ranking) and the
// latest assessment of each of its assessed services.
type CompositeUnit struct {
	Agency, Group string
	Index         float64 // the citizens' index (unadjusted)
	N             int64
	Ranked        bool // N >= min_n
	Services      []ServiceScores
}

// CompositeRow is one agency's line of a composite table.
type CompositeRow struct {
	Agency, Group string
	Index         float64
	N             int64
	Checklist     *float64   // nil without an assessment with something applicable
	Parameters    []*float64 // per parameter, in the methodology's order
	Composite     *float64   // citizen_weight·index + (1−citizen_weight)·checklist; nil without checklist or when N < min_n
	Rank          int        // competition rank on Round2(Composite) within the group; 0 when Composite is nil
}

// CompositeGroup is one peer group's composite table.
type CompositeGroup struct {
	Group string
	Rows  []CompositeRow // ranked rows by rank (ties by agency), then the others by index desc (ties by agency)
}

// Composite computes every group's composite table; groups by code.
func (m Checklist) Composite(units []CompositeUnit) []CompositeGroup {
	byGroup := map[string][]CompositeRow{}
	for _, u := range units {
		r := CompositeRow{Agency: u.Agency, Group: u.Group, Index: u.Index, N: u.N}
		if len(u.Services) > 0 {
			r.Checklist, r.Parameters = m.AgencyScore(u.Services)
		} else {
			r.Parameters = make([]*float64, len(m.Parameters))
		}
		if r.Checklist != nil && u.Ranked {
			r.Composite = new(m.CitizenWeight*u.Index + (1-m.CitizenWeight)**r.Checklist)
		}
		byGroup[u.Group] = append(byGroup[u.Group], r)
	}
	groups := make([]CompositeGroup, 0, len(byGroup))
	for g, rows := range byGroup {
		rankComposite(rows)
		groups = append(groups, CompositeGroup{Group: g, Rows: rows})
	}
	slices.SortFunc(groups, func(a, b CompositeGroup) int { return cmp.Compare(a.Group, b.Group) })
	return groups
}

// rankComposite orders rows and gives competition ranks (1, 2, 2, 4) on the composite as published.
func rankComposite(rows []CompositeRow) {
	key := func(r CompositeRow) float64 {
		if r.Composite == nil {
			return r.Index
		}
		return Round2(*r.Composite)
	}
	slices.SortFunc(rows, func(a, b CompositeRow) int {
		if (a.Composite == nil) != (b.Composite == nil) {
			if a.Composite != nil {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.Agency, b.Agency)
	})
	for i := range rows {
		switch {
		case rows[i].Composite == nil:
			rows[i].Rank = 0
		case i > 0 && rows[i-1].Composite != nil && key(rows[i]) == key(rows[i-1]):
			rows[i].Rank = rows[i-1].Rank
		default:
			rows[i].Rank = i + 1
		}
	}
}

// Sensitivity factors: each weight in turn is multiplied by these, the others unchanged.
var SensitivityFactors = []float64{0.8, 1.2}

// CitizenWeightKey names the citizens' weight in a RankChange.
const CitizenWeightKey = "citizen_weight"

// RankChange is one agency whose composite rank changes when one weight is multiplied by Factor.
type RankChange struct {
	Weight  string // CitizenWeightKey or a parameter code
	Factor  float64
	Group   string
	Agency  string
	Rank    int // rank with the methodology's weights; 0 = unranked
	NewRank int // rank with the changed weight; 0 = drops out
}

// Sensitivity recomputes the composite with the citizen weight and each parameter weight in turn multiplied
// by 0.8 and by 1.2 (the citizen weight clipped to [0, 1]) and lists every agency whose rank changes, in the
// order: citizen weight, then parameters in the methodology's order; factor; group; the original rank.
func (m Checklist) Sensitivity(units []CompositeUnit) []RankChange {
	base := ranksOf(m.Composite(units))
	var out []RankChange
	compare := func(weight string, factor float64, variant Checklist) {
		got := ranksOf(variant.Composite(units))
		var changes []RankChange
		for key, r := range base {
			if nr := got[key]; nr != r {
				changes = append(changes, RankChange{Weight: weight, Factor: factor, Group: key.group, Agency: key.agency, Rank: r, NewRank: nr})
			}
		}
		for key, nr := range got {
			if _, ok := base[key]; !ok && nr != 0 {
				changes = append(changes, RankChange{Weight: weight, Factor: factor, Group: key.group, Agency: key.agency, NewRank: nr})
			}
		}
		slices.SortFunc(changes, func(a, b RankChange) int {
			return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(rankOrder(a.Rank), rankOrder(b.Rank)), cmp.Compare(a.Agency, b.Agency))
		})
		out = append(out, changes...)
	}
	for _, f := range SensitivityFactors {
		v := m
		v.CitizenWeight = min(max(m.CitizenWeight*f, 0), 1)
		compare(CitizenWeightKey, f, v)
	}
	for i, p := range m.Parameters {
		for _, f := range SensitivityFactors {
			v := m
			v.Parameters = slices.Clone(m.Parameters)
			v.Parameters[i].Weight = p.Weight * f
			compare(p.Code, f, v)
		}
	}
	return out
}

type agencyKey struct{ group, agency string }

// ranksOf maps each ranked agency to its rank.
func ranksOf(groups []CompositeGroup) map[agencyKey]int {
	out := map[agencyKey]int{}
	for _, g := range groups {
		for _, r := range g.Rows {
			if r.Rank > 0 {
				out[agencyKey{g.Group, r.Agency}] = r.Rank
			}
		}
	}
	return out
}

// rankOrder sorts unranked (0) last.
func rankOrder(r int) int {
	if r == 0 {
		return int(^uint(0) >> 1)
	}
	return r
}
