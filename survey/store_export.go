package survey

import (
	"context"
	"database/sql"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// exportColumns selects seq and an exportRow; fixedExpr is the same in both dialects (|| joins, CAST makes text).
const exportColumns = "seq, id, submitted_us, " +
	"agency_code || ',' || COALESCE(service_code, '') || ',' || COALESCE(center_code, '') || ',' || channel || ',' || " +
	"survey_code || ',' || CAST(survey_version AS TEXT) || ',' || lang || ',' || status || ',' || COALESCE(reason, ''), " +
	"COALESCE(comment, ''), answers"

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

// exportPage is how many rows one page of an export reads: each page is its own short query, so no
// connection is held while a slow client takes the bytes (docs/api.md, downloading responses).
const exportPage = 5000

// Export writes the responses matching f as the response CSV of docs/api.md (header first), and returns how many:
// in the order they were stored (seq), or for a date range by submitted_at, then stored order.
// An unknown agency is an error before anything is written. Cells are written verbatim, also comments that
// start with = + - @: spreadsheet formula escaping would break the exact export → import round trip.
//
// The rows are read in pages, each page a short read under one of the store's read slots, written to w only
// after its rows are closed. The export holds every response stored before it began (seq up to the highest one
// then), each exactly once; responses stored meanwhile are left out (on PostgreSQL, seq is drawn before commit,
// so a row whose commit was under way at the start may still appear if its page is read after it committed).
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
	// One database for the whole export (store_read.go): the replica when one is current. Should it fail on the
	// way, the rest comes from the primary, which holds at least every row the replica had.
	db := s.reader(ctx)
	onReader := func(fn func() error) error {
		err := s.readSlot(ctx, fn)
		if err != nil && db != s.db && s.onReplicaFailure(ctx, err) {
			db = s.db
			err = s.readSlot(ctx, fn)
		}
		return err
	}
	// The snapshot's bound: every row committed so far has a seq at most this one.
	var last int64
	if err := onReader(func() error {
		return db.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM responses").Scan(&last)
	}); err != nil {
		return 0, err
	}
	out := newCSVRowWriter(cv, s.loc)
	out.header()
	byTime := !f.From.IsZero() || !f.To.IsZero()
	var where []string
	var args []any
	if f.Agency != "" {
		agency := "agency_code = ?"
		if !byTime && s.dialect == "sqlite" {
			// Walk the primary key, filtering: SQLite would otherwise pick the agency index and sort all of the
			// agency's rows of each window. (Unary + keeps a column off any index.)
			agency = "+agency_code = ?"
		}
		where, args = append(where, agency), append(args, f.Agency)
	}
	if !f.From.IsZero() {
		where, args = append(where, "submitted_us >= ?"), append(args, f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		where, args = append(where, "submitted_us < ?"), append(args, f.To.UnixMicro())
	}
	// Plain rows.Scan of six columns, not bun's model scan: the per-column work is the cost at a million rows.
	var n int64
	var r exportRow
	var seq int64
	page := func(query string, args []any, pin bool) (scanned int, err error) {
		n0, b0 := n, len(out.buf) // (the header waits in out.buf before the first page)
		err = onReader(func() error {
			scanned, n, out.buf = 0, n0, out.buf[:b0] // a page run again on the primary starts afresh
			return s.exportPage(ctx, db, query, args, pin, func(rows *sql.Rows) error {
				if err := rows.Scan(&seq, &r.ID, &r.SubmittedUS, &r.Fixed, &r.Comment, &r.Answers); err != nil {
					return err
				}
				scanned++
				if seq > last {
					return nil // stored after the export began
				}
				n++
				return out.row(&r)
			})
		})
		if err != nil {
			return scanned, err
		}
		// Written with no connection held: the page is in out.buf.
		_, err = w.Write(out.buf)
		out.buf = out.buf[:0]
		return scanned, err
	}
	if !byTime {
		// Windows of seq: each reads at most exportPage rows off the primary key, whatever the planner
		// believes of the table (a bare LIMIT on seq > ? can make PostgreSQL sort the whole rest per page).
		where = append(where, "seq > ? AND seq <= ?")
		query := "SELECT " + exportColumns + " FROM responses WHERE " + strings.Join(where, " AND ") + " ORDER BY seq"
		for from := int64(0); from < last; from += exportPage {
			if _, err := page(query, append(slices.Clip(args), from, min(from+exportPage, last)), false); err != nil {
				return n, err
			}
		}
		return n, nil
	}
	// A date range in time order, straight off the submitted_us indexes: keyset (submitted_us, seq) with a
	// LIMIT; the plain lower bound lets the index seek to the page's start.
	base := "SELECT " + exportColumns + " FROM responses WHERE " + strings.Join(where, " AND ")
	order := " ORDER BY submitted_us, seq LIMIT " + strconv.Itoa(exportPage)
	var afterSeq, afterUS int64
	for first := true; ; first = false {
		query, pargs := base, args
		if !first {
			query += " AND submitted_us >= ? AND (submitted_us > ? OR seq > ?)"
			pargs = append(slices.Clip(args), afterUS, afterUS, afterSeq)
		}
		scanned, err := page(query+order, pargs, true)
		if err != nil {
			return n, err
		}
		if scanned < exportPage {
			return n, nil
		}
		afterSeq, afterUS = seq, r.SubmittedUS
	}
}

// exportPage runs one page's query. pin (PostgreSQL) keeps the planner on an ordered index scan: with
// statistics older than a large import it may otherwise read and sort every remaining row of the range for
// each page of a LIMIT query.
func (s *Store) exportPage(ctx context.Context, db *bun.DB, query string, args []any, pin bool, scan func(*sql.Rows) error) error {
	if !pin || s.dialect != "pg" {
		return eachRow(ctx, db, query, args, scan)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off"); err != nil {
		return err
	}
	return eachRow(ctx, tx, query, args, scan)
}
