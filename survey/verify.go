package survey

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/uptrace/bun"
)

// verifyTolerance bounds the difference between a stored sum and its recount, relative to the larger of
// 1 and the sum: cells accumulate additions and subtractions in another order than a recount does.
const verifyTolerance = 1e-6

// VerifyCells recounts agg_day, agg_agency_day, agg_month and agg_answer from the raw responses (status 'counted'),
// streaming them in Go, and compares them with the stored cells plus the changes still waiting in
// agg_pending: counts must match exactly, sums within 1e-6 (relative to max(1, |sum|)); and every stored pack
// (agg_pack) with the cells of its key, bit for bit. It reads one consistent snapshot, so it may run while others
// write. A nil error means the cells and packs are exact.
func (s *Store) VerifyCells(ctx context.Context) error { return s.verifyCells(ctx, "") }

// VerifyCellsOf is VerifyCells restricted to one agency: a cheap sample of a large database.
func (s *Store) VerifyCellsOf(ctx context.Context, agency string) error {
	if agency == "" {
		return FieldError("agency", "agency is required")
	}
	return s.verifyCells(ctx, agency)
}

// tally is one cell's counts as recounted or as stored.
type tally struct {
	n, top2     int64
	sumR, sumR2 float64
}

type verifyDayKey struct {
	day                              int64
	agency, service, center, channel string
}

type verifyMonthKey struct {
	month  int64
	agency string
}

type verifyAnswerKey struct {
	day            int64
	agency, survey string
	version        int64
	question       string
	value          int64
}

// verifyAgencyDayKey is the key of agg_agency_day.
type verifyAgencyDayKey struct {
	day    int64
	agency string
}

type cellSet struct {
	day    map[verifyDayKey]*tally
	aday   map[verifyAgencyDayKey]*tally
	month  map[verifyMonthKey]*tally
	answer map[verifyAnswerKey]*tally
	stored map[packKey]map[string]packedCell // the month and agency-day cells as stored (readCells), for verifyPacks
}

func newCellSet() *cellSet {
	return &cellSet{day: map[verifyDayKey]*tally{}, aday: map[verifyAgencyDayKey]*tally{}, month: map[verifyMonthKey]*tally{},
		answer: map[verifyAnswerKey]*tally{}, stored: map[packKey]map[string]packedCell{}}
}

func bump[K comparable](m map[K]*tally, k K, sign int64, r float64, top2 bool, withR bool) {
	t := m[k]
	if t == nil {
		t = &tally{}
		m[k] = t
	}
	t.n += sign
	if withR {
		t.sumR += float64(sign) * r
		t.sumR2 += float64(sign) * r * r
		if top2 {
			t.top2 += sign
		}
	}
}

func (s *Store) verifyCells(ctx context.Context, agency string) error {
	opts := &sql.TxOptions{}
	if s.dialect == "pg" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return s.db.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		zone, err := cellZone(ctx, tx)
		if err != nil {
			return err
		}
		if zone != "" && zone != s.loc.String() {
			return fmt.Errorf("verify cells: the cells were built for zone %s, not %s; roll up first", zone, s.loc)
		}
		where, args := "", []any{}
		if agency != "" {
			where, args = " AND r.agency_code = ?", []any{agency}
		}
		want := newCellSet()
		if err := s.streamResponses(ctx, tx, want, `SELECT 1, `+responseCols+` FROM responses AS r
			WHERE r.status = 'counted'`+where, args...); err != nil {
			return fmt.Errorf("verify cells: recount: %w", err)
		}
		got := newCellSet()
		if err := s.streamResponses(ctx, tx, got, `SELECT p.sign, `+responseCols+` FROM agg_pending AS p
			JOIN responses AS r ON `+pendingJoin(s.dialect)+` WHERE 1 = 1`+where, args...); err != nil {
			return fmt.Errorf("verify cells: pending: %w", err)
		}
		if err := readCells(ctx, tx, got, agency); err != nil {
			return fmt.Errorf("verify cells: read cells: %w", err)
		}
		// Archived months (store_partition.go) have cells but no rows to recount: only the days from the end of
		// the latest archived partition on are compared (a local month start, in the cells' zone).
		archived, err := archivedBefore(ctx, tx)
		if err != nil {
			return fmt.Errorf("verify cells: %w", err)
		}
		if archived > 0 {
			t := time.UnixMicro(archived).In(s.loc)
			day, month := int64(scoring.DayKey(t, s.loc)), int64(scoring.MonthIndex(t, s.loc))
			want.dropBefore(day, month)
			got.dropBefore(day, month)
		}
		diffs, err := verifyPacks(ctx, tx, got.stored, agency)
		if err != nil {
			return fmt.Errorf("verify cells: packs: %w", err)
		}
		diffs = compareCells(diffs, "agg_day", want.day, got.day)
		diffs = compareCells(diffs, "agg_agency_day", want.aday, got.aday)
		diffs = compareCells(diffs, "agg_month", want.month, got.month)
		diffs = compareCells(diffs, "agg_answer", want.answer, got.answer)
		if len(diffs) > 0 {
			sort.Strings(diffs)
			shown := diffs[:min(len(diffs), 8)]
			return fmt.Errorf("verify cells: %d cells differ from a recount of the responses: %s", len(diffs), strings.Join(shown, "; "))
		}
		return nil
	})
}

// responseCols are the columns streamResponses scans, after the sign.
var responseCols = cellColumns.scanned("r.")

// streamResponses adds sign × every selected response to c, row by row (flat memory in the rows).
func (s *Store) streamResponses(ctx context.Context, tx bun.Tx, c *cellSet, query string, args ...any) error {
	return eachRow(ctx, tx, query, args, func(rows *sql.Rows) error {
		var (
			sign, submitted, version                        int64
			agency, service, center, channel, code, answers string
			score                                           float64
			top2                                            bool
		)
		if err := rows.Scan(&sign, &submitted, &agency, &service, &center, &channel, &code, &version, &answers, &score, &top2); err != nil {
			return err
		}
		t := fromUnixMicro(submitted, s.loc)
		day, month := int64(scoring.DayKey(t, s.loc)), int64(scoring.MonthIndex(t, s.loc))
		bump(c.day, verifyDayKey{day, agency, service, center, channel}, sign, score, top2, true)
		bump(c.aday, verifyAgencyDayKey{day, agency}, sign, score, top2, true)
		bump(c.month, verifyMonthKey{month, agency}, sign, score, top2, true)
		dec := json.NewDecoder(bytes.NewReader([]byte(answers)))
		dec.UseNumber()
		var vals map[string]any
		if err := dec.Decode(&vals); err != nil {
			return fmt.Errorf("response answers %q: %w", answers, err)
		}
		for q, v := range vals {
			var value int64
			switch x := v.(type) {
			case json.Number:
				n, err := x.Int64()
				if err != nil {
					return fmt.Errorf("response answer %s=%s is not an integer", q, x)
				}
				value = n
			case bool:
				if x {
					value = 1
				}
			default: // text answers are never scored
				continue
			}
			bump(c.answer, verifyAnswerKey{day, agency, code, version, q, value}, sign, 0, false, false)
		}
		return nil
	})
}

// readCells adds the stored cells to c.
func readCells(ctx context.Context, tx bun.Tx, c *cellSet, agency string) error {
	return eachCell(ctx, tx, agency, func(d DayCell) {
		addTally(c.day, verifyDayKey{int64(d.Day), d.Agency, d.Service, d.Center, d.Channel},
			tally{n: d.N, top2: d.NTop2, sumR: d.SumR, sumR2: d.SumR2})
	}, func(d AgencyDayCell) {
		addTally(c.aday, verifyAgencyDayKey{int64(d.Day), d.Agency}, tally{n: d.N, top2: d.NTop2, sumR: d.SumR, sumR2: d.SumR2})
		c.keep(packKey{packDay, d.Day}, packedCell{d.Agency, d.N, d.SumR, d.SumR2, d.NTop2})
	}, func(m MonthCell) {
		addTally(c.month, verifyMonthKey{int64(m.Month), m.Agency}, tally{n: m.N, top2: m.NTop2, sumR: m.SumR, sumR2: m.SumR2})
		c.keep(packKey{packMonth, m.Month}, packedCell{m.Agency, m.N, m.SumR, m.SumR2, m.NTop2})
	}, func(a AnswerCell) {
		addTally(c.answer, verifyAnswerKey{int64(a.Day), a.Agency, a.Survey, int64(a.SurveyVersion), a.Question, int64(a.Value)}, tally{n: a.N})
	})
}

// keep records a stored cell of a pack's key.
func (c *cellSet) keep(k packKey, cell packedCell) {
	m := c.stored[k]
	if m == nil {
		m = map[string]packedCell{}
		c.stored[k] = m
	}
	m[cell.agency] = cell
}

// verifyPacks compares every stored pack (store_pack.go) with its key's cells as stored: a pack with data must
// hold exactly those cells, bit for bit, in parts 0..n without a gap (agency "": every agency's entries; else
// that agency's). A pack without data is stale by design and is not compared.
func verifyPacks(ctx context.Context, tx bun.IDB, stored map[packKey]map[string]packedCell, agency string) ([]string, error) {
	var diffs []string
	var cur packKey
	var seen map[string]packedCell
	parts, live := 0, false
	finish := func() {
		if !live {
			return
		}
		for a, want := range stored[cur] {
			if agency != "" && a != agency {
				continue
			}
			if got, ok := seen[a]; !ok || got != want {
				diffs = append(diffs, fmt.Sprintf("agg_pack %s %d: %s packed %+v, cell %+v", cur.kind, cur.k, a, got, want))
			}
		}
		for a, got := range seen {
			if _, ok := stored[cur][a]; !ok && (agency == "" || a == agency) {
				diffs = append(diffs, fmt.Sprintf("agg_pack %s %d: %s packed %+v, no cell", cur.kind, cur.k, a, got))
			}
		}
	}
	stale := false // the current key's part 0 has no data: it must have no other part
	// cur starts as no key ("" is no kind), so the first row begins one.
	err := eachRow(ctx, tx, "SELECT kind, k, part, data FROM agg_pack ORDER BY kind, k, part", nil, func(rows *sql.Rows) error {
		var k packKey
		var part int
		var data []byte
		if err := rows.Scan(&k.kind, &k.k, &part, &data); err != nil {
			return err
		}
		if k != cur {
			finish()
			cur, seen, parts = k, map[string]packedCell{}, 0
			stale = part == 0 && data == nil
			live = part == 0 && data != nil
			if part != 0 {
				diffs = append(diffs, fmt.Sprintf("agg_pack %s %d: part %d without part 0", k.kind, k.k, part))
			}
			if !live {
				return nil
			}
		} else if !live {
			if stale {
				diffs = append(diffs, fmt.Sprintf("agg_pack %s %d: part %d of a stale pack", k.kind, k.k, part))
			}
			return nil
		}
		if part != parts || data == nil {
			diffs = append(diffs, fmt.Sprintf("agg_pack %s %d: part %d where part %d was due", k.kind, k.k, part, parts))
			live = false
			return nil
		}
		parts++
		err := eachPacked(data, func(a []byte, n int64, sumR, sumR2 float64, nTop2 int64) {
			if _, dup := seen[string(a)]; dup {
				diffs = append(diffs, fmt.Sprintf("agg_pack %s %d: %s packed twice", k.kind, k.k, a))
			}
			seen[string(a)] = packedCell{string(a), n, sumR, sumR2, nTop2}
		})
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("agg_pack %s %d part %d: %v", k.kind, k.k, part, err))
			live = false
		}
		return nil
	})
	finish()
	return diffs, err
}

// dropBefore forgets the cells of days before day (YYYYMMDD) and months before month (year*12+month-1).
func (c *cellSet) dropBefore(day, month int64) {
	maps.DeleteFunc(c.day, func(k verifyDayKey, _ *tally) bool { return k.day < day })
	maps.DeleteFunc(c.aday, func(k verifyAgencyDayKey, _ *tally) bool { return k.day < day })
	maps.DeleteFunc(c.month, func(k verifyMonthKey, _ *tally) bool { return k.month < month })
	maps.DeleteFunc(c.answer, func(k verifyAnswerKey, _ *tally) bool { return k.day < day })
}

func addTally[K comparable](m map[K]*tally, k K, t tally) {
	x := m[k]
	if x == nil {
		x = &tally{}
		m[k] = x
	}
	x.n += t.n
	x.top2 += t.top2
	x.sumR += t.sumR
	x.sumR2 += t.sumR2
}

// compareCells lists the keys whose tallies differ; a missing cell equals an all-zero one.
func compareCells[K comparable](diffs []string, table string, want, got map[K]*tally) []string {
	zero := &tally{}
	check := func(k K, w, g *tally) {
		if w == nil {
			w = zero
		}
		if g == nil {
			g = zero
		}
		if w.n != g.n || w.top2 != g.top2 || !near(w.sumR, g.sumR) || !near(w.sumR2, g.sumR2) {
			diffs = append(diffs, fmt.Sprintf("%s %v: recount n=%d top2=%d Σr=%g Σr²=%g, cells n=%d top2=%d Σr=%g Σr²=%g",
				table, k, w.n, w.top2, w.sumR, w.sumR2, g.n, g.top2, g.sumR, g.sumR2))
		}
	}
	for k, w := range want {
		check(k, w, got[k])
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			check(k, nil, g)
		}
	}
	return diffs
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= verifyTolerance*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
