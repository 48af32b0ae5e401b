package survey

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// commentColumns are the columns of a commentRow.
var commentColumns = []string{"id", "submitted_us", "service_code", "center_code", "channel", "lang", "status", "reason",
	"score", "answers", "comment"}

type commentRow struct {
	ID          string  `bun:"id"`
	SubmittedUS int64   `bun:"submitted_us"`
	Service     string  `bun:"service_code"`
	Center      string  `bun:"center_code"`
	Channel     string  `bun:"channel"`
	Lang        string  `bun:"lang"`
	Status      string  `bun:"status"`
	Reason      string  `bun:"reason"`
	Score       float64 `bun:"score"`
	Answers     string  `bun:"answers"`
	Comment     string  `bun:"comment"`
}

// Comments returns one page of an agency's comments submitted in [from, to), newest first, and how many match
// in all. search matches a substring after Azerbaijani case folding (İ→i, I→ı) done in Go, since SQLite's
// lower() only knows ASCII and PostgreSQL's depends on the server's collation.
func (s *Store) Comments(ctx context.Context, agency string, from, to time.Time, search string, limit, offset int) ([]Comment, int, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset = max(offset, 0)
	var page []Comment
	var total int
	err := s.read(ctx, func(db bun.IDB) error { // store_read.go: the replica when one is current
		var err error
		page, total, err = s.commentsOn(ctx, db, agency, from, to, search, limit, offset)
		return err
	})
	return page, total, err
}

// commentsOn is Comments on db.
func (s *Store) commentsOn(ctx context.Context, db bun.IDB, agency string, from, to time.Time, search string, limit, offset int) ([]Comment, int, error) {
	q := db.NewSelect().Table("responses").
		Column(commentColumns...).
		Where("agency_code = ?", agency).Where("submitted_us >= ?", from.UnixMicro()).Where("submitted_us < ?", to.UnixMicro()).
		Where("comment IS NOT NULL").Where("comment <> ''").OrderExpr("submitted_us DESC, seq DESC")
	needle := FoldAZ(strings.TrimSpace(search))
	if needle == "" {
		total, err := q.Count(ctx)
		if err != nil {
			return nil, 0, err
		}
		var rows []commentRow
		if err := q.Limit(int64(limit)).Offset(int64(offset)).Scan(ctx, &rows); err != nil && !isNoRows(err) {
			return nil, 0, err
		}
		return s.comments(rows), int(total), nil
	}
	// Stream only seq and text of the period's comments (a partial index holds exactly these rows), keep the
	// page's seqs, then load those rows in full: memory stays flat however many match.
	rows, err := db.NewSelect().Table("responses").Column("seq", "comment").
		Where("agency_code = ?", agency).Where("submitted_us >= ?", from.UnixMicro()).Where("submitted_us < ?", to.UnixMicro()).
		Where("comment IS NOT NULL").Where("comment <> ''").OrderExpr("submitted_us DESC, seq DESC").Rows(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var seqs []int64
	total := 0
	for rows.Next() {
		var seq int64
		var text string
		if err := rows.Scan(&seq, &text); err != nil {
			return nil, 0, err
		}
		if !strings.Contains(FoldAZ(text), needle) {
			continue
		}
		if total >= offset && len(seqs) < limit {
			seqs = append(seqs, seq)
		}
		total++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	var page []commentRow
	if len(seqs) > 0 {
		err := db.NewSelect().Table("responses").
			Column(commentColumns...).
			Where("seq IN (?)", bun.List(seqs)).OrderExpr("submitted_us DESC, seq DESC").Scan(ctx, &page)
		if err != nil {
			return nil, 0, err
		}
	}
	return s.comments(page), total, nil
}

func (s *Store) comments(rows []commentRow) []Comment {
	out := make([]Comment, 0, len(rows))
	for _, r := range rows {
		c := Comment{ID: r.ID, SubmittedAt: fromUnixMicro(r.SubmittedUS, s.loc), Service: r.Service, Center: r.Center,
			Channel: r.Channel, Lang: r.Lang, Status: r.Status, Reason: r.Reason, Score: r.Score, Text: r.Comment}
		json.Unmarshal([]byte(r.Answers), &c.Answers)
		out = append(out, c)
	}
	return out
}
