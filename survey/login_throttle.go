package survey

import (
	"fmt"
	"time"
)

// LoginThrottle is the sign-in throttling policy (docs/api.md, sign-in). Failures are counted per
// (account, source): after Free failures from one source, that source waits 1 s, then 2 s, 4 s … up to
// MaxDelay before its next try for that account. Other sources are not slowed, so nobody can lock the owner
// out; a success from a source clears that source's count; a source's count is forgotten Forget after its
// last failure. The counts live in the database (login_failures), so instances sharing it share them.
type LoginThrottle struct {
	Free     int           // failures per (account, source) before delays begin; 0 → 5
	MaxDelay time.Duration // the longest delay; 0 → 15 min
	Forget   time.Duration // a quiet source starts afresh after this; 0 → 24 h
}

func (t LoginThrottle) withDefaults() LoginThrottle {
	if t.Free <= 0 {
		t.Free = 5
	}
	if t.MaxDelay <= 0 {
		t.MaxDelay = 15 * time.Minute
	}
	if t.Forget <= 0 {
		t.Forget = 24 * time.Hour
	}
	return t
}

// delay is the wait imposed after the n-th failure in a row.
func (t LoginThrottle) delay(n int64) time.Duration {
	if n < int64(t.Free) {
		return 0
	}
	shift := n - int64(t.Free)
	if shift >= 40 { // 2^40 s is far past any cap; avoid overflowing the shift
		return t.MaxDelay
	}
	return min(time.Second<<shift, t.MaxDelay)
}

// ThrottledError is Login's answer while a source must wait before its next try for an account. It is the
// same whether the account exists or not. ErrorCode reports it as rate_limited.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins from this address; retry in %s", e.RetryAfter.Round(time.Second))
}

// Unwrap makes the error a rate_limited Error for ErrorCode and AsError.
func (e *ThrottledError) Unwrap() error {
	return Errorf(CodeRateLimited, "", "too many failed sign-ins; try again later")
}

// LoginKey is how an e-mail, as typed, is stored in login_failures: the SHA-256 of its normalised form.
func LoginKey(email string) string { return HashSecret(NormalizeEmail(email)) }
