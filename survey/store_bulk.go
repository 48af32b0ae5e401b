package survey

import (
	"context"
	"errors"

	"github.com/uptrace/bun"
)

// Bulk writes (CSV imports, BulkInsert) store many rows in one transaction that keeps the additive cells
// itself: the rows go to a sink, the cell deltas are added at the end, and the roll-up trigger stays quiet
// for them (beginBulk). On PostgreSQL the sink streams the rows with COPY into a temporary table and moves
// them with one INSERT … SELECT; on SQLite it inserts chunks of multi-row INSERTs.

// BulkInsert stores prepared responses in one transaction, skipping any whose id already exists (or repeats an
// earlier row's), and returns how many it inserted. The caller prepares rows with CatalogView.Prepare
// (Target.Historic for past data). Like an import, it keeps the cells current itself in the same transaction.
func (s *Store) BulkInsert(ctx context.Context, rows []*Response) (int64, error) {
	if _, err := s.Rollup(ctx); err != nil {
		return 0, err
	}
	return s.bulkTx(ctx, nil, func(sink bulkSink, stored *cellDeltas) error {
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
// deltas fill collected in stored (minus those of skipped rows), runs then (when set) once the rows are stored,
// and commits. It returns the rows inserted.
func (s *Store) bulkTx(ctx context.Context, then func(ctx context.Context, tx bun.Tx) error, fill func(sink bulkSink, stored *cellDeltas) error) (int64, error) {
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
		if sink, err = newSQLiteSink(ctx, tx, skipped); err != nil {
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
// adds its own cell deltas (endBulk) in the same transaction. Other transactions never see the mark.
func beginBulk(ctx context.Context, tx bun.Tx, dialect string) error {
	q := "INSERT INTO agg_bulk (flag) VALUES (1)"
	if dialect == "pg" {
		q = "SET LOCAL qiymet.bulk = 'on'"
	}
	_, err := tx.ExecContext(ctx, q)
	return err
}

// endBulk adds the import's cell deltas under the roll-up lock and removes the bulk mark. minus holds rows
// that were counted into deltas but not inserted (their id was already stored).
func endBulk(ctx context.Context, tx bun.Tx, dialect string, deltas *cellDeltas, minus ...*cellDeltas) error {
	q := "DELETE FROM agg_bulk"
	if dialect == "pg" {
		q = "SET LOCAL qiymet.bulk = 'off'"
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", rollupLockID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return err
	}
	for _, m := range minus {
		m.negate()
		if err := m.flush(ctx, tx); err != nil {
			return err
		}
	}
	return deltas.flush(ctx, tx)
}
