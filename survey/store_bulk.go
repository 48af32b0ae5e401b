package survey

import (
	"context"

	"github.com/uptrace/bun"
)

// bulkChunk rows go into one multi-row INSERT: big enough to amortise round trips, small enough for
// SQLite's statement limits.
const bulkChunk = 500

// importChunk is the batch size of CSV imports.
const importChunk = bulkChunk

// BulkInsert stores prepared responses in one transaction, skipping any whose id already exists, and returns
// how many it inserted. The caller prepares rows with Index.Prepare (Target.Historic for past data).
func (s *Store) BulkInsert(ctx context.Context, rows []*Response) (inserted int64, err error) {
	err = s.inTx(ctx, func(tx bun.Tx) error {
		inserted, err = bulkInsert(ctx, tx, rows)
		return err
	})
	return inserted, err
}

func bulkInsert(ctx context.Context, db bun.IDB, rows []*Response) (int64, error) {
	var inserted int64
	for i := 0; i < len(rows); i += bulkChunk {
		n, err := insertResponses(ctx, db, rows[i:min(i+bulkChunk, len(rows))])
		inserted += n
		if err != nil {
			return inserted, err
		}
	}
	return inserted, nil
}

// insertResponses is one multi-row INSERT … ON CONFLICT (id) DO NOTHING. RETURNING is switched off: on
// PostgreSQL bun would otherwise scan the returned rows into the slice in order, so when a row is skipped the
// next rows' returned columns land in the wrong structs (and the slice is truncated).
func insertResponses(ctx context.Context, db bun.IDB, rows []*Response) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	res, err := db.NewInsert().Model(&rows).ExcludeColumn("seq").On("CONFLICT (id) DO NOTHING").
		Returning("NULL").Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return n, err
}

// insertBatch stores one import batch inside the import's transaction.
func (s *Store) insertBatch(ctx context.Context, tx bun.Tx, rows []*Response) (int64, error) {
	return insertResponses(ctx, tx, rows)
}
