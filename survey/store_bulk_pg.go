package survey

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// copySink is PostgreSQL's. Rows are encoded as COPY text in chunks; a goroutine stores each chunk while the
// caller prepares the next: COPY into a temporary table (no indexes, no WAL), take out the ids already
// stored (their cell deltas back out), and one INSERT … SELECT into responses, in the order the rows came
// (seq follows the input). The database's work on one chunk overlaps the caller's on the next.
type copySink struct {
	conn      bun.Conn
	tx        bun.Tx
	skipped   *cellDeltas // the storer's until done
	conflicts *bulkConflicts
	chunk     []byte
	rows      int
	storer    *storer[copyChunk]
	n         int64 // rows inserted, the storer's until done
}

type copyChunk struct {
	data   []byte
	rows   int
	deltas *cellDeltas // when set: added to the cells after the rows (addDeltas)
}

// copyChunkRows rows make one chunk (~12 MB of COPY text); at most three chunks are in memory at once.
var copyChunkRows = 50_000 // a variable for tests

func newCopySink(ctx context.Context, conn bun.Conn, tx bun.Tx, skipped *cellDeltas, conflicts *bulkConflicts) (*copySink, error) {
	// seq is drawn from responses' own sequence as the rows arrive, so it follows the input even though the
	// rows go into responses in time order (see store).
	for _, q := range []string{
		"CREATE TEMP TABLE import_rows ON COMMIT DROP AS SELECT seq, 0 AS line, " + responseColumns.sql("") + " FROM responses WITH NO DATA",
		"ALTER TABLE import_rows ALTER COLUMN seq SET DEFAULT nextval(pg_get_serial_sequence('responses', 'seq'))",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	c := &copySink{conn: conn, tx: tx, skipped: skipped, conflicts: conflicts}
	c.storer = startStorer(1, func(ch copyChunk) error { return c.store(ctx, ch) })
	return c, nil
}

// store moves one chunk into responses. The first try is a plain INSERT … SELECT under a savepoint: with no
// id already stored (a first import) that is all, with no extra index probe per row. If some id is stored
// already, the chunk's rows with such ids are taken out (their cell deltas back out) and the rest inserted.
// A temporary table filled once is read in the order it was written (no other backend scans it, and an
// INSERT … SELECT never runs in parallel), so seq follows the input.
func (c *copySink) store(ctx context.Context, ch copyChunk) error {
	if ch.rows > 0 {
		if err := c.storeRows(ctx, ch); err != nil {
			return err
		}
	}
	if ch.deltas == nil {
		return nil
	}
	return stageBulkDeltas(ctx, c.tx, ch.deltas, c.skipped)
}

func (c *copySink) storeRows(ctx context.Context, ch copyChunk) error {
	cols := responseColumns.sql("")
	if _, err := pgdriver.CopyFrom(ctx, c.conn, bytes.NewReader(ch.data), "COPY import_rows (line, "+cols+") FROM STDIN"); err != nil {
		return err
	}
	// In time order: the indexes on submitted_us (three of them) are then filled page after page instead of
	// at random places.
	// The ids go into response_keys in the same statement (responses is partitioned: its ids are unique
	// there); an id stored before, also one whose month is archived, is a unique violation of that table.
	insert := "WITH keys AS (INSERT INTO response_keys (id, invitation_id, seq, submitted_us) SELECT id, invitation_id, seq, submitted_us FROM import_rows) " +
		"INSERT INTO responses (seq, " + cols + ") SELECT seq, " + cols + " FROM import_rows ORDER BY submitted_us"
	if _, err := c.tx.ExecContext(ctx, "SAVEPOINT chunk"); err != nil {
		return err
	}
	res, err := c.tx.ExecContext(ctx, insert)
	skipped := 0
	if isUniqueViolation(err) {
		if _, err := c.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT chunk"); err != nil {
			return err
		}
		if skipped, err = c.takeOutRepeats(ctx); err != nil {
			return err
		}
		var stored int
		if stored, err = c.takeOutStored(ctx); err != nil {
			return err
		}
		skipped += stored
		res, err = c.tx.ExecContext(ctx, insert)
	}
	if err != nil {
		if isUniqueViolation(err) {
			// Another transaction stored one of these ids after the check: never count a row twice.
			return Errorf(CodeUnavailable, "", "some of these ids were stored by someone else meanwhile; run it again")
		}
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != int64(ch.rows-skipped) {
		return fmt.Errorf("bulk write: stored %d of %d rows", n, ch.rows-skipped)
	}
	c.n += n
	_, err = c.tx.ExecContext(ctx, "RELEASE SAVEPOINT chunk; TRUNCATE import_rows")
	return err
}

// takenOutColumns are what the cell deltas need of a row taken out: its cell columns and its status.
var takenOutColumns = append(responseColumns.pick("status"), cellColumns...)

// takeOutRepeats deletes the chunk's rows that repeat an earlier row of the chunk's id, takes their cell deltas
// back out, and checks each against the first row with its id.
func (c *copySink) takeOutRepeats(ctx context.Context) (int, error) {
	first := "SELECT DISTINCT ON (id) id, seq, line, " + identityColumns.sql("") + " FROM import_rows ORDER BY id, seq"
	q := "DELETE FROM import_rows i USING (" + first + ") f WHERE i.id = f.id AND i.seq > f.seq RETURNING i.line, f.line, f.seq, i.id, " +
		takenOutColumns.scanned("i.") + ", " + identityColumns.scanned("i.") + ", " + identityColumns.scanned("f.")
	return c.takeOut(ctx, q)
}

// takeOutStored deletes the chunk's rows whose id is already stored, takes their cell deltas back out, and
// checks each against the stored row.
func (c *copySink) takeOutStored(ctx context.Context) (int, error) {
	q := "DELETE FROM import_rows i USING response_keys k JOIN responses r ON " + keyRowJoin("k", "r") + " WHERE k.id = i.id RETURNING i.line, 0, r.seq, i.id, " +
		takenOutColumns.scanned("i.") + ", " + identityColumns.scanned("i.") + ", " + identityColumns.scanned("r.")
	n, err := c.takeOut(ctx, q)
	if err != nil {
		return n, err
	}
	// An id whose row is archived (its key kept, its partition detached): skipped like any stored id, and
	// compared with nothing (it was stored before this import began).
	q = "DELETE FROM import_rows i USING response_keys k WHERE k.id = i.id RETURNING i.line, 0, 0, i.id, " +
		takenOutColumns.scanned("i.") + ", " + identityColumns.scanned("i.") + ", " + identityColumns.scanned("i.")
	m, err := c.takeOut(ctx, q)
	return n + m, err
}

// takeOut runs q, a DELETE … RETURNING the row's line, the other row's line (0: unknown) and seq, the row's id,
// takenOutColumns and identityColumns, and the other row's identityColumns.
func (c *copySink) takeOut(ctx context.Context, q string) (int, error) {
	skipped := 0
	err := eachRow(ctx, c.tx, q, nil, func(rows *sql.Rows) error {
		var r, other Response
		var line, otherLine int
		var otherSeq int64
		dest := append([]any{&line, &otherLine, &otherSeq, &r.ID}, takenOutColumns.pointers(&r)...)
		dest = append(dest, identityColumns.pointers(&r)...)
		if err := rows.Scan(append(dest, identityColumns.pointers(&other)...)...); err != nil {
			return err
		}
		c.skipped.addResponse(&r)
		c.conflicts.check(&r, &other, otherSeq, line, otherLine)
		skipped++
		return nil
	})
	return skipped, err
}

func (c *copySink) add(ctx context.Context, r *Response, line int) error {
	c.chunk = append(strconv.AppendInt(c.chunk, int64(line), 10), '\t')
	c.chunk = responseColumns.appendCopy(c.chunk, r)
	if c.rows++; c.rows < copyChunkRows {
		return nil
	}
	return c.send(ctx, nil)
}

func (c *copySink) addDeltas(ctx context.Context, d *cellDeltas) error { return c.send(ctx, d) }

func (c *copySink) send(ctx context.Context, d *cellDeltas) error {
	if err := c.storer.put(ctx, copyChunk{data: c.chunk, rows: c.rows, deltas: d}); err != nil {
		return err
	}
	c.chunk, c.rows = make([]byte, 0, cap(c.chunk)), 0
	return nil
}

func (c *copySink) finish(ctx context.Context) (int64, error) {
	var err error
	if c.rows > 0 {
		err = c.send(ctx, nil)
	}
	if serr := c.storer.wait(); serr != nil {
		return 0, serr
	}
	return c.n, err
}

func (c *copySink) abort() error { return c.storer.wait() }
