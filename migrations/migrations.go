// Package migrations embeds the schema, one folder per dialect with the same migration IDs.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"
)

//go:embed sqlite/*.sql pg/*.sql
var files embed.FS

// Dialects are the folder names, one per supported database.
var Dialects = []string{"sqlite", "pg"}

// For returns the migrations of one dialect. Discover runs on the sub-folder only: on the root it would
// silently merge the two dialects' files that share an ID.
func For(dialect string) (*migrate.Migrations, error) {
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("migrations %s: %w", dialect, err)
	}
	return ms, nil
}

// Names lists the migration file names of one dialect, for the test that both dialects agree.
func Names(dialect string) ([]string, error) {
	entries, err := fs.ReadDir(files, dialect)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}
