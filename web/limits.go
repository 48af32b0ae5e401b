package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is one rate limit: a sustained number of requests per second and a burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Limits are the rate limits of docs/api.md (configuration, QIYMET_RATE_*); a zero Rate takes its default.
type Limits struct {
	Kiosk    Rate // per kiosk: submissions, configuration, heartbeats
	APIKey   Rate // per API key
	IP       Rate // per client without a credential: link pages, visit-token submissions, pairing
	Login    Rate // sign-in attempts per client
	BadToken Rate // failed bearer-token checks per client; beyond it every bearer from there gets 429 unchecked
	// SessionRead: API reads (rankings, breakdowns, the CSV) per signed-in user (web/load.go)
	SessionRead Rate
}

// DefaultLimits are the limits when nothing is configured.
func DefaultLimits() Limits {
	return Limits{
		Kiosk:       Rate{5, 120}, // a kiosk draining an offline queue needs a generous burst
		APIKey:      Rate{500, 1000},
		IP:          Rate{1, 30},
		Login:       Rate{0.2, 10},
		BadToken:    Rate{0.1, 20},
		SessionRead: Rate{5, 50},
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	for _, p := range []struct{ got, def *Rate }{{&l.Kiosk, &d.Kiosk}, {&l.APIKey, &d.APIKey}, {&l.IP, &d.IP},
		{&l.Login, &d.Login}, {&l.BadToken, &d.BadToken}, {&l.SessionRead, &d.SessionRead}} {
		if *p.got == (Rate{}) {
			*p.got = *p.def
		}
	}
	return l
}

// String is the form ParseRate reads.
func (r Rate) String() string {
	return strconv.FormatFloat(r.PerSecond, 'g', -1, 64) + "," + strconv.Itoa(r.Burst)
}

// ParseRate reads a QIYMET_RATE_* value: "PER_SECOND,BURST", e.g. "5,120" or "0.2,10".
func ParseRate(s string) (Rate, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ",")
	if !ok {
		return Rate{}, fmt.Errorf("want PER_SECOND,BURST (e.g. 5,120), got %q", s)
	}
	per, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
	if err != nil || math.IsNaN(per) || per <= 0 || per > 1e6 {
		return Rate{}, fmt.Errorf("the rate per second must be a number above 0 and at most 1000000, got %q", a)
	}
	burst, err := strconv.Atoi(strings.TrimSpace(b))
	if err != nil || burst < 1 || burst > 1_000_000 {
		return Rate{}, fmt.Errorf("the burst must be a whole number from 1 to 1000000, got %q", b)
	}
	return Rate{per, burst}, nil
}

// refused reports, without taking a token, whether key has none left, and how many seconds until it has.
func (l *limiter) refused(key string) (bool, int) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, found := l.buckets[key]
	if !found || b.lim.TokensAt(now) >= 1 {
		return false, 0
	}
	return true, int(math.Ceil(float64(1-b.lim.TokensAt(now)) / float64(l.every)))
}
