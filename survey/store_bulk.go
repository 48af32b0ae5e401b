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
// how many it inserted. The caller prepares rows with Index.Prepare (Target.Historic for past data). Like an
// import, it keeps the cells current itself in the same transaction.
func (s *Store) BulkInsert(ctx context.Context, rows []*Response) (inserted int64, err error) {
	if _, err := s.Rollup(ctx); err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(tx bun.Tx) error {
		if err := beginBulk(ctx, tx, s.dialect); err != nil {
			return err
		}
		deltas := newCellDeltas(s.loc)
		ins := newBatchInserter(tx, s.dialect)
		defer ins.close()
		for i := 0; i < len(rows); i += importChunk {
			part := rows[i:min(i+importChunk, len(rows))]
			n, err := ins.insertInto(ctx, part, deltas)
			inserted += n
			if err != nil {
				return err
			}
		}
		return endBulk(ctx, tx, s.dialect, deltas)
	})
	if err != nil {
		inserted = 0
	}
	return inserted, err
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
	b.WriteString(" ON CONFLICT (id) DO NOTHING RETURNING id")
	return b.String()
}

// insert stores rows (at most importChunk) and returns the ids it inserted (ids already stored are skipped).
func (bi *batchInserter) insert(ctx context.Context, rows []*Response) ([]string, error) {
	var ids []string
	if len(rows) == 0 {
		return ids, nil
	}
	if bi.dialect != "pg" {
		err := bi.tx.NewInsert().Model(&rows).ExcludeColumn("seq").On("CONFLICT (id) DO NOTHING").
			Returning("id").Scan(ctx, &ids)
		if isNoRows(err) {
			err = nil
		}
		return ids, err
	}
	bi.args = bi.args[:0]
	for _, r := range rows {
		// nullzero columns: "" and 0 are stored as NULL, as bun does for the API's inserts.
		bi.args = append(bi.args, r.ID, r.SubmittedUS, r.ReceivedUS, r.Agency, nullString(r.Service), nullString(r.Center),
			r.Channel, nullInt(r.KioskID), nullInt(r.InvitationID), r.Survey, int64(r.SurveyVersion), r.Lang, r.Status,
			nullString(r.Reason), nullString(r.Comment), r.Answers, r.Score, r.Top2, r.ContentHash)
	}
	var res *sql.Rows
	var err error
	if len(rows) == importChunk {
		if bi.full == nil {
			if bi.full, err = bi.tx.Tx.PrepareContext(ctx, insertSQL(importChunk)); err != nil {
				return nil, err
			}
		}
		res, err = bi.full.QueryContext(ctx, bi.args...)
	} else {
		res, err = bi.tx.Tx.QueryContext(ctx, insertSQL(len(rows)), bi.args...)
	}
	if err != nil {
		return nil, err
	}
	defer res.Close()
	for res.Next() {
		var id string
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, res.Err()
}

// insertInto inserts rows and folds the ones actually inserted into deltas.
func (bi *batchInserter) insertInto(ctx context.Context, rows []*Response, deltas *cellDeltas) (int64, error) {
	ids, err := bi.insert(ctx, rows)
	if err != nil {
		return 0, err
	}
	fresh := make(map[string]bool, len(ids))
	for _, id := range ids {
		fresh[id] = true
	}
	for _, r := range rows {
		if fresh[r.ID] {
			deltas.addResponse(r)
		}
	}
	return int64(len(ids)), nil
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
