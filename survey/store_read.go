package survey

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Where reads go (docs/scaling.md#read-replicas). The read-heavy paths — the summary cells behind dashboards,
// rankings, breakdowns, control charts and reports (store_cell.go), comments and the response export — read
// through reader, the one place that chooses: the replica (QIYMET_DB_READ) while it is current, else the
// primary. Everything else, writes and whatever must see its own writes (sign-in, sessions, submissions and
// their replay checks, invitations, the catalog and admin pages, the roll-up of the cells and its freshness
// check, imports), uses s.db, the primary (QIYMET_DB).

type readPrimaryKey struct{}

// ReadPrimary marks ctx so that every read under it goes to the primary, even where the replica would serve:
// for figures that must include writes made just before (e.g. a snapshot that is stored for good).
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, readPrimaryKey{}, true)
}

// reader is the database the read-heavy paths read from: the replica while it is configured, current and not
// refused by ctx (ReadPrimary), else the primary.
func (s *Store) reader(ctx context.Context) *bun.DB {
	if s.replica == nil || !s.replica.inUse.Load() || ctx.Value(readPrimaryKey{}) != nil {
		return s.db
	}
	return s.replica.db
}

// read runs fn against reader. When fn fails on the replica for want of it (it went away since the last check,
// or cancelled the query for a conflict with recovery) and the caller still waits, fn runs again on the primary,
// so a replica failing never fails a read; fn must therefore only collect, not emit, what it reads.
func (s *Store) read(ctx context.Context, fn func(db bun.IDB) error) error {
	db := s.reader(ctx)
	err := fn(db)
	if err != nil && db != s.db && s.onReplicaFailure(ctx, err) {
		err = fn(s.db)
	}
	return err
}

// onReplicaFailure reports whether a read that failed on the replica with err should run again on the
// primary, and bypasses a replica that went away.
func (s *Store) onReplicaFailure(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if replicaSchemaBehind(err) {
		// Current enough by its lag, but without a table, column or function this binary reads: it has not
		// replayed a migration yet (the lag bound is about data, not schema). The primary answers meanwhile.
		return true
	}
	if !IsUnavailable(err) {
		return false
	}
	s.replica.failed(err)
	return true
}

// replicaSchemaBehind reports PostgreSQL's undefined table, column or function (42P01, 42703, 42883): on a
// replica, a migration the primary has and the replica has not replayed yet.
func replicaSchemaBehind(err error) bool {
	var pgErr pgdriver.Error
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Field('C') {
	case "42P01", "42703", "42883":
		return true
	}
	return false
}

// readRows is collectRows on reader, with read's fallback to the primary.
func readRows[T any](ctx context.Context, s *Store, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	var out []T
	err := s.read(ctx, func(db bun.IDB) error {
		var err error
		out, err = collectRows(ctx, db, q, args, scan)
		return err
	})
	return out, err
}
