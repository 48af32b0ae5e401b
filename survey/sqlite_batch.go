package survey

import (
	"context"
	"database/sql"
	"strings"
)

// batchedInsert runs one multi-row INSERT over many rows on SQLite with prepared statements: a statement of
// a fixed number of VALUES rows is compiled once and run for every full batch, and one of the remainder's
// size once more. Compiling a 500-row inlined INSERT cost SQLite more than running it, and its big code
// arrays were mapped and unmapped by modernc's allocator each time. Batches stay small because modernc
// finds each bound parameter by a linear scan of the arguments (quadratic in a statement's parameters).
type batchedInsert struct {
	tx    *sql.Tx
	head  string // "INSERT … VALUES "
	row   string // one VALUES row of placeholders
	tail  string // what follows the VALUES rows (ON CONFLICT …), may be empty
	width int    // parameters per row
	stmts map[int]*sql.Stmt
}

func newBatchedInsert(tx *sql.Tx, head string, width int, tail string) *batchedInsert {
	row := "(" + strings.Repeat("?, ", width-1) + "?)"
	return &batchedInsert{tx: tx, head: head, row: row, tail: tail, width: width, stmts: map[int]*sql.Stmt{}}
}

// exec inserts the rows whose values args holds, width values a row, in one statement. It runs without
// ctx's cancellation (checked before): database/sql and modernc otherwise start a goroutine per statement to
// watch it; a long write checks ctx between statements instead.
func (b *batchedInsert) exec(ctx context.Context, args []any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := len(args) / b.width
	st := b.stmts[rows]
	if st == nil {
		q := b.head + strings.Repeat(b.row+", ", rows-1) + b.row + b.tail
		var err error
		if st, err = b.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		b.stmts[rows] = st
	}
	return st.ExecContext(context.WithoutCancel(ctx), args...)
}

// close releases the prepared statements.
func (b *batchedInsert) close() error {
	var first error
	for _, st := range b.stmts {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	clear(b.stmts)
	return first
}
