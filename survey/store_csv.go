package survey

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// ImportOptions tune Store.Import; the zero value is fine.
type ImportOptions struct {
	// OnError, when set, sees every bad line as it is found (the CLI prints them all).
	OnError func(LineError)
	// Progress, when set, is called now and then with the phase ("importing", "rolling up") and the rows
	// done so far.
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

// seenRow is what an import remembers per id: enough to tell a repeat from a conflict, in 16 bytes.
type seenRow struct {
	hash uint64
	line uint32
}

// Import stores the §5 CSV in src all-or-nothing, in one pass: every row is validated exactly like the API
// (historic: no time window) and stored in one transaction while the file is read. The first bad line stops
// the storing; reading goes on to list every bad line, and the transaction rolls back. Rows whose id is
// already stored are skipped, so re-importing is a no-op. Memory stays flat apart from ~40 bytes per row for
// the duplicate-id check. The import keeps the cells itself, in the same transaction.
func (s *Store) Import(ctx context.Context, src io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return res, err
	}
	now := s.now() // the receive time of every row
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
		return res, ie
	}
	if le, ok := err.(*LineError); ok {
		bad(*le)
		return res, ie
	}
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	layout, herrs := cv.parseCSVHeader(header)
	if len(herrs) > 0 {
		for _, e := range herrs {
			bad(e)
		}
		return res, ie
	}
	// Settle the cells first (and their time zone), so this import's own cell deltas land on current cells.
	if _, err := s.Rollup(ctx); err != nil {
		return res, err
	}
	if opt.Progress != nil {
		opt.Progress("importing", 0)
	}
	res.Inserted, err = s.bulkTx(ctx, func(sink bulkSink, stored *cellDeltas) error {
		seen := map[[16]byte]seenRow{}
		err := cv.decodeRows(ctx, in, layout, now, func(d *decodedRow) error {
			res.Rows++
			if res.Rows%50_000 == 0 && opt.Progress != nil {
				opt.Progress("importing", res.Rows)
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
				return nil // a repeat of an earlier line
			}
			seen[id] = seenRow{hash: h, line: uint32(d.line)}
			if ie.Count > 0 {
				return nil // nothing of a bad file is stored: only go on listing its bad lines
			}
			stored.addResponse(d.r) // here, beside the decoding, not on the database's critical path
			return sink.add(ctx, d.r)
		})
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if ie.Count > 0 {
			return ie
		}
		return nil
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

// rowHash covers everything a row stores, so two rows with one id are either the same response or a conflict.
func rowHash(r *Response) uint64 {
	sum := sha256.Sum256([]byte(r.ContentHash + "\x00" + r.Channel + "\x00" + r.Status + "\x00" + r.Reason))
	return binary.LittleEndian.Uint64(sum[:8])
}

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
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return 0, err
	}
	if f.Agency != "" {
		if _, ok := cv.Agency(f.Agency); !ok {
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
	out := newCSVRowWriter(cv, s.loc)
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
		where, args = append(where, "submitted_us >= ?"), append(args, f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		where, args = append(where, "submitted_us < ?"), append(args, f.To.UnixMicro())
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
