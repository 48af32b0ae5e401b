package scoring

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The test methodology (weights chosen so that every figure below is computed by hand):
//
//	p1 weight 2: a (weight 1, max 4), b (weight 1, max 2)   → e_a = e_b = 2
//	p2 weight 1: c (weight 2, max 5), d (weight 1, max 1)   → e_c = 2, e_d = 1
//	p3 weight 1: e (weight 1, max 3)                        → e_e = 1
func testChecklist(citizen float64, pooled bool) Checklist {
	return Checklist{CitizenWeight: citizen, Pooled: pooled, Parameters: []ChecklistParameter{
		{Code: "p1", Weight: 2, Criteria: []ChecklistCriterion{{"a", 1, 4}, {"b", 1, 2}}},
		{Code: "p2", Weight: 1, Criteria: []ChecklistCriterion{{"c", 2, 5}, {"d", 1, 1}}},
		{Code: "p3", Weight: 1, Criteria: []ChecklistCriterion{{"e", 1, 3}}},
	}}
}

func pts(v float64) *float64 { return &v }

var (
	// s1: a=4 b=1 c=5, d and e not applicable.
	// p1 = 100·(2·4/4 + 2·1/2)/(2+2) = 75; p2 = 100·(2·5/5)/2 = 100; p3 = none; S = 100·(3+2)/(4+2) = 83.333…
	s1 = ServiceScores{"a": pts(4), "b": pts(1), "c": pts(5), "d": nil}
	// s2: a=0 b=2 d=1, c and e not applicable.
	// p1 = 100·(0 + 2·2/2)/4 = 50; p2 = 100·(1·1/1)/1 = 100; p3 = none; S = 100·(2+1)/(4+1) = 60
	s2 = ServiceScores{"a": pts(0), "b": pts(2), "d": pts(1)}
	// s3: nothing applicable.
	s3 = ServiceScores{"a": nil, "e": nil}
)

func fmtp(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%.4f", *v)
}

func fmtps(vs []*float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmtp(v)
	}
	return strings.Join(parts, " ")
}

func TestServiceScore(t *testing.T) {
	m := testChecklist(0.5, false)
	tests := []struct {
		name        string
		s           ServiceScores
		want, param string
	}{
		{"not-applicable criteria left out", s1, "83.3333", "75.0000 100.0000 null"},
		{"another service", s2, "60.0000", "50.0000 100.0000 null"},
		{"nothing applicable", s3, "null", "null null null"},
		{"all full marks", ServiceScores{"a": pts(4), "b": pts(2), "c": pts(5), "d": pts(1), "e": pts(3)}, "100.0000", "100.0000 100.0000 100.0000"},
		// only e: S = p3 = 100·(1·1/3)/1
		{"one criterion", ServiceScores{"e": pts(1)}, "33.3333", "null null 33.3333"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, params := m.ServiceScore(tt.s)
			if got := fmtp(s); got != tt.want {
				t.Errorf("S = %s, want %s", got, tt.want)
			}
			if got := fmtps(params); got != tt.param {
				t.Errorf("parameters = %s, want %s", got, tt.param)
			}
		})
	}
}

func TestAgencyScore(t *testing.T) {
	tests := []struct {
		name        string
		pooled      bool
		services    []ServiceScores
		want, param string
	}{
		// mean of S: (83.333 + 60)/2; p1 (75+50)/2; p2 (100+100)/2; p3 applies nowhere
		{"mean", false, []ServiceScores{s1, s2}, "71.6667", "62.5000 100.0000 null"},
		// pooled: 100·(5+3)/(6+5) = 72.7272…; p1 100·(3+2)/(4+4); p2 100·(2+1)/(2+1)
		{"pooled", true, []ServiceScores{s1, s2}, "72.7273", "62.5000 100.0000 null"},
		// a service with nothing applicable does not pull the mean down
		{"mean skips a service with nothing applicable", false, []ServiceScores{s1, s3}, "83.3333", "75.0000 100.0000 null"},
		{"pooled with nothing applicable", true, []ServiceScores{s3}, "null", "null null null"},
		{"no service", false, nil, "null", "null null null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, params := testChecklist(0.5, tt.pooled).AgencyScore(tt.services)
			if got := fmtp(c); got != tt.want {
				t.Errorf("checklist = %s, want %s", got, tt.want)
			}
			if got := fmtps(params); got != tt.param {
				t.Errorf("parameters = %s, want %s", got, tt.param)
			}
		})
	}
}

// units of one group: A (index 80, n 100; s1+s2), B (70, 50; s1), C (90, n 10 < min_n; s1), D (85, 40; no
// assessment), and E in another group (60, 30; s2).
func compositeUnits() []CompositeUnit {
	return []CompositeUnit{
		{Agency: "a", Group: "g", Index: 80, N: 100, Ranked: true, Services: []ServiceScores{s1, s2}},
		{Agency: "b", Group: "g", Index: 70, N: 50, Ranked: true, Services: []ServiceScores{s1}},
		{Agency: "c", Group: "g", Index: 90, N: 10, Ranked: false, Services: []ServiceScores{s1}},
		{Agency: "d", Group: "g", Index: 85, N: 40, Ranked: true},
		{Agency: "e", Group: "h", Index: 60, N: 30, Ranked: true, Services: []ServiceScores{s2}},
	}
}

func compositeTable(groups []CompositeGroup) string {
	var b strings.Builder
	for _, g := range groups {
		fmt.Fprintf(&b, "%s:", g.Group)
		for _, r := range g.Rows {
			rank := "-"
			if r.Rank > 0 {
				rank = fmt.Sprint(r.Rank)
			}
			fmt.Fprintf(&b, " %s#%s=%s(%s)", r.Agency, rank, fmtp(r.Composite), fmtp(r.Checklist))
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

func TestComposite(t *testing.T) {
	tests := []struct {
		name    string
		citizen float64
		pooled  bool
		want    string
	}{
		// a: 0.5·80 + 0.5·71.6667 = 75.8333; b: 0.5·70 + 0.5·83.3333 = 76.6667; c: n < min_n; d: no assessment
		// (both unranked, by index); e: 0.5·60 + 0.5·60 = 60
		{"half and half", 0.5, false,
			"g: b#1=76.6667(83.3333) a#2=75.8333(71.6667) c#-=null(83.3333) d#-=null(null) h: e#1=60.0000(60.0000)"},
		// pooled a: 0.5·80 + 0.5·72.7273 = 76.3636
		{"pooled", 0.5, true,
			"g: b#1=76.6667(83.3333) a#2=76.3636(72.7273) c#-=null(83.3333) d#-=null(null) h: e#1=60.0000(60.0000)"},
		// citizen weight 0: the checklist alone
		{"citizen weight 0", 0, false,
			"g: b#1=83.3333(83.3333) a#2=71.6667(71.6667) c#-=null(83.3333) d#-=null(null) h: e#1=60.0000(60.0000)"},
		// citizen weight 1: the index alone, still only for assessed agencies with n ≥ min_n
		{"citizen weight 1", 1, false,
			"g: a#1=80.0000(71.6667) b#2=70.0000(83.3333) c#-=null(83.3333) d#-=null(null) h: e#1=60.0000(60.0000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compositeTable(testChecklist(tt.citizen, tt.pooled).Composite(compositeUnits()))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCompositeTiesOnRoundedValue(t *testing.T) {
	// Checklist only (citizen weight 0) with one criterion of max 3: 1/3 → 33.3333, and one criterion of
	// max 30 at 10 → 33.3333 too but by a different float path; 2 ranks share, the next skips.
	m := Checklist{Parameters: []ChecklistParameter{{Code: "p", Weight: 1, Criteria: []ChecklistCriterion{{"x", 1, 3}, {"y", 1, 30}}}}}
	units := []CompositeUnit{
		{Agency: "a", Group: "g", Ranked: true, Services: []ServiceScores{{"x": pts(1)}}},
		{Agency: "b", Group: "g", Ranked: true, Services: []ServiceScores{{"y": pts(10)}}},
		{Agency: "c", Group: "g", Ranked: true, Services: []ServiceScores{{"x": pts(3)}}},
		{Agency: "d", Group: "g", Ranked: true, Services: []ServiceScores{{"x": pts(0)}}},
	}
	got := compositeTable(m.Composite(units))
	want := "g: c#1=100.0000(100.0000) a#2=33.3333(33.3333) b#2=33.3333(33.3333) d#4=0.0000(0.0000)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSensitivity(t *testing.T) {
	// With citizen weight 0.5, b leads a by 76.67 to 75.83. Hand-computed variants:
	//   citizen ×0.8 (0.4): a 0.4·80 + 0.6·71.6667 = 75.00, b 28 + 50 = 78.00 → unchanged
	//   citizen ×1.2 (0.6): a 48 + 28.6667 = 76.67, b 42 + 33.3333 = 75.33 → a 1st, b 2nd
	//   p1 ×0.8 (1.6): S1 = 100·4.4/5.2 = 84.62, S2 = 100·2.6/4.2 = 61.90 → a 76.63, b 77.31 → unchanged
	//   p1 ×1.2 (2.4): S1 = 100·5.6/6.8 = 82.35, S2 = 100·3.4/5.8 = 58.62 → a 75.24, b 76.18 → unchanged
	//   p2, p3: b stays ahead (p3 applies nowhere: nothing moves)
	got := testChecklist(0.5, false).Sensitivity(compositeUnits())
	want := []RankChange{
		{Weight: "citizen_weight", Factor: 1.2, Group: "g", Agency: "b", Rank: 1, NewRank: 2},
		{Weight: "citizen_weight", Factor: 1.2, Group: "g", Agency: "a", Rank: 2, NewRank: 1},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}

	// Citizen weight 1 clipped: ×1.2 stays 1 and nothing changes; ×0.8 (0.8) brings in the checklist:
	// a 0.8·80 + 0.2·71.6667 = 78.33, b 56 + 16.6667 = 72.67 → unchanged. Parameter weights do not
	// matter at citizen weight 1.
	if got := testChecklist(1, false).Sensitivity(compositeUnits()); len(got) != 0 {
		t.Errorf("citizen weight 1: got %v, want no change", got)
	}

	// Citizen weight 0: only the checklist. a is strong in p1 only, b in p2 only:
	//   a: a=4 b=2 (p1 100), c=0 (p2 0): S = 100·(4+0)/(4+2) = 66.67
	//   b: a=0 b=0 (p1 0), c=5 d=1 (p2 100): S = 100·(0+3)/(4+3) = 42.86
	// b stays 3rd under every variant (p1 ×0.8: 48.39, ×1.2: 38.46; p2 ×0.8: 37.5, ×1.2: 47.37). A third agency c
	// ties with a, so any change of p1 or p2 breaks the tie:
	//   c: a=2 b=1 (p1 100·(1+1)/4 = 50), c=5 (p2 100): S = 100·(2+2)/(4+2) = 66.67 — ties with a (ranks 1, 1)
	//   p1 ×0.8: a 61.54, c 100·(0.8+0.8+2)/(3.2+2) = 69.23 → c 1st, a 2nd
	//   p1 ×1.2: a 100·4.8/(4.8+2) = 70.59, c 100·(2.4+2)/(4.8+2) = 64.71 → a 1st, c 2nd
	//   p2 ×0.8: a 100·4/(4+1.6) = 71.43, c 100·(2+1.6)/5.6 = 64.29 → a 1st, c 2nd
	//   p2 ×1.2: a 62.5, c 100·(2+2.4)/6.4 = 68.75 → c 1st, a 2nd
	m := Checklist{Parameters: testChecklist(0, false).Parameters}
	units := []CompositeUnit{
		{Agency: "a", Group: "g", Index: 50, N: 30, Ranked: true, Services: []ServiceScores{{"a": pts(4), "b": pts(2), "c": pts(0)}}},
		{Agency: "b", Group: "g", Index: 99, N: 30, Ranked: true, Services: []ServiceScores{{"a": pts(0), "b": pts(0), "c": pts(5), "d": pts(1)}}},
		{Agency: "c", Group: "g", Index: 10, N: 30, Ranked: true, Services: []ServiceScores{{"a": pts(2), "b": pts(1), "c": pts(5)}}},
	}
	if tbl := compositeTable(m.Composite(units)); !strings.HasPrefix(tbl, "g: a#1=66.6667(66.6667) c#1=66.6667(66.6667) b#3=42.8571") {
		t.Fatalf("base table %s", tbl)
	}
	got = m.Sensitivity(units)
	want = []RankChange{
		{Weight: "p1", Factor: 0.8, Group: "g", Agency: "a", Rank: 1, NewRank: 2},
		{Weight: "p1", Factor: 1.2, Group: "g", Agency: "c", Rank: 1, NewRank: 2},
		{Weight: "p2", Factor: 0.8, Group: "g", Agency: "c", Rank: 1, NewRank: 2},
		{Weight: "p2", Factor: 1.2, Group: "g", Agency: "a", Rank: 1, NewRank: 2},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("citizen weight 0:\ngot  %v\nwant %v", got, want)
	}
}

func TestCompositeWeightsNeverNaN(t *testing.T) {
	// Zero weights everywhere: nothing weighs anything, so no checklist (never NaN).
	m := Checklist{Parameters: []ChecklistParameter{{Code: "p", Weight: 0, Criteria: []ChecklistCriterion{{"x", 1, 3}}}}}
	c, params := m.AgencyScore([]ServiceScores{{"x": pts(2)}})
	if c != nil || params[0] != nil {
		t.Errorf("got %s %s, want null", fmtp(c), fmtps(params))
	}
	for _, g := range m.Composite([]CompositeUnit{{Agency: "a", Group: "g", Ranked: true, Services: []ServiceScores{{"x": pts(2)}}}}) {
		for _, r := range g.Rows {
			if r.Composite != nil && math.IsNaN(*r.Composite) {
				t.Error("NaN composite")
			}
		}
	}
}

// The worked example of docs/method.md#checklist-score and #composite-index.
func TestCompositeMethodExample(t *testing.T) {
	m := Checklist{CitizenWeight: 0.6, Parameters: []ChecklistParameter{
		{Code: "access", Weight: 2, Criteria: []ChecklistCriterion{{"c1", 1, 5}, {"c2", 1, 2}}},
		{Code: "digital", Weight: 1, Criteria: []ChecklistCriterion{{"c3", 3, 10}, {"c4", 1, 1}}},
	}}
	one := ServiceScores{"c1": pts(4), "c2": pts(2), "c3": pts(6), "c4": nil}
	two := ServiceScores{"c1": pts(5), "c3": pts(3)}
	s, params := m.ServiceScore(one)
	if fmtp(s) != "77.1429" || fmtps(params) != "90.0000 60.0000" {
		t.Errorf("S = %s, parameters %s", fmtp(s), fmtps(params))
	}
	if s2, _ := m.ServiceScore(two); fmtp(s2) != "58.0000" {
		t.Errorf("S₂ = %s", fmtp(s2))
	}
	if c, _ := m.AgencyScore([]ServiceScores{one, two}); fmtp(c) != "67.5714" {
		t.Errorf("mean %s", fmtp(c))
	}
	m.Pooled = true
	if c, _ := m.AgencyScore([]ServiceScores{one, two}); fmtp(c) != "69.1667" {
		t.Errorf("pooled %s", fmtp(c))
	}
	m.Pooled = false
	// composite = 0.6 · 90.9722… + 0.4 · 77.1429 = 85.44 (one service)
	g := m.Composite([]CompositeUnit{{Agency: "a", Group: "g", Index: 90.97222222, N: 40, Ranked: true, Services: []ServiceScores{one}}})
	if got := Round2(*g[0].Rows[0].Composite); got != 85.44 {
		t.Errorf("composite %v", got)
	}
}
