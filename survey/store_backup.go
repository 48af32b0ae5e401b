package survey

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupPostgres: a PostgreSQL database is backed up with its own tools (docs/api.md, "Operations").
var ErrBackupPostgres = errors.New("qiymet backup copies SQLite databases; for PostgreSQL use pg_dump, e.g. " +
	"pg_dump --format=custom --file=qiymet.dump \"$QIYMET_DB\" (restore with pg_restore --clean --dbname=…)")

// Backup writes a consistent copy of a live SQLite database to out, without stopping anyone: VACUUM INTO reads
// one snapshot (WAL lets writers go on meanwhile) and writes a compact, complete database file. The copy is
// written beside out and renamed into place, so out is either absent or whole. out must not exist yet.
func (s *Store) Backup(ctx context.Context, out string) (int64, error) {
	if s.dialect != "sqlite" {
		return 0, ErrBackupPostgres
	}
	var file string
	if err := s.db.NewRaw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(ctx, &file); err != nil {
		return 0, err
	}
	if file == "" {
		return 0, errors.New("backup: the database is in memory; there is nothing to back up")
	}
	if _, err := os.Lstat(out); err == nil {
		return 0, fmt.Errorf("backup: %s already exists; choose a new file", out)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return 0, err
	}
	tmp := abs + ".partial"
	os.Remove(tmp)
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
