package web

import (
	"math"
	"net"
	"net/http"
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

// limiters are the per-credential budgets. A kiosk draining an offline queue needs a generous burst.
type limiters struct {
	kiosk  *limiter
	apiKey *limiter
	ip     *limiter // unauthenticated traffic: link pages and token submissions
	login  *limiter
}

func newLimiters(scale float64) *limiters {
	n := func(b int) int { return max(1, int(float64(b)*scale)) }
	return &limiters{
		kiosk:  newLimiter(5*scale, n(120)),
		apiKey: newLimiter(500*scale, n(1000)),
		ip:     newLimiter(1*scale, n(30)),
		login:  newLimiter(0.2*scale, n(10)),
	}
}

var errInternal = survey.Error{Code: survey.CodeInternal, Message: "internal error"}

// clientIP is the peer address. Behind a reverse proxy, put the limit there too: X-Forwarded-For is not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
