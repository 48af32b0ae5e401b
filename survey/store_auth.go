package survey

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Secret prefixes make a leaked credential recognisable (and greppable by secret scanners).
const (
	kioskPrefix  = "qk_"
	apiKeyPrefix = "qa_"
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

// Kiosk is a registered tablet.
type Kiosk struct {
	bun.BaseModel    `bun:"table:kiosks"`
	ID               int64  `bun:"id,pk,autoincrement" json:"id"`
	Name             string `bun:"name" json:"name"`
	Center           string `bun:"center_code" json:"center"`
	Agency           string `bun:"agency_code,nullzero" json:"agency,omitempty"`
	TokenHash        string `bun:"token_hash" json:"-"`
	PairingHash      string `bun:"pairing_hash,nullzero" json:"-"`
	PairingExpiresUS int64  `bun:"pairing_expires_us,nullzero" json:"-"`
	CreatedUS        int64  `bun:"created_us" json:"-"`
	RevokedUS        int64  `bun:"revoked_us,nullzero" json:"-"`
	LastSeenUS       int64  `bun:"last_seen_us,nullzero" json:"-"`
	AppVersion       string `bun:"app_version,nullzero" json:"-"`
	QueueLen         int64  `bun:"queue_len,nullzero" json:"-"`
}

// AddKiosk registers a kiosk in a centre (optionally bound to one agency it hosts) and returns its device token,
// which is shown once and stored only as a hash.
func (s *Store) AddKiosk(ctx context.Context, center, name, agency string) (*Kiosk, string, error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, ok := cv.Center(center); !ok {
		return nil, "", FieldError("center", "unknown centre %q", center)
	}
	if agency != "" && !cv.Hosts(center, agency) {
		return nil, "", FieldError("agency", "centre %q does not host agency %q", center, agency)
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, "", FieldError("name", "a kiosk needs a name of 1 to 200 characters")
	}
	token := newSecret(kioskPrefix, 32)
	k := &Kiosk{Name: name, Center: center, Agency: agency, TokenHash: HashSecret(token), CreatedUS: s.now().UnixMicro()}
	if _, err := s.db.NewInsert().Model(k).Exec(ctx); err != nil {
		return nil, "", err
	}
	return k, token, nil
}

// AuthKiosk finds the live kiosk holding token.
func (s *Store) AuthKiosk(ctx context.Context, token string) (*Kiosk, error) {
	if !strings.HasPrefix(token, kioskPrefix) {
		return nil, Errorf(CodeUnauthorized, "", "unknown credential")
	}
	hash := HashSecret(token)
	v, epoch, ok := s.cachedCred(ctx, hash)
	if ok {
		k := *v.(*Kiosk)
		return &k, nil
	}
	k := new(Kiosk)
	err := s.db.NewSelect().Model(k).Where("token_hash = ?", hash).Where("revoked_us IS NULL").Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeUnauthorized, "", "unknown or revoked kiosk token")
	}
	if err == nil {
		c := *k
		s.creds.put(hash, &c, epoch)
	}
	return k, err
}

// APIKey is an integration credential (queue systems, importers).
type APIKey struct {
	bun.BaseModel `bun:"table:api_keys"`
	ID            int64  `bun:"id,pk,autoincrement" json:"id"`
	Name          string `bun:"name" json:"name"`
	KeyHash       string `bun:"key_hash" json:"-"`
	CreatedUS     int64  `bun:"created_us" json:"-"`
	RevokedUS     int64  `bun:"revoked_us,nullzero" json:"-"`
	LastUsedUS    int64  `bun:"last_used_us,nullzero" json:"-"`
}

// AddAPIKey creates an API key; the key is returned once and stored only as a hash.
func (s *Store) AddAPIKey(ctx context.Context, name string) (*APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, "", FieldError("name", "an API key needs a name of 1 to 200 characters")
	}
	key := newSecret(apiKeyPrefix, 32)
	k := &APIKey{Name: name, KeyHash: HashSecret(key), CreatedUS: s.now().UnixMicro()}
	if _, err := s.db.NewInsert().Model(k).Exec(ctx); err != nil {
		return nil, "", err
	}
	return k, key, nil
}

// AuthAPIKey finds the live API key.
func (s *Store) AuthAPIKey(ctx context.Context, key string) (*APIKey, error) {
	if !strings.HasPrefix(key, apiKeyPrefix) {
		return nil, Errorf(CodeUnauthorized, "", "unknown credential")
	}
	hash := HashSecret(key)
	v, epoch, ok := s.cachedCred(ctx, hash)
	if ok {
		k := *v.(*APIKey)
		return &k, nil
	}
	k := new(APIKey)
	err := s.db.NewSelect().Model(k).Where("key_hash = ?", hash).Where("revoked_us IS NULL").Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeUnauthorized, "", "unknown or revoked API key")
	}
	if err == nil {
		c := *k
		s.creds.put(hash, &c, epoch)
	}
	return k, err
}

// Credential cache: a checked kiosk token or API key is trusted without asking the database again, which saves
// a query on nearly every submission (a kiosk submits far less often than any fixed lifetime short enough for
// revocations). Instead, every revocation, pairing or removal changes the meta row cred_epoch (database
// triggers, so whoever makes it: any instance, the CLI, plain SQL), each instance reads it once per
// credEpochEvery and drops its cache when it has changed. A change made elsewhere takes effect within about that
// time, and at once on the instance that made it. If the counter cannot be read (or its read is slow), nothing
// cached is trusted once the last good read is 2 × credEpochEvery old. credCacheTTL bounds an entry's life anyway.
const (
	credEpochEvery = time.Second
	credCacheTTL   = 10 * time.Minute
)

// credCache remembers recently authenticated credentials by hash.
type credCache struct {
	mu      sync.Mutex
	entries map[string]credEntry
	epoch   string    // cred_epoch as last read ("?" after a failed read)
	epochAt time.Time // when the last good read of it began; zero: read it before trusting anything
	reading bool      // a caller is reading it now
}

type credEntry struct {
	v       any
	checked time.Time
}

// cachedCred returns the credential of hash if it is cached, reading cred_epoch first when it is due. epoch is
// the cache's epoch now: a credential looked up next is cached (put) only if no change was seen meanwhile.
func (s *Store) cachedCred(ctx context.Context, hash string) (v any, epoch string, ok bool) {
	c := &s.creds
	c.mu.Lock()
	read := !c.reading && time.Since(c.epochAt) >= credEpochEvery
	c.reading = c.reading || read // one caller reads it; the others go on meanwhile
	c.mu.Unlock()
	if read {
		began := time.Now()
		var now string
		err := s.db.NewSelect().Model((*metaRow)(nil)).Column("value").Where("key = 'cred_epoch'").Scan(ctx, &now)
		c.mu.Lock()
		c.reading = false
		switch {
		case err != nil && !isNoRows(err):
			c.epoch, c.entries = "?", nil // unknown: nothing cached, nothing cached meanwhile (put)
		default:
			if now != c.epoch {
				c.epoch, c.entries = now, nil
			}
			c.epochAt = began
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || time.Since(e.checked) > credCacheTTL || time.Since(c.epochAt) > 2*credEpochEvery {
		return nil, c.epoch, false
	}
	return e.v, c.epoch, true
}

// put caches a credential looked up when the cache's epoch was epoch; if a change was seen since, the lookup
// may predate it, and it is not cached.
func (c *credCache) put(hash string, v any, epoch string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch || epoch == "?" {
		return
	}
	if c.entries == nil || len(c.entries) > 10_000 {
		c.entries = map[string]credEntry{}
	}
	c.entries[hash] = credEntry{v: v, checked: time.Now()}
}

// ForgetCredentials drops every cached credential (after a revocation or a new pairing).
func (s *Store) ForgetCredentials() {
	s.creds.mu.Lock()
	// A lookup still in flight may predate the change: its answer is not cached (put), and cred_epoch is
	// read again before anything cached is trusted.
	s.creds.entries, s.creds.epoch, s.creds.epochAt = nil, "forgotten", time.Time{}
	s.creds.mu.Unlock()
}

// Invitation is a one-time link issued for one visit.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations"`
	ID            int64  `bun:"id,pk,autoincrement"`
	TokenHash     string `bun:"token_hash"`
	Agency        string `bun:"agency_code"`
	Service       string `bun:"service_code,nullzero"`
	Center        string `bun:"center_code,nullzero"`
	VisitID       string `bun:"visit_id"`
	Operator      string `bun:"operator,nullzero"`
	APIKeyID      int64  `bun:"api_key_id,nullzero"`
	CreatedUS     int64  `bun:"created_us"`
	ExpiresUS     int64  `bun:"expires_us"`
	UsedUS        int64  `bun:"used_us,nullzero"`
}

// Expired reports whether the invitation can no longer be used at now.
func (inv *Invitation) Expired(now time.Time) bool { return now.UnixMicro() >= inv.ExpiresUS }

// invitationToken derives the token from a server secret so the same visit gets the same link again,
// while only the token's hash is stored.
func invitationToken(secret []byte, agency, visitID string, createdUS int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(agency + "\x00" + visitID + "\x00" + time.UnixMicro(createdUS).UTC().Format(time.RFC3339Nano)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18]) // 144 bits
}

// tokenSecret is the secret behind invitation tokens: QIYMET_SECRET when set (then a database dump alone
// cannot rebuild any link), otherwise a per-installation secret created once in the database.
func (s *Store) tokenSecret(ctx context.Context, db bun.IDB) ([]byte, error) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	fresh := hex.EncodeToString([]byte(newSecret("", 32)))
	if _, err := db.NewInsert().Model(&metaRow{Key: "token_secret", Value: fresh}).On("CONFLICT (key) DO NOTHING").Exec(ctx); err != nil {
		return nil, err
	}
	var v string
	if err := db.NewSelect().Model((*metaRow)(nil)).Column("value").Where("key = 'token_secret'").Scan(ctx, &v); err != nil {
		return nil, err
	}
	s.secret = []byte(v)
	return s.secret, nil
}
