package survey

import (
	"context"

	"github.com/uptrace/bun"
)

// bulkChunk rows go into one multi-row INSERT: big enough to amortise round trips, small enough for
// SQLite's statement limits.
const bulkChunk = 500

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
		part := rows[i:min(i+bulkChunk, len(rows))]
		res, err := db.NewInsert().Model(&part).ExcludeColumn("seq").On("CONFLICT (id) DO NOTHING").Exec(ctx)
		if err != nil {
			return inserted, err
		}
		n, _ := res.RowsAffected()
		inserted += n
	}
	return inserted, nil
}
