package survey

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/qiymet/qiymet/migrations"
	"github.com/uptrace/bun/migrate"
)

func (s *Store) migrator() (*migrate.Migrator, error) {
	ms, err := migrations.For(s.dialect)
	if err != nil {
		return nil, err
	}
	// WithMarkAppliedOnSuccess: otherwise a failed migration is recorded as applied.
	return migrate.NewMigrator(s.db, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate brings the schema up to date. Several instances starting at once on one PostgreSQL wait for
// each other's lock, so migrations run once.
func (s *Store) Migrate(ctx context.Context) error {
	m, err := s.migrator()
	if err != nil {
		return err
	}
	if err := retry(ctx, func() error { return m.Init(ctx) }); err != nil {
		return fmt.Errorf("migrate: init: %w", err)
	}
	if err := retry(ctx, func() error { return m.Lock(ctx) }); err != nil {
		return fmt.Errorf("migrate: %w (if no other instance is migrating, run `qiymet migrate unlock`)", err)
	}
	defer m.Unlock(context.WithoutCancel(ctx))
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// retry waits out another instance holding the migration lock (or racing on Init) for up to 30 s.
func retry(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := fn()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// MigrateStatus writes applied and pending migrations.
func (s *Store) MigrateStatus(ctx context.Context, w io.Writer) error {
	m, err := s.migrator()
	if err != nil {
		return err
	}
	if err := m.Init(ctx); err != nil {
		return err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return err
	}
	for _, mg := range ms {
		state := "pending"
		if mg.IsApplied() {
			state = "applied " + mg.MigratedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s_%s\t%s\n", mg.Name, strings.TrimSpace(mg.Comment), state)
	}
	return nil
}

// MigrateUnlock releases a lock left by a migration that was killed.
func (s *Store) MigrateUnlock(ctx context.Context) error {
	m, err := s.migrator()
	if err != nil {
		return err
	}
	if err := m.Init(ctx); err != nil {
		return err
	}
	return m.Unlock(ctx)
}
