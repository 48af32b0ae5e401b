package notify

import (
	"math/rand/v2"
	"time"
)

// Retry policy (CONTRACT §11): exponential backoff from FirstRetry (30 s; QIYMET_RETRY_FIRST sets another), doubling up to an hour between attempts, with
// jitter so that many deliveries failing together do not retry together; a delivery is tried for at least
// RetryFor after it was queued, then given up (the admin page can still retry it).
const (
	FirstRetry = 30 * time.Second
	maxRetry   = time.Hour
	RetryFor   = 24 * time.Hour
)

// Backoff is the wait after the attempt-th failed attempt (1-based): half the exponential step plus a random
// part of the other half ("equal jitter"), so waits still grow but never line up.
func Backoff(attempt int) time.Duration { return backoff(FirstRetry, attempt) }

// backoff is Backoff with the first step first.
func backoff(first time.Duration, attempt int) time.Duration {
	d := maxRetry
	if attempt >= 1 && attempt < 20 {
		d = min(first<<(attempt-1), maxRetry)
	}
	return d/2 + rand.N(d/2+1)
}

// nextAttempt is when to try again after a failure at now, or zero to give up: a failure RetryFor or more
// after the delivery was queued is the last.
func nextAttempt(queued, now time.Time, attempt int, first time.Duration) time.Time {
	if now.Sub(queued) >= RetryFor {
		return time.Time{}
	}
	return now.Add(backoff(first, attempt))
}
