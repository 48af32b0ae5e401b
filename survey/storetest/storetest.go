// Package storetest gives every test its own fresh, migrated store on SQLite and on PostgreSQL.
//
// PostgreSQL comes from QIYMET_TEST_PG (default postgres://postgres@127.0.0.1:5432/test); each store gets a
// new database that is dropped afterwards. Without a reachable PostgreSQL the PostgreSQL half skips loudly,
// except in CI (CI=true), where it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Dialects are the databases every store test runs against.
var Dialects = []string{"sqlite", "pg"}

// AdminDSN is the PostgreSQL server used to create per-test databases.
func AdminDSN() string {
	if v := os.Getenv("QIYMET_TEST_PG"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

func pgReachable() error {
	pgOnce.Do(func() {
		db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(AdminDSN()), pgdriver.WithTimeout(5*time.Second)))
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	return pgErr
}

// NeedPG skips (or, in CI, fails) the test when PostgreSQL is not reachable.
func NeedPG(t testing.TB) {
	t.Helper()
	if err := pgReachable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI but not reachable at %s: %v", AdminDSN(), err)
		}
		t.Skipf("SKIPPING PostgreSQL half: not reachable at %s: %v (set QIYMET_TEST_PG)", AdminDSN(), err)
	}
}

// DSN returns a DSN for a brand-new empty database of the dialect, removed when the test ends.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return "sqlite::memory:"
	case "sqlite-file":
		return "sqlite:" + t.TempDir() + "/qiymet.db"
	case "pg":
		NeedPG(t)
		var b [6]byte
		rand.Read(b[:])
		name := "qiymet_t_" + hex.EncodeToString(b[:])
		admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(AdminDSN())))
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			admin.Close()
			t.Fatalf("create database: %v", err)
		}
		t.Cleanup(func() {
			admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			admin.Close()
		})
		u, _ := url.Parse(AdminDSN())
		u.Path = "/" + name
		q := u.Query()
		if q.Get("sslmode") == "" {
			q.Set("sslmode", "disable")
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	panic(fmt.Sprintf("storetest: unknown dialect %q", dialect))
}

// Baku is the default zone of the contract.
var Baku = mustZone("Asia/Baku")

// SharedDSN is DSN for a database that two stores can open at once: SQLite's in a file.
func SharedDSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		dialect = "sqlite-file"
	}
	return DSN(t, dialect)
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// New opens and migrates a fresh store of the dialect; opt may set the clock and burst window.
func New(t testing.TB, dialect string, opt survey.Options) *survey.Store {
	t.Helper()
	return Open(t, DSN(t, dialect), opt)
}

// Open opens the store of dsn (one more instance, when another store has it open already) and migrates it; it
// is closed when the test ends.
func Open(t testing.TB, dsn string, opt survey.Options) *survey.Store {
	t.Helper()
	if opt.Location == nil {
		opt.Location = Baku
	}
	ctx := context.Background()
	s, err := survey.Open(ctx, dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// Each runs fn as a subtest once per dialect, each with its own fresh store.
func Each(t *testing.T, opt survey.Options, fn func(t *testing.T, s *survey.Store)) {
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, New(t, d, opt))
		})
	}
}

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the current fake time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// CatalogPath is testdata/catalog.json at the repository root, wherever the test runs from.
func CatalogPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "catalog.json")
}

// Catalog decodes testdata/catalog.json, a small real-looking catalog.
func Catalog(t testing.TB) survey.Catalog {
	t.Helper()
	f, err := os.Open(CatalogPath())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := survey.DecodeCatalog(f)
	if err != nil {
		t.Fatal(err)
	}
	return *c
}

// ApplyCatalog applies testdata/catalog.json to s.
func ApplyCatalog(t testing.TB, s *survey.Store) {
	t.Helper()
	if _, err := s.ApplyCatalog(context.Background(), Catalog(t)); err != nil {
		t.Fatal(err)
	}
}
