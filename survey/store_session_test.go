package survey_test

import (
	"context"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"golang.org/x/crypto/bcrypt"
)

func init() { survey.BcryptCost = bcrypt.MinCost } // tests sign in hundreds of times

func TestSessions(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
		ctx := context.Background()
		loadTestCatalog(t, s)
		u, err := s.AddUser(ctx, "Ana@Example.az", "correct horse battery", survey.RoleManager, "migration")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "nobody@example.az", "correct horse battery", "192.0.2.1"); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("unknown email: %v", err)
		}
		got, err := s.Login(ctx, " ANA@example.az ", "correct horse battery", "192.0.2.1")
		if err != nil || got.ID != u.ID {
			t.Fatalf("login: %v %v", got, err)
		}

		token, sess, err := s.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sess.TokenHash != survey.HashSecret(token) || sess.TokenHash == token {
			t.Fatal("the session must be stored as the token's hash only")
		}
		var stored int
		if err := s.DB().NewSelect().Table("sessions").ColumnExpr("count(*)").Where("token_hash = ?", token).Scan(ctx, &stored); err != nil || stored != 0 {
			t.Fatalf("raw token found in the table: %d %v", stored, err)
		}
		if su, _, err := s.SessionUser(ctx, token); err != nil || su.ID != u.ID || su.Agency != "migration" {
			t.Fatalf("session user: %+v %v", su, err)
		}
		if _, _, err := s.SessionUser(ctx, token+"x"); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("forged token: %v", err)
		}

		// Idle: a request every 90 minutes keeps it alive, 2 h of silence ends it.
		clock.Advance(90 * time.Minute)
		if _, _, err := s.SessionUser(ctx, token); err != nil {
			t.Fatalf("after 90 min: %v", err)
		}
		clock.Advance(90 * time.Minute)
		if _, _, err := s.SessionUser(ctx, token); err != nil {
			t.Fatalf("after 180 min with a touch at 90: %v", err)
		}
		clock.Advance(2*time.Hour + time.Second)
		if _, _, err := s.SessionUser(ctx, token); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("idle session still valid: %v", err)
		}

		// Absolute lifetime: 12 h even when busy.
		token, _, _ = s.CreateSession(ctx, u.ID)
		for i := 0; i < 12; i++ {
			clock.Advance(time.Hour)
			_, _, err = s.SessionUser(ctx, token)
		}
		if survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("session outlived its 12 h: %v", err)
		}

		// Sign-out and revoke-all.
		t1, _, _ := s.CreateSession(ctx, u.ID)
		t2, _, _ := s.CreateSession(ctx, u.ID)
		if err := s.RevokeSession(ctx, t1); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, t1); err == nil {
			t.Fatal("revoked session still valid")
		}
		if _, _, err := s.SessionUser(ctx, t2); err != nil {
			t.Fatalf("other session lost: %v", err)
		}
		if n, err := s.RevokeUserSessions(ctx, u.ID); err != nil || n != 1 {
			t.Fatalf("revoke all: %d %v", n, err)
		}

		// Throttling is TestLoginThrottle's; here a few failures are forgiven by a success.
		for i := 0; i < 4; i++ {
			if _, err := s.Login(ctx, "ana@example.az", "wrong password!", "192.0.2.1"); survey.ErrorCode(err) != survey.CodeUnauthorized {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, err := s.Login(ctx, "ana@example.az", "correct horse battery", "192.0.2.1"); err != nil {
			t.Fatalf("success after 4 failures: %v", err)
		}

		// Disabling ends sessions and sign-in.
		t3, _, _ := s.CreateSession(ctx, u.ID)
		yes := true
		if _, err := s.UpdateUser(ctx, u.ID, survey.UserUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, t3); err == nil {
			t.Fatal("disabled user's session still valid")
		}
		if _, err := s.Login(ctx, "ana@example.az", "correct horse battery", "192.0.2.1"); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("disabled user signed in: %v", err)
		}

		clock.Advance(24 * time.Hour)
		s.CreateSession(ctx, u.ID)
		clock.Advance(3 * time.Hour)
		if n, err := s.PruneSessions(ctx); err != nil || n < 1 {
			t.Fatalf("prune: %d %v", n, err)
		}
	})
}
