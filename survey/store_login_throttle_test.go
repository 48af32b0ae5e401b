package survey_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestLoginThrottle: failures slow down only the source they come from, with growing delays, the same for
// an unknown e-mail as for a real one; the owner from elsewhere signs in at once; unlock and a password
// reset clear every source.
func TestLoginThrottle(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		const pw, attacker, owner = "correct horse battery", "198.51.100.7", "203.0.113.9"
		if _, err := s.AddUser(ctx, "ana@example.az", pw, survey.RoleAnalyst, ""); err != nil {
			t.Fatal(err)
		}
		// fail runs one wrong sign-in and returns the wait it was told (0: an ordinary wrong password).
		fail := func(email, source string) time.Duration {
			t.Helper()
			_, err := s.Login(ctx, email, "not the password", source)
			var te *survey.ThrottledError
			switch {
			case errors.As(err, &te):
				if survey.ErrorCode(err) != survey.CodeRateLimited {
					t.Fatalf("throttled error code %q", survey.ErrorCode(err))
				}
				return te.RetryAfter
			case survey.ErrorCode(err) == survey.CodeUnauthorized:
				return 0
			}
			t.Fatalf("%s from %s: %v", email, source, err)
			return 0
		}
		// The known and the unknown e-mail go through the same steps with the same answers.
		for _, email := range []string{"ana@example.az", "nobody@example.az"} {
			for i := 0; i < 5; i++ {
				if w := fail(email, attacker); w != 0 {
					t.Fatalf("%s: failure %d already throttled (%s)", email, i+1, w)
				}
			}
			// 5 failures: the next try must wait 1 s; each failure after a wait doubles it.
			for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
				if w := fail(email, attacker); w != want {
					t.Fatalf("%s: wait %d is %s, want %s", email, i, w, want)
				}
				clock.Advance(want)
				if w := fail(email, attacker); w != 0 {
					t.Fatalf("%s: after waiting %s, still throttled (%s)", email, want, w)
				}
			}
			// Tries during a wait are refused without counting: the wait does not grow.
			if w := fail(email, attacker); w != 16*time.Second {
				t.Fatalf("%s: after 9 failures wait %s, want 16s", email, w)
			}
			if w := fail(email, attacker); w != 16*time.Second {
				t.Fatalf("%s: a refused try changed the wait to %s", email, w)
			}
		}
		// The right password from the attacker's address waits too; from the owner's it works at once.
		if _, err := s.Login(ctx, "ana@example.az", pw, attacker); !errors.As(err, new(*survey.ThrottledError)) {
			t.Fatalf("right password during the attacker's wait: %v", err)
		}
		if u, err := s.Login(ctx, "ANA@example.az", pw, owner); err != nil || u.Email != "ana@example.az" {
			t.Fatalf("owner from another source: %v %v", u, err)
		}
		// The owner's success does not clear the attacker's wait; an admin's unlock does.
		if w := fail("ana@example.az", attacker); w == 0 {
			t.Fatal("owner's success cleared the attacker's wait")
		}
		if keys, err := s.ThrottledLogins(ctx); err != nil || !keys[survey.LoginKey("ana@example.az")] {
			t.Fatalf("throttled logins: %v %v", keys, err)
		}
		if n, err := s.UnlockLogin(ctx, "Ana@example.az"); err != nil || n != 1 {
			t.Fatalf("unlock: %d %v", n, err)
		}
		if _, err := s.Login(ctx, "ana@example.az", pw, attacker); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		// The cap: far past it, the wait stays at 15 min.
		for i := 0; i < 40; i++ {
			if w := fail("nobody@example.az", owner); w > 0 {
				clock.Advance(w)
			}
		}
		fail("nobody@example.az", owner) // a counted failure if the loop ended on a wait, else the wait
		if w := fail("nobody@example.az", owner); w != 15*time.Minute {
			t.Fatalf("capped wait %s", w)
		}
		// A quiet day forgets a source, and a new count prunes the stale rows.
		clock.Advance(25 * time.Hour)
		if w := fail("nobody@example.az", owner); w != 0 {
			t.Fatalf("after a quiet day: wait %s", w)
		}
		fail("someone@example.az", owner)
		if n, err := s.DB().NewSelect().Table("login_failures").Count(ctx); err != nil || n != 2 {
			t.Fatalf("%d rows after a quiet day and a new count, want 2 (%v)", n, err)
		}
		// A password reset clears the counts too.
		for i := 0; i < 6; i++ {
			fail("ana@example.az", attacker)
		}
		if _, err := s.ResetPassword(ctx, "ana@example.az", "another long passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "ana@example.az", "another long passphrase", attacker); err != nil {
			t.Fatalf("after reset: %v", err)
		}
		if _, err := s.ResetPassword(ctx, "nobody@example.az", "another long passphrase"); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("reset of an unknown user: %v", err)
		}
	})
}

// TestLoginThrottleConcurrentFailures: failures racing from many goroutines are all counted.
func TestLoginThrottleConcurrentFailures(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now, LoginThrottle: survey.LoginThrottle{Free: 100}}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Login(ctx, "x@example.az", "nope nope", "192.0.2.1"); survey.ErrorCode(err) != survey.CodeUnauthorized {
					t.Errorf("concurrent failure: %v", err)
				}
			}()
		}
		wg.Wait()
		var n int64
		if err := s.DB().NewSelect().Table("login_failures").Column("failures").Scan(ctx, &n); err != nil || n != 12 {
			t.Fatalf("counted %d failures of 12 (%v)", n, err)
		}
	})
}

func TestCheckPassword(t *testing.T) {
	for _, c := range []struct {
		pw   string
		want error
	}{
		{"short", survey.ErrPasswordLength},
		{"elevenchars", survey.ErrPasswordLength},
		{"ŞəkiŞəkiŞə", survey.ErrPasswordLength}, // 10 letters, 15 bytes: characters count
		{"qwerty123456", survey.ErrPasswordCommon},
		{"QWERTY123456", survey.ErrPasswordCommon},
		{"1qaz2wsx3edc", survey.ErrPasswordCommon},
		{"correct horse battery", nil},
		{"qiymet-demo-2026", nil},
		{"ŞəkiŞəkiŞəki", nil},
		{string(make([]byte, 73)), survey.ErrPasswordLength},
	} {
		if got := survey.CheckPassword(c.pw); got != c.want {
			t.Errorf("CheckPassword(%q) = %v, want %v", c.pw, got, c.want)
		}
	}
	// The shipped list is the 10,000 most common, the most common first.
	for _, p := range []string{"123456", "password", "qwerty", "iloveyou"} {
		if !survey.IsCommonPassword(p) {
			t.Errorf("%q not in the list", p)
		}
	}
	if survey.IsCommonPassword("düzgün at batareya ştapel") {
		t.Error("a long passphrase is not common")
	}
}

// TestLoginTimingUnknownEmail: an unknown e-mail costs one bcrypt comparison like a wrong password, so the
// time of the answer does not tell which accounts exist. At a real cost (10) the comparison dominates: the
// two fastest answers stay within a factor of 2 (without the dummy comparison an unknown e-mail answers ~50×
// faster). The two are measured in turns and compared by their minimum, the figure a busy host disturbs least
// (CI failed once when a load spike fell on the second of two blocks of medians: 0.8 s against 1.6 s); a
// round that still tells them apart is measured again, up to three rounds, which a missing comparison fails
// every time.
func TestLoginTimingUnknownEmail(t *testing.T) {
	if testing.Short() {
		t.Skip("bcrypt at cost 10")
	}
	old := survey.BcryptCost
	survey.BcryptCost = 10
	defer func() { survey.BcryptCost = old }()
	storetest.Each(t, survey.Options{LoginThrottle: survey.LoginThrottle{Free: 1000}}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		if _, err := s.AddUser(ctx, "ana@example.az", "correct horse battery", survey.RoleAnalyst, ""); err != nil {
			t.Fatal(err)
		}
		login := func(email string) time.Duration {
			start := time.Now()
			if _, err := s.Login(ctx, email, "a wrong password", "192.0.2.1"); survey.ErrorCode(err) != survey.CodeUnauthorized {
				t.Fatal(err)
			}
			return time.Since(start)
		}
		login("nobody@example.az") // warms the dummy hash of this cost
		var known, unknown time.Duration
		for round := 1; round <= 3; round++ {
			known, unknown = time.Hour, time.Hour
			for i := 0; i < 5; i++ {
				known = min(known, login("ana@example.az"))
				unknown = min(unknown, login("nobody@example.az"))
			}
			if unknown >= known/2 && unknown <= known*2 {
				return
			}
			t.Logf("round %d: wrong password %s, unknown e-mail %s", round, known, unknown)
		}
		t.Fatalf("wrong password %s, unknown e-mail %s: the timing tells them apart", known, unknown)
	})
}
