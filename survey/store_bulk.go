package survey

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Bulk writes (CSV imports, BulkInsert) store many rows in one transaction that keeps the additive cells
// itself: the rows go to a sink, the cell deltas are added at the end, and the roll-up trigger stays quiet
// for them (beginBulk). On PostgreSQL the sink COPYs the rows straight into response_keys and responses (through
// a temporary table when some id is stored already); on SQLite it inserts chunks of multi-row INSERTs.

// BulkInsert stores prepared responses in one transaction, skipping any whose id already exists (or repeats an
// earlier row's), and returns how many it inserted. The caller prepares rows with CatalogView.Prepare
// (Target.Historic for past data). Like an import, it keeps the cells current itself in the same transaction.
func (s *Store) BulkInsert(ctx context.Context, rows []*Response) (int64, error) {
	if _, err := s.Rollup(ctx); err != nil {
		return 0, err
	}
	return s.bulkTx(ctx, false, nil, func(w *bulkWriter) error {
		seen := make(map[string]bool, len(rows))
		for _, r := range rows {
			if seen[r.ID] {
				continue // a repeated id: the first row stands, as for an id already stored
			}
			seen[r.ID] = true
			if err := w.add(ctx, r, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// bulkWriter is what a bulk transaction's fill writes to: each row goes to the sink, its cell deltas are
// collected beside it and handed to the sink every bulkDeltaCells cells, so that a bulk write's memory is
// bounded by that many cells, not by the number of rows or the days they span.
type bulkWriter struct {
	sink   bulkSink
	stored *cellDeltas
	loc    *time.Location
}

// bulkDeltaCells cells (~50 bytes each: cellDeltas) are collected before they go to the transaction's
// staging tables. The more, the fewer deltas staged and summed at the end: a file whose rows fall in 400,000
// cells stages each cell once at 500,000, about twice per row at 50,000 (1M rows: 2.4 s less).
var bulkDeltaCells = 500_000 // a variable for tests

// add writes r, from line of its file (0: none).
func (w *bulkWriter) add(ctx context.Context, r *Response, line int) error {
	w.stored.addResponse(r) // here, beside the decoding, not on the database's critical path
	if err := w.sink.add(ctx, r, line); err != nil {
		return err
	}
	if w.stored.len() < bulkDeltaCells {
		return nil
	}
	return w.handOver(ctx)
}

// handOver gives the deltas collected so far to the sink and starts over.
func (w *bulkWriter) handOver(ctx context.Context) error {
	d := w.stored
	w.stored = newCellDeltas(w.loc)
	return w.sink.addDeltas(ctx, d)
}

// bulkSink stores the rows of one bulk transaction; rows whose id is already stored are skipped, and their
// cell deltas are taken back out.
type bulkSink interface {
	add(ctx context.Context, r *Response, line int) error // rows in order; storing may lag behind
	// addDeltas adds d, the deltas of rows added so far, to the cells once those rows are stored, together
	// with the deltas to take back out of the rows skipped so far.
	addDeltas(ctx context.Context, d *cellDeltas) error
	finish(ctx context.Context) (inserted int64, err error)
	abort() error // stop storing (the transaction is about to roll back) and report the sink's own failure
}

// bulkTx runs fill in one transaction on a connection of its own, set up for bulk writes, then adds the cell
// deltas fill collected in stored (minus those of skipped rows), runs then (when set) once the rows are stored,
// and commits. It returns the rows inserted. With checkConflicts, a row whose id an earlier row of the same
// write stored with other content fails the write with a *ConflictsError.
func (s *Store) bulkTx(ctx context.Context, checkConflicts bool, then func(ctx context.Context, tx bun.Tx) error, fill func(w *bulkWriter) error) (int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if s.dialect == "sqlite" {
		// The random-id unique index touches pages all over the file: a bigger page cache saves a read per
		// row. It is per connection: set before the write transaction, reset before the connection goes
		// back to the pool. 24 MB, not more: the index rebuild's sorter takes as much again, and an import
		// stays within 150 MB whatever its size (1M rows: 150 MB at 24 MB, 163 MB at 32, 377 MB at 128).
		if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -24576"); err != nil {
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
	conflicts := &bulkConflicts{on: checkConflicts}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM responses").Scan(&conflicts.after); err != nil {
		return 0, err
	}
	var sink bulkSink
	if s.dialect == "pg" {
		if sink, err = newCopySink(ctx, conn, tx, skipped, conflicts); err != nil {
			return 0, err
		}
	} else {
		if sink, err = newSQLiteSink(ctx, tx, skipped, conflicts); err != nil {
			return 0, err
		}
	}
	w := &bulkWriter{sink: sink, stored: stored, loc: s.loc}
	err = fill(w)
	if err == nil {
		err = w.handOver(ctx) // the last deltas, staged after the last rows
	}
	if err != nil {
		if serr := sink.abort(); serr != nil && errors.Is(err, errBulkStopped) {
			return 0, serr // the sink's own failure stopped fill
		}
		return 0, err
	}
	inserted, err := sink.finish(ctx)
	if err != nil {
		return 0, err
	}
	if len(conflicts.lines) > 0 {
		return 0, &ConflictsError{Lines: conflicts.lines}
	}
	if err := endBulk(ctx, tx, s.dialect); err != nil {
		return 0, err
	}
	if then != nil {
		if err := then(ctx, tx); err != nil {
			return 0, err
		}
	}
	return inserted, tx.Commit()
}

// errBulkStopped ends the caller's loop once the sink has failed (the sink's error is the one reported).
var errBulkStopped = errors.New("bulk write stopped")

// beginBulk marks the transaction as a bulk import: the insert trigger queues nothing, because the import
// adds its own cell deltas (endBulk) in the same transaction. Other transactions never see the mark. It also
// creates the staging tables of the deltas (stagedCells): temporary, without indexes, dropped with the
// transaction.
func beginBulk(ctx context.Context, tx bun.Tx, dialect string) error {
	qs := []string{"INSERT INTO agg_bulk (flag) VALUES (1)"}
	if dialect == "pg" {
		qs = []string{"SET LOCAL qiymet.bulk = 'on'"}
	}
	for _, t := range cellStaging {
		if dialect == "pg" {
			qs = append(qs, "CREATE TEMP TABLE "+t.staged+" ON COMMIT DROP AS SELECT * FROM "+t.live+" WITH NO DATA")
		} else {
			qs = append(qs, "CREATE TEMP TABLE "+t.staged+" AS SELECT * FROM "+t.live+" WHERE false")
		}
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// endBulk adds everything staged to the cells and removes the bulk mark.
func endBulk(ctx context.Context, tx bun.Tx, dialect string) error {
	if err := applyStagedCells(ctx, tx, dialect); err != nil {
		return err
	}
	q := "DELETE FROM agg_bulk"
	if dialect == "pg" {
		q = "SET LOCAL qiymet.bulk = 'off'"
	}
	_, err := tx.ExecContext(ctx, q)
	return err
}

// stageBulkDeltas appends deltas, and minus taken back out, to the staging tables, and empties both (SQLite;
// PostgreSQL's sink COPYs them: copySink.stageDeltas). minus
// holds rows that were counted into deltas but not inserted (their id was already stored).
func stageBulkDeltas(ctx context.Context, tx bun.Tx, deltas, minus *cellDeltas) error {
	minus.negate()
	if err := minus.flush(ctx, tx, stagedCells); err != nil {
		return err
	}
	return deltas.flush(ctx, tx, stagedCells)
}

// cellStage is one cell table with its staging table: the key columns (its primary key) and the columns a
// delta adds.
type cellStage struct {
	staged, live, key string
	sums              []string
}

// cellStaging lists the cell tables in the order writeCells writes them.
var cellStaging = []cellStage{
	{stagedCells.day, liveCells.day, dayCellKey, sumColumns},
	{stagedCells.agencyDay, liveCells.agencyDay, agencyDayCellKey, sumColumns},
	{stagedCells.month, liveCells.month, monthCellKey, sumColumns},
	{stagedCells.answer, liveCells.answer, answerCellKey, countColumns},
}

// applyStagedCells adds the staged deltas to the cells, each cell once and in key order (so that concurrent
// roll-ups cannot deadlock), under the roll-up lock on PostgreSQL, and marks the packs of the days and months
// they change. A cell whose deltas add up to no response is left alone: a row taken back out (its id was
// stored already) cancels exactly the delta it was counted into.
func applyStagedCells(ctx context.Context, tx bun.Tx, dialect string) error {
	pg := dialect == "pg"
	if pg {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", rollupLockID); err != nil {
			return err
		}
	}
	for _, p := range []struct{ kind, keys string }{{packDay, "SELECT DISTINCT day FROM " + stagedCells.agencyDay},
		{packMonth, "SELECT DISTINCT month FROM " + stagedCells.month}} {
		var keys []int
		if err := tx.NewRaw(p.keys).Scan(ctx, &keys); err != nil && !isNoRows(err) {
			return err
		}
		if err := touchPacks(ctx, tx, p.kind, keys); err != nil {
			return err
		}
	}
	for _, t := range cellStaging {
		key := strings.Trim(t.key, "()")
		sums := make([]string, len(t.sums))
		for i, c := range t.sums {
			sums[i] = "SUM(" + c + ")"
		}
		cols := key + ", " + strings.Join(t.sums, ", ")
		q := "INSERT INTO " + t.live + " (" + cols + ") SELECT " + key + ", " + strings.Join(sums, ", ") + " FROM " + t.staged +
			" WHERE true GROUP BY " + key + " HAVING SUM(n) <> 0 ORDER BY " + key + liveCells.conflict(pg, t.live, t.key, t.sums)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
		if !pg { // PostgreSQL drops them at the commit
			if _, err := tx.ExecContext(ctx, "DROP TABLE "+t.staged); err != nil {
				return err
			}
		}
	}
	return nil
}

// bulkConflicts are found by the database, not by remembering the file's ids (which would make an import's
// memory grow with its file): a row the sink skips because its id is stored already is a conflict when the
// stored row came from the same write (it has the write's receive time) with other content. The sink's
// storing goroutine appends; bulkTx reads once the sink has finished.
type bulkConflicts struct {
	on    bool
	after int64 // the highest seq stored before the write began: the write's rows come after it
	lines []LineError
}

// check records row (from line) as a conflict if stored (seq storedSeq), the row stored under its id, came
// from this write with other content. earlier is stored's line when known (0: not).
func (c *bulkConflicts) check(row, stored *Response, storedSeq int64, line, earlier int) {
	if !c.on || storedSeq <= c.after || stored.ReceivedUS != row.ReceivedUS || rowHash(stored) == rowHash(row) {
		return
	}
	msg := fmt.Sprintf("id %s is also on an earlier line with other content", row.ID)
	if earlier > 0 {
		msg = fmt.Sprintf("id %s is also on line %d with other content", row.ID, earlier)
	}
	c.lines = append(c.lines, LineError{Line: line, Column: "id", Message: msg})
}

// identityColumns are what tells a repeat of a row from a conflict (rowHash) and whether a stored row came
// from this write (received_us).
var identityColumns = responseColumns.pick("received_us", "content_hash", "channel", "status", "reason")

// ConflictsError is a bulk write that stored nothing because some rows repeat an earlier row's id with other
// content.
type ConflictsError struct{ Lines []LineError }

func (e *ConflictsError) Error() string {
	return fmt.Sprintf("%d rows repeat an earlier row's id with other content", len(e.Lines))
}
