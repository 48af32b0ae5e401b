package survey

import (
	"context"
	"time"
)

// loginWait is how long source must still wait before trying the account of key (0: it may try now).
func (s *Store) loginWait(ctx context.Context, key, source string, now int64) (time.Duration, error) {
	var until int64
	err := s.db.NewSelect().Table("login_failures").Column("blocked_until_us").
		Where("email_hash = ? AND source = ?", key, source).Scan(ctx, &until)
	if isNoRows(err) || err == nil && until <= now {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return time.Duration(until-now) * time.Microsecond, nil
}

// recordLoginFailure counts one failure of source on key in one statement (concurrent failures lose no
// count), starts afresh after a quiet Forget, and sets the wait the new count calls for.
func (s *Store) recordLoginFailure(ctx context.Context, key, source string, now int64) error {
	var n int64
	err := s.db.NewRaw(`INSERT INTO login_failures (email_hash, source, failures, last_us, blocked_until_us)
		VALUES (?, ?, 1, ?, 0)
		ON CONFLICT (email_hash, source) DO UPDATE SET
			failures = CASE WHEN login_failures.last_us < ? THEN 1 ELSE login_failures.failures + 1 END,
			last_us = excluded.last_us
		RETURNING failures`, key, source, now, now-s.throttle.Forget.Microseconds()).Scan(ctx, &n)
	if err != nil {
		return err
	}
	if n == 1 { // a new count: a moment to drop the stale ones, so the table holds recent failures only
		if err := s.pruneLoginFailures(ctx, now); err != nil {
			return err
		}
	}
	if d := s.throttle.delay(n); d > 0 {
		_, err = s.db.NewUpdate().Table("login_failures").Set("blocked_until_us = ?", now+d.Microseconds()).
			Where("email_hash = ? AND source = ? AND blocked_until_us < ?", key, source, now+d.Microseconds()).Exec(ctx)
	}
	return err
}

// clearLoginFailures forgets source's failures on key (after a success from it).
func (s *Store) clearLoginFailures(ctx context.Context, key, source string) error {
	_, err := s.db.NewDelete().Table("login_failures").Where("email_hash = ? AND source = ?", key, source).Exec(ctx)
	return err
}

// pruneLoginFailures deletes the counts that are no longer in force (quiet for Forget, no wait left).
func (s *Store) pruneLoginFailures(ctx context.Context, now int64) error {
	_, err := s.db.NewDelete().Table("login_failures").
		Where("last_us < ? AND blocked_until_us <= ?", now-s.throttle.Forget.Microseconds(), now).Exec(ctx)
	return err
}

// UnlockLogin forgets every failure counted against email, from every source (`qiymet user unlock`). It
// reports how many sources were waiting or counting.
func (s *Store) UnlockLogin(ctx context.Context, email string) (int64, error) {
	res, err := s.db.NewDelete().Table("login_failures").Where("email_hash = ?", LoginKey(email)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ThrottledLogins is the set of LoginKeys some source must wait for now (the users page shows them).
func (s *Store) ThrottledLogins(ctx context.Context) (map[string]bool, error) {
	var keys []string
	err := s.db.NewSelect().Table("login_failures").Column("email_hash").Distinct().
		Where("blocked_until_us > ?", s.now().UnixMicro()).Scan(ctx, &keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, nil
}
