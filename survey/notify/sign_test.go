package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

func TestSignMatchesTheContractFormula(t *testing.T) {
	at := time.Unix(1796637600, 0)
	body := []byte(`{"id":"evt_1","type":"case.opened","created_at":"2026-12-07T10:00:00Z","data":{}}`)
	got := Sign("whsec_abc", at, body)
	m := hmac.New(sha256.New, []byte("whsec_abc"))
	m.Write([]byte("1796637600." + string(body)))
	if want := "t=1796637600,v1=" + hex.EncodeToString(m.Sum(nil)); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	if err := Verify("whsec_abc", got, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
	}{
		"other secret":  {"whsec_abd", got, body, at},
		"body changed":  {"whsec_abc", got, append([]byte(" "), body...), at},
		"too old":       {"whsec_abc", got, body, at.Add(6 * time.Minute)},
		"no v1":         {"whsec_abc", "t=1796637600", body, at},
		"garbage":       {"whsec_abc", "hello", body, at},
		"short v1":      {"whsec_abc", "t=1796637600,v1=abcd", body, at},
		"t twice":       {"whsec_abc", "t=1,t=1796637600,v1=" + strings.Repeat("0", 64), body, at},
		"time replaced": {"whsec_abc", strings.Replace(got, "t=1796637600", "t=1796637601", 1), body, at},
	} {
		if err := Verify(c.secret, c.header, c.body, c.now, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	// A receiver rotating secrets may see two v1 values; either matching is enough.
	two := got + ",v1=" + strings.Repeat("ab", 32)
	if err := Verify("whsec_abc", two, body, at, time.Minute); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseSignature(f *testing.F) {
	f.Add("t=1796637600,v1=" + strings.Repeat("0", 64))
	f.Add("t=1,v1=zz")
	f.Add(",,,=")
	f.Add("t=99999999999999999999,v1=")
	f.Fuzz(func(t *testing.T, h string) {
		ts, sigs, err := ParseSignature(h)
		if err != nil {
			return
		}
		if ts.Unix() <= 0 || len(sigs) == 0 {
			t.Fatalf("accepted %q as %v %d", h, ts, len(sigs))
		}
		for _, s := range sigs {
			if len(s) != sha256.Size {
				t.Fatalf("signature of %d bytes", len(s))
			}
		}
	})
}

func TestBackoffGrowsWithJitterAndStopsAfter24h(t *testing.T) {
	for attempt, bounds := range map[int][2]time.Duration{1: {15 * time.Second, 30 * time.Second}, 2: {30 * time.Second, time.Minute},
		5: {4 * time.Minute, 8 * time.Minute}, 8: {30 * time.Minute, time.Hour}, 30: {30 * time.Minute, time.Hour}, 1000: {30 * time.Minute, time.Hour}} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := Backoff(attempt)
			if d < bounds[0] || d > bounds[1] {
				t.Fatalf("Backoff(%d) = %v, want %v–%v", attempt, d, bounds[0], bounds[1])
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Fatalf("Backoff(%d): only %d distinct waits in 50: no jitter", attempt, len(seen))
		}
	}
	q := time.Unix(0, 0)
	if nextAttempt(q, q.Add(RetryFor-time.Second), 30, FirstRetry).IsZero() {
		t.Fatal("gave up before 24 h")
	}
	if !nextAttempt(q, q.Add(RetryFor), 30, FirstRetry).IsZero() {
		t.Fatal("still retrying after 24 h")
	}
}
