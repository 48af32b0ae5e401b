package survey

import (
	"context"
	"database/sql"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
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

// Export writes the responses matching f as the response CSV of docs/api.md (header first), oldest stored first, and returns how many.
// An unknown agency is an error before anything is written. Cells are written verbatim, also comments that
// start with = + - @: spreadsheet formula escaping would break the exact export → import round trip.
//
// The rows are read in pages by keyset (seq, or (submitted_us, seq) for a date range), each page under one of
// the store's read slots and written to w only after its rows are closed. The export holds every response
// stored before it began (seq up to the highest one then), each exactly once, in the same order as one query
// would; responses stored meanwhile are left out (on PostgreSQL, seq is drawn before commit, so a row whose
// commit was under way at the start may still appear if its page is read after it committed).
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
	// The snapshot's bound: every row committed so far has a seq at most this one.
	var last int64
	if err := s.readSlot(ctx, func() error {
		return s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM responses").Scan(&last)
	}); err != nil {
		return 0, err
	}
	out := newCSVRowWriter(cv, s.loc)
	out.header()
	// Plain rows.Scan of five columns, not bun's model scan: the per-column work is the cost at a million rows.
	// A date range is read in time order straight off the submitted_us indexes.
	where := []string{"seq <= ?"}
	args := []any{last}
	byTime := !f.From.IsZero() || !f.To.IsZero()
	if f.Agency != "" {
		agency := "agency_code = ?"
		if !byTime && s.dialect == "sqlite" {
			// Walk the primary key in seq order, filtering: SQLite would otherwise pick the agency index and sort
			// all of the agency's remaining rows again for every page. (Unary + keeps a column off any index.)
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
	base := "SELECT " + exportColumns + " FROM responses WHERE " + strings.Join(where, " AND ")
	order := " ORDER BY seq LIMIT " + strconv.Itoa(exportPage)
	if byTime {
		order = " ORDER BY submitted_us, seq LIMIT " + strconv.Itoa(exportPage)
	}
	var n int64
	var r exportRow
	var seq int64
	var afterSeq, afterUS int64 // the keyset of the last row written
	for first := true; ; first = false {
		query, pargs := base, args
		switch {
		case first:
		case byTime:
			// The plain lower bound lets the index seek to the page's start instead of scanning from the range's.
			query += " AND submitted_us >= ? AND (submitted_us > ? OR seq > ?)"
			pargs = append(slices.Clip(args), afterUS, afterUS, afterSeq)
		default:
			query += " AND seq > ?"
			pargs = append(slices.Clip(args), afterSeq)
		}
		got := 0
		err := s.readSlot(ctx, func() error {
			return eachRow(ctx, s.db, query+order, pargs, func(rows *sql.Rows) error {
				if err := rows.Scan(&seq, &r.ID, &r.SubmittedUS, &r.Fixed, &r.Comment, &r.Answers); err != nil {
					return err
				}
				if err := out.row(&r); err != nil {
					return err
				}
				got++
				afterSeq, afterUS = seq, r.SubmittedUS
				return nil
			})
		})
		if err != nil {
			return n, err
		}
		n += int64(got)
		// Written with no connection held: the page is in out.buf.
		if _, err := w.Write(out.buf); err != nil {
			return n, err
		}
		out.buf = out.buf[:0]
		if got < exportPage {
			return n, nil
		}
	}
}
