package survey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/schema"
)

// Bulk writes (CSV imports, BulkInsert) store many rows in one transaction that keeps the additive cells
// itself: the rows go to a sink, the cell deltas are added at the end, and the roll-up trigger stays quiet
// for them (beginBulk). On PostgreSQL the sink streams the rows with COPY into a temporary table and moves
// them with one INSERT … SELECT; on SQLite it inserts chunks of multi-row INSERTs.

// insertChunkRows rows go into one SQLite multi-row INSERT: big enough to amortise statements, small enough for
// SQLite's statement limits.
const insertChunkRows = 500

// BulkInsert stores prepared responses in one transaction, skipping any whose id already exists (or repeats an
// earlier row's), and returns how many it inserted. The caller prepares rows with Index.Prepare (Target.Historic for past data). Like an
// import, it keeps the cells current itself in the same transaction.
func (s *Store) BulkInsert(ctx context.Context, rows []*Response) (int64, error) {
	if _, err := s.Rollup(ctx); err != nil {
		return 0, err
	}
	return s.bulkTx(ctx, func(sink bulkSink, stored *cellDeltas) error {
		seen := make(map[string]bool, len(rows))
		for _, r := range rows {
			if seen[r.ID] {
				continue // a repeated id: the first row stands, as for an id already stored
			}
			seen[r.ID] = true
			stored.addResponse(r)
			if err := sink.add(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// bulkSink stores the rows of one bulk transaction; rows whose id is already stored are skipped, and their
// cell deltas are taken back out.
type bulkSink interface {
	add(ctx context.Context, r *Response) error // rows in order; storing may lag behind
	finish(ctx context.Context) (inserted int64, err error)
	abort() error // stop storing (the transaction is about to roll back) and report the sink's own failure
}

// bulkTx runs fill in one transaction on a connection of its own, set up for bulk writes, then adds the cell
// deltas fill collected in stored (minus those of skipped rows) and commits. It returns the rows inserted.
func (s *Store) bulkTx(ctx context.Context, fill func(sink bulkSink, stored *cellDeltas) error) (int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if s.dialect == "sqlite" {
		// The random-id unique index touches pages all over the file: a bigger page cache saves a read per
		// row. It is per connection: set before the write transaction, reset before the connection goes
		// back to the pool.
		if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -131072"); err != nil {
			return 0, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := beginBulk(ctx, tx, s.dialect); err != nil {
		return 0, err
	}
	stored, skipped := newCellDeltas(s.loc), newCellDeltas(s.loc)
	var sink bulkSink
	if s.dialect == "pg" {
		if sink, err = newCopySink(ctx, conn, tx, skipped); err != nil {
			return 0, err
		}
	} else {
		if sink, err = newSQLiteSink(ctx, tx, s.db.QueryGen(), skipped); err != nil {
			return 0, err
		}
	}
	if err := fill(sink, stored); err != nil {
		if serr := sink.abort(); serr != nil && errors.Is(err, errBulkStopped) {
			return 0, serr // the sink's own failure stopped fill
		}
		return 0, err
	}
	inserted, err := sink.finish(ctx)
	if err != nil {
		return 0, err
	}
	if err := endBulk(ctx, tx, s.dialect, stored, skipped); err != nil {
		return 0, err
	}
	return inserted, tx.Commit()
}

// responseColumns are the columns a bulk write stores (seq comes from the database).
var responseColumns = []string{"id", "submitted_us", "received_us", "agency_code", "service_code", "center_code", "channel",
	"kiosk_id", "invitation_id", "survey_code", "survey_version", "lang", "status", "reason", "comment", "answers", "score",
	"top2", "content_hash"}

// responseColumnList is responseColumns as SQL.
var responseColumnList = strings.Join(responseColumns, ", ")

// sqliteSink is SQLite's: a goroutine inserts the previous chunk while the caller prepares the next (and
// formats its statement), so the caller's CPU work overlaps the database's. bun's inlined INSERT is used
// because modernc binds thousands of parameters slowly (measured 3×).
//
// Once a write has stored as many rows as the table held when it began (and at least rebuildAfter), it drops
// the table's secondary indexes for the rest of the transaction and builds them again, sorted, at the end:
// by then that is cheaper than inserting every further row into each of them. The drop is inside the
// write transaction, so readers never see the table without them.
type sqliteSink struct {
	tx       bun.Tx
	gen      schema.QueryGen
	skipped  *cellDeltas
	pending  []*Response // rows of the next chunk
	storer   *storer[insertChunk]
	n        int64
	existing int64    // rows in the table when the write began (about)
	dropped  bool     // the secondary indexes are dropped …
	rebuild  []string // … and these CREATE INDEX statements build them again
}

type insertChunk struct {
	rows  []*Response
	query string
}

// rebuildAfter is the least number of rows a write stores before it may switch to rebuilding indexes (a
// variable for tests).
var rebuildAfter int64 = 50_000

func newSQLiteSink(ctx context.Context, tx bun.Tx, gen schema.QueryGen, skipped *cellDeltas) (*sqliteSink, error) {
	b := &sqliteSink{tx: tx, gen: gen, skipped: skipped}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM responses").Scan(&b.existing); err != nil {
		return nil, err
	}
	b.storer = startStorer(2, b.store)
	return b, nil
}

// store inserts one chunk and takes the cell deltas of its rows that were not stored back out.
func (b *sqliteSink) store(chunk insertChunk) error {
	ctx := context.Background()
	ids, err := b.insert(ctx, chunk)
	if err == nil && !b.dropped && b.n >= max(b.existing, rebuildAfter) {
		err = b.dropIndexes(ctx)
	}
	if err != nil || len(ids) == len(chunk.rows) {
		return err
	}
	fresh := make(map[string]bool, len(ids))
	for _, id := range ids {
		fresh[id] = true
	}
	for _, r := range chunk.rows {
		if fresh[r.ID] {
			delete(fresh, r.ID) // the first row with an id is the one stored
		} else {
			b.skipped.addResponse(r)
		}
	}
	return nil
}

// insert runs one chunk's INSERT OR IGNORE … RETURNING id. OR IGNORE, not ON CONFLICT (id) DO NOTHING: with
// no constraint able to abort the statement, SQLite keeps no statement journal, which otherwise copies every
// page the statement touches (the random-id index touches many). The rows are validated, so the only
// constraint they can meet is the unique id; one they met anyway would count as skipped, not vanish.
func (b *sqliteSink) insert(ctx context.Context, chunk insertChunk) ([]string, error) {
	res, err := b.tx.QueryContext(ctx, chunk.query)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	ids := make([]string, 0, len(chunk.rows))
	for res.Next() {
		var id string
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	b.n += int64(len(ids))
	return ids, res.Err()
}

// dropIndexes drops the secondary indexes of responses (the unique id index stays: OR IGNORE needs it) and
// remembers how to build them again.
func (b *sqliteSink) dropIndexes(ctx context.Context) error {
	var names, sqls []string
	rows, err := b.tx.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'responses' AND sql IS NOT NULL")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			return err
		}
		names, sqls = append(names, name), append(sqls, sql)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range names {
		if _, err := b.tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return err
		}
	}
	b.dropped, b.rebuild = true, sqls
	return nil
}

func (b *sqliteSink) add(ctx context.Context, r *Response) error {
	b.pending = append(b.pending, r)
	if len(b.pending) < insertChunkRows {
		return nil
	}
	return b.send(ctx)
}

func (b *sqliteSink) send(ctx context.Context) error {
	q, err := b.tx.NewInsert().Model(&b.pending).ExcludeColumn("seq").Returning("id").AppendQuery(b.gen, nil)
	if err != nil {
		return err
	}
	query, ok := strings.CutPrefix(string(q), "INSERT INTO ")
	if !ok {
		return fmt.Errorf("bulk write: unexpected statement %.40q", q)
	}
	if err := b.storer.put(ctx, insertChunk{rows: b.pending, query: "INSERT OR IGNORE INTO " + query}); err != nil {
		return err
	}
	b.pending = make([]*Response, 0, insertChunkRows)
	return nil
}

func (b *sqliteSink) finish(ctx context.Context) (int64, error) {
	var err error
	if len(b.pending) > 0 {
		err = b.send(ctx)
	}
	if serr := b.storer.wait(); serr != nil {
		return 0, serr
	}
	if err != nil {
		return 0, err
	}
	for _, q := range b.rebuild {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("bulk write: rebuilding an index: %w", err)
		}
	}
	return b.n, nil
}

func (b *sqliteSink) abort() error { return b.storer.wait() }

// storer runs store on each queued item, in order, in a goroutine of its own, so the caller prepares the next
// item while the database works on this one. After a failure it drops what is still queued, and put reports
// errBulkStopped; wait returns the failure.
type storer[T any] struct {
	items  chan T
	failed chan struct{} // closed when store failed
	done   chan error
}

func startStorer[T any](queue int, store func(T) error) *storer[T] {
	st := &storer[T]{items: make(chan T, queue), failed: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		var err error
		for it := range st.items {
			if err != nil {
				continue // drain until the caller stops
			}
			if err = store(it); err != nil {
				close(st.failed)
			}
		}
		st.done <- err
	}()
	return st
}

// put queues an item (waiting while the queue is full).
func (st *storer[T]) put(ctx context.Context, it T) error {
	select {
	case st.items <- it:
		return nil
	case <-st.failed:
		return errBulkStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the queue, waits for the items stored before it, and returns store's failure.
func (st *storer[T]) wait() error {
	close(st.items)
	return <-st.done
}

// errBulkStopped ends the caller's loop once the sink has failed (the sink's error is the one reported).
var errBulkStopped = errors.New("bulk write stopped")

// copySink is PostgreSQL's. Rows are encoded as COPY text in chunks; a goroutine stores each chunk while the
// caller prepares the next: COPY into a temporary table (no indexes, no WAL), take out the ids already
// stored (their cell deltas back out), and one INSERT … SELECT into responses, in the order the rows came
// (seq follows the input). The database's work on one chunk overlaps the caller's on the next.
type copySink struct {
	conn    bun.Conn
	tx      bun.Tx
	skipped *cellDeltas // the storer's until done
	chunk   []byte
	rows    int
	storer  *storer[copyChunk]
	n       int64 // rows inserted, the storer's until done
}

type copyChunk struct {
	data []byte
	rows int
}

// copyChunkRows rows make one chunk (~12 MB of COPY text); at most three chunks are in memory at once.
const copyChunkRows = 50_000

func newCopySink(ctx context.Context, conn bun.Conn, tx bun.Tx, skipped *cellDeltas) (*copySink, error) {
	// seq is drawn from responses' own sequence as the rows arrive, so it follows the input even though the
	// rows go into responses in time order (see store).
	for _, q := range []string{
		"CREATE TEMP TABLE import_rows ON COMMIT DROP AS SELECT seq, " + responseColumnList + " FROM responses WITH NO DATA",
		"ALTER TABLE import_rows ALTER COLUMN seq SET DEFAULT nextval(pg_get_serial_sequence('responses', 'seq'))",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	c := &copySink{conn: conn, tx: tx, skipped: skipped}
	c.storer = startStorer(1, func(ch copyChunk) error { return c.store(ctx, ch) })
	return c, nil
}

// store moves one chunk into responses. The first try is a plain INSERT … SELECT under a savepoint: with no
// id already stored (a first import) that is all, with no extra index probe per row. If some id is stored
// already, the chunk's rows with such ids are taken out (their cell deltas back out) and the rest inserted.
// A temporary table filled once is read in the order it was written (no other backend scans it, and an
// INSERT … SELECT never runs in parallel), so seq follows the input.
func (c *copySink) store(ctx context.Context, ch copyChunk) error {
	cols := responseColumnList
	if _, err := pgdriver.CopyFrom(ctx, c.conn, bytes.NewReader(ch.data), "COPY import_rows ("+cols+") FROM STDIN"); err != nil {
		return err
	}
	// In time order: the indexes on submitted_us (three of them) are then filled page after page instead of
	// at random places.
	insert := "INSERT INTO responses (seq, " + cols + ") SELECT seq, " + cols + " FROM import_rows ORDER BY submitted_us"
	if _, err := c.tx.ExecContext(ctx, "SAVEPOINT chunk"); err != nil {
		return err
	}
	res, err := c.tx.ExecContext(ctx, insert)
	skipped := 0
	if isUniqueViolation(err) {
		if _, err := c.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT chunk"); err != nil {
			return err
		}
		if skipped, err = c.takeOutStored(ctx); err != nil {
			return err
		}
		res, err = c.tx.ExecContext(ctx, insert)
	}
	if err != nil {
		if isUniqueViolation(err) {
			// Another transaction stored one of these ids after the check: never count a row twice.
			return Errorf(CodeUnavailable, "", "some of these ids were stored by someone else meanwhile; run it again")
		}
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != int64(ch.rows-skipped) {
		return fmt.Errorf("bulk write: stored %d of %d rows", n, ch.rows-skipped)
	}
	c.n += n
	_, err = c.tx.ExecContext(ctx, "RELEASE SAVEPOINT chunk; TRUNCATE import_rows")
	return err
}

// takeOutStored deletes the chunk's rows whose id is already stored and takes their cell deltas back out.
func (c *copySink) takeOutStored(ctx context.Context) (int, error) {
	rows, err := c.tx.QueryContext(ctx, `DELETE FROM import_rows i WHERE EXISTS (SELECT 1 FROM responses r WHERE r.id = i.id)
		RETURNING i.submitted_us, i.agency_code, COALESCE(i.service_code, ''), COALESCE(i.center_code, ''), i.channel,
		i.survey_code, i.survey_version, i.status, i.answers, i.score, i.top2`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	skipped := 0
	for rows.Next() {
		var r Response
		if err := rows.Scan(&r.SubmittedUS, &r.Agency, &r.Service, &r.Center, &r.Channel, &r.Survey,
			&r.SurveyVersion, &r.Status, &r.Answers, &r.Score, &r.Top2); err != nil {
			return 0, err
		}
		c.skipped.addResponse(&r)
		skipped++
	}
	return skipped, rows.Err()
}

func (c *copySink) add(ctx context.Context, r *Response) error {
	b := c.chunk
	b = appendCopyText(b, r.ID)
	b = append(b, '\t')
	b = strconv.AppendInt(b, r.SubmittedUS, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, r.ReceivedUS, 10)
	b = append(b, '\t')
	b = appendCopyText(b, r.Agency)
	b = appendCopyNullable(b, r.Service)
	b = appendCopyNullable(b, r.Center)
	b = append(b, '\t')
	b = appendCopyText(b, r.Channel)
	b = appendCopyInt(b, r.KioskID)
	b = appendCopyInt(b, r.InvitationID)
	b = append(b, '\t')
	b = appendCopyText(b, r.Survey)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(r.SurveyVersion), 10)
	b = append(b, '\t')
	b = appendCopyText(b, r.Lang)
	b = append(b, '\t')
	b = appendCopyText(b, r.Status)
	b = appendCopyNullable(b, r.Reason)
	b = appendCopyNullable(b, r.Comment)
	b = append(b, '\t')
	b = appendCopyText(b, r.Answers)
	b = append(b, '\t')
	b = strconv.AppendFloat(b, r.Score, 'g', -1, 64) // shortest exact form: float8 reads it back bit for bit
	b = append(b, '\t')
	b = append(b, "ft"[boolInt(r.Top2)])
	b = append(b, '\t')
	b = appendCopyText(b, r.ContentHash)
	b = append(b, '\n')
	c.chunk = b
	if c.rows++; c.rows < copyChunkRows {
		return nil
	}
	return c.send(ctx)
}

func (c *copySink) send(ctx context.Context) error {
	if err := c.storer.put(ctx, copyChunk{data: c.chunk, rows: c.rows}); err != nil {
		return err
	}
	c.chunk, c.rows = make([]byte, 0, cap(c.chunk)), 0
	return nil
}

func (c *copySink) finish(ctx context.Context) (int64, error) {
	var err error
	if c.rows > 0 {
		err = c.send(ctx)
	}
	if serr := c.storer.wait(); serr != nil {
		return 0, serr
	}
	return c.n, err
}

func (c *copySink) abort() error { return c.storer.wait() }

// appendCopyText appends s as a COPY text-format field: backslash, tab, newline and carriage return escaped.
func appendCopyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendCopyNullable appends a tab and s, or \N for "" (the nullzero columns store "" as NULL).
func appendCopyNullable(b []byte, s string) []byte {
	b = append(b, '\t')
	if s == "" {
		return append(b, '\\', 'N')
	}
	return appendCopyText(b, s)
}

// appendCopyInt appends a tab and v, or \N for 0 (the nullzero id columns).
func appendCopyInt(b []byte, v int64) []byte {
	b = append(b, '\t')
	if v == 0 {
		return append(b, '\\', 'N')
	}
	return strconv.AppendInt(b, v, 10)
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
