package survey

import (
	"context"
	"database/sql"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// exportColumns selects an exportRow; fixedExpr is the same in both dialects (|| joins, CAST makes text).
const exportColumns = "id, submitted_us, " +
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

// Export writes the responses matching f as the response CSV of docs/api.md (header first), oldest stored first, and returns how many.
// An unknown agency is an error before anything is written. Cells are written verbatim, also comments that
// start with = + - @: spreadsheet formula escaping would break the exact export → import round trip.
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
	var n int64
	var r exportRow
	err = eachRow(ctx, db, query, args, func(rows *sql.Rows) error {
		if err := rows.Scan(&r.ID, &r.SubmittedUS, &r.Fixed, &r.Comment, &r.Answers); err != nil {
			return err
		}
		if err := out.row(&r); err != nil {
			return err
		}
		n++
		if len(out.buf) >= 64<<10 {
			if _, err := w.Write(out.buf); err != nil {
				return err
			}
			out.buf = out.buf[:0]
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	_, err = w.Write(out.buf)
	return n, err
}
