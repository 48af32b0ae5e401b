package survey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Secret prefixes make a leaked credential recognisable (and greppable by secret scanners).
const (
	kioskPrefix   = "qk_" // a kiosk's device token
	pairingPrefix = "qp_" // a kiosk's one-time enrolment code
	apiKeyPrefix  = "qa_"
	sessionPrefix = "qs_" // a dashboard session's cookie
)

// newSecret returns an unguessable token of n random bytes (URL-safe).
func newSecret(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux; if it does, nothing is safe to issue
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is how tokens, keys and session ids are stored: only their SHA-256.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
