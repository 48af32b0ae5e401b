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
	return s.FindComments(ctx, CommentQuery{Agency: agency, From: from, To: to, Search: search, Limit: limit, Offset: offset})
}

// Comment sort orders of CommentQuery.Sort.
const (
	CommentsNewest  = "new" // the default
	CommentsOldest  = "old"
	CommentsLowest  = "low" // lowest response score first
	CommentsHighest = "high"
)

// Score bands of CommentQuery.Band: the response score R in [0, 50), [50, 80) and [80, 100].
const (
	BandLow  = "low"
	BandMid  = "mid"
	BandHigh = "high"
)

// CommentQuery selects an agency's comments: a period, optional filters, an order and a page.
type CommentQuery struct {
	Agency                         string
	From, To                       time.Time // [From, To)
	Search                         string    // substring after Azerbaijani case folding
	Center, Service, Channel, Lang string    // "" = any
	Band                           string    // "" = any, else BandLow/BandMid/BandHigh
	Sort                           string    // "" = CommentsNewest
	Limit, Offset                  int
}

// ValidCommentSort and ValidBand tell the values CommentQuery accepts.
func ValidCommentSort(s string) bool {
	return s == "" || s == CommentsNewest || s == CommentsOldest || s == CommentsLowest || s == CommentsHighest
}

func ValidBand(b string) bool { return b == "" || b == BandLow || b == BandMid || b == BandHigh }

// where applies the query's filters (every one on an indexed or already-narrowed column set: the agency
// and period come first).
func (q CommentQuery) where(sq *bun.SelectQuery) *bun.SelectQuery {
	sq = sq.Where("agency_code = ?", q.Agency).Where("submitted_us >= ?", q.From.UnixMicro()).Where("submitted_us < ?", q.To.UnixMicro()).
		Where("comment IS NOT NULL").Where("comment <> ''")
	for _, f := range [][2]string{{"center_code", q.Center}, {"service_code", q.Service}, {"channel", q.Channel}, {"lang", q.Lang}} {
		if f[1] != "" {
			sq = sq.Where("? = ?", bun.Ident(f[0]), f[1])
		}
	}
	switch q.Band {
	case BandLow:
		sq = sq.Where("score < 50")
	case BandMid:
		sq = sq.Where("score >= 50").Where("score < 80")
	case BandHigh:
		sq = sq.Where("score >= 80")
	}
	return sq
}

func (q CommentQuery) order() string {
	switch q.Sort {
	case CommentsOldest:
		return "submitted_us ASC, seq ASC"
	case CommentsLowest:
		return "score ASC, submitted_us DESC, seq DESC"
	case CommentsHighest:
		return "score DESC, submitted_us DESC, seq DESC"
	}
	return "submitted_us DESC, seq DESC"
}

// FindComments returns one page of the comments q selects and how many match in all.
func (s *Store) FindComments(ctx context.Context, q CommentQuery) ([]Comment, int, error) {
	if !ValidCommentSort(q.Sort) || !ValidBand(q.Band) {
		return nil, 0, FieldError("sort", "unknown sort %q or score band %q", q.Sort, q.Band)
	}
	var page []Comment
	var total int
	err := s.read(ctx, func(db bun.IDB) error { // store_read.go: the replica when one is current
		var err error
		page, total, err = s.findCommentsOn(ctx, db, q)
		return err
	})
	return page, total, err
}

// findCommentsOn is FindComments on db.
func (s *Store) findCommentsOn(ctx context.Context, db bun.IDB, q CommentQuery) ([]Comment, int, error) {
	limit, offset := q.Limit, max(q.Offset, 0)
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	needle := FoldAZ(strings.TrimSpace(q.Search))
	if needle == "" {
		sq := q.where(db.NewSelect().Table("responses").Column(commentColumns...)).OrderExpr(q.order())
		total, err := sq.Count(ctx)
		if err != nil {
			return nil, 0, err
		}
		var rows []commentRow
		if err := sq.Limit(int64(limit)).Offset(int64(offset)).Scan(ctx, &rows); err != nil && !isNoRows(err) {
			return nil, 0, err
		}
		return s.comments(rows), int(total), nil
	}
	// Stream only seq and text of the matching comments (a partial index holds exactly these rows), keep the
	// page's seqs, then load those rows in full: memory stays flat however many match.
	rows, err := q.where(db.NewSelect().Table("responses").Column("seq", "comment")).OrderExpr(q.order()).Rows(ctx)
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
			Where("seq IN (?)", bun.List(seqs)).OrderExpr(q.order()).Scan(ctx, &page)
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
