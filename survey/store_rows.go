package survey

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"
)

// The one loop over plain SQL rows (rows.Next, Scan, rows.Err), for the reads that scan columns themselves
// instead of through bun's models: bun's per-column reflection is the cost over many rows.

// eachRow runs q and hands each row to scan in turn; memory stays flat however many rows come back.
func eachRow(ctx context.Context, db bun.IDB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// collectRows runs q and returns one T per row, as scan fills it.
func collectRows[T any](ctx context.Context, db bun.IDB, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	var out []T
	err := eachRow(ctx, db, q, args, func(rows *sql.Rows) error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// allRows reads every row of T's table in the given order (none at all is no error).
func allRows[T any](ctx context.Context, db bun.IDB, order string) ([]T, error) {
	var out []T
	err := db.NewSelect().Model(&out).OrderExpr(order).Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return out, err
}

// rowByID reads the row of T with id; notFound is the error when there is none.
func rowByID[T any](ctx context.Context, db bun.IDB, id int64, notFound error) (*T, error) {
	row := new(T)
	err := db.NewSelect().Model(row).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return row, nil
}
