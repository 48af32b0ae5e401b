package survey_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestBackupUnderLoad: a backup taken while goroutines keep submitting responses restores to a database that
// holds every response acknowledged before the backup started, is intact, and holds nothing never acknowledged.
func TestBackupUnderLoad(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, "sqlite-file", survey.Options{})
	loadTestCatalog(t, s)
	if _, err := importFile(t, s, genFile(t, 20000, 3)); err != nil { // enough rows that the copy takes a while
		t.Fatal(err)
	}
	key, _, err := s.AddAPIKey(ctx, "load")
	if err != nil {
		t.Fatal(err)
	}
	type ack struct {
		id string
		at time.Time
	}
	var (
		mu   sync.Mutex
		acks []ack
		stop atomic.Bool
	)
	wg, fails := submitLoad(s, key, 4, &stop, func(id string) {
		done := time.Now()
		mu.Lock()
		acks = append(acks, ack{id, done})
		mu.Unlock()
	})
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acks) }
	for deadline := time.Now().Add(10 * time.Second); count() < 200 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	started := time.Now()
	size, err := s.Backup(ctx, out)
	finished := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the load goes on after the backup: nothing was stopped
	stop.Store(true)
	wg.Wait()
	if fails.Load() > 0 {
		t.Fatalf("%d submissions failed during the backup", fails.Load())
	}
	var before, during, after int
	for _, a := range acks {
		switch {
		case a.at.Before(started):
			before++
		case a.at.Before(finished):
			during++
		default:
			after++
		}
	}
	t.Logf("backup of %d bytes in %v; acknowledged before %d, during %d, after %d", size, finished.Sub(started), before, during, after)
	if before < 200 || after == 0 {
		t.Fatalf("the load did not run around the backup: before %d, after %d", before, after)
	}

	// Restore: open the copy as a database of its own.
	r := storetest.Open(t, "sqlite:"+out, survey.Options{})
	var check string
	if err := r.DB().NewRaw("PRAGMA integrity_check").Scan(ctx, &check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	var ids []string
	if err := r.DB().NewSelect().Table("responses").Column("id").Where("agency_code = 'migration'").Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	acked := map[string]bool{}
	for _, a := range acks {
		acked[a.id] = true
		if a.at.Before(started) && !have[a.id] {
			t.Fatalf("response %s acknowledged %v before the backup started is not in it", a.id, started.Sub(a.at))
		}
	}
	n, _ := r.DB().NewSelect().Table("responses").Count(ctx)
	if n < int64(20000+before) || n > int64(20000+len(acks)) {
		t.Fatalf("the backup holds %d responses; want between %d and %d", n, 20000+before, 20000+len(acks))
	}
	if _, err := os.Stat(out + ".partial"); !os.IsNotExist(err) {
		t.Fatalf("a partial file was left behind: %v", err)
	}
	// A second backup to the same file is refused rather than overwriting it.
	if _, err := s.Backup(ctx, out); err == nil {
		t.Fatal("backup over an existing file")
	}
}

func TestBackupPostgresPointsToPgDump(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	if _, err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "x")); !errors.Is(err, survey.ErrBackupPostgres) {
		t.Fatalf("want the pg_dump advice, got %v", err)
	}
	m := storetest.New(t, "sqlite", survey.Options{})
	if _, err := m.Backup(context.Background(), filepath.Join(t.TempDir(), "x")); err == nil {
		t.Fatal("an in-memory database was backed up")
	}
}

// submitLoad starts clients goroutines that submit one-answer responses with the API key until stop is set (at
// most 100,000 each), calling acked with the id of each one acknowledged. Wait on the WaitGroup after setting
// stop; the counter holds the submissions that failed.
func submitLoad(s *survey.Store, key *survey.APIKey, clients int, stop *atomic.Bool, acked func(id string)) (*sync.WaitGroup, *atomic.Int64) {
	var wg sync.WaitGroup
	fails := new(atomic.Int64)
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load() && i < 100000; i++ {
				id := uuid.NewString()
				sub, err := survey.DecodeSubmission(fmt.Appendf(nil, `{"id":%q,"agency":"migration","answers":{"overall":%d}}`, id, 1+(g+i)%5))
				if err != nil {
					panic(err)
				}
				if _, _, err := s.Submit(context.Background(), sub, survey.Credential{APIKey: key}); err != nil {
					fails.Add(1)
					continue
				}
				acked(id)
			}
		}()
	}
	return &wg, fails
}
