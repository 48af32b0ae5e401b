package survey

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/qiymet/qiymet/scoring"
	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// ListUsers returns every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	err := s.db.NewSelect().Model(&users).OrderExpr("email").Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return users, err
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	err := s.db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "", "no such user")
	}
	return u, err
}

// UserUpdate is an admin's edit of a user; a nil field is left as it is.
type UserUpdate struct {
	Role     *string
	Agency   *string
	Disabled *bool
	Password *string
}

// UpdateUser applies u to the user. Any change of role, agency, password or a disabling ends the user's
// sessions, so a demoted user loses their rights at once rather than when the cookie expires.
func (s *Store) UpdateUser(ctx context.Context, id int64, up UserUpdate) (*User, error) {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	role, agency := u.Role, u.Agency
	if up.Role != nil {
		role = *up.Role
	}
	if up.Agency != nil {
		agency = *up.Agency
	}
	if role != RoleManager {
		agency = ""
	}
	switch role {
	case RoleAdmin, RoleAnalyst:
	case RoleManager:
		cv, err := s.CatalogView(ctx)
		if err != nil {
			return nil, err
		}
		if _, ok := cv.Agency(agency); !ok {
			return nil, Errorf(CodeUnknownAgency, "agency", "a manager needs a known agency")
		}
	default:
		return nil, FieldError("role", "role must be admin, analyst or manager")
	}
	q := s.db.NewUpdate().Model((*User)(nil)).Where("id = ?", id).Set("role = ?", role).Set("agency_code = ?", nullIfEmpty(agency))
	if up.Disabled != nil {
		if *up.Disabled {
			q = q.Set("disabled_us = ?", s.now().UnixMicro())
		} else {
			q = q.Set("disabled_us = NULL").Set("failed_logins = 0").Set("locked_until_us = NULL")
		}
	}
	if up.Password != nil {
		p := *up.Password
		if utf8.RuneCountInString(p) < MinPasswordLen || len(p) > 72 {
			return nil, FieldError("password", "a password needs %d to 72 bytes", MinPasswordLen)
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(p), BcryptCost)
		if err != nil {
			return nil, err
		}
		q = q.Set("password_hash = ?", string(hash))
	}
	if _, err := q.Exec(ctx); err != nil {
		return nil, err
	}
	if role != u.Role || agency != u.Agency || up.Password != nil || (up.Disabled != nil && *up.Disabled) {
		if _, err := s.RevokeUserSessions(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.UserByID(ctx, id)
}

// ListAPIKeys returns every API key, newest first (revoked ones too, marked).
func (s *Store) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	var ks []APIKey
	err := s.db.NewSelect().Model(&ks).OrderExpr("id DESC").Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return ks, err
}

// RevokeAPIKey revokes a key; revoking twice is a no-op.
func (s *Store) RevokeAPIKey(ctx context.Context, id int64) error {
	defer s.ForgetCredentials() // the old credential must stop working here at once
	res, err := s.db.NewUpdate().Model((*APIKey)(nil)).Set("revoked_us = ?", s.now().UnixMicro()).
		Where("id = ?", id).Where("revoked_us IS NULL").Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if c, err := s.db.NewSelect().Model((*APIKey)(nil)).Where("id = ?", id).Count(ctx); err != nil {
			return err
		} else if c == 0 {
			return Errorf(CodeNotFound, "", "no such API key")
		}
	}
	return nil
}

// Comment is one free-text comment with the rating it came with.
type Comment struct {
	ID          string
	SubmittedAt time.Time
	Service     string
	Center      string
	Channel     string
	Lang        string
	Status      string
	Reason      string
	Score       float64
	Answers     map[string]any
	Text        string
}

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
	q := s.db.NewSelect().Table("responses").
		Column("id", "submitted_us", "service_code", "center_code", "channel", "lang", "status", "reason", "score", "answers", "comment").
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
	rows, err := s.db.NewSelect().Table("responses").Column("seq", "comment").
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
		err := s.db.NewSelect().Table("responses").
			Column("id", "submitted_us", "service_code", "center_code", "channel", "lang", "status", "reason", "score", "answers", "comment").
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

// azCasers pools Casers: one keeps state, so goroutines must not share it, and making one per call is slow.
var azCasers = sync.Pool{New: func() any { c := cases.Lower(language.Azerbaijani); return &c }}

// FoldAZ folds text for case-insensitive search the Azerbaijani way: NFC first (so "İ" typed as I + dot
// matches), then Azerbaijani lower-casing (İ→i, I→ı); Cyrillic and Latin fold as usual.
func FoldAZ(s string) string {
	if s == "" {
		return ""
	}
	c := azCasers.Get().(*cases.Caser)
	defer azCasers.Put(c)
	return c.String(norm.NFC.String(s))
}

// SetUserLang remembers a user's dashboard language, so it follows them to another device.
func (s *Store) SetUserLang(ctx context.Context, id int64, lang string) error {
	if !ValidLang(lang) {
		return FieldError("lang", "lang must be az, en or ru")
	}
	_, err := s.db.NewUpdate().Model((*User)(nil)).Set("lang = ?", lang).Where("id = ?", id).Exec(ctx)
	return err
}

// AttributeCell is an agency's sums over a range of days for one (service, centre, channel); "" is "none".
type AttributeCell struct {
	Service, Center, Channel string
	Stats                    scoring.Stats
}

// AttributeCells sums an agency's day cells in [fromDay, toDay) (scoring day keys) per service, centre and
// channel in one scan, so a page needing all three breakdowns reads the cells once instead of three times.
func (s *Store) AttributeCells(ctx context.Context, agency string, fromDay, toDay int) ([]AttributeCell, error) {
	if _, err := s.Rollup(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT service_code, center_code, channel, CAST(SUM(n) AS BIGINT), SUM(sum_r),
		SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day WHERE agency_code = ? AND day >= ? AND day < ?
		GROUP BY service_code, center_code, channel`, agency, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AttributeCell
	for rows.Next() {
		var c AttributeCell
		if err := rows.Scan(&c.Service, &c.Center, &c.Channel, &c.Stats.N, &c.Stats.SumR, &c.Stats.SumR2, &c.Stats.NTop2); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
