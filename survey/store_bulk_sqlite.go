package survey

import (
	"context"
	"database/sql"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/uptrace/bun"
)

// insertChunkRows rows are handed to the storing goroutine at a time; each chunk is inserted by statements
// of sqliteBatchRows rows (batchedInsert).
const (
	insertChunkRows = 500
	sqliteBatchRows = 16
)

// sqliteSink is SQLite's: a goroutine inserts the previous chunk while the caller gathers the next one's
// values, so the caller's CPU work overlaps the database's.
//
// Once a write has stored as many rows as the table held when it began (and at least rebuildAfter), it drops
// the table's secondary indexes for the rest of the transaction and builds them again, sorted, at the end:
// by then that is cheaper than inserting every further row into each of them. The drop is inside the
// write transaction, so readers never see the table without them.
type sqliteSink struct {
	tx        bun.Tx
	insert    *batchedInsert
	skipped   *cellDeltas
	conflicts *bulkConflicts
	pending   []*Response // rows of the next chunk …
	lines     []int32     // … and their lines
	storer    *storer[insertChunk]
	n         int64
	lastSeq   int64    // the highest seq stored so far
	existing  int64    // rows in the table when the write began (about)
	dropped   bool     // the secondary indexes are dropped …
	rebuild   []string // … and these CREATE INDEX statements build them again
}

type insertChunk struct {
	rows   []*Response
	lines  []int32
	args   []any       // the rows' values, len(responseColumns) a row
	deltas *cellDeltas // when set: added to the cells after the rows (addDeltas)
}

// rebuildAfter is the least number of rows a write stores before it may switch to rebuilding indexes (a
// variable for tests).
var rebuildAfter int64 = 50_000

// newSQLiteSink starts the sink. Its statements are INSERT OR IGNORE, not ON CONFLICT (id) DO NOTHING: with
// no constraint able to abort the statement, SQLite keeps no statement journal, which otherwise copies every
// page the statement touches. The rows are validated, so the only constraint they can meet is the unique id;
// one they met anyway would count as skipped, not vanish.
func newSQLiteSink(ctx context.Context, tx bun.Tx, skipped *cellDeltas, conflicts *bulkConflicts) (*sqliteSink, error) {
	head := "INSERT OR IGNORE INTO responses (" + responseColumns.sql("") + ") VALUES "
	b := &sqliteSink{tx: tx, skipped: skipped, conflicts: conflicts, insert: newBatchedInsert(tx.Tx, head, len(responseColumns), "")}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM responses").Scan(&b.existing); err != nil {
		return nil, err
	}
	b.lastSeq = b.existing
	b.storer = startStorer(2, b.store)
	return b, nil
}

// store inserts one chunk, a batch at a time, and takes the cell deltas of its rows that were not stored
// back out.
func (b *sqliteSink) store(chunk insertChunk) error {
	ctx := context.Background()
	width := len(responseColumns)
	for from := 0; from < len(chunk.rows); from += sqliteBatchRows {
		to := min(from+sqliteBatchRows, len(chunk.rows))
		if err := b.storeBatch(ctx, chunk.rows[from:to], chunk.lines[from:to], chunk.args[from*width:to*width]); err != nil {
			return err
		}
	}
	if chunk.deltas != nil {
		if err := stageBulkDeltas(ctx, b.tx, chunk.deltas, b.skipped); err != nil {
			return err
		}
	}
	if !b.dropped && b.n >= max(b.existing, rebuildAfter) {
		return b.dropIndexes(ctx)
	}
	return nil
}

func (b *sqliteSink) storeBatch(ctx context.Context, rows []*Response, lines []int32, args []any) error {
	res, err := b.insert.exec(ctx, args)
	if err != nil {
		return err
	}
	stored, err := res.RowsAffected()
	if err != nil {
		return err
	}
	b.n += stored
	if stored == 0 {
		return b.takeOut(ctx, rows, lines)
	}
	since := b.lastSeq
	if b.lastSeq, err = res.LastInsertId(); err != nil {
		return err
	}
	if stored == int64(len(rows)) {
		return nil
	}
	return b.takeOutSkipped(ctx, rows, lines, since)
}

// takeOutSkipped finds which of rows the batch just inserted (those after seq since: seq only grows, and
// the transaction is the only writer) and takes the others out (takeOut).
func (b *sqliteSink) takeOutSkipped(ctx context.Context, rows []*Response, lines []int32, since int64) error {
	fresh := make(map[string]bool, len(rows))
	err := eachRow(ctx, b.tx, "SELECT id FROM responses WHERE seq > ?", []any{since}, func(res *sql.Rows) error {
		var id string
		err := res.Scan(&id)
		fresh[id] = true
		return err
	})
	if err != nil {
		return err
	}
	var out []*Response
	var outLines []int32
	for i, r := range rows {
		if fresh[r.ID] {
			delete(fresh, r.ID) // the first row with an id is the one stored
		} else {
			out, outLines = append(out, r), append(outLines, lines[i])
		}
	}
	return b.takeOut(ctx, out, outLines)
}

// takeOut takes the cell deltas of rows that were not stored back out and, when conflicts are checked,
// compares each with the row stored under its id.
func (b *sqliteSink) takeOut(ctx context.Context, rows []*Response, lines []int32) error {
	for _, r := range rows {
		b.skipped.addResponse(r)
	}
	if !b.conflicts.on || len(rows) == 0 {
		return nil
	}
	ids := make([]any, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	stored := make(map[string]*Response, len(rows))
	q := "SELECT id, seq, " + identityColumns.scanned("") + " FROM responses WHERE id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")"
	err := eachRow(ctx, b.tx, q, ids, func(res *sql.Rows) error {
		r := &Response{}
		err := res.Scan(append([]any{&r.ID, &r.Seq}, identityColumns.pointers(r)...)...)
		stored[r.ID] = r
		return err
	})
	if err != nil {
		return err
	}
	for i, r := range rows {
		if st := stored[r.ID]; st != nil {
			b.conflicts.check(r, st, st.Seq, int(lines[i]), 0)
		}
	}
	return nil
}

// dropIndexes drops the secondary indexes of responses (the unique id index stays: OR IGNORE needs it) and
// remembers how to build them again.
func (b *sqliteSink) dropIndexes(ctx context.Context) error {
	var names, sqls []string
	err := eachRow(ctx, b.tx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'responses' AND sql IS NOT NULL", nil,
		func(rows *sql.Rows) error {
			var name, create string
			err := rows.Scan(&name, &create)
			names, sqls = append(names, name), append(sqls, create)
			return err
		})
	if err != nil {
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

func (b *sqliteSink) add(ctx context.Context, r *Response, line int) error {
	b.pending, b.lines = append(b.pending, r), append(b.lines, int32(line))
	if len(b.pending) < insertChunkRows {
		return nil
	}
	return b.send(ctx, nil)
}

func (b *sqliteSink) addDeltas(ctx context.Context, d *cellDeltas) error { return b.send(ctx, d) }

func (b *sqliteSink) send(ctx context.Context, d *cellDeltas) error {
	args := make([]any, 0, len(b.pending)*len(responseColumns))
	for _, r := range b.pending {
		args = responseColumns.appendValues(args, r)
	}
	if err := b.storer.put(ctx, insertChunk{rows: b.pending, lines: b.lines, args: args, deltas: d}); err != nil {
		return err
	}
	b.pending, b.lines = make([]*Response, 0, insertChunkRows), make([]int32, 0, insertChunkRows)
	return nil
}

func (b *sqliteSink) finish(ctx context.Context) (int64, error) {
	var err error
	if len(b.pending) > 0 {
		err = b.send(ctx, nil)
	}
	serr := b.storer.wait()
	if cerr := b.insert.close(); serr == nil {
		serr = cerr
	}
	if serr != nil {
		return 0, serr
	}
	if err != nil {
		return 0, err
	}
	// A large write (one that dropped the indexes) has stored its rows: the Go heap they went through goes back
	// to the system before SQLite's sorter takes its share (the index rebuild, then the staged cells' GROUP BY),
	// so that the two peaks do not add up. A small write leaves the collector alone.
	if b.dropped {
		debug.FreeOSMemory()
	}
	for _, q := range b.rebuild {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("bulk write: rebuilding an index: %w", err)
		}
	}
	return b.n, nil
}

func (b *sqliteSink) abort() error {
	err := b.storer.wait()
	b.insert.close()
	return err
}
