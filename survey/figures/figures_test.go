package figures_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
	"gonum.org/v1/gonum/stat/distuv"
)

// The reference: every figure straight from the raw responses by docs/method.md, by brute force, sharing
// nothing with the cells, the roll-up or scoring's ranking code (only Round2 and the t quantile).

type rawResponse struct {
	at                               time.Time
	agency, service, center, channel string
	r                                float64
	top2                             bool
	items                            map[string]float64 // item score per scored (non-text) answered question
}

type reference struct {
	cv   *survey.CatalogView
	resp []rawResponse // counted only
	excl []struct {
		at             time.Time
		agency, reason string
	}
}

func loadReference(t *testing.T, s *survey.Store) *reference {
	t.Helper()
	ctx := context.Background()
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ref := &reference{cv: cv}
	rows, err := s.DB().QueryContext(ctx, `SELECT submitted_us, agency_code, COALESCE(service_code, ''),
		COALESCE(center_code, ''), channel, survey_code, survey_version, status, COALESCE(reason, ''), answers FROM responses`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var us int64
		var x rawResponse
		var code, status, reason, answers string
		var version int
		if err := rows.Scan(&us, &x.agency, &x.service, &x.center, &x.channel, &code, &version, &status, &reason, &answers); err != nil {
			t.Fatal(err)
		}
		x.at = time.UnixMicro(us).In(storetest.Baku)
		if status != "counted" {
			ref.excl = append(ref.excl, struct {
				at             time.Time
				agency, reason string
			}{x.at, x.agency, reason})
			continue
		}
		sv, ok := cv.Survey(code, version)
		if !ok {
			t.Fatalf("survey %s v%d missing", code, version)
		}
		var vals map[string]any
		if err := json.Unmarshal([]byte(answers), &vals); err != nil {
			t.Fatal(err)
		}
		x.items = map[string]float64{}
		var sw, sws float64
		for _, q := range sv.Questions {
			v, ok := vals[q.Key]
			if !ok {
				continue
			}
			var item float64
			switch q.Type {
			case "scale":
				n := v.(float64)
				item = (n - float64(q.Min)) / float64(q.Max-q.Min) * 100
				if q.Key == sv.Primary {
					x.top2 = n >= float64(q.Max-1)
				}
			case "yes_no":
				if v.(bool) {
					item = 100
				}
				if q.Key == sv.Primary {
					x.top2 = v.(bool)
				}
			default:
				continue
			}
			x.items[q.Key] = item
			w := 1.0
			if q.Weight != nil {
				w = *q.Weight
			}
			if w > 0 {
				sw += w
				sws += w * item
			}
		}
		x.r = sws / sw
		ref.resp = append(ref.resp, x)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ref
}

// est is a unit's unrounded figures from a list of scores.
type est struct {
	n                                   int64
	index, lo, hi, csat, csatLo, csatHi float64
	sd                                  float64 // sample standard deviation (n − 1); 0 below two
}

func estimate(scores []float64, top2 int64) est {
	n := len(scores)
	if n == 0 {
		return est{}
	}
	var sum float64
	for _, x := range scores {
		sum += x
	}
	mean := sum / float64(n)
	e := est{n: int64(n), index: mean, lo: 0, hi: 100}
	if n > 1 {
		var ss float64
		for _, x := range scores {
			ss += (x - mean) * (x - mean)
		}
		e.sd = math.Sqrt(ss / float64(n-1))
		half := scoring.TQuantile975(n-1) * e.sd / math.Sqrt(float64(n))
		e.lo, e.hi = math.Max(0, mean-half), math.Min(100, mean+half)
	}
	p := float64(top2) / float64(n)
	const z = 1.959964
	c := 1 + z*z/float64(n)
	mid := (p + z*z/(2*float64(n))) / c
	w := z / c * math.Sqrt(p*(1-p)/float64(n)+z*z/(4*float64(n)*float64(n)))
	e.csat = p * 100
	e.csatLo, e.csatHi = math.Max(0, (mid-w)*100), math.Min(100, (mid+w)*100)
	return e
}

type refRow struct {
	agency, group string
	est
	adjusted          float64
	rank              int // 0 = insufficient
	rankLow, rankHigh int // the rank interval (docs/method.md#honest-figures)
	clear             bool
}

type refGroup struct {
	est
	rows map[string]*refRow
}

// table ranks period p from scratch.
func (ref *reference) table(p scoring.Period, cfg scoring.Config) map[string]*refGroup {
	type acc struct {
		scores []float64
		top2   int64
	}
	agencies := map[string]*acc{}
	groups := map[string]*acc{}
	for _, x := range ref.resp {
		if x.at.Before(p.Start) || !x.at.Before(p.End) {
			continue
		}
		a, _ := ref.cv.Agency(x.agency)
		for _, put := range []struct {
			m map[string]*acc
			k string
		}{{agencies, x.agency}, {groups, a.Group}} {
			if put.m[put.k] == nil {
				put.m[put.k] = &acc{}
			}
			put.m[put.k].scores = append(put.m[put.k].scores, x.r)
			if x.top2 {
				put.m[put.k].top2++
			}
		}
	}
	out := map[string]*refGroup{}
	for g, ga := range groups {
		out[g] = &refGroup{est: estimate(ga.scores, ga.top2), rows: map[string]*refRow{}}
	}
	for code, aa := range agencies {
		a, _ := ref.cv.Agency(code)
		g := out[a.Group]
		row := &refRow{agency: code, group: a.Group, est: estimate(aa.scores, aa.top2)}
		row.adjusted = row.index
		if m := cfg.PriorWeight; m > 0 {
			row.adjusted = (m*g.index + float64(row.n)*row.index) / (m + float64(row.n))
		}
		g.rows[code] = row
	}
	for _, g := range out {
		for _, r := range g.rows {
			if r.n < cfg.MinN {
				continue
			}
			r.rank = 1
			for _, o := range g.rows {
				if o.n >= cfg.MinN && scoring.Round2(o.adjusted) > scoring.Round2(r.adjusted) {
					r.rank++
				}
			}
		}
		// Rank intervals, pair by pair as the method states them (|d| > z_K·se).
		k := 0
		for _, r := range g.rows {
			if r.rank > 0 {
				k++
			}
		}
		for _, r := range g.rows {
			if r.rank == 0 {
				continue
			}
			above, below := 0, 0
			if k > 1 {
				z := distuv.UnitNormal.Quantile(1 - 0.05/(2*float64(k-1)))
				for _, o := range g.rows {
					if o == r || o.rank == 0 {
						continue
					}
					if d := r.index - o.index; beyondRef(d, r.est, o.est, z) {
						if d > 0 {
							below++
						} else {
							above++
						}
					}
				}
			}
			r.rankLow, r.rankHigh = min(1+above, r.rank), max(k-below, r.rank)
			r.clear = r.rank == 1 && r.rankHigh == 1
		}
	}
	return out
}

// beyondRef is |d| > z·se, se = √(s_a²/n_a + s_b²/n_b); se = 0: d ≠ 0; a side of one response: never.
func beyondRef(d float64, a, b est, z float64) bool {
	if a.n < 2 || b.n < 2 {
		return false
	}
	se := math.Sqrt(a.sd*a.sd/float64(a.n) + b.sd*b.sd/float64(b.n))
	if se == 0 {
		return d != 0
	}
	return math.Abs(d) > z*se
}

func find(t map[string]*refGroup, agency string) *refRow {
	for _, g := range t {
		if r, ok := g.rows[agency]; ok {
			return r
		}
	}
	return nil
}

func r2(x float64) float64 { return scoring.Round2(x) }

// checkRankings compares Figures.Rankings with the reference, field by field.
func checkRankings(t *testing.T, ref *reference, got *figures.Rankings, p scoring.Period, cfg scoring.Config, lang string) {
	t.Helper()
	want := ref.table(p, cfg)
	if got.Period.Label != p.Label || got.Period.Start != p.Start.Format(time.RFC3339) || got.Period.End != p.End.Format(time.RFC3339) ||
		!got.Period.Complete || got.Period.AsOf != got.Period.End {
		t.Errorf("%s: period %+v", p.Label, got.Period)
	}
	if got.Methodology != (figures.Methodology{MinN: cfg.MinN, Confidence: 0.95, PriorWeight: cfg.PriorWeight}) {
		t.Errorf("%s: methodology %+v", p.Label, got.Methodology)
	}
	if len(got.Groups) != len(want) {
		t.Errorf("%s: %d groups, want %d", p.Label, len(got.Groups), len(want))
	}
	prev, year := ref.table(p.Previous(), cfg), ref.table(p.PreviousYear(), cfg)
	for _, g := range got.Groups {
		wg, ok := want[g.Group]
		if !ok {
			t.Errorf("%s: unexpected group %s", p.Label, g.Group)
			continue
		}
		gg, _ := ref.cv.Group(g.Group)
		if g.Name != gg.Name.Get(lang) || g.N != wg.n || g.Index != r2(wg.index) {
			t.Errorf("%s %s: group name %q n %d index %v, want %q %d %v", p.Label, g.Group, g.Name, g.N, g.Index, gg.Name.Get(lang), wg.n, r2(wg.index))
		}
		if len(g.Rows) != len(wg.rows) {
			t.Errorf("%s %s: %d rows, want %d", p.Label, g.Group, len(g.Rows), len(wg.rows))
		}
		// Order: ranked rows by rank, then insufficient rows by index.
		for i := 1; i < len(g.Rows); i++ {
			a, b := g.Rows[i-1], g.Rows[i]
			switch {
			case a.Rank == nil && b.Rank != nil:
				t.Errorf("%s %s: insufficient row before a ranked one", p.Label, g.Group)
			case a.Rank != nil && b.Rank != nil && *a.Rank > *b.Rank:
				t.Errorf("%s %s: rank %d before %d", p.Label, g.Group, *a.Rank, *b.Rank)
			case a.Rank == nil && b.Rank == nil && a.Index < b.Index:
				t.Errorf("%s %s: insufficient rows not by index", p.Label, g.Group)
			}
		}
		for _, row := range g.Rows {
			w, ok := wg.rows[row.Agency]
			if !ok {
				t.Errorf("%s: unexpected row %s", p.Label, row.Agency)
				continue
			}
			a, _ := ref.cv.Agency(row.Agency)
			exp := figures.RankingRow{
				Agency: w.agency, Name: a.Name.Get(lang), Index: r2(w.index), CILow: r2(w.lo), CIHigh: r2(w.hi),
				Adjusted: r2(w.adjusted), N: w.n, CSAT: r2(w.csat), CSATLow: r2(w.csatLo), CSATHigh: r2(w.csatHi),
				Status: "insufficient",
			}
			if w.rank > 0 {
				exp.Rank, exp.Status = new(w.rank), "ranked"
				exp.RankLow, exp.RankHigh, exp.ClearFirst = new(w.rankLow), new(w.rankHigh), w.clear
				if pr := find(prev, w.agency); pr != nil && pr.rank > 0 {
					exp.Change.PreviousPeriod = new(r2(w.index - pr.index))
					exp.ChangeSignificant.PreviousPeriod = new(beyondRef(w.index-pr.index, w.est, pr.est, 1.959964))
				}
				if py := find(year, w.agency); py != nil && py.rank > 0 {
					exp.Change.PreviousYear = new(r2(w.index - py.index))
					exp.ChangeSignificant.PreviousYear = new(beyondRef(w.index-py.index, w.est, py.est, 1.959964))
				}
			}
			if pr := find(prev, w.agency); pr != nil && pr.rank > 0 {
				exp.PreviousRank = new(pr.rank)
			}
			if w.rank == 1 && p.Kind != scoring.Custom {
				exp.Streak = 1
				for k := 1; k < 40; k++ {
					if r := find(ref.table(p.Back(k), cfg), w.agency); r == nil || r.rank != 1 {
						break
					}
					exp.Streak++
				}
			}
			if w.clear && p.Kind != scoring.Custom {
				exp.ClearStreak = 1
				for k := 1; k < 40; k++ {
					if r := find(ref.table(p.Back(k), cfg), w.agency); r == nil || !r.clear {
						break
					}
					exp.ClearStreak++
				}
			}
			gj, _ := json.Marshal(row)
			ej, _ := json.Marshal(exp)
			if string(gj) != string(ej) {
				t.Errorf("%s row %s:\n got  %s\n want %s", p.Label, row.Agency, gj, ej)
			}
		}
	}
}

// checkBreakdown compares Figures.Breakdown with the reference.
func checkBreakdown(t *testing.T, ref *reference, got *figures.Breakdown, agency string, p scoring.Period, by, lang string) {
	t.Helper()
	type acc struct {
		scores []float64
	}
	keys := map[string]*acc{}
	for _, x := range ref.resp {
		if x.agency != agency || x.at.Before(p.Start) || !x.at.Before(p.End) {
			continue
		}
		put := func(k string, v float64) {
			if k == "" {
				return
			}
			if keys[k] == nil {
				keys[k] = &acc{}
			}
			keys[k].scores = append(keys[k].scores, v)
		}
		switch by {
		case "service":
			put(x.service, x.r)
		case "center":
			put(x.center, x.r)
		case "channel":
			put(x.channel, x.r)
		case "month":
			put(x.at.Format("2006-01"), x.r)
		case "question":
			for q, v := range x.items {
				put(q, v)
			}
		}
	}
	if got.Agency != agency || got.By != by || got.Period != figures.InfoAt(p, time.Now()) || !got.Period.Complete {
		t.Errorf("%s %s %s: header %+v", agency, p.Label, by, got)
	}
	if len(got.Rows) != len(keys) {
		t.Errorf("%s %s by %s: %d rows, want %d", agency, p.Label, by, len(got.Rows), len(keys))
	}
	for i, row := range got.Rows {
		k := keys[row.Key]
		if k == nil {
			t.Errorf("%s %s by %s: unexpected key %q", agency, p.Label, by, row.Key)
			continue
		}
		e := estimate(k.scores, 0)
		if row.N != e.n || row.Index != r2(e.index) || row.CILow != r2(e.lo) || row.CIHigh != r2(e.hi) || row.Name == "" {
			t.Errorf("%s %s by %s key %s: got %+v want n=%d index=%v ci=[%v,%v]", agency, p.Label, by, row.Key, row, e.n, r2(e.index), r2(e.lo), r2(e.hi))
		}
		if by == "month" && i > 0 && got.Rows[i-1].Key >= row.Key {
			t.Errorf("months out of order: %s before %s", got.Rows[i-1].Key, row.Key)
		}
	}
}

// mustPeriod reads "period=…" or "from=…&to=…" in the figures' zone.
func mustPeriod(t *testing.T, f *figures.Figures, q string) scoring.Period {
	t.Helper()
	v, _ := url.ParseQuery(q)
	p, err := scoring.ParsePeriod(v.Get("period"), f.Location())
	if v.Has("from") {
		p, err = scoring.ParseRange(v.Get("from"), v.Get("to"), f.Location())
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFiguresEqualBruteForceFromRawResponses(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		fixture(t, s)
		ref := loadReference(t, s)
		if len(ref.resp) < 4000 || len(ref.excl) < 100 {
			t.Fatalf("fixture too small: %d counted, %d excluded", len(ref.resp), len(ref.excl))
		}
		queries := []string{"period=2025-Q3", "period=2025-07", "period=2025-09", "period=2025-06", "period=2025-H1",
			"period=2025-H2", "period=2025", "period=2024", "period=2024-Q3", "from=2025-06-15&to=2025-08-10",
			"from=2025-07-01&to=2025-07-01", "from=2025-06-30&to=2025-06-30", "from=2025-04-01&to=2025-06-30",
			"from=2024-12-01&to=2025-01-31"}
		configs := []scoring.Config{{MinN: 20}, {MinN: 60}, {MinN: 10, PriorWeight: 15}}
		seen := map[string]bool{}
		for _, q := range queries {
			for ci, cfg := range configs {
				f := figures.New(s, cfg)
				p := mustPeriod(t, f, q)
				lang := []string{"az", "en", "ru"}[ci]
				got, err := f.Rankings(ctx, p, "", lang)
				if err != nil {
					t.Fatal(err)
				}
				checkRankings(t, ref, got, p, cfg, lang)
				for _, g := range got.Groups {
					for _, r := range g.Rows {
						switch {
						case r.Rank != nil && *r.Rank == 2 && r.Agency == "a3":
							seen["tie"] = true
						case r.Agency == "a4" && r.N == cfg.MinN && r.Status == "ranked":
							seen["min_n ranked"] = true
						case r.Agency == "a5" && r.N == cfg.MinN-1 && r.Status == "insufficient":
							seen["min_n-1 insufficient"] = true
						}
						if r.Streak >= 2 && p.Kind != scoring.Month {
							seen["streak "+p.Kind.String()] = true
						}
						if r.Streak == 40 {
							seen["streak capped"] = true
						}
						if r.Change.PreviousYear != nil {
							seen["previous year"] = true
						}
						if cfg.PriorWeight > 0 && r.Adjusted != r.Index {
							seen["shrinkage"] = true
						}
						if b := r.ChangeSignificant.PreviousPeriod; b != nil {
							seen[fmt.Sprint("change significant ", *b)] = true
						}
						if r.RankLow != nil && *r.RankLow < *r.RankHigh {
							seen["rank interval"] = true
						}
						if r.Rank != nil && *r.Rank == 1 {
							seen[fmt.Sprint("clear first ", r.ClearFirst)] = true
						}
						if r.ClearStreak >= 2 {
							seen["clear streak"] = true
						}
					}
				}
				// One group only: the same rows.
				one, err := f.Rankings(ctx, p, "g-a", lang)
				if err != nil {
					t.Fatal(err)
				}
				for _, g := range got.Groups {
					if g.Group == "g-a" && (len(one.Groups) != 1 || !slices.EqualFunc(one.Groups[0].Rows, g.Rows, func(a, b figures.RankingRow) bool {
						aj, _ := json.Marshal(a)
						bj, _ := json.Marshal(b)
						return string(aj) == string(bj)
					})) {
						t.Errorf("%s: group=g-a differs from the full table", p.Label)
					}
				}
			}
			f := figures.New(s, configs[0])
			p := mustPeriod(t, f, q)
			for _, agency := range []string{"a1", "b1", "c1", "a3"} {
				for _, by := range []string{"service", "center", "channel", "question", "month"} {
					got, err := f.Breakdown(ctx, agency, p, by, "en")
					if err != nil {
						t.Fatal(err)
					}
					checkBreakdown(t, ref, got, agency, p, by, "en")
					if len(got.Rows) > 0 {
						seen["breakdown "+by] = true
					}
				}
			}
			// Trend: the last 8 periods of the kind, oldest first.
			trend, err := f.Trend(ctx, "b1", p, 8)
			if err != nil {
				t.Fatal(err)
			}
			for i, tp := range trend {
				q := p.Back(7 - i)
				w := find(ref.table(q, configs[0]), "b1")
				if w == nil {
					w = &refRow{}
				}
				if tp.Label != q.Label || tp.N != w.n || tp.Index != r2(w.index) || tp.CILow != r2(w.lo) || tp.CIHigh != r2(w.hi) || tp.CSAT != r2(w.csat) {
					t.Errorf("trend %s[%d]: got %+v want %s n=%d index=%v", p.Label, i, tp, q.Label, w.n, r2(w.index))
				}
			}
			// Excluded by reason.
			excl, err := f.Excluded(ctx, p, "")
			if err != nil {
				t.Fatal(err)
			}
			wantExcl := map[string]int64{}
			for _, x := range ref.excl {
				if !x.at.Before(p.Start) && x.at.Before(p.End) {
					wantExcl[x.reason]++
				}
			}
			if fmt.Sprint(excl) != fmt.Sprint(wantExcl) {
				t.Errorf("excluded %s: %v, want %v", p.Label, excl, wantExcl)
			}
		}
		for _, what := range []string{"tie", "min_n ranked", "min_n-1 insufficient", "streak quarter", "streak year",
			"streak half", "streak capped", "previous year", "shrinkage", "change significant true", "change significant false",
			"rank interval", "clear first true", "clear first false", "clear streak", "breakdown service", "breakdown center",
			"breakdown channel", "breakdown question", "breakdown month"} {
			if !seen[what] {
				t.Errorf("the fixture never exercised %q", what)
			}
		}
		// Baku midnight: the responses at 2025-07-01 00:00 Baku are July's, the ones a second earlier June's.
		f := figures.New(s, scoring.Config{MinN: 1})
		jul1, err := f.Rankings(ctx, mustPeriod(t, f, "from=2025-07-01&to=2025-07-01"), "g-b", "az")
		if err != nil {
			t.Fatal(err)
		}
		jun30, err := f.Rankings(ctx, mustPeriod(t, f, "from=2025-06-30&to=2025-06-30"), "g-b", "az")
		if err != nil {
			t.Fatal(err)
		}
		count := func(r *figures.Rankings, agency string) int64 {
			for _, g := range r.Groups {
				for _, row := range g.Rows {
					if row.Agency == agency {
						return row.N
					}
				}
			}
			return 0
		}
		var wantJul, wantJun int64
		for _, x := range ref.resp {
			if x.agency == "b1" && x.at.Equal(bakuMidnight) {
				wantJul++
			}
			if x.agency == "b2" && x.at.Equal(justBefore) {
				wantJun++
			}
		}
		if wantJul == 0 || wantJun == 0 || count(jul1, "b1") < wantJul || count(jun30, "b2") < wantJun {
			t.Errorf("boundary: b1 on 07-01 %d (≥%d), b2 on 06-30 %d (≥%d)", count(jul1, "b1"), wantJul, count(jun30, "b2"), wantJun)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFiguresErrors(t *testing.T) {
	s := storetest.New(t, "sqlite", survey.Options{})
	fixture(t, s)
	ctx := context.Background()
	f := figures.New(s, scoring.DefaultConfig())
	p := mustPeriod(t, f, "period=2025-Q3")
	if _, err := f.Rankings(ctx, p, "nope", ""); survey.ErrorCode(err) != survey.CodeNotFound {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := f.Rankings(ctx, p, "", "de"); survey.ErrorCode(err) != survey.CodeInvalidField {
		t.Errorf("bad lang: %v", err)
	}
	if _, err := f.Breakdown(ctx, "nope", p, "service", ""); survey.ErrorCode(err) != survey.CodeNotFound {
		t.Errorf("unknown agency: %v", err)
	}
	if _, err := f.Breakdown(ctx, "a1", p, "colour", ""); survey.ErrorCode(err) != survey.CodeInvalidField {
		t.Errorf("bad by: %v", err)
	}
	if _, err := f.Trend(ctx, "nope", p, 8); survey.ErrorCode(err) != survey.CodeNotFound {
		t.Errorf("trend unknown agency: %v", err)
	}
	// An agency and a period without responses are left out; a group without any gives no table.
	r, err := f.Rankings(ctx, mustPeriod(t, f, "period=2021"), "", "")
	if err != nil || len(r.Groups) != 0 {
		t.Errorf("2021: %+v %v", r, err)
	}
	r, err = f.Rankings(ctx, p, "g-c", "")
	if err != nil || len(r.Groups) != 1 || len(r.Groups[0].Rows) != 1 || r.Groups[0].Rows[0].Agency != "c1" {
		t.Errorf("g-c: %+v %v", r, err)
	}
	b, err := f.Breakdown(ctx, "z9", p, "service", "")
	if err != nil || b.Rows == nil || len(b.Rows) != 0 {
		t.Errorf("z9 breakdown: %+v %v", b, err)
	}
}
