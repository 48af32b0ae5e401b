package web

import (
	"math"
	"sync"
	"time"

	"github.com/qiymet/qiymet/survey"
	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per key (kiosk, API key, client IP) and forgets idle ones.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{every: rate.Limit(perSecond), burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token for key; when none is left it says how many seconds to wait.
func (l *limiter) allow(key string) (ok bool, retryAfter int) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, found := l.buckets[key]
	if !found {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	// Ask how long until a token, then give the reservation back: a refused request must not consume one.
	res := b.lim.ReserveN(now, 1)
	wait := res.DelayFrom(now)
	res.CancelAt(now)
	return false, int(math.Ceil(wait.Seconds()))
}

// limiters are the per-credential budgets (limits.go: Limits, configurable).
type limiters struct {
	kiosk    *limiter
	apiKey   *limiter
	ip       *limiter // unauthenticated traffic: link pages and token submissions
	login    *limiter
	badToken *limiter // failed bearer checks per client (credentials.go)
	session  *limiter // API reads per signed-in user (load.go)
}

func newLimiters(l Limits, scale float64) *limiters {
	l = l.withDefaults()
	n := func(r Rate) *limiter { return newLimiter(r.PerSecond*scale, max(1, int(float64(r.Burst)*scale))) }
	return &limiters{kiosk: n(l.Kiosk), apiKey: n(l.APIKey), ip: n(l.IP), login: n(l.Login), badToken: n(l.BadToken),
		session: n(l.SessionRead)}
}

var errInternal = survey.Error{Code: survey.CodeInternal, Message: "internal error"}
