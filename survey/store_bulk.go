package survey

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

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

// responseColumns are the columns an import writes (seq comes from the database).
var responseColumns = []string{"id", "submitted_us", "received_us", "agency_code", "service_code", "center_code", "channel",
	"kiosk_id", "invitation_id", "survey_code", "survey_version", "lang", "status", "reason", "comment", "answers", "score",
	"top2", "content_hash"}

// batchInserter stores import batches. On PostgreSQL one prepared multi-row INSERT is reused for every full
// batch: the server parses and plans it once instead of once per batch (bun inlines every value into new
// SQL). On SQLite bun's inlined INSERT is faster: modernc binds thousands of parameters slowly (measured 3×).
type batchInserter struct {
	tx      bun.Tx
	dialect string
	full    *sql.Stmt
	args    []any
}

func newBatchInserter(tx bun.Tx, dialect string) *batchInserter {
	return &batchInserter{tx: tx, dialect: dialect, args: make([]any, 0, importChunk*len(responseColumns))}
}

// insertSQL is INSERT … VALUES ($1, …), … ON CONFLICT (id) DO NOTHING for n rows (PostgreSQL placeholders).
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO responses (" + strings.Join(responseColumns, ", ") + ") VALUES ")
	k := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range responseColumns {
			if j > 0 {
				b.WriteString(", ")
			}
			k++
			b.WriteString("$" + strconv.Itoa(k))
		}
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT (id) DO NOTHING")
	return b.String()
}

// insert stores rows (at most importChunk) and returns how many were new.
func (bi *batchInserter) insert(ctx context.Context, rows []*Response) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	if bi.dialect != "pg" {
		return insertResponses(ctx, bi.tx, rows)
	}
	bi.args = bi.args[:0]
	for _, r := range rows {
		// nullzero columns: "" and 0 are stored as NULL, as bun does for the API's inserts.
		bi.args = append(bi.args, r.ID, r.SubmittedUS, r.ReceivedUS, r.Agency, nullString(r.Service), nullString(r.Center),
			r.Channel, nullInt(r.KioskID), nullInt(r.InvitationID), r.Survey, int64(r.SurveyVersion), r.Lang, r.Status,
			nullString(r.Reason), nullString(r.Comment), r.Answers, r.Score, r.Top2, r.ContentHash)
	}
	var res sql.Result
	var err error
	if len(rows) == importChunk {
		if bi.full == nil {
			if bi.full, err = bi.tx.Tx.PrepareContext(ctx, insertSQL(importChunk)); err != nil {
				return 0, err
			}
		}
		res, err = bi.full.ExecContext(ctx, bi.args...)
	} else {
		res, err = bi.tx.Tx.ExecContext(ctx, insertSQL(len(rows)), bi.args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (bi *batchInserter) close() {
	if bi.full != nil {
		bi.full.Close()
	}
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}
