package survey_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestTOTPCodeOnce: two sign-ins racing with the same right code: exactly one wins, on both dialects; the
// secret only opens with the server secret it was sealed under.
func TestTOTPCodeOnce(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	for _, d := range []string{"sqlite-file", "pg"} {
		t.Run(d, func(t *testing.T) { totpCodeOnce(t, d, clock) })
	}
}

func totpCodeOnce(t *testing.T, dialect string, clock *storetest.Clock) {
	dsn := storetest.DSN(t, dialect)
	s := storetest.Open(t, dsn, survey.Options{Now: clock.Now, Secret: "server secret one"})
	{
		ctx := context.Background()
		loadTestCatalog(t, s)
		u, err := s.AddUser(ctx, "two@example.az", "a long enough password", survey.RoleAnalyst, "")
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.StartChallenge(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ConfirmTOTP(ctx, token, "123456"); err != survey.ErrChallengeGone {
			t.Fatalf("confirm before an offer: %v", err) // nothing was offered on this challenge
		}
		token, _ = s.StartChallenge(ctx, u.ID)
		e, err := s.OfferTOTP(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(e.Secret, clock.Now())
		if _, codes, err := s.ConfirmTOTP(ctx, token, code); err != nil || len(codes) != survey.RecoveryCodes {
			t.Fatalf("confirm: %v %v", codes, err)
		}
		clock.Advance(30 * time.Second)
		code, _ = totp.GenerateCode(e.Secret, clock.Now())
		const racers = 6
		var wg sync.WaitGroup
		wins := make(chan error, racers)
		for range racers {
			tok, err := s.StartChallenge(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.VerifySecondFactor(ctx, tok, code)
				wins <- err
			}()
		}
		wg.Wait()
		close(wins)
		ok := 0
		for err := range wins {
			switch {
			case err == nil:
				ok++
			case err != survey.ErrBadCode && !survey.IsUnavailable(err):
				t.Errorf("racer: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d sign-ins won with one code", ok)
		}

		// Another server secret cannot read the stored secret: the code step fails, nothing is let in.
		other := storetest.Open(t, dsn, survey.Options{Now: clock.Now, Secret: "server secret two"})
		clock.Advance(30 * time.Second)
		code, _ = totp.GenerateCode(e.Secret, clock.Now())
		tok, _ := other.StartChallenge(ctx, u.ID)
		if _, err := other.VerifySecondFactor(ctx, tok, code); err == nil {
			t.Fatal("a different server secret opened the second factor")
		}
	}
}
