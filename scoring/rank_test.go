package scoring

import (
	"fmt"
	"strings"
	"testing"
)

// unit is an agency with n responses all scoring mean (so Index == mean).
func unit(agency, group string, n int64, mean float64) Unit {
	return Unit{Agency: agency, Group: group, Stats: Stats{N: n, SumR: float64(n) * mean, SumR2: float64(n) * mean * mean}}
}

// table renders groups compactly: "g: a#1=92.78 b#-=70" (rank, rounded adjusted).
func table(groups []Group) string {
	var b strings.Builder
	for i, g := range groups {
		if i > 0 {
			b.WriteString(" | ")
		}
		fmt.Fprintf(&b, "%s(n=%d %.2f):", g.Group, g.N, Round2(g.Index))
		for _, r := range g.Rows {
			rank := "-"
			if r.Ranked {
				rank = fmt.Sprint(r.Rank)
			}
			fmt.Fprintf(&b, " %s#%s=%.2f", r.Agency, rank, Round2(r.Adjusted))
		}
	}
	return b.String()
}

func TestRankPeriod(t *testing.T) {
	cfg30 := Config{MinN: 30}
	tests := []struct {
		name  string
		units []Unit
		cfg   Config
		want  string
	}{
		{"competition ranks on rounded adjusted: 92.781 and 92.779 tie",
			[]Unit{unit("d", "g", 30, 90), unit("c", "g", 30, 92.779), unit("a", "g", 30, 95), unit("b", "g", 30, 92.781)},
			cfg30, "g(n=120 92.64): a#1=95.00 b#2=92.78 c#2=92.78 d#4=90.00"},
		{"three-way tie, then the rank skips to 5",
			[]Unit{unit("e", "g", 30, 90), unit("d", "g", 30, 92.7801), unit("c", "g", 30, 92.779), unit("a", "g", 30, 95), unit("b", "g", 30, 92.781)},
			cfg30, "g(n=150 92.67): a#1=95.00 b#2=92.78 c#2=92.78 d#2=92.78 e#5=90.00"},
		{"0.001 apart but different when rounded: no tie",
			[]Unit{unit("a", "g", 30, 92.784), unit("b", "g", 30, 92.785)},
			cfg30, "g(n=60 92.78): b#1=92.79 a#2=92.78"},
		// pooled (3520 + 4400 + 2100)/120 = 83.5
		{"tie at the top ordered by code",
			[]Unit{unit("zeta", "g", 40, 88), unit("alpha", "g", 50, 88), unit("mid", "g", 30, 70)},
			cfg30, "g(n=120 83.50): alpha#1=88.00 zeta#1=88.00 mid#3=70.00"},
		// pooled (2465 + 3200 + 425 + 990 + 1800)/114 = 77.89
		{"insufficient rows after ranked ones, by index desc then code",
			[]Unit{unit("d", "g", 29, 85), unit("a", "g", 40, 80), unit("c", "g", 5, 85), unit("b", "g", 10, 99), unit("e", "g", 30, 60)},
			cfg30, "g(n=114 77.89): a#1=80.00 e#2=60.00 b#-=99.00 c#-=85.00 d#-=85.00"},
		{"nobody ranked", []Unit{unit("a", "g", 3, 50), unit("b", "g", 2, 100)},
			cfg30, "g(n=5 70.00): b#-=100.00 a#-=50.00"},
		{"groups by code, pooled index, empty units and groups left out",
			[]Unit{unit("x", "regional", 30, 60), unit("a", "central", 40, 90), unit("e", "empty", 0, 0),
				unit("b", "central", 0, 0), unit("y", "regional", 10, 80)},
			cfg30, "central(n=40 90.00): a#1=90.00 | regional(n=40 65.00): x#1=60.00 y#-=80.00"},
		// a: (1800 + 1400)/40 = 80; pooled (1800 + 1400 + 2250)/70 = 77.86
		{"units of one agency are summed",
			[]Unit{unit("a", "g", 20, 90), unit("a", "g", 20, 70), unit("b", "g", 30, 75)},
			cfg30, "g(n=70 77.86): a#1=80.00 b#2=75.00"},
		// C = (10·90 + 30·70)/40 = 75; a: (20·75 + 10·90)/30 = 80; b: (20·75 + 30·70)/50 = 72
		{"shrinkage formula",
			[]Unit{unit("a", "g", 10, 90), unit("b", "g", 30, 70)},
			Config{MinN: 5, PriorWeight: 20}, "g(n=40 75.00): a#1=80.00 b#2=72.00"},
		// C = (200 + 9500 + 4900)/200 = 73; a: (730+200)/12 = 77.5; b: (730+9500)/110 = 93; c: (730+4900)/108 = 52.13
		{"shrinkage keeps a lucky handful from the top",
			[]Unit{unit("a", "g", 2, 100), unit("b", "g", 100, 95), unit("c", "g", 98, 50)},
			Config{MinN: 1, PriorWeight: 10}, "g(n=200 73.00): b#1=93.00 a#2=77.50 c#3=52.13"},
		{"m = 0: adjusted is the index",
			[]Unit{unit("a", "g", 2, 100), unit("b", "g", 100, 95), unit("c", "g", 98, 50)},
			Config{MinN: 1}, "g(n=200 73.00): a#1=100.00 b#2=95.00 c#3=50.00"},
		{"no units", nil, cfg30, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := table(RankPeriod(tt.units, tt.cfg)); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRankPeriodRows(t *testing.T) {
	groups := RankPeriod([]Unit{
		{Agency: "a", Group: "g", Stats: statsOf(3, 60, 70, 80, 90)},
		{Agency: "b", Group: "g", Stats: statsOf(0, 0, 0, 25)},
	}, Config{MinN: 4})
	if len(groups) != 1 || len(groups[0].Rows) != 2 {
		t.Fatalf("got %s", table(groups))
	}
	g := groups[0]
	if g.N != 7 || g.Estimate != statsOf(3, 60, 70, 80, 90, 0, 0, 25).Estimate() {
		t.Errorf("group estimate %+v is not the pooled one", g.Estimate)
	}
	a, b := g.Rows[0], g.Rows[1]
	if a.Agency != "a" || a.Group != "g" || a.Rank != 1 || !a.Ranked || a.Status() != "ranked" ||
		Round2(a.CILow) != 54.46 || Round2(a.CIHigh) != 95.54 || a.CSAT != 75 {
		t.Errorf("row a = %+v", a)
	}
	if b.Rank != 0 || b.Ranked || b.Status() != "insufficient" || b.PreviousRank != nil || b.ChangePrev != nil || b.Streak != 0 {
		t.Errorf("row b = %+v", b)
	}
}
