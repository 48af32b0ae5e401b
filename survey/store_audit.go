package survey

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// AuditFilter narrows a read of the log; zero fields match everything.
type AuditFilter struct {
	Actor    string    // the actor's name (email or "cli"), exactly, case-insensitive
	Action   string    // an action, or an entity prefix such as "user"
	From, To time.Time // entries at or after From, before To
	Before   int64     // paging: entries with a smaller id (newest first)
	Limit    int       // at most this many (default 50, at most 500)
}

func (f AuditFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if f.Actor != "" {
		q = q.Where("lower(actor) = ?", strings.ToLower(strings.TrimSpace(f.Actor)))
	}
	if a := strings.TrimSpace(f.Action); a != "" {
		if strings.Contains(a, ".") {
			q = q.Where("action = ?", a)
		} else {
			q = q.Where("action LIKE ?", escapeLike(a)+".%")
		}
	}
	if !f.From.IsZero() {
		q = q.Where("at_us >= ?", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		q = q.Where("at_us < ?", f.To.UnixMicro())
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// ListAudit returns entries newest first, and whether there are more past the last one (pass its id as
// Before for the next page).
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	var out []AuditEntry
	q := f.apply(s.db.NewSelect().Model(&out)).OrderExpr("id DESC").Limit(int64(f.Limit + 1))
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if err := q.Scan(ctx); err != nil && !isNoRows(err) {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}

// AuditCSVHeader is the header of the audit export.
var AuditCSVHeader = []string{"id", "at", "actor_id", "actor", "action", "target", "details", "ip", "user_agent"}

// ExportAudit writes the entries matching f (Before and Limit ignored) oldest first as CSV, text cells made
// spreadsheet-safe as in the response export. It pages by id, so no read holds the database for long.
func (s *Store) ExportAudit(ctx context.Context, w io.Writer, f AuditFilter) (int64, error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(AuditCSVHeader); err != nil {
		return 0, err
	}
	var n, after int64
	for {
		var page []AuditEntry
		if err := f.apply(s.db.NewSelect().Model(&page)).Where("id > ?", after).OrderExpr("id").Limit(1000).Scan(ctx); err != nil && !isNoRows(err) {
			return n, err
		}
		for _, e := range page {
			actorID := ""
			if e.ActorID != 0 {
				actorID = strconv.FormatInt(e.ActorID, 10)
			}
			rec := []string{strconv.FormatInt(e.ID, 10), fromUnixMicro(e.AtUS, s.loc).Format(time.RFC3339Nano), actorID,
				SpreadsheetSafe(e.Actor), SpreadsheetSafe(e.Action), SpreadsheetSafe(e.Target), SpreadsheetSafe(e.Details),
				SpreadsheetSafe(e.IP), SpreadsheetSafe(e.UserAgent)}
			if err := cw.Write(rec); err != nil {
				return n, err
			}
			n++
			after = e.ID
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, err
		}
		if len(page) < 1000 {
			return n, nil
		}
	}
}
