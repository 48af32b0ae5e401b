package survey

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"github.com/uptrace/bun"
)

// An admin flash is the outcome of an admin form (a message, maybe a one-time secret) kept for the page the form
// redirects to (Post/Redirect/Get), so reloading that page re-posts nothing and the secret never sits in a URL.
// It is bound to the session and read once. The row holds the body sealed with a key derived from the session
// token itself, which the database never stores (sessions keep only its hash), so the table alone reveals nothing.

// FlashTTL is how long a flash waits for its page.
const FlashTTL = 2 * time.Minute

// maxFlashBytes bounds a flash body.
const maxFlashBytes = 16 << 10

type flashRow struct {
	bun.BaseModel `bun:"table:admin_flashes"`
	SessionHash   string `bun:"session_hash,pk"`
	Sealed        string `bun:"sealed"`
	ExpiresUS     int64  `bun:"expires_us"`
}

// flashKey is the AES key of a session's flash: a hash of the token under its own label, unrelated to HashSecret.
func flashKey(sessionToken string) []byte {
	h := sha256.Sum256([]byte("qiymet admin flash v1\x00" + sessionToken))
	return h[:]
}

// SetFlash keeps body for the session's next page, replacing an earlier flash; expired flashes are dropped.
func (s *Store) SetFlash(ctx context.Context, sessionToken string, body []byte) error {
	if sessionToken == "" || len(body) > maxFlashBytes {
		return errors.New("flash: no session or body too large")
	}
	block, err := aes.NewCipher(flashKey(sessionToken))
	if err != nil {
		return err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	now := s.now()
	row := &flashRow{SessionHash: HashSecret(sessionToken), ExpiresUS: now.Add(FlashTTL).UnixMicro(),
		Sealed: base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, body, nil))}
	return s.inTx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*flashRow)(nil)).Where("expires_us < ?", now.UnixMicro()).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(row).On("CONFLICT (session_hash) DO UPDATE").
			Set("sealed = EXCLUDED.sealed, expires_us = EXCLUDED.expires_us").Exec(ctx)
		return err
	})
}

// TakeFlash returns and forgets the session's flash (nil when there is none, it expired or cannot be opened).
func (s *Store) TakeFlash(ctx context.Context, sessionToken string) ([]byte, error) {
	if sessionToken == "" {
		return nil, nil
	}
	var row flashRow
	err := s.inTx(ctx, func(tx bun.Tx) error {
		err := tx.NewSelect().Model(&row).Where("session_hash = ?", HashSecret(sessionToken)).Scan(ctx)
		if isNoRows(err) {
			row = flashRow{}
			return nil
		}
		if err != nil {
			return err
		}
		// Only the reader that deletes the row shows it: two tabs never both show a secret.
		res, err := tx.NewDelete().Model((*flashRow)(nil)).Where("session_hash = ? AND sealed = ?", row.SessionHash, row.Sealed).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			row = flashRow{}
		}
		return nil
	})
	if err != nil || row.Sealed == "" || s.now().UnixMicro() > row.ExpiresUS {
		return nil, err
	}
	raw, err := base64.RawStdEncoding.DecodeString(row.Sealed)
	if err != nil {
		return nil, nil
	}
	block, err := aes.NewCipher(flashKey(sessionToken))
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil || len(raw) < gcm.NonceSize() {
		return nil, err
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return nil, nil
	}
	return plain, nil
}
