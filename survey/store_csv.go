package survey

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// ImportOptions tune Store.Import; the zero value is fine.
type ImportOptions struct {
	// OnError, when set, sees every bad line as it is found (the CLI prints them all).
	OnError func(LineError)
	// Progress, when set, is called now and then with the phase ("checking", "storing", "rolling up") and
	// the rows done so far.
	Progress func(phase string, rows int64)
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows     int64 // data rows in the file
	Inserted int64 // rows stored
	Skipped  int64 // rows whose id was already stored (or repeated in the file)
}

// ImportError is an import that stored nothing because some lines are invalid.
type ImportError struct {
	Lines []LineError // the first maxKeptLineErrors, in file order
	Count int         // how many lines are invalid in all
}

const maxKeptLineErrors = 1000

func (e *ImportError) Error() string {
	if e.Count == 1 {
		return "1 invalid line; nothing was imported"
	}
	return fmt.Sprintf("%d invalid lines; nothing was imported", e.Count)
}

// seenRow is what the first pass remembers per id: enough to tell a repeat from a conflict, in 16 bytes.
type seenRow struct {
	hash uint64
	line uint32
}

// Import stores the §5 CSV in src all-or-nothing. A first pass validates every row exactly like the API
// (historic: no time window) and lists every bad line; only a clean file is read again and stored, in one
// transaction with multi-row inserts. Rows whose id is already stored are skipped, so re-importing is a no-op.
// Memory stays flat apart from ~40 bytes per row for the duplicate-id check. The cells are rolled up after.
func (s *Store) Import(ctx context.Context, src io.ReadSeeker, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	ix, err := s.Index(ctx)
	if err != nil {
		return res, err
	}
	now := s.now() // the receive time of every row: both passes must build identical rows
	seen, err := s.importCheck(ctx, ix, src, now, opt, &res)
	if err != nil {
		return res, err
	}
	if opt.Progress != nil {
		opt.Progress("storing", 0)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return res, fmt.Errorf("import: cannot read the file again: %w", err)
	}
	// Settle the cells first (and their time zone), so this import's own cell deltas land on current cells.
	if _, err := s.Rollup(ctx); err != nil {
		return res, err
	}
	err = s.inTx(ctx, func(tx bun.Tx) error {
		if err := beginBulk(ctx, tx, s.dialect); err != nil {
			return err
		}
		if s.dialect == "sqlite" {
			// The random-id unique index touches pages all over the file: a bigger page cache saves a read
			// per row, and statement journals in memory save a write per statement. Both are per connection:
			// reset them before the connection goes back to the pool.
			for _, p := range []string{"PRAGMA cache_size = -131072", "PRAGMA temp_store = MEMORY"} {
				if _, err := tx.ExecContext(ctx, p); err != nil {
					return err
				}
			}
			defer tx.ExecContext(ctx, "PRAGMA temp_store = DEFAULT")
			defer tx.ExecContext(ctx, "PRAGMA cache_size = -2000")
		}
		stored, skipped := newCellDeltas(s.loc), newCellDeltas(s.loc)
		res.Inserted, err = s.importStore(ctx, tx, ix, src, now, seen, opt, stored, skipped)
		if err != nil {
			return err
		}
		return endBulk(ctx, tx, s.dialect, stored, skipped)
	})
	if err != nil {
		res.Inserted = 0
		return res, err
	}
	res.Skipped = res.Rows - res.Inserted
	if opt.Progress != nil {
		opt.Progress("rolling up", res.Inserted)
	}
	if _, err := s.Rollup(ctx); err != nil {
		return res, fmt.Errorf("import: stored, but updating the index cells failed (they catch up on the next roll-up): %w", err)
	}
	return res, nil
}

// importCheck is the first pass: header, every row, duplicate ids.
func (s *Store) importCheck(ctx context.Context, ix *Index, src io.Reader, now time.Time, opt ImportOptions, res *ImportResult) (map[[16]byte]seenRow, error) {
	ie := &ImportError{}
	bad := func(e LineError) {
		ie.Count++
		if len(ie.Lines) < maxKeptLineErrors {
			ie.Lines = append(ie.Lines, e)
		}
		if opt.OnError != nil {
			opt.OnError(e)
		}
	}
	in := newCSVSource(src)
	header, _, err := in.next()
	if err == io.EOF {
		bad(LineError{Line: 1, Message: "the file is empty; expected a header row: " + strings.Join(CSVColumns, ",") + ",q.…"})
		return nil, ie
	}
	if le, ok := err.(*LineError); ok {
		bad(*le)
		return nil, ie
	}
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	layout, herrs := ix.parseCSVHeader(header)
	if len(herrs) > 0 {
		for _, e := range herrs {
			bad(e)
		}
		return nil, ie
	}
	seen := map[[16]byte]seenRow{}
	err = ix.decodeRows(ctx, in, layout, now, func(d *decodedRow) error {
		res.Rows++
		if res.Rows%50_000 == 0 && opt.Progress != nil {
			opt.Progress("checking", res.Rows)
		}
		if d.bad != nil {
			bad(*d.bad)
			return nil
		}
		id := uuid.MustParse(d.r.ID)
		h := rowHash(d.r)
		if prev, dup := seen[id]; dup {
			if prev.hash != h {
				bad(LineError{Line: d.line, Column: "id", Message: fmt.Sprintf("id %s is also on line %d with other content", d.r.ID, prev.line)})
			}
			return nil
		}
		seen[id] = seenRow{hash: h, line: uint32(d.line)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if ie.Count > 0 {
		return nil, ie
	}
	return seen, nil
}

// rowHash covers everything a row stores, so two rows with one id are either the same response or a conflict.
func rowHash(r *Response) uint64 {
	sum := sha256.Sum256([]byte(r.ContentHash + "\x00" + r.Channel + "\x00" + r.Status + "\x00" + r.Reason))
	return binary.LittleEndian.Uint64(sum[:8])
}

// importStore is the second pass: rebuild each (now known good) row, insert in batches, and fold the rows
// actually inserted into deltas.
func (s *Store) importStore(ctx context.Context, tx bun.Tx, ix *Index, src io.Reader, now time.Time, seen map[[16]byte]seenRow, opt ImportOptions, stored, skipped *cellDeltas) (int64, error) {
	in := newCSVSource(src)
	header, _, err := in.next()
	if err != nil {
		return 0, fmt.Errorf("import: the file changed while importing: %w", err)
	}
	layout, herrs := ix.parseCSVHeader(header)
	if len(herrs) > 0 {
		return 0, errors.New("import: the file changed while importing")
	}
	// A pipeline: this goroutine decodes and validates rows while another inserts the previous batch, so
	// the client's CPU work overlaps the database's.
	var inserted, done int64
	var failed atomic.Bool
	batches := make(chan []*Response, 2)
	inserterDone := make(chan error, 1)
	go func() {
		ins := newBatchInserter(tx, s.dialect)
		defer ins.close()
		var err error
		for b := range batches {
			if err != nil {
				continue // drain: the producer stops at its next row
			}
			var ids []string
			ids, err = ins.insert(ctx, b)
			if err != nil {
				failed.Store(true)
				continue
			}
			inserted += int64(len(ids))
			if len(ids) < len(b) {
				// Rows whose id was already stored were counted by the decoder: take them out again.
				fresh := make(map[string]bool, len(ids))
				for _, id := range ids {
					fresh[id] = true
				}
				for _, r := range b {
					if !fresh[r.ID] {
						skipped.addResponse(r)
					}
				}
			}
		}
		inserterDone <- err
	}()
	batch := make([]*Response, 0, importChunk)
	err = ix.decodeRows(ctx, in, layout, now, func(d *decodedRow) error {
		if failed.Load() {
			return errImportStopped
		}
		if d.bad != nil {
			return fmt.Errorf("import: the file changed while importing: %s", d.bad)
		}
		first, ok := seen[uuid.MustParse(d.r.ID)]
		if !ok {
			return fmt.Errorf("import: the file changed while importing (line %d is new)", d.line)
		}
		if first.line != uint32(d.line) {
			return nil // a repeat of an earlier line
		}
		batch = append(batch, d.r)
		stored.addResponse(d.r) // here, beside the decoding, not on the inserter's critical path
		if done++; done%50_000 == 0 && opt.Progress != nil {
			opt.Progress("storing", done)
		}
		if len(batch) == importChunk {
			batches <- batch
			batch = make([]*Response, 0, importChunk)
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if ierr := <-inserterDone; ierr != nil {
		return 0, ierr
	}
	return inserted, err
}

// errImportStopped ends the decoding pass once the inserter has failed (its error is the one reported).
var errImportStopped = errors.New("import: stopped")

// ExportFilter selects the responses to export; zero values select everything.
type ExportFilter struct {
	From, To time.Time // submitted_at in [From, To)
	Agency   string
}

// ParseExportFilter reads the inclusive YYYY-MM-DD dates of the CLI and API as midnights in loc.
func ParseExportFilter(from, to, agency string, loc *time.Location) (ExportFilter, error) {
	f := ExportFilter{Agency: strings.TrimSpace(agency)}
	day := func(field, v string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return t, FieldError(field, "%s must be a date YYYY-MM-DD between 2000 and 2100, got %q", field, truncate(v, 20))
		}
		return t, nil
	}
	var err error
	if from != "" {
		if f.From, err = day("from", from); err != nil {
			return f, err
		}
	}
	if to != "" {
		var t time.Time
		if t, err = day("to", to); err != nil {
			return f, err
		}
		f.To = t.AddDate(0, 0, 1) // the whole last day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, FieldError("to", "to is before from")
	}
	return f, nil
}

// Export writes the responses matching f as §5 CSV (header first), oldest stored first, and returns how many.
// An unknown agency is an error before anything is written. Cells are written verbatim, also comments that
// start with = + - @: spreadsheet formula escaping would break the exact export → import round trip of §5.
func (s *Store) Export(ctx context.Context, w io.Writer, f ExportFilter) (int64, error) {
	ix, err := s.Index(ctx)
	if err != nil {
		return 0, err
	}
	if f.Agency != "" {
		if _, ok := ix.Agency(f.Agency); !ok {
			return 0, Errorf(CodeUnknownAgency, "agency", "unknown agency %q", truncate(f.Agency, 64))
		}
	}
	var db bun.IDB = s.db
	if s.dialect == "pg" {
		// One snapshot: rows committed meanwhile with a lower seq would otherwise slip between pages. (SQLite
		// commits one writer at a time in seq order, and a transaction there would take the write lock.)
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		db = tx
	}
	out := newCSVRowWriter(ix, s.loc)
	out.header()
	// One streamed query (the driver reads rows as they are scanned): memory stays flat, and there is no
	// re-scan per page. A date range is read in time order straight off the submitted_us indexes. Plain
	// rows.Scan of five columns, not bun's model scan: the per-column work is the cost at a million rows.
	var where []string
	var args []any
	if f.Agency != "" {
		where, args = append(where, "agency_code = ?"), append(args, f.Agency)
	}
	if !f.From.IsZero() {
		where, args = append(where, "submitted_us >= ?"), append(args, us(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "submitted_us < ?"), append(args, us(f.To))
	}
	query := "SELECT " + exportColumns + " FROM responses"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if f.From.IsZero() && f.To.IsZero() {
		query += " ORDER BY seq"
	} else {
		query += " ORDER BY submitted_us, seq"
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	var r exportRow
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.SubmittedUS, &r.Fixed, &r.Comment, &r.Answers); err != nil {
			return n, err
		}
		if err := out.row(&r); err != nil {
			return n, err
		}
		n++
		if len(out.buf) >= 64<<10 {
			if _, err := w.Write(out.buf); err != nil {
				return n, err
			}
			out.buf = out.buf[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	_, err = w.Write(out.buf)
	return n, err
}

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
