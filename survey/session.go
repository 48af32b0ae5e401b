package survey

import (
	"sync"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"
)

// Session lifetimes: a session ends 12 h after sign-in at the latest, or after 2 h without a request.
const (
	SessionTTL  = 12 * time.Hour
	SessionIdle = 2 * time.Hour
	// touchEvery limits last_seen writes to one per minute per session, so page views stay read-only.
	touchEvery = time.Minute
)

// Session is a signed-in browser. Only the token's hash is stored.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`
	TokenHash     string `bun:"token_hash,pk"`
	UserID        int64  `bun:"user_id"`
	CreatedUS     int64  `bun:"created_us"`
	ExpiresUS     int64  `bun:"expires_us"`
	LastSeenUS    int64  `bun:"last_seen_us"`
}

// errBadLogin is one message for unknown email and wrong password, so sign-in does not reveal accounts.
func errBadLogin() error { return Errorf(CodeUnauthorized, "", "wrong email or password") }

// dummyHash keeps the time of a sign-in with an unknown email equal to one with a wrong password: a hash of
// the current BcryptCost, made once per cost (lazily, so importing the package costs no bcrypt run).
func dummyHash() []byte {
	if h, ok := dummyHashes.Load(BcryptCost); ok {
		return h.([]byte)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("qiymet-no-such-user"), BcryptCost)
	dummyHashes.Store(BcryptCost, h)
	return h
}

var dummyHashes sync.Map // bcrypt cost → hash
