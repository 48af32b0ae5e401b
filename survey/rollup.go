package survey

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// The roll-up folds the pending changes of counted responses into the cells (cell.go) in batches, in a
// write transaction. Writers never touch a shared cell row, and several instances may roll up at once
// (serialised by a lock). Reads never roll up themselves: they ask the store's roll-up goroutine (roller.go).

// pendingRow is one pending change (sign +1: now counted, −1: no longer counted) with its response's
// cellColumns.
type pendingRow struct {
	id, sign int64
	response Response
}

const rollupBatch = 5000

// rollupLockID is the PostgreSQL advisory lock that serialises roll-ups across instances.
const rollupLockID = 7_310_001

// Rollup folds every pending change into the cells and returns how many changes it merged.
func (s *Store) Rollup(ctx context.Context) (int, error) {
	s.rollupMu.Lock()
	defer s.rollupMu.Unlock()
	if s.zoneChecked {
		// Fast path for the periodic pass: nothing pending, no transaction.
		if pending, err := anyPending(ctx, s.db); err != nil || !pending {
			return 0, err
		}
	}
	total := 0
	for {
		n, err := s.rollupOnce(ctx)
		total += n
		if err != nil || n < rollupBatch {
			return total, err
		}
	}
}

func (s *Store) rollupOnce(ctx context.Context) (int, error) {
	var merged int
	err := s.inTx(ctx, func(tx bun.Tx) error {
		if s.dialect == "pg" {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", rollupLockID); err != nil {
				return err
			}
		}
		if err := s.checkCellZone(ctx, tx); err != nil {
			return err
		}
		rows, err := pendingBatch(ctx, tx, s.dialect, rollupBatch)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		deltas := newCellDeltas(s.loc)
		for i := range rows {
			deltas.add(rows[i].sign, &rows[i].response)
		}
		if err := deltas.flush(ctx, tx, liveCells); err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.id
		}
		if _, err := tx.NewDelete().Table("agg_pending").Where("id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
			return err
		}
		merged = len(rows)
		return nil
	})
	return merged, err
}

// cellDeltas accumulates signed changes of counted responses as cell deltas. Nothing in it points anywhere
// (the cells' names are numbered, see cellNames), so the collector never has to scan it: a bulk write keeps
// up to bulkDeltaCells of them alive all along.
type cellDeltas struct {
	loc     *time.Location
	names   cellNames
	days    deltaSet[dayKey, cellSums]
	adays   deltaSet[agencyDayKey, cellSums]
	months  deltaSet[monthKey, cellSums]
	answers deltaSet[answerKey, int64]
	pairs   []rawAnswer // scratch
}

// The keys of the cells (DayCell, AgencyDayCell, MonthCell, AnswerCell), their names numbered by cellNames.
type (
	dayKey struct {
		day                              int32
		agency, service, center, channel int32
	}
	agencyDayKey struct{ day, agency int32 }
	monthKey     struct{ month, agency int32 }
	answerKey    struct {
		day, version             int32
		value                    int64 // any value a stored answer holds, not only what Prepare lets in
		agency, survey, question int32
	}
)

// cellNames numbers the names (codes) in cell keys, each kept once: a name read from a file is a slice of a
// whole record, which a long-lived cell would otherwise keep in memory.
type cellNames struct {
	number map[string]int32
	names  []string
}

func (n *cellNames) of(s string) int32 {
	if i, ok := n.number[s]; ok {
		return i
	}
	if n.number == nil {
		n.number = map[string]int32{}
	}
	i := int32(len(n.names))
	s = strings.Clone(s)
	n.names = append(n.names, s)
	n.number[s] = i
	return i
}

func (n *cellNames) name(i int32) string { return n.names[i] }

// deltaSet holds cells keyed by K with values V.
type deltaSet[K comparable, V any] map[K]V

// each changes every cell in place.
func (s deltaSet[K, V]) each(change func(*V)) {
	for k, v := range s {
		change(&v)
		s[k] = v
	}
}

// add adds to k's cell (at zero when there is none yet).
func (s *deltaSet[K, V]) add(k K, add func(*V)) {
	if *s == nil {
		*s = deltaSet[K, V]{}
	}
	v := (*s)[k]
	add(&v)
	(*s)[k] = v
}

func newCellDeltas(loc *time.Location) *cellDeltas { return &cellDeltas{loc: loc} }

func (c *cellDeltas) len() int { return len(c.days) + len(c.adays) + len(c.months) + len(c.answers) }

// add folds one response in with sign +1 (counted) or −1 (no longer counted).
func (c *cellDeltas) add(sign int64, r *Response) {
	t := fromUnixMicro(r.SubmittedUS, c.loc)
	day := int32(scoring.DayKey(t, c.loc))
	agency := c.names.of(r.Agency)
	sums := func(s *cellSums) { s.add(sign, r.Score, r.Top2) }
	c.days.add(dayKey{day, agency, c.names.of(r.Service), c.names.of(r.Center), c.names.of(r.Channel)}, sums)
	c.adays.add(agencyDayKey{day, agency}, sums)
	c.months.add(monthKey{int32(scoring.MonthIndex(t, c.loc)), agency}, sums)
	pairs, ok := splitAnswers(r.Answers, c.pairs[:0])
	c.pairs = pairs
	if !ok {
		var vals map[string]json.RawMessage
		if json.Unmarshal([]byte(r.Answers), &vals) != nil {
			return
		}
		pairs = pairs[:0]
		for q, v := range vals {
			pairs = append(pairs, rawAnswer{q, string(v)})
		}
	}
	survey := c.names.of(r.Survey)
	for _, p := range pairs {
		iv, scored := answerValue(p.val)
		if !scored {
			continue // text answers are never scored
		}
		k := answerKey{day: day, version: int32(r.SurveyVersion), value: int64(iv), agency: agency, survey: survey, question: c.names.of(p.key)}
		c.answers.add(k, func(n *int64) { *n += sign })
	}
}

// cells lists the deltas as cells.
func (c *cellDeltas) cells() (days []*DayCell, adays []*AgencyDayCell, months []*MonthCell, answers []*AnswerCell) {
	n := c.names.name
	dl := make([]DayCell, 0, len(c.days))
	for k, v := range c.days {
		dl = append(dl, DayCell{Day: int(k.day), Agency: n(k.agency), Service: n(k.service), Center: n(k.center), Channel: n(k.channel), cellSums: v})
		days = append(days, &dl[len(dl)-1])
	}
	adl := make([]AgencyDayCell, 0, len(c.adays))
	for k, v := range c.adays {
		adl = append(adl, AgencyDayCell{Day: int(k.day), Agency: n(k.agency), cellSums: v})
		adays = append(adays, &adl[len(adl)-1])
	}
	ml := make([]MonthCell, 0, len(c.months))
	for k, v := range c.months {
		ml = append(ml, MonthCell{Month: int(k.month), Agency: n(k.agency), cellSums: v})
		months = append(months, &ml[len(ml)-1])
	}
	al := make([]AnswerCell, 0, len(c.answers))
	for k, v := range c.answers {
		al = append(al, AnswerCell{Day: int(k.day), Agency: n(k.agency), Survey: n(k.survey), SurveyVersion: int(k.version), Question: n(k.question), Value: int(k.value), N: v})
		answers = append(answers, &al[len(al)-1])
	}
	return days, adays, months, answers
}

// answerValue is the cell value of one stored answer (a JSON number or true/false); text and null are not
// scored.
func answerValue(v string) (int, bool) {
	switch v {
	case "true":
		return 1, true
	case "false":
		return 0, true
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n, true
	}
	var f float64 // other JSON numbers (never in stored answers, which hold integers)
	if json.Unmarshal([]byte(v), &f) == nil {
		return int(f), true
	}
	return 0, false
}

// addResponse folds in a newly stored counted response.
func (c *cellDeltas) addResponse(r *Response) {
	if r.Status != StatusCounted {
		return
	}
	c.add(1, r)
}

// negate turns every delta into its opposite (to take rows back out).
func (c *cellDeltas) negate() {
	c.days.each((*cellSums).negate)
	c.adays.each((*cellSums).negate)
	c.months.each((*cellSums).negate)
	c.answers.each(func(n *int64) { *n = -*n })
}

// flush writes the deltas into the tables of into and starts over. Into staging tables (whose rows need no
// order) it writes them flushPart cells at a time: the cells it lists, with their strings, stay few whatever
// the number of deltas.
func (c *cellDeltas) flush(ctx context.Context, tx bun.Tx, into cellTables) error {
	for c.len() > 0 {
		part := c
		if !into.add && flushPart > 0 && c.len() > flushPart {
			part = c.takePart(flushPart)
		}
		days, adays, months, answers := part.cells()
		if err := writeCells(ctx, tx, into, days, adays, months, answers); err != nil {
			return err
		}
		part.reset()
	}
	return nil
}

var flushPart = 20_000 // a variable for tests

// takePart moves up to n cells out of c into deltas of their own.
func (c *cellDeltas) takePart(n int) *cellDeltas {
	p := &cellDeltas{loc: c.loc, names: c.names}
	n -= moveCells(&p.days, c.days, n)
	n -= moveCells(&p.adays, c.adays, n)
	n -= moveCells(&p.months, c.months, n)
	moveCells(&p.answers, c.answers, n)
	return p
}

func moveCells[K comparable, V any](to *deltaSet[K, V], from deltaSet[K, V], n int) (moved int) {
	for k, v := range from {
		if moved == n {
			break
		}
		if *to == nil {
			*to = deltaSet[K, V]{}
		}
		(*to)[k] = v
		delete(from, k)
		moved++
	}
	return moved
}

// reset empties the deltas, keeping the maps' room for the next ones.
func (c *cellDeltas) reset() {
	clear(c.days)
	clear(c.adays)
	clear(c.months)
	clear(c.answers)
}

// cellTables is where cell deltas are written: the cells themselves (add: each delta is added to its cell) or
// a bulk write's staging tables (each delta is appended as a row, and applyStagedCells adds them all at the
// end: an import whose rows come back to the same cells again and again updates each cell once, not once per
// hand-over of deltas).
type cellTables struct {
	day, agencyDay, month, answer string
	add                           bool
}

var (
	liveCells   = cellTables{"agg_day", "agg_agency_day", "agg_month", "agg_answer", true}
	stagedCells = cellTables{"bulk_agg_day", "bulk_agg_agency_day", "bulk_agg_month", "bulk_agg_answer", false}
)

// writeCells writes the deltas into the tables of into, in key order so concurrent roll-ups cannot deadlock.
func writeCells(ctx context.Context, tx bun.Tx, into cellTables, dl []*DayCell, adl []*AgencyDayCell, ml []*MonthCell, al []*AnswerCell) error {
	// Any fixed order will do: it only has to be the same in every concurrent roll-up.
	slices.SortFunc(dl, func(a, b *DayCell) int {
		return cmp.Or(cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Center, b.Center), cmp.Compare(a.Channel, b.Channel))
	})
	slices.SortFunc(adl, func(a, b *AgencyDayCell) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Agency, b.Agency))
	})
	slices.SortFunc(ml, func(a, b *MonthCell) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Agency, b.Agency))
	})
	slices.SortFunc(al, func(a, b *AnswerCell) int {
		return cmp.Or(cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Survey, b.Survey),
			cmp.Compare(a.SurveyVersion, b.SurveyVersion), cmp.Compare(a.Question, b.Question), cmp.Compare(a.Value, b.Value))
	})
	if into.add {
		if err := touchCellPacks(ctx, tx, adl, ml); err != nil {
			return err
		}
	}
	if tx.Dialect().Name() == dialect.SQLite {
		return upsertCellsSQLite(ctx, tx, into, dl, adl, ml, al)
	}
	return upsertCellsPG(ctx, tx, into, dl, adl, ml, al)
}

// unnestChunk cells go into one PostgreSQL upsert. The cells travel as one array per column (unnest), so the
// statement's plan is the same whatever their number; a VALUES list of 500 rows took as long to parse and plan
// as to run (an import's cell upserts were half of its database time; docs/scaling.md).
const unnestChunk = 5000

// The columns a delta adds to its cell.
var (
	sumColumns   = []string{"n", "sum_r", "sum_r2", "n_top2"}
	countColumns = []string{"n"}
)

// conflict is what follows a write of deltas into table: on the cells themselves, the ON CONFLICT clause that
// adds each delta's columns cols to its cell (key: the cell's primary key); on staging tables, nothing.
func (t cellTables) conflict(pg bool, table, key string, cols []string) string {
	if !t.add {
		return ""
	}
	set := make([]string, len(cols))
	for i, c := range cols {
		if pg {
			set[i] = fmt.Sprintf("%[1]s = %[2]s.%[1]s + EXCLUDED.%[1]s", c, table)
		} else {
			set[i] = fmt.Sprintf("%[1]s = %[1]s + excluded.%[1]s", c)
		}
	}
	return " ON CONFLICT " + key + " DO UPDATE SET " + strings.Join(set, ", ")
}

// upsertCellsPG writes the sorted deltas on PostgreSQL, in their order (WITH ORDINALITY … ORDER BY).
func upsertCellsPG(ctx context.Context, tx bun.Tx, into cellTables, days []*DayCell, adays []*AgencyDayCell, months []*MonthCell, answers []*AnswerCell) error {
	cellArrays := func(c cellSums, n *[]int64, sumR, sumR2 *[]float64, nTop2 *[]int64) {
		*n, *sumR, *sumR2, *nTop2 = append(*n, c.N), append(*sumR, c.SumR), append(*sumR2, c.SumR2), append(*nTop2, c.NTop2)
	}
	err := upsertUnnest(ctx, tx, days, into.day, "day bigint, agency_code text, service_code text, center_code text, channel text, n bigint, sum_r double precision, sum_r2 double precision, n_top2 bigint",
		into.conflict(true, into.day, dayCellKey, sumColumns),
		func(part []*DayCell) []any {
			var day, n, nTop2 []int64
			var agency, service, center, channel []string
			var sumR, sumR2 []float64
			for _, d := range part {
				day, agency, service, center, channel = append(day, int64(d.Day)), append(agency, d.Agency), append(service, d.Service), append(center, d.Center), append(channel, d.Channel)
				cellArrays(d.cellSums, &n, &sumR, &sumR2, &nTop2)
			}
			return []any{day, agency, service, center, channel, n, sumR, sumR2, nTop2}
		})
	if err != nil {
		return err
	}
	err = upsertUnnest(ctx, tx, adays, into.agencyDay, "day bigint, agency_code text, n bigint, sum_r double precision, sum_r2 double precision, n_top2 bigint",
		into.conflict(true, into.agencyDay, agencyDayCellKey, sumColumns),
		func(part []*AgencyDayCell) []any {
			return keyedArrays(part, func(d *AgencyDayCell) (int, string, cellSums) { return d.Day, d.Agency, d.cellSums })
		})
	if err != nil {
		return err
	}
	err = upsertUnnest(ctx, tx, months, into.month, "month bigint, agency_code text, n bigint, sum_r double precision, sum_r2 double precision, n_top2 bigint",
		into.conflict(true, into.month, monthCellKey, sumColumns),
		func(part []*MonthCell) []any {
			return keyedArrays(part, func(m *MonthCell) (int, string, cellSums) { return m.Month, m.Agency, m.cellSums })
		})
	if err != nil {
		return err
	}
	return upsertUnnest(ctx, tx, answers, into.answer, "day bigint, agency_code text, survey_code text, survey_version integer, question text, value bigint, n bigint",
		into.conflict(true, into.answer, answerCellKey, countColumns),
		func(part []*AnswerCell) []any {
			var day, version, value, n []int64
			var agency, survey, question []string
			for _, a := range part {
				day, agency, survey, version = append(day, int64(a.Day)), append(agency, a.Agency), append(survey, a.Survey), append(version, int64(a.SurveyVersion))
				question, value, n = append(question, a.Question), append(value, int64(a.Value)), append(n, a.N)
			}
			return []any{day, agency, survey, version, question, value, n}
		})
}

// The primary keys of the cell tables.
const (
	dayCellKey       = "(agency_code, day, service_code, center_code, channel)"
	agencyDayCellKey = "(day, agency_code)"
	monthCellKey     = "(month, agency_code)"
	answerCellKey    = "(agency_code, day, survey_code, survey_version, question, value)"
)

// keyedArrays are the column arrays of cells keyed by (key, agency): key, agency_code, n, sum_r, sum_r2, n_top2.
func keyedArrays[T any](part []T, of func(T) (int, string, cellSums)) []any {
	var key, n, nTop2 []int64
	var agency []string
	var sumR, sumR2 []float64
	for _, c := range part {
		k, a, sums := of(c)
		key, agency = append(key, int64(k)), append(agency, a)
		n, sumR, sumR2, nTop2 = append(n, sums.N), append(sumR, sums.SumR), append(sumR2, sums.SumR2), append(nTop2, sums.NTop2)
	}
	return []any{key, agency, n, sumR, sumR2, nTop2}
}

// upsertUnnest upserts cells (in their order) into table, unnestChunk at a time: columns are the table's
// columns with their types ("name type, …"), onConflict what follows (cellTables.conflict), arrays one array per column
// of a part of the cells.
func upsertUnnest[T any](ctx context.Context, tx bun.Tx, cells []T, table, columns, onConflict string, arrays func([]T) []any) error {
	var names, params []string
	for c := range strings.SplitSeq(columns, ", ") {
		name, typ, _ := strings.Cut(c, " ")
		names = append(names, name)
		params = append(params, "?::"+typ+"[]")
	}
	q := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") SELECT " + strings.Join(names, ", ") +
		" FROM unnest(" + strings.Join(params, ", ") + ") WITH ORDINALITY AS u (" + strings.Join(names, ", ") + ", ord) ORDER BY ord" +
		onConflict
	for i := 0; i < len(cells); i += unnestChunk {
		args := arrays(cells[i:min(i+unnestChunk, len(cells))])
		for j, a := range args {
			args[j] = pgdialect.Array(a)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// touchCellPacks marks the packs of the months and days whose cells this write changes (store_pack.go).
func touchCellPacks(ctx context.Context, tx bun.Tx, adays []*AgencyDayCell, months []*MonthCell) error {
	keys := make([]int, 0, len(adays))
	for _, d := range adays {
		keys = append(keys, d.Day)
	}
	if err := touchPacks(ctx, tx, packDay, keys); err != nil {
		return err
	}
	keys = keys[:0]
	for _, m := range months {
		keys = append(keys, m.Month)
	}
	return touchPacks(ctx, tx, packMonth, keys)
}

// cellBatchRows cells go into one prepared SQLite upsert (batchedInsert).
const cellBatchRows = 32

// upsertCellsSQLite writes the sorted deltas on SQLite with prepared statements of cellBatchRows cells.
func upsertCellsSQLite(ctx context.Context, tx bun.Tx, into cellTables, days []*DayCell, adays []*AgencyDayCell, months []*MonthCell, answers []*AnswerCell) error {
	err := upsertBatched(ctx, tx, days, "INSERT INTO "+into.day+" (day, agency_code, service_code, center_code, channel, n, sum_r, sum_r2, n_top2) VALUES ",
		into.conflict(false, into.day, dayCellKey, sumColumns),
		func(args []any, d *DayCell) []any {
			return append(args, int64(d.Day), d.Agency, d.Service, d.Center, d.Channel, d.N, d.SumR, d.SumR2, d.NTop2)
		})
	if err != nil {
		return err
	}
	err = upsertBatched(ctx, tx, adays, "INSERT INTO "+into.agencyDay+" (day, agency_code, n, sum_r, sum_r2, n_top2) VALUES ",
		into.conflict(false, into.agencyDay, agencyDayCellKey, sumColumns),
		func(args []any, d *AgencyDayCell) []any {
			return append(args, int64(d.Day), d.Agency, d.N, d.SumR, d.SumR2, d.NTop2)
		})
	if err != nil {
		return err
	}
	err = upsertBatched(ctx, tx, months, "INSERT INTO "+into.month+" (month, agency_code, n, sum_r, sum_r2, n_top2) VALUES ",
		into.conflict(false, into.month, monthCellKey, sumColumns),
		func(args []any, m *MonthCell) []any {
			return append(args, int64(m.Month), m.Agency, m.N, m.SumR, m.SumR2, m.NTop2)
		})
	if err != nil {
		return err
	}
	return upsertBatched(ctx, tx, answers, "INSERT INTO "+into.answer+" (day, agency_code, survey_code, survey_version, question, value, n) VALUES ",
		into.conflict(false, into.answer, answerCellKey, countColumns),
		func(args []any, a *AnswerCell) []any {
			return append(args, int64(a.Day), a.Agency, a.Survey, int64(a.SurveyVersion), a.Question, int64(a.Value), a.N)
		})
}

// upsertBatched runs head … tail over cells, cellBatchRows a statement; values appends one cell's values.
func upsertBatched[C any](ctx context.Context, tx bun.Tx, cells []C, head, tail string, values func([]any, C) []any) error {
	if len(cells) == 0 {
		return nil
	}
	width := len(values(nil, cells[0]))
	ins := newBatchedInsert(tx.Tx, head, width, tail)
	defer ins.close()
	args := make([]any, 0, cellBatchRows*width)
	for from := 0; from < len(cells); from += cellBatchRows {
		args = args[:0]
		for _, c := range cells[from:min(from+cellBatchRows, len(cells))] {
			args = values(args, c)
		}
		if _, err := ins.exec(ctx, args); err != nil {
			return err
		}
	}
	return ins.close()
}

// checkCellZone rebuilds the cells when QIYMET_TIMEZONE changed since they were built: days and months
// begin at other instants then.
func (s *Store) checkCellZone(ctx context.Context, tx bun.Tx) error {
	zone, err := cellZone(ctx, tx)
	if err != nil {
		return err
	}
	if zone == s.loc.String() {
		s.zoneChecked = true
		return nil
	}
	// A rebuild recounts the stored rows: the months archived (store_partition.go) would drop out of the cells.
	if archived, err := archivedBefore(ctx, tx); err != nil {
		return err
	} else if archived > 0 && zone != "" {
		return fmt.Errorf("the summary cells were built for time zone %s and responses before %s are archived: a rebuild for %s would lose them; keep QIYMET_TIMEZONE=%s (docs/scaling.md, \"Partitions and archives\")",
			zone, time.UnixMicro(archived).In(s.loc).Format("2006-01-02"), s.loc, zone)
	}
	// The pending changes become one for each counted row. On PostgreSQL that is one statement, so one snapshot:
	// a submission that commits meanwhile keeps its own pending change and is not also counted from its row. As
	// two statements under READ COMMITTED, one committed between them lost nothing to the DELETE (not yet
	// visible) and was picked up again by the INSERT (visible): counted twice (TestSubmitDuringZoneRebuild).
	// SQLite has one writer: nothing commits in between.
	stmts := []string{"DELETE FROM agg_day", "DELETE FROM agg_agency_day", "DELETE FROM agg_month", "DELETE FROM agg_answer",
		"UPDATE agg_pack SET version = version + 1, data = NULL WHERE part = 0", "DELETE FROM agg_pack WHERE part > 0"}
	const recount = "INSERT INTO agg_pending (response_seq, sign, submitted_us) SELECT seq, 1, submitted_us FROM responses WHERE status = 'counted'"
	if s.dialect == "pg" {
		stmts = append(stmts, "WITH gone AS (DELETE FROM agg_pending) "+recount)
	} else {
		stmts = append(stmts, "DELETE FROM agg_pending", recount)
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	_, err = tx.NewInsert().Model(&metaRow{Key: "agg_timezone", Value: s.loc.String()}).
		On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value").Exec(ctx)
	return err
}
