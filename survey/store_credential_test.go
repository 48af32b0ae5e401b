package survey_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestRevocationReachesOtherInstance: each instance caches checked credentials, and a revocation made on another
// instance, or in plain SQL, reaches it within about a second (cred_epoch), not after the cache's life.
func TestRevocationReachesOtherInstance(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, dialect)
			a, b := storetest.Open(t, dsn, survey.Options{}), storetest.Open(t, dsn, survey.Options{})
			loadTestCatalog(t, a)
			k, token, err := a.AddKiosk(ctx, "baku-1", "Exit", "")
			if err != nil {
				t.Fatal(err)
			}
			_, key, err := a.AddAPIKey(ctx, "queue")
			if err != nil {
				t.Fatal(err)
			}
			keyRow, err := b.AuthAPIKey(ctx, key) // cached on b
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.AuthKiosk(ctx, token); err != nil { // cached on b
				t.Fatal(err)
			}
			// Before its next read of the counter b may still answer from its cache; after it, never.
			refused := func(what string, auth func() error) {
				t.Helper()
				for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
					err := auth()
					if survey.ErrorCode(err) == survey.CodeUnauthorized {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("5 s after %s the other instance still accepts it: %v", what, err)
					}
				}
			}
			kioskAuth := func(token string) func() error {
				return func() error { _, err := b.AuthKiosk(ctx, token); return err }
			}
			if err := a.RevokeKiosk(ctx, k.ID); err != nil {
				t.Fatal(err)
			}
			refused("the kiosk's revocation", kioskAuth(token))
			if err := a.RevokeAPIKey(ctx, keyRow.ID); err != nil {
				t.Fatal(err)
			}
			refused("the API key's revocation", func() error { _, err := b.AuthAPIKey(ctx, key); return err })
			// changedInSQL adds a kiosk, has b cache it, then changes its row with statement (plain SQL, behind
			// the application's back: the counter is kept by triggers).
			changedInSQL := func(name, statement string) string {
				k, token, err := a.AddKiosk(ctx, "baku-1", name, "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.AuthKiosk(ctx, token); err != nil {
					t.Fatal(err)
				}
				if _, err := a.DB().NewRaw(statement, k.ID).Exec(ctx); err != nil {
					t.Fatal(err)
				}
				return token
			}
			refused("a revocation in SQL", kioskAuth(changedInSQL("Exit 3", "UPDATE kiosks SET revoked_us = 1 WHERE id = ?")))
			// And a credential checked once stays cached (no query per submission) while nothing it depends on
			// changes.
			token2 := changedInSQL("Exit 2", "UPDATE kiosks SET name = 'renamed' WHERE id = ?")
			time.Sleep(1200 * time.Millisecond) // past an epoch check
			if again, err := b.AuthKiosk(ctx, token2); err != nil || again.Name != "Exit 2" {
				t.Fatalf("an unchanged epoch dropped the cached kiosk: %+v %v", again, err)
			}
		})
	}
}

func TestCredentialsStoredAsHashes(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		k, ktok, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "migration")
		if err != nil {
			t.Fatal(err)
		}
		ak, akey, err := s.AddAPIKey(ctx, "queue")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			table, hashCol, secret string
			id                     int64
		}{{"kiosks", "token_hash", ktok, k.ID}, {"api_keys", "key_hash", akey, ak.ID}} {
			raw, _ := base64.RawURLEncoding.DecodeString(c.secret[3:])
			if len(raw)*8 < 128 {
				t.Fatalf("%s secret too short: %d bits", c.table, len(raw)*8)
			}
			row := storedRow(t, s, c.table, "id = ?", c.id)
			for col, v := range row {
				if strings.Contains(fmt.Sprint(v), c.secret) || strings.Contains(fmt.Sprintf("%s", v), c.secret) {
					t.Fatalf("%s.%s holds the secret", c.table, col)
				}
			}
			if row[c.hashCol] != survey.HashSecret(c.secret) {
				t.Fatalf("%s.%s is not the secret's hash", c.table, c.hashCol)
			}
		}
		if got, err := s.AuthKiosk(ctx, ktok); err != nil || got.ID != k.ID || got.Agency != "migration" {
			t.Fatalf("kiosk auth: %+v %v", got, err)
		}
		if got, err := s.AuthAPIKey(ctx, akey); err != nil || got.ID != ak.ID {
			t.Fatalf("api key auth: %+v %v", got, err)
		}
		for name, fn := range map[string]func() error{
			"kiosk token as api key": func() error { _, err := s.AuthAPIKey(ctx, ktok); return err },
			"api key as kiosk token": func() error { _, err := s.AuthKiosk(ctx, akey); return err },
			"tampered kiosk token":   func() error { _, err := s.AuthKiosk(ctx, ktok+"x"); return err },
			"hash as kiosk token":    func() error { _, err := s.AuthKiosk(ctx, survey.HashSecret(ktok)); return err },
			"empty api key":          func() error { _, err := s.AuthAPIKey(ctx, ""); return err },
		} {
			if survey.ErrorCode(fn()) != survey.CodeUnauthorized {
				t.Errorf("%s: want unauthorized", name)
			}
		}
		if err := s.RevokeKiosk(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIKey(ctx, ak.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthKiosk(ctx, ktok); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("revoked kiosk: %v", err)
		}
		if _, err := s.AuthAPIKey(ctx, akey); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("revoked api key: %v", err)
		}
	})
}
