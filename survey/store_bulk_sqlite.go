package survey

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// insertChunkRows rows go into one SQLite multi-row INSERT: big enough to amortise statements, small enough for
// SQLite's statement limits.
const insertChunkRows = 500

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
