package survey

import (
	"context"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Login checks email and password for a sign-in from source (the client's address, docs/api.md sign-in).
// Failures are counted per (e-mail as typed, source), whether the account exists or not, so an unknown
// address and a known one answer alike: the same errors, one bcrypt run each (against a dummy hash for
// unknown e-mails). While source must wait, Login answers *ThrottledError without looking at the password.
// Other sources are never slowed by source's failures.
func (s *Store) Login(ctx context.Context, email, password, source string) (*User, error) {
	key, now := LoginKey(email), s.now().UnixMicro()
	if wait, err := s.loginWait(ctx, key, source, now); err != nil {
		return nil, err
	} else if wait > 0 {
		return nil, &ThrottledError{RetryAfter: wait}
	}
	u := new(User)
	err := s.db.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
	switch {
	case isNoRows(err):
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		u = nil
	case err != nil:
		return nil, err
	case bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.DisabledUS != 0:
		u = nil
	}
	if u == nil {
		if err := s.recordLoginFailure(ctx, key, source, now); err != nil {
			return nil, err
		}
		return nil, errBadLogin()
	}
	if err := s.clearLoginFailures(ctx, key, source); err != nil {
		return nil, err
	}
	return u, nil
}

// CreateSession starts a session for the user and returns its token (for the cookie; never stored).
func (s *Store) CreateSession(ctx context.Context, userID int64) (string, *Session, error) {
	token := newSecret(sessionPrefix, 32)
	now := s.now().UnixMicro()
	sess := &Session{TokenHash: HashSecret(token), UserID: userID, CreatedUS: now,
		ExpiresUS: now + SessionTTL.Microseconds(), LastSeenUS: now}
	if _, err := s.db.NewInsert().Model(sess).Exec(ctx); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// SessionUser returns the live session of token and its user. An expired, idle, revoked or unknown session,
// or a disabled user, is unauthorized.
func (s *Store) SessionUser(ctx context.Context, token string) (*User, *Session, error) {
	if !strings.HasPrefix(token, sessionPrefix) {
		return nil, nil, Errorf(CodeUnauthorized, "", "not signed in")
	}
	sess := new(Session)
	err := s.db.NewSelect().Model(sess).Where("token_hash = ?", HashSecret(token)).Scan(ctx)
	if isNoRows(err) {
		return nil, nil, Errorf(CodeUnauthorized, "", "not signed in")
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.now().UnixMicro()
	if now >= sess.ExpiresUS || now >= sess.LastSeenUS+SessionIdle.Microseconds() {
		s.db.NewDelete().Model((*Session)(nil)).Where("token_hash = ?", sess.TokenHash).Exec(ctx)
		return nil, nil, Errorf(CodeUnauthorized, "", "the session has expired; sign in again")
	}
	u := new(User)
	err = s.db.NewSelect().Model(u).Where("id = ?", sess.UserID).Scan(ctx)
	if isNoRows(err) || (err == nil && u.DisabledUS != 0) {
		return nil, nil, Errorf(CodeUnauthorized, "", "not signed in")
	}
	if err != nil {
		return nil, nil, err
	}
	if now-sess.LastSeenUS >= touchEvery.Microseconds() {
		if _, err := s.db.NewUpdate().Model((*Session)(nil)).Set("last_seen_us = ?", now).
			Where("token_hash = ?", sess.TokenHash).Exec(ctx); err != nil {
			return nil, nil, err
		}
		sess.LastSeenUS = now
	}
	return u, sess, nil
}

// RevokeSession ends the session of token (sign-out). Unknown tokens are not an error.
func (s *Store) RevokeSession(ctx context.Context, token string) error {
	_, err := s.db.NewDelete().Model((*Session)(nil)).Where("token_hash = ?", HashSecret(token)).Exec(ctx)
	return err
}

// RevokeUserSessions ends every session of a user (password change, role change, disabling).
func (s *Store) RevokeUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.db.NewDelete().Model((*Session)(nil)).Where("user_id = ?", userID).Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// PruneSessions deletes expired and idle sessions; lookups already refuse them, this only reclaims space.
func (s *Store) PruneSessions(ctx context.Context) (int64, error) {
	now := s.now().UnixMicro()
	res, err := s.db.NewDelete().Model((*Session)(nil)).
		Where("expires_us <= ? OR last_seen_us <= ?", now, now-SessionIdle.Microseconds()).Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// CountSessions is the number of stored sessions of a user (for the users page and tests).
func (s *Store) CountSessions(ctx context.Context, userID int64) (int64, error) {
	return s.db.NewSelect().Model((*Session)(nil)).Where("user_id = ?", userID).Count(ctx)
}
