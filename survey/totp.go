package survey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in (docs/api.md, "Two-factor sign-in"): RFC 6238 codes, 6 digits every 30 s, SHA-1 (what
// every authenticator app reads). A code is good for its own step and one step either side (clock drift), and
// only once: the store keeps the last step used and refuses any step not after it.
//
// The secret is stored sealed (AES-256-GCM) under a key derived from the server secret: QIYMET_SECRET when set,
// so a database dump alone reveals no TOTP secret; without it, the per-installation secret kept in the database,
// which still keeps the secret out of casual reads and logs but not from someone holding the whole dump. After
// enrolment the secret is never shown again.

const (
	TOTPIssuer       = "Qiymət"
	totpPeriod       = 30
	totpSkew         = 1
	RecoveryCodes    = 10 // recovery codes issued at enrolment, each good once
	ChallengeTTL     = 5 * time.Minute
	MaxCodeAttempts  = 5 // wrong codes before a half-done sign-in is dropped
	challengePrefix  = "qc_"
	recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz023456789" // 32: no bias, no i, l, o
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey makes a fresh secret for the account (the email), with its otpauth:// URL for the QR code.
func NewTOTPKey(email string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// TOTPKeyFromSecret rebuilds the key (and its URL) of a base32 secret.
func TOTPKeyFromSecret(email, secret string) (*otp.Key, error) {
	b, err := base32NoPad(secret)
	if err != nil {
		return nil, err
	}
	return totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Secret: b})
}

// matchStep returns the time step whose code is code (within the skew), or 0.
func matchStep(secret, code string, now time.Time) int64 {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return 0
	}
	cur := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := cur + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step
		}
	}
	return 0
}

// sealKey derives the AES key of TOTP secrets from the server secret.
func sealKey(server []byte) []byte {
	h := sha256.Sum256(append([]byte("qiymet totp v1\x00"), server...))
	return h[:]
}

func seal(server []byte, plain string) (string, error) {
	block, err := aes.NewCipher(sealKey(server))
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return "v1:" + base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil)), nil
}

var errUnseal = errors.New("the two-factor secret cannot be read with this server secret (was QIYMET_SECRET changed?)")

func unseal(server []byte, sealed string) (string, error) {
	b64, ok := strings.CutPrefix(sealed, "v1:")
	if !ok {
		return "", errUnseal
	}
	raw, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil {
		return "", errUnseal
	}
	block, err := aes.NewCipher(sealKey(server))
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil || len(raw) < gcm.NonceSize() {
		return "", errUnseal
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", errUnseal
	}
	return string(plain), nil
}

// newRecoveryCode is 10 random characters shown as xxxxx-xxxxx (50 bits).
func newRecoveryCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, recoveryAlphabet[c%32])
	}
	return string(out)
}

// normRecovery reads a typed recovery code: case, spaces and the dash do not matter.
func normRecovery(s string) string {
	s = strings.ToLower(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s))
	return s
}

func base32NoPad(s string) ([]byte, error) {
	s = strings.ToUpper(strings.TrimRight(s, "="))
	return base32Enc.DecodeString(s)
}

var base32Enc = base32.StdEncoding.WithPadding(base32.NoPadding)
