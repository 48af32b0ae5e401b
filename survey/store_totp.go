package survey

import (
	"context"

	"github.com/uptrace/bun"
)

// A sign-in half done (docs/api.md, "Two-factor sign-in"): the password was right, and the code, or the
// enrolment an admin must make first, is still to come. It is not a session: it opens no page but the second
// step and the enrolment, lives ChallengeTTL, and survives MaxCodeAttempts wrong codes.
type loginChallenge struct {
	bun.BaseModel `bun:"table:login_challenges"`
	TokenHash     string `bun:"token_hash,pk"`
	UserID        int64  `bun:"user_id"`
	ExpiresUS     int64  `bun:"expires_us"`
	Attempts      int    `bun:"attempts"`
	PendingSecret string `bun:"pending_secret,nullzero"` // sealed: a secret being enrolled, not yet confirmed
}

type recoveryCode struct {
	bun.BaseModel `bun:"table:recovery_codes"`
	UserID        int64  `bun:"user_id,pk"`
	CodeHash      string `bun:"code_hash,pk"`
	UsedUS        int64  `bun:"used_us,nullzero"`
}

// Errors of the second step, in the user's words by web/i18n.
var (
	ErrChallengeGone = Errorf(CodeUnauthorized, "", "the sign-in has expired; enter your password again")
	ErrBadCode       = Errorf(CodeUnauthorized, "code", "the code is wrong or was already used")
)

// StartChallenge opens a half-done sign-in for the user and returns its token (for a cookie; only its hash
// is stored). Expired challenges are swept here.
func (s *Store) StartChallenge(ctx context.Context, userID int64) (string, error) {
	now := s.now().UnixMicro()
	if _, err := s.db.NewDelete().Model((*loginChallenge)(nil)).Where("expires_us <= ?", now).Exec(ctx); err != nil {
		return "", err
	}
	token := newSecret(challengePrefix, 32)
	c := &loginChallenge{TokenHash: HashSecret(token), UserID: userID, ExpiresUS: now + ChallengeTTL.Microseconds()}
	if _, err := s.db.NewInsert().Model(c).Exec(ctx); err != nil {
		return "", err
	}
	return token, nil
}

// ChallengeUser is the user of a live half-done sign-in; ErrChallengeGone otherwise (also for a disabled user).
func (s *Store) ChallengeUser(ctx context.Context, token string) (*User, error) {
	c, err := s.challenge(ctx, s.db, token)
	if err != nil {
		return nil, err
	}
	u, err := s.UserByID(ctx, c.UserID)
	if err != nil || u.DisabledUS != 0 {
		return nil, ErrChallengeGone
	}
	return u, nil
}

func (s *Store) challenge(ctx context.Context, db bun.IDB, token string) (*loginChallenge, error) {
	c := new(loginChallenge)
	err := db.NewSelect().Model(c).Where("token_hash = ?", HashSecret(token)).Scan(ctx)
	if isNoRows(err) || (err == nil && c.ExpiresUS <= s.now().UnixMicro()) {
		return nil, ErrChallengeGone
	}
	return c, err
}

// EndChallenge forgets a half-done sign-in.
func (s *Store) EndChallenge(ctx context.Context, token string) error {
	_, err := s.db.NewDelete().Model((*loginChallenge)(nil)).Where("token_hash = ?", HashSecret(token)).Exec(ctx)
	return err
}

// VerifySecondFactor checks a code of the challenge's user: a current TOTP code not used before, or an unused
// recovery code (which is then spent). A wrong code counts against the challenge; the last allowed failure
// ends it. On success the challenge is gone and the user is returned, ready for a session.
func (s *Store) VerifySecondFactor(ctx context.Context, token, code string) (*User, error) {
	var u *User
	err := s.inTx(ctx, func(tx bun.Tx) error {
		c, err := s.challenge(ctx, tx, token)
		if err != nil {
			return err
		}
		u, err = rowByID[User](ctx, tx, c.UserID, ErrChallengeGone)
		if err != nil {
			return err
		}
		if u.DisabledUS != 0 || !u.Has2FA() {
			return ErrChallengeGone
		}
		ok, err := s.useCode(ctx, tx, u, code)
		if err != nil {
			return err
		}
		if !ok {
			return errWrongCode
		}
		_, err = tx.NewDelete().Model((*loginChallenge)(nil)).Where("token_hash = ?", c.TokenHash).Exec(ctx)
		return err
	})
	if err == errWrongCode {
		return nil, s.failedCode(ctx, token)
	}
	return u, err
}

var errWrongCode = Errorf(CodeUnauthorized, "code", "wrong code")

// failedCode counts a wrong code; the MaxCodeAttempts-th ends the challenge.
func (s *Store) failedCode(ctx context.Context, token string) error {
	h := HashSecret(token)
	if _, err := s.db.NewUpdate().Model((*loginChallenge)(nil)).Set("attempts = attempts + 1").Where("token_hash = ?", h).Exec(ctx); err != nil {
		return err
	}
	res, err := s.db.NewDelete().Model((*loginChallenge)(nil)).Where("token_hash = ? AND attempts >= ?", h, MaxCodeAttempts).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return ErrChallengeGone
	}
	return ErrBadCode
}

// useCode spends a TOTP code (its step must be later than the last one used) or a recovery code.
func (s *Store) useCode(ctx context.Context, tx bun.IDB, u *User, code string) (bool, error) {
	server, err := s.tokenSecret(ctx, tx)
	if err != nil {
		return false, err
	}
	secret, err := unseal(server, u.TOTPSecret)
	if err != nil {
		return false, err
	}
	if step := matchStep(secret, code, s.now()); step != 0 {
		// One statement: two sign-ins racing with the same code cannot both win.
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("totp_last_step = ?", step).
			Where("id = ? AND totp_last_step < ?", u.ID, step).Exec(ctx)
		if err != nil {
			return false, err
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	}
	rc := normRecovery(code)
	if len(rc) != 10 {
		return false, nil
	}
	res, err := tx.NewUpdate().Model((*recoveryCode)(nil)).Set("used_us = ?", s.now().UnixMicro()).
		Where("user_id = ? AND code_hash = ? AND used_us IS NULL", u.ID, HashSecret(rc)).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Enrolment is a secret offered to a user, to be confirmed with one code.
type Enrolment struct {
	Secret string // base32, shown as text and as a QR code
	URL    string // otpauth://…
}

// OfferTOTP makes a fresh secret for the user of the challenge and keeps it (sealed) on the challenge until
// ConfirmTOTP (asked again, it offers the same one); a user who already has two-factor sign-in is refused (a reset comes first).
func (s *Store) OfferTOTP(ctx context.Context, token string) (*Enrolment, error) {
	c, err := s.challenge(ctx, s.db, token)
	if err != nil {
		return nil, err
	}
	u, err := s.UserByID(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	if u.Has2FA() {
		return nil, Errorf(CodeForbidden, "", "two-factor sign-in is already on")
	}
	server, err := s.tokenSecret(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if c.PendingSecret != "" { // offered already: the same one again (the phone may have scanned it)
		secret, err := unseal(server, c.PendingSecret)
		if err != nil {
			return nil, err
		}
		key, err := TOTPKeyFromSecret(u.Email, secret)
		if err != nil {
			return nil, err
		}
		return &Enrolment{Secret: key.Secret(), URL: key.URL()}, nil
	}
	key, err := NewTOTPKey(u.Email)
	if err != nil {
		return nil, err
	}
	sealed, err := seal(server, key.Secret())
	if err != nil {
		return nil, err
	}
	if _, err := s.db.NewUpdate().Model((*loginChallenge)(nil)).Set("pending_secret = ?", sealed).
		Where("token_hash = ?", c.TokenHash).Exec(ctx); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP turns two-factor sign-in on when code is right for the secret offered on the challenge. It returns
// the user and the recovery codes, shown once and stored only as hashes; the challenge is gone. A wrong code
// counts as in VerifySecondFactor.
func (s *Store) ConfirmTOTP(ctx context.Context, token, code string) (*User, []string, error) {
	var u *User
	var codes []string
	err := s.inTx(ctx, func(tx bun.Tx) error {
		c, err := s.challenge(ctx, tx, token)
		if err != nil {
			return err
		}
		if u, err = rowByID[User](ctx, tx, c.UserID, ErrChallengeGone); err != nil {
			return err
		}
		if c.PendingSecret == "" || u.Has2FA() || u.DisabledUS != 0 {
			return ErrChallengeGone
		}
		server, err := s.tokenSecret(ctx, tx)
		if err != nil {
			return err
		}
		secret, err := unseal(server, c.PendingSecret)
		if err != nil {
			return err
		}
		step := matchStep(secret, code, s.now())
		if step == 0 {
			return errWrongCode
		}
		if _, err := tx.NewUpdate().Model((*User)(nil)).Set("totp_secret = ?", c.PendingSecret).Set("totp_last_step = ?", step).
			Where("id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*recoveryCode)(nil)).Where("user_id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		for range RecoveryCodes {
			rc := newRecoveryCode()
			codes = append(codes, rc)
			if _, err := tx.NewInsert().Model(&recoveryCode{UserID: u.ID, CodeHash: HashSecret(normRecovery(rc))}).Exec(ctx); err != nil {
				return err
			}
		}
		if _, err := tx.NewDelete().Model((*loginChallenge)(nil)).Where("token_hash = ?", c.TokenHash).Exec(ctx); err != nil {
			return err
		}
		u.TOTPSecret, u.TOTPLastStep = c.PendingSecret, step
		return s.Audit(ctx, tx, Change{Action: AuditUser2FAOn, Target: userTarget(u.Email)})
	})
	if err == errWrongCode {
		return nil, nil, s.failedCode(ctx, token)
	}
	return u, codes, err
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int64, error) {
	return s.db.NewSelect().Model((*recoveryCode)(nil)).Where("user_id = ? AND used_us IS NULL", userID).Count(ctx)
}

// ResetTOTP turns a user's two-factor sign-in off (a lost device): the secret, the recovery codes, any
// half-done sign-in and every session go. The user enrols again at the next sign-in or from their page.
func (s *Store) ResetTOTP(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := s.inTx(ctx, func(tx bun.Tx) error {
		err := tx.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
		if isNoRows(err) {
			return Errorf(CodeNotFound, "email", "no user with email %s", truncate(NormalizeEmail(email), 64))
		}
		if err != nil {
			return err
		}
		had := u.Has2FA()
		if _, err := tx.NewUpdate().Model((*User)(nil)).Set("totp_secret = NULL").Set("totp_last_step = 0").Where("id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		for _, m := range []any{(*recoveryCode)(nil), (*loginChallenge)(nil), (*Session)(nil)} {
			if _, err := tx.NewDelete().Model(m).Where("user_id = ?", u.ID).Exec(ctx); err != nil {
				return err
			}
		}
		u.TOTPSecret, u.TOTPLastStep = "", 0
		return s.Audit(ctx, tx, Change{Action: AuditUser2FAReset, Target: userTarget(u.Email), Details: map[string]any{"was_on": had}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
