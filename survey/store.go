package survey

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// Options configure a Store; zero values take the documented defaults (docs/api.md).
type Options struct {
	Location *time.Location   // QIYMET_TIMEZONE
	Burst    time.Duration    // QIYMET_BURST_SECONDS
	Now      func() time.Time // the clock, injected for tests
	Secret   string           // QIYMET_SECRET: keeps invitation tokens underivable from the database alone
	// LoginThrottle is the sign-in throttling policy (QIYMET_LOGIN_*); zero fields take its defaults.
	LoginThrottle LoginThrottle
	// KioskSilent (QIYMET_KIOSK_SILENT) and OpeningHours (QIYMET_OPENING_HOURS) define a silent kiosk
	// (silence.go); zero values take the defaults.
	KioskSilent  time.Duration
	OpeningHours *OpeningHours
	// ReadDSN is QIYMET_DB_READ: a PostgreSQL streaming replica of the primary that serves the read-heavy paths
	// while its lag stays within ReadMaxLag (QIYMET_DB_READ_MAX_LAG, default 30 s); "" reads everything from
	// the primary (store_read.go, replica.go).
	ReadDSN    string
	ReadMaxLag time.Duration
	Logger     *slog.Logger // the replica's switches; nil: slog.Default()
	// Committers is how many submission batches may commit at once on PostgreSQL (QIYMET_INGEST_COMMITTERS;
	// 0: DefaultCommitters). SQLite always has one: it has one writer.
	Committers int
	// DirectCells reads a ranking's cells row by row, never from their packs (agg_pack, store_pack.go): the
	// tests that prove the packs give the same figures compare the two.
	DirectCells bool
}

// DefaultCommitters is QIYMET_INGEST_COMMITTERS's default. Once the batch statement ran on its generic plan
// (ingest_pg.go), one committer stored 9-28% more than four in three interleaved rounds on a 2-core host, and
// PostgreSQL spent a third less CPU a row: its batches are larger (docs/scaling.md). Before that, four had won.
const DefaultCommitters = 1

// DefaultReadMaxLag is QIYMET_DB_READ_MAX_LAG's default.
const DefaultReadMaxLag = 30 * time.Second

// Store is the one gateway to the database, for both dialects.
type Store struct {
	db      *bun.DB
	dialect string // "sqlite" or "pg"
	loc     *time.Location
	burst   time.Duration
	now     func() time.Time
	// throttle is the sign-in policy (login_throttle.go).
	throttle LoginThrottle

	catMu      sync.Mutex
	catRev     string
	catChecked time.Time
	cat        *CatalogView

	smsMu  sync.Mutex
	sms    *SMSTexts // CachedSMSTexts' copy, read at smsAt; nil: read again
	smsAt  time.Time
	smsGen int // counts forgetSMSTexts: a read that began before one is not kept

	rollupMu    sync.Mutex
	zoneChecked bool // the cells were found built in s.loc (guarded by rollupMu)
	rollups     roller

	creds       credCache
	submissions batcher[*batchedSubmission, submissionOutcome]
	invitations batcher[*Invitation, bool]
	writeTurn   sync.Mutex // SQLite: the committers' turns (takeWriteTurn)

	secretMu sync.Mutex
	secret   []byte // behind invitation tokens: Options.Secret, or loaded once from the database

	silentAfter time.Duration // silence.go
	hours       OpeningHours

	// Load and failures (store_load.go, store_health.go).
	reads  chan struct{} // read slots of heavy reads, fewer than the pool's connections
	health writeHealth

	replica *replica // QIYMET_DB_READ; nil: none (store_read.go)

	direct bool       // Options.DirectCells
	packs  packWriter // store_pack.go
	cache  packCache  // store_pack_cache.go
}

// Dialect is "sqlite" or "pg".
func (s *Store) Dialect() string { return s.dialect }

// DB exposes the handle for tests and benchmarks in other packages.
func (s *Store) DB() *bun.DB { return s.db }

// Location is the zone in which days, months and quarters begin.
func (s *Store) Location() *time.Location { return s.loc }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Connections per pool: WAL lets SQLite's readers run beside the one writer, so more would only queue on its
// write lock; PostgreSQL's default max_connections is 100, shared with other clients and instances.
const sqlitePool, pgPool = 4, 40

// Open connects to dsn ("sqlite:PATH", "sqlite::memory:", "postgres://…") without migrating.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s := &Store{loc: opt.Location, burst: opt.Burst, now: opt.Now, throttle: opt.LoginThrottle.withDefaults(), direct: opt.DirectCells}
	s.submissions.commit = watchWrites(s, s.commitSubmissionBatch)
	s.invitations.commit = watchWrites(s, s.commitInvitations)
	if opt.Secret != "" {
		s.secret = []byte(opt.Secret)
	}
	s.silentAfter, s.hours = cmp.Or(opt.KioskSilent, DefaultKioskSilent), DefaultOpeningHours
	if opt.OpeningHours != nil {
		s.hours = *opt.OpeningHours
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		s.dialect = "sqlite"
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("database: sqlite: needs a file path, e.g. sqlite:qiymet.db")
		}
		sqldb, err := sql.Open(sqliteshim.ShimName, sqliteDSN(path))
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		sqldb.SetMaxOpenConns(sqlitePool)
		sqldb.SetMaxIdleConns(sqlitePool)
		sqldb.SetConnMaxLifetime(0)
		s.reads = make(chan struct{}, readSlotsOf(sqlitePool))
		s.db = bun.NewDB(sqldb, sqlitedialect.New())
	case isPostgresDSN(dsn):
		s.dialect = "pg"
		s.submissions.workers = cmp.Or(opt.Committers, DefaultCommitters)
		db, err := openPostgres(dsn, 5*time.Second)
		if err != nil {
			return nil, err
		}
		s.reads = make(chan struct{}, readSlotsOf(pgPool))
		s.db = db
	default:
		return nil, fmt.Errorf("database: %q: want sqlite:PATH or postgres://…", redactDSN(dsn))
	}
	// The replica's DSN is checked before anything connects, like the primary's.
	var readDB *bun.DB
	if opt.ReadDSN != "" {
		if s.dialect != "pg" || !isPostgresDSN(opt.ReadDSN) {
			s.db.Close()
			return nil, fmt.Errorf("database: QIYMET_DB_READ %q: a read replica needs postgres://… for both QIYMET_DB and QIYMET_DB_READ", redactDSN(opt.ReadDSN))
		}
		var err error
		// A short dial timeout: an unreachable replica delays only its own check, never a start or a request.
		if readDB, err = openPostgres(opt.ReadDSN, 2*time.Second); err != nil {
			s.db.Close()
			return nil, fmt.Errorf("QIYMET_DB_READ: %w", err)
		}
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pctx); err != nil {
		s.db.Close()
		if readDB != nil {
			readDB.Close()
		}
		return nil, fmt.Errorf("database: cannot connect to %s: %w", redactDSN(dsn), err)
	}
	if readDB != nil {
		// Never a reason to fail: an unreachable or lagging replica is bypassed (replica.go).
		s.replica = &replica{db: readDB, dsn: redactDSN(opt.ReadDSN), maxLag: cmp.Or(opt.ReadMaxLag, DefaultReadMaxLag),
			log: opt.Logger}
		if s.replica.log == nil {
			s.replica.log = slog.Default()
		}
		s.replica.every = checkEvery(s.replica.maxLag)
		s.replica.watch(s.db)
	}
	return s, nil
}

func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres makes the pool of a PostgreSQL DSN (checked by checkPostgresDSN) without connecting.
func openPostgres(dsn string, dialTimeout time.Duration) (*bun.DB, error) {
	fixed, err := checkPostgresDSN(dsn)
	if err != nil {
		return nil, err
	}
	sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(fixed), pgdriver.WithDialTimeout(dialTimeout),
		// Long statements (an index on a big table, a bulk import) must not hit a socket timeout;
		// requests are bounded by their contexts instead.
		pgdriver.WithReadTimeout(30*time.Minute), pgdriver.WithWriteTimeout(5*time.Minute)))
	sqldb.SetMaxOpenConns(pgPool)
	sqldb.SetMaxIdleConns(pgPool)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// sqliteDSN sets the pragmas in the DSN so every pooled connection gets them. synchronous(FULL): a 201
// promises the response survives a power cut, not just a crash of the process.
func sqliteDSN(path string) string {
	const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)&_txlock=immediate"
	if path == ":memory:" {
		var b [8]byte
		rand.Read(b[:])
		// plain :memory: would give each pooled connection its own empty database.
		return "file:/qiymet-" + hex.EncodeToString(b[:]) + "?vfs=memdb&" + strings.Replace(pragmas, "journal_mode(WAL)", "journal_mode(MEMORY)", 1)
	}
	return "file:" + path + "?" + pragmas
}

// checkPostgresDSN refuses a non-loopback DSN without sslmode (the driver would then skip certificate
// checks) and turns TLS off on loopback when sslmode is absent.
func checkPostgresDSN(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("database: malformed PostgreSQL DSN: %v", redactErr(err))
	}
	q := u.Query()
	if q.Get("sslmode") != "" {
		return dsn, nil
	}
	host := u.Hostname()
	if !isLoopback(host) {
		return "", fmt.Errorf("database: PostgreSQL DSN for non-loopback host %q has no sslmode; add sslmode=verify-full (or require/disable explicitly)", host)
	}
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func isLoopback(host string) bool {
	if host == "" || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactDSN hides a password in error messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func redactErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// Close releases the database.
func (s *Store) Close() error {
	s.rollups.close()
	s.submissions.close()
	s.invitations.close()
	s.closePacks()
	if s.replica != nil {
		s.replica.close()
	}
	return s.db.Close()
}

// Ping checks the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.NewRaw("SELECT 1").Scan(ctx, &one)
}

// inTx runs fn in a transaction; exported store methods open it, helpers take bun.IDB.
func (s *Store) inTx(ctx context.Context, fn func(tx bun.Tx) error) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
	if IsStorageFailure(err) {
		s.noteWrite(err) // store_health.go: a read-only transaction's success proves nothing, so only failures
	}
	return err
}

// fromUnixMicro reads a stored *_us column (microseconds since the Unix epoch) as a time in loc.
func fromUnixMicro(v int64, loc *time.Location) time.Time { return time.UnixMicro(v).In(loc) }

// nullIfEmpty stores "" as NULL, as the models' nullzero columns do.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// metaRow is one key of the meta table: installation-wide settings and counters (catalog_rev, cred_epoch,
// token_secret, agg_timezone).
type metaRow struct {
	bun.BaseModel `bun:"table:meta"`
	Key           string `bun:"key,pk"`
	Value         string `bun:"value"`
}
