package migrations

import (
	"slices"
	"testing"
)

// Both dialects must list the same migrations, or one database silently lacks a schema change.
func TestDialectsListSameMigrations(t *testing.T) {
	sqlite, err := Names("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := Names("pg")
	if err != nil {
		t.Fatal(err)
	}
	if len(sqlite) == 0 {
		t.Fatal("no migrations")
	}
	if !slices.Equal(sqlite, pg) {
		t.Fatalf("sqlite %v != pg %v", sqlite, pg)
	}
	for _, d := range Dialects {
		ms, err := For(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ms.Sorted()); got != len(sqlite) {
			t.Fatalf("%s: discovered %d migrations, want %d", d, got, len(sqlite))
		}
	}
}
