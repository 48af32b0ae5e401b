package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"golang.org/x/crypto/bcrypt"
)

// TestUserUnlockAndResetPassword: `user unlock` lifts the wait of every address; `user reset-password`
// prints a new password once (or takes one from stdin, checked by the password rule) and ends sessions.
func TestUserUnlockAndResetPassword(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			mustRun(t, env, "", "catalog", "apply", catalogPath(t))
			mustRun(t, env, "correct horse battery\n", "user", "add", "--email", "ana@example.az", "--role", "analyst")
			// The test's own store has a frozen clock: a wait stays in force however slow bcrypt is (-race).
			now := time.Now()
			ctx := context.Background()
			s, err := survey.Open(ctx, env["QIYMET_DB"], survey.Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			throttled := func() bool {
				_, err := s.Login(ctx, "ana@example.az", "correct horse battery", "198.51.100.7")
				return errors.As(err, new(*survey.ThrottledError))
			}
			for i := 0; i < 6; i++ {
				s.Login(ctx, "ana@example.az", "a wrong guess", "198.51.100.7")
			}
			if !throttled() {
				t.Fatal("six failures did not throttle the address")
			}
			out := mustRun(t, env, "", "user", "unlock", "--email", "ANA@example.az")
			if !strings.Contains(out, "ana@example.az unlocked") || throttled() {
				t.Fatalf("unlock: %q, still throttled: %v", out, throttled())
			}
			// A generated password, printed once; the old one and the old sessions are dead.
			u, _ := s.UserByEmail(ctx, "ana@example.az")
			tok, _, _ := s.CreateSession(ctx, u.ID)
			out = mustRun(t, env, "", "user", "reset-password", "--email", "ana@example.az")
			m := passwordRE.FindStringSubmatch(out)
			if m == nil || survey.CheckPassword(m[1]) != nil {
				t.Fatalf("reset-password printed no valid password: %q", out)
			}
			if _, err := s.Login(ctx, "ana@example.az", m[1], "192.0.2.1"); err != nil {
				t.Fatalf("the printed password does not sign in: %v", err)
			}
			if _, err := s.Login(ctx, "ana@example.az", "correct horse battery", "192.0.2.1"); err == nil {
				t.Fatal("the old password still signs in")
			}
			if _, _, err := s.SessionUser(ctx, tok); err == nil {
				t.Fatal("a session survived the reset")
			}
			// From stdin: not printed; the rule applies.
			const chosen = "yeni uzun şifrə 2026"
			out = mustRun(t, env, chosen+"\n", "user", "reset-password", "--email", "ana@example.az", "--password-stdin")
			if strings.Contains(out, chosen) || passwordRE.MatchString(out) {
				t.Fatalf("a given password was printed: %q", out)
			}
			var h string
			s.DB().NewSelect().Table("users").Column("password_hash").Where("email = ?", "ana@example.az").Scan(ctx, &h)
			if bcrypt.CompareHashAndPassword([]byte(h), []byte(chosen)) != nil {
				t.Fatal("the password from stdin was not stored")
			}
			for _, c := range []struct{ stdin, want string }{{"short\n", "12 characters"}, {"qwerty123456\n", "most common"}, {"\n", "empty"}} {
				r := cliRun(t, env, c.stdin, "user", "reset-password", "--email", "ana@example.az", "--password-stdin")
				if r.Err == nil || !strings.Contains(r.Err.Error(), c.want) {
					t.Fatalf("stdin %q: %v", c.stdin, r.Err)
				}
			}
			s.DB().NewSelect().Table("users").Column("password_hash").Where("email = ?", "ana@example.az").Scan(ctx, &h)
			if bcrypt.CompareHashAndPassword([]byte(h), []byte(chosen)) != nil {
				t.Fatal("a refused password changed the stored one")
			}
			// Unknown users and missing flags.
			for _, args := range [][]string{{"unlock", "--email", "nobody@example.az"}, {"reset-password", "--email", "nobody@example.az"}} {
				if r := cliRun(t, env, "", append([]string{"user"}, args...)...); r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "nobody@example.az") {
					t.Fatalf("%v: %v", args, r.Err)
				}
			}
			for _, sub := range []string{"unlock", "reset-password"} {
				if r := cliRun(t, env, "", "user", sub); r.Err == nil || !r.usage() {
					t.Fatalf("user %s without --email: %v", sub, r.Err)
				}
			}
		})
	}
}
