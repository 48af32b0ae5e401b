package survey

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
)

// copySink is PostgreSQL's. Rows are encoded as COPY text in chunks; a goroutine stores each chunk while the
// caller prepares the next, so the database's work on one chunk overlaps the caller's on the next. A chunk's
// rows are first COPYed straight into response_keys and responses under a savepoint: with no id stored before
// (a first import) that is all. If some id is stored already (or repeats in the chunk), the chunk goes the long
// way instead: COPY into a temporary table (no indexes, no WAL), take out the rows whose id is stored (their
// cell deltas back out), and one INSERT … SELECT into responses.
type copySink struct {
	conn      bun.Conn
	tx        bun.Tx
	skipped   *cellDeltas // the storer's until done
	conflicts *bulkConflicts
	chunk     copyChunk
	storer    *storer[copyChunk]
	stored    chan copyChunk // chunks stored, emptied, to be filled again (their room kept)
	n         int64          // rows inserted, the storer's until done
}

// copyChunk is up to copyChunkRows rows: each row's line in rows (COPY text of responseColumns) and in keys
// (of keyColumns), its line in the file and its time. seq is not in the text: the storer draws it.
type copyChunk struct {
	rows, keys         []byte
	rowStart, keyStart []int32 // where each row's line begins in rows and keys
	lines              []int32
	times              []int64
	deltas             *cellDeltas // when set: added to the cells after the rows (addDeltas)
}

func (ch *copyChunk) len() int { return len(ch.lines) }

// ordered lists the chunk's rows (their index) in the order of compare.
func (ch *copyChunk) ordered(compare func(a, b int32) int) []int32 {
	o := make([]int32, ch.len())
	for i := range o {
		o[i] = int32(i)
	}
	slices.SortStableFunc(o, compare)
	return o
}

// id is row i's id: the first field of its key line (keyColumns).
func (ch *copyChunk) id(i int32) []byte {
	line := ch.keys[ch.keyStart[i]:]
	return line[:bytes.IndexByte(line, '\t')]
}

// keyColumns are what response_keys holds of a row besides its seq, the id first (copyChunk.id).
var keyColumns = responseColumns.pick("id", "invitation_id", "submitted_us")

// copyChunkRows rows make one chunk (~8 MB of COPY text); at most four chunks are in memory at once (one being
// filled, one queued, one being stored, one emptied for reuse).
var copyChunkRows = 25_000 // a variable for tests

// copyChunkBytes of COPY text end a chunk sooner: rows may be long (a hundred text answers), and a chunk's
// offsets are int32.
var copyChunkBytes = 32 << 20 // a variable for tests

func newCopySink(ctx context.Context, conn bun.Conn, tx bun.Tx, skipped *cellDeltas, conflicts *bulkConflicts) (*copySink, error) {
	q := "CREATE TEMP TABLE import_rows ON COMMIT DROP AS SELECT seq, 0 AS line, " + responseColumns.sql("") + " FROM responses WITH NO DATA"
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return nil, err
	}
	c := &copySink{conn: conn, tx: tx, skipped: skipped, conflicts: conflicts, stored: make(chan copyChunk, 1)}
	c.storer = startStorer(1, func(ch copyChunk) error { return c.store(ctx, ch) })
	return c, nil
}

func (c *copySink) store(ctx context.Context, ch copyChunk) error {
	if ch.len() > 0 {
		if err := c.storeRows(ctx, &ch); err != nil {
			return err
		}
		select {
		case c.stored <- copyChunk{rows: ch.rows[:0], keys: ch.keys[:0], rowStart: ch.rowStart[:0], keyStart: ch.keyStart[:0],
			lines: ch.lines[:0], times: ch.times[:0]}:
		default:
		}
	}
	if ch.deltas == nil {
		return nil
	}
	c.skipped.negate()
	if err := c.stageDeltas(ctx, c.skipped); err != nil {
		return err
	}
	return c.stageDeltas(ctx, ch.deltas)
}

// stageDeltas appends d to the staging tables with COPY, in no order (applyStagedCells sorts), and empties d.
// The text goes out every copyTextBytes, so its buffer stays small whatever the number of cells.
func (c *copySink) stageDeltas(ctx context.Context, d *cellDeltas) error {
	w := &copyText{ctx: ctx, conn: c.conn}
	name := func(i int32) { w.text(d.names.name(i)) }
	w.start(stagedCells.day + " (day, agency_code, service_code, center_code, channel, n, sum_r, sum_r2, n_top2)")
	for k, v := range d.days {
		w.int(int64(k.day))
		name(k.agency)
		name(k.service)
		name(k.center)
		name(k.channel)
		w.sums(v)
	}
	copyKeyed(w, &d.names, stagedCells.agencyDay+" (day, agency_code, n, sum_r, sum_r2, n_top2)", d.adays,
		func(k agencyDayKey) (int32, int32) { return k.day, k.agency })
	copyKeyed(w, &d.names, stagedCells.month+" (month, agency_code, n, sum_r, sum_r2, n_top2)", d.months,
		func(k monthKey) (int32, int32) { return k.month, k.agency })
	w.start(stagedCells.answer + " (day, agency_code, survey_code, survey_version, question, value, n)")
	for k, v := range d.answers {
		w.int(int64(k.day))
		name(k.agency)
		name(k.survey)
		w.int(int64(k.version))
		name(k.question)
		w.int(k.value)
		w.int(v)
		w.endRow()
	}
	w.send()
	d.reset()
	return w.err
}

// copyKeyed writes cells keyed by (a day or month, an agency) into table.
func copyKeyed[K comparable](w *copyText, names *cellNames, table string, cells deltaSet[K, cellSums], key func(K) (int32, int32)) {
	w.start(table)
	for k, v := range cells {
		at, agency := key(k)
		w.int(int64(at))
		w.text(names.name(agency))
		w.sums(v)
	}
}

// copyText writes rows of COPY text into a table (start), sending them every copyTextBytes; the first failure
// stops it (err).
type copyText struct {
	ctx   context.Context
	conn  bun.Conn
	table string
	b     []byte
	err   error
}

const copyTextBytes = 1 << 20

func (w *copyText) start(table string) {
	w.send()
	w.table = table
}

func (w *copyText) send() {
	if len(w.b) > 0 && w.err == nil {
		_, w.err = pgdriver.CopyFrom(w.ctx, w.conn, bytes.NewReader(w.b), "COPY "+w.table+" FROM STDIN")
	}
	w.b = w.b[:0]
}

func (w *copyText) int(v int64) { w.b = append(strconv.AppendInt(w.b, v, 10), '\t') }

func (w *copyText) text(v string) { w.b = append(appendCopyText(w.b, v), '\t') }

// sums writes a cell's sums and ends its row.
func (w *copyText) sums(s cellSums) {
	w.int(s.N)
	w.b = append(strconv.AppendFloat(w.b, s.SumR, 'g', -1, 64), '\t')
	w.b = append(strconv.AppendFloat(w.b, s.SumR2, 'g', -1, 64), '\t')
	w.b = strconv.AppendInt(w.b, s.NTop2, 10)
	w.endRow()
}

// endRow ends a row (the tab after its last field becomes the newline).
func (w *copyText) endRow() {
	if n := len(w.b); n > 0 && w.b[n-1] == '\t' {
		w.b = w.b[:n-1]
	}
	w.b = append(w.b, '\n')
	if len(w.b) >= copyTextBytes {
		w.send()
	}
}

// storeRows stores one chunk. Its rows get seq from responses' own sequence in the order they came, so seq
// follows the input, but they go into responses in time order: the indexes on submitted_us are then filled page
// after page instead of at random places. The ids go into response_keys first (responses is partitioned: its ids
// are unique there); an id stored before, also one whose month is archived, is a unique violation of that table.
func (c *copySink) storeRows(ctx context.Context, ch *copyChunk) error {
	seqs, err := c.drawSeqs(ctx, ch.len())
	if err != nil {
		return err
	}
	byTime := ch.ordered(func(a, b int32) int { return cmp.Compare(ch.times[a], ch.times[b]) })
	// The keys in id order: their primary key's pages are then visited once each, in order, not at random
	// (1M keys by hand: 6.2–6.8 s in file order, 4.5 s sorted by 25,000).
	byID := ch.ordered(func(a, b int32) int { return bytes.Compare(ch.id(a), ch.id(b)) })
	if _, err := c.tx.ExecContext(ctx, "SAVEPOINT chunk"); err != nil {
		return err
	}
	stored, err := c.copyRows(ctx, "COPY response_keys (seq, "+keyColumns.sql("")+") FROM STDIN", ch.keys, ch.keyStart, byID, seqs, nil)
	if err == nil {
		stored, err = c.copyRows(ctx, "COPY responses (seq, "+responseColumns.sql("")+") FROM STDIN", ch.rows, ch.rowStart, byTime, seqs, nil)
	}
	skipped := 0
	if isUniqueViolation(err) {
		if _, err := c.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT chunk"); err != nil {
			return err
		}
		stored, skipped, err = c.storeTheLongWay(ctx, ch, seqs, byTime)
	}
	if err != nil {
		return err
	}
	if stored != int64(ch.len()-skipped) {
		return fmt.Errorf("bulk write: stored %d of %d rows", stored, ch.len()-skipped)
	}
	c.n += stored
	_, err = c.tx.ExecContext(ctx, "RELEASE SAVEPOINT chunk")
	return err
}

// seqRange is the values of responses' sequence a chunk drew, in increasing order: from first on without gaps
// unless other writers took values meanwhile, then each listed.
type seqRange struct {
	first  int64
	listed []int64
}

func (r seqRange) at(i int) int64 {
	if r.listed != nil {
		return r.listed[i]
	}
	return r.first + int64(i)
}

// drawSeqs takes n values of responses' sequence. The sequence is named once (a sub-select), not per row.
func (c *copySink) drawSeqs(ctx context.Context, n int) (seqRange, error) {
	var r seqRange
	var last, count int64
	q := "SELECT min(v), max(v), count(*), CASE WHEN max(v) - min(v) + 1 <> count(*) THEN array_agg(v ORDER BY v) END " +
		"FROM (SELECT nextval((SELECT pg_get_serial_sequence('responses', 'seq')::regclass)) AS v FROM generate_series(1, ?)) s"
	if err := c.tx.QueryRowContext(ctx, q, n).Scan(&r.first, &last, &count, pgdialect.Array(&r.listed)); err != nil {
		return r, err
	}
	if count != int64(n) || (r.listed == nil && last-r.first+1 != count) || (r.listed != nil && len(r.listed) != n) {
		return r, fmt.Errorf("bulk write: drew %d seq values (%d to %d) for %d rows", count, r.first, last, n)
	}
	return r, nil
}

// copyRows runs the COPY q with the chunk's lines in text (each beginning at its start), in order (nil: as they
// came), each prefixed with its seq and, when lines is set, its line in the file. It returns the rows copied.
func (c *copySink) copyRows(ctx context.Context, q string, text []byte, start, order []int32, seqs seqRange, lines []int32) (int64, error) {
	res, err := pgdriver.CopyFrom(ctx, c.conn, &prefixedLines{text: text, start: start, order: order, seqs: seqs, lines: lines}, q)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// storeTheLongWay stores a chunk some of whose ids are stored already (or repeat in the chunk): it takes those
// rows out and stores the rest. It returns the rows stored and skipped.
func (c *copySink) storeTheLongWay(ctx context.Context, ch *copyChunk, seqs seqRange, byTime []int32) (stored int64, skipped int, err error) {
	if _, err = c.copyRows(ctx, "COPY import_rows (line, seq, "+responseColumns.sql("")+") FROM STDIN", ch.rows, ch.rowStart, byTime, seqs, ch.lines); err != nil {
		return 0, 0, err
	}
	if skipped, err = c.takeOutRepeats(ctx); err != nil {
		return 0, 0, err
	}
	n, err := c.takeOutStored(ctx)
	if err != nil {
		return 0, 0, err
	}
	skipped += n
	cols := responseColumns.sql("")
	insert := "WITH keys AS (INSERT INTO response_keys (id, invitation_id, seq, submitted_us) SELECT id, invitation_id, seq, submitted_us FROM import_rows) " +
		"INSERT INTO responses (seq, " + cols + ") SELECT seq, " + cols + " FROM import_rows ORDER BY submitted_us"
	res, err := c.tx.ExecContext(ctx, insert)
	if isUniqueViolation(err) {
		// Another transaction stored one of these ids after the check: never count a row twice.
		return 0, 0, Errorf(CodeUnavailable, "", "some of these ids were stored by someone else meanwhile; run it again")
	}
	if err != nil {
		return 0, 0, err
	}
	if stored, err = res.RowsAffected(); err != nil {
		return 0, 0, err
	}
	_, err = c.tx.ExecContext(ctx, "TRUNCATE import_rows")
	return stored, skipped, err
}

// prefixedLines reads as COPY text: the lines of text in order, each prefixed with its line in the file (when
// lines is set) and its seq.
type prefixedLines struct {
	text         []byte
	start, order []int32
	seqs         seqRange
	lines        []int32
	next         int
	buf          []byte // the line being read: pending is what is left of it
	pending      []byte
}

// Read fills b as far as it can: the driver sends each Read as one message (and one write).
func (p *prefixedLines) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		if len(p.pending) == 0 && !p.nextLine() {
			if n == 0 {
				return 0, io.EOF
			}
			break
		}
		m := copy(b[n:], p.pending)
		p.pending = p.pending[m:]
		n += m
	}
	return n, nil
}

// nextLine prepares the next line in pending; false at the end.
func (p *prefixedLines) nextLine() bool {
	if p.next == len(p.start) {
		return false
	}
	i := p.next
	if p.order != nil {
		i = int(p.order[p.next])
	}
	p.next++
	end := len(p.text)
	if i+1 < len(p.start) {
		end = int(p.start[i+1])
	}
	p.buf = p.buf[:0]
	if p.lines != nil {
		p.buf = append(strconv.AppendInt(p.buf, int64(p.lines[i]), 10), '\t')
	}
	p.buf = append(strconv.AppendInt(p.buf, p.seqs.at(i), 10), '\t')
	p.buf = append(p.buf, p.text[p.start[i]:end]...)
	p.pending = p.buf
	return true
}

// takenOutColumns are what the cell deltas need of a row taken out: its cell columns and its status.
var takenOutColumns = append(responseColumns.pick("status"), cellColumns...)

// takeOutRepeats deletes the chunk's rows that repeat an earlier row of the chunk's id, takes their cell deltas
// back out, and checks each against the first row with its id.
func (c *copySink) takeOutRepeats(ctx context.Context) (int, error) {
	first := "SELECT DISTINCT ON (id) id, seq, line, " + identityColumns.sql("") + " FROM import_rows ORDER BY id, seq"
	q := "DELETE FROM import_rows i USING (" + first + ") f WHERE i.id = f.id AND i.seq > f.seq RETURNING i.line, f.line, f.seq, i.id, " +
		takenOutColumns.scanned("i.") + ", " + identityColumns.scanned("i.") + ", " + identityColumns.scanned("f.")
	return c.takeOut(ctx, q)
}

// takeOutStored deletes the chunk's rows whose id is already stored, takes their cell deltas back out, and
// checks each against the stored row.
func (c *copySink) takeOutStored(ctx context.Context) (int, error) {
	q := "DELETE FROM import_rows i USING response_keys k JOIN responses r ON " + keyRowJoin("k", "r") + " WHERE k.id = i.id RETURNING i.line, 0, r.seq, i.id, " +
		takenOutColumns.scanned("i.") + ", " + identityColumns.scanned("i.") + ", " + identityColumns.scanned("r.")
	n, err := c.takeOut(ctx, q)
	if err != nil {
		return n, err
	}
	// An id whose row is archived (its key kept, its partition detached): skipped like any stored id, and
	// compared with nothing (it was stored before this import began).
	q = "DELETE FROM import_rows i USING response_keys k WHERE k.id = i.id RETURNING i.line, 0, 0, i.id, " +
		takenOutColumns.scanned("i.") + ", " + identityColumns.scanned("i.") + ", " + identityColumns.scanned("i.")
	m, err := c.takeOut(ctx, q)
	return n + m, err
}

// takeOut runs q, a DELETE … RETURNING the row's line, the other row's line (0: unknown) and seq, the row's id,
// takenOutColumns and identityColumns, and the other row's identityColumns.
func (c *copySink) takeOut(ctx context.Context, q string) (int, error) {
	skipped := 0
	err := eachRow(ctx, c.tx, q, nil, func(rows *sql.Rows) error {
		var r, other Response
		var line, otherLine int
		var otherSeq int64
		dest := append([]any{&line, &otherLine, &otherSeq, &r.ID}, takenOutColumns.pointers(&r)...)
		dest = append(dest, identityColumns.pointers(&r)...)
		if err := rows.Scan(append(dest, identityColumns.pointers(&other)...)...); err != nil {
			return err
		}
		c.skipped.addResponse(&r)
		c.conflicts.check(&r, &other, otherSeq, line, otherLine)
		skipped++
		return nil
	})
	return skipped, err
}

func (c *copySink) add(ctx context.Context, r *Response, line int) error {
	ch := &c.chunk
	ch.rowStart = append(ch.rowStart, int32(len(ch.rows)))
	ch.rows = responseColumns.appendCopy(ch.rows, r)
	ch.keyStart = append(ch.keyStart, int32(len(ch.keys)))
	ch.keys = keyColumns.appendCopy(ch.keys, r)
	ch.lines = append(ch.lines, int32(line))
	ch.times = append(ch.times, r.SubmittedUS)
	if ch.len() < copyChunkRows && len(ch.rows) < copyChunkBytes {
		return nil
	}
	return c.send(ctx, nil)
}

func (c *copySink) addDeltas(ctx context.Context, d *cellDeltas) error { return c.send(ctx, d) }

func (c *copySink) send(ctx context.Context, d *cellDeltas) error {
	ch := c.chunk
	ch.deltas = d
	if err := c.storer.put(ctx, ch); err != nil {
		return err
	}
	select {
	case c.chunk = <-c.stored:
	default:
		c.chunk = copyChunk{}
	}
	return nil
}

func (c *copySink) finish(ctx context.Context) (int64, error) {
	var err error
	if c.chunk.len() > 0 {
		err = c.send(ctx, nil)
	}
	if serr := c.storer.wait(); serr != nil {
		return 0, serr
	}
	return c.n, err
}

func (c *copySink) abort() error { return c.storer.wait() }
