// Package notify delivers the events outbox (docs/api.md, "Webhooks and e-mail"): it fans events out into the
// durable deliveries table of the store, and works through the due deliveries, posting signed webhooks and
// sending e-mail to agency managers, with retries. It runs from the server's background loop, never from a
// request handler.
package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the signature of a webhook body (CONTRACT §11).
const SignatureHeader = "Qiymet-Signature"

// Sign returns the Qiymet-Signature value of body signed with secret at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>" (the scheme Stripe uses).
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// ParseSignature reads a Qiymet-Signature value into its time and its v1 signatures (a receiver may see
// more than one v1 while a secret is being replaced). Unknown keys are ignored, as receivers should.
func ParseSignature(h string) (time.Time, [][]byte, error) {
	if len(h) > 4096 {
		return time.Time{}, nil, errors.New("signature header too long")
	}
	var ts int64
	haveT := false
	var sigs [][]byte
	for part := range strings.SplitSeq(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return time.Time{}, nil, errors.New("signature header: want key=value pairs")
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || haveT {
				return time.Time{}, nil, errors.New("signature header: bad t")
			}
			ts, haveT = n, true
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil || len(b) != sha256.Size {
				return time.Time{}, nil, errors.New("signature header: bad v1")
			}
			sigs = append(sigs, b)
		}
	}
	if !haveT || len(sigs) == 0 {
		return time.Time{}, nil, errors.New("signature header: needs t and v1")
	}
	return time.Unix(ts, 0), sigs, nil
}

// Verify checks a webhook as a receiver should: the signature matches body under secret and its time is
// within tolerance of now (against replays).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	t, sigs, err := ParseSignature(header)
	if err != nil {
		return err
	}
	if d := now.Sub(t); d > tolerance || d < -tolerance {
		return errors.New("signature too old or from the future")
	}
	want := mac(secret, strconv.FormatInt(t.Unix(), 10), body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return errors.New("signature does not match")
}
