package survey

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

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

// liveCredential finds the unrevoked row of T (a kiosk or an API key) whose hashColumn holds the hash of
// secret, through the cache. A secret without prefix, or of no live row, is unauthorized; what names the
// credential in that error.
func liveCredential[T any](ctx context.Context, s *Store, secret, prefix, hashColumn, what string) (*T, error) {
	if !strings.HasPrefix(secret, prefix) {
		return nil, Errorf(CodeUnauthorized, "", "unknown credential")
	}
	hash := HashSecret(secret)
	v, epoch, ok := s.cachedCred(ctx, hash)
	if ok {
		c := *v.(*T)
		return &c, nil
	}
	row := new(T)
	err := s.db.NewSelect().Model(row).Where("? = ?", bun.Ident(hashColumn), hash).Where("revoked_us IS NULL").Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeUnauthorized, "", "unknown or revoked %s", what)
	}
	if err != nil {
		return nil, err
	}
	c := *row
	s.creds.put(hash, &c, epoch)
	return row, nil
}

// CachedCredential is the kiosk or API key of token when this instance checked it recently and nothing was
// revoked since: no database look-up beyond the shared cred_epoch read. It lets a known kiosk go on
// submitting while its address is refused further look-ups for failed tokens (web/badtoken.go).
func (s *Store) CachedCredential(ctx context.Context, token string) (Credential, bool) {
	v, _, ok := s.cachedCred(ctx, HashSecret(token))
	if !ok {
		return Credential{}, false
	}
	switch c := v.(type) {
	case *Kiosk:
		k := *c
		return Credential{Kiosk: &k}, true
	case *APIKey:
		a := *c
		return Credential{APIKey: &a}, true
	}
	return Credential{}, false
}
