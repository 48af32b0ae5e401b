package survey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/publishing"
	"github.com/qiymet/qiymet/survey/storetest"
)

// figuresOf is everything a reader sees of the periods: the rankings of each, and the snapshot a publication
// of each complete one would freeze (excluded counts and "data as of" included), as JSON.
func figuresOf(t *testing.T, s *survey.Store, labels ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	f := figures.New(s, scoring.Config{MinN: 30})
	out := map[string]string{}
	for _, l := range labels {
		p, err := scoring.ParseLabel(l, s.Location())
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.Rankings(ctx, p, "", "en")
		if err != nil {
			t.Fatalf("rankings %s: %v", l, err)
		}
		b, _ := json.Marshal(r)
		out["rankings "+l] = string(b)
		snap, n, err := publishing.Build(ctx, s, f, p)
		if err != nil {
			t.Fatalf("snapshot %s: %v", l, err)
		}
		b, _ = json.Marshal(snap)
		out["snapshot "+l] = string(b)
		out["snapshot n "+l] = fmt.Sprint(n)
	}
	return out
}

func sameFigures(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Fatalf("%s: %s differs:\nwant %.600s\ngot  %.600s", what, k, w, got[k])
		}
	}
}

// Partitions and archives on PostgreSQL (docs/scaling.md, "Partitions and archives"): the server's months are
// created once, old months in the default partition get partitions of their own, archive → CSV → re-import
// (into the same database: a no-op; into an empty one: the same figures), ids stay taken after archiving.
func TestPartitionsAndArchiveRoundTrip(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC))
	opts := survey.Options{Now: clock.Now, Burst: 3 * time.Second}
	a := storetest.New(t, "pg", opts)
	ctx := context.Background()
	loadTestCatalog(t, a)

	made, err := a.EnsurePartitions(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(made, " ") != "responses_2026_01 responses_2026_02 responses_2026_03" {
		t.Fatalf("made %v", made)
	}
	if again, err := a.EnsurePartitions(ctx, 2); err != nil || len(again) != 0 {
		t.Fatalf("second EnsurePartitions: %v %v", again, err)
	}

	// 2024–2025 (genCSV): all of it in the default partition.
	if _, err := importFile(t, a, genFile(t, 3000, 7)); err != nil {
		t.Fatal(err)
	}
	periods := []string{"2024", "2025", "2024-Q3", "2025-06", "2025-Q3"}
	before := figuresOf(t, a, periods...)
	liveBefore := countStored(t, a)
	if !strings.Contains(before["rankings 2024"], `"rank":1`) || !strings.Contains(before["snapshot 2024"], `"burst":`) {
		t.Fatalf("the figures compared hold no ranks or no excluded counts:\n%.400s\n%.400s", before["rankings 2024"], before["snapshot 2024"])
	}

	// Bad input changes nothing.
	for _, c := range []struct{ before, want string }{
		{"2025-13", "must be a month YYYY-MM"},
		{"25-01", "must be a month YYYY-MM"},
		{"2026-01", "too recent"}, // December may still receive submissions until mid-January
		{"2027-01", "too recent"},
		{"2023-05", "nothing to archive before 2023-05"},
	} {
		_, err := a.Archive(ctx, survey.ArchiveOptions{Before: c.before, Dir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("archive --before %s: %v, want %q", c.before, err, c.want)
		}
	}
	if _, err := a.Archive(ctx, survey.ArchiveOptions{Before: "2025-07", Dir: filepath.Join(t.TempDir(), "missing")}); err == nil ||
		!strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("missing dir: %v", err)
	}
	if n := countStored(t, a); n != liveBefore {
		t.Fatalf("a refused archive changed the rows: %d → %d", liveBefore, n)
	}

	dir := t.TempDir()
	done, err := a.Archive(ctx, survey.ArchiveOptions{Before: "2025-07", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 18 || done[0].Partition != "responses_2024_01" || done[17].Partition != "responses_2025_06" {
		t.Fatalf("archived %d partitions: %+v", len(done), done)
	}
	var archivedRows int64
	for _, d := range done {
		archivedRows += d.Rows
		if d.Kept != strings.Replace(d.Partition, "responses_", "responses_archived_", 1) {
			t.Fatalf("kept %q for %s", d.Kept, d.Partition)
		}
		if _, err := os.Stat(d.File); err != nil {
			t.Fatal(err)
		}
	}
	if live := countStored(t, a); live+archivedRows != liveBefore || archivedRows == 0 {
		t.Fatalf("live %d + archived %d != %d", live, archivedRows, liveBefore)
	}
	sameFigures(t, "after archive", before, figuresOf(t, a, periods...))
	if err := a.VerifyCells(ctx); err != nil {
		t.Fatalf("cells after archive: %v", err)
	}
	if _, err := a.Archive(ctx, survey.ArchiveOptions{Before: "2025-07", Dir: dir}); err == nil || !strings.Contains(err.Error(), "nothing to archive") {
		t.Fatalf("second archive: %v", err)
	}

	// Re-importing an archived file into the same database is a no-op: its ids are kept.
	res, err := importFile(t, a, done[3].File)
	if err != nil || res.Inserted != 0 || res.Skipped != done[3].Rows {
		t.Fatalf("re-import into the same database: %+v %v", res, err)
	}
	sameFigures(t, "after re-import", before, figuresOf(t, a, periods...))
	// A submission under an archived id is a duplicate, not a new response.
	key, _, err := a.AddAPIKey(ctx, "queue")
	if err != nil {
		t.Fatal(err)
	}
	firstID := firstCSVID(t, done[0].File)
	sub, err := survey.DecodeSubmission([]byte(`{"id":"` + firstID + `","agency":"migration","answers":{"overall":5}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Submit(ctx, sub, survey.Credential{APIKey: key}); survey.ErrorCode(err) != survey.CodeIDConflict {
		t.Fatalf("replay of an archived id: %v", err)
	}
	sameFigures(t, "after the replay", before, figuresOf(t, a, periods...))

	// Round trip: the archived files and an export of the rest, imported into an empty database, give the
	// same figures.
	b := storetest.New(t, "pg", opts)
	loadTestCatalog(t, b)
	for _, d := range done {
		if _, err := importFile(t, b, d.File); err != nil {
			t.Fatalf("import %s: %v", d.File, err)
		}
	}
	if _, err := importString(t, b, exportString(t, a, survey.ExportFilter{})); err != nil {
		t.Fatal(err)
	}
	sameFigures(t, "round trip", before, figuresOf(t, b, periods...))

	// --drop: the next months go and their tables with them; the server's own months are untouched.
	clock.Set(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
	done2, err := a.Archive(ctx, survey.ArchiveOptions{Before: "2026-01", Dir: dir, Drop: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(done2) != 6 || done2[0].Kept != "" {
		t.Fatalf("second archive: %+v", done2)
	}
	var tables int
	if err := a.DB().NewRaw("SELECT COUNT(*) FROM pg_class WHERE relname LIKE 'responses_archived_%' AND relkind = 'r'").Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	if tables != 18 {
		t.Fatalf("%d kept tables, want the first run's 18", tables)
	}
	parts, err := a.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range parts {
		names = append(names, p.Name)
	}
	if strings.Join(names, " ") != "responses_2026_01 responses_2026_02 responses_2026_03 responses_default" {
		t.Fatalf("partitions %v", names)
	}
	if err := a.VerifyCells(ctx); err != nil {
		t.Fatalf("cells after the second archive: %v", err)
	}
}

func firstCSVID(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitN(data, []byte("\r\n"), 3)
	id, _, _ := strings.Cut(string(lines[1]), ",")
	return id
}

// SQLite has no partitions: archive refuses with a clear error and changes nothing.
func TestArchiveRefusedOnSQLite(t *testing.T) {
	s := storetest.New(t, "sqlite", survey.Options{})
	_, err := s.Archive(context.Background(), survey.ArchiveOptions{Before: "2020-01", Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
		t.Fatalf("archive on SQLite: %v", err)
	}
	if made, err := s.EnsurePartitions(context.Background(), 3); err != nil || made != nil {
		t.Fatalf("EnsurePartitions on SQLite: %v %v", made, err)
	}
}

// Several instances on one database make the months once between them, and a submission lands in its month.
func TestEnsurePartitionsConcurrent(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	opts := survey.Options{Now: clock.Now}
	dsn := storetest.DSN(t, "pg")
	stores := []*survey.Store{storetest.Open(t, dsn, opts), storetest.Open(t, dsn, opts), storetest.Open(t, dsn, opts)}
	ctx := context.Background()
	made := make(chan []string, len(stores))
	errs := make(chan error, len(stores))
	for _, s := range stores {
		go func() {
			m, err := s.EnsurePartitions(ctx, survey.PartitionsAhead)
			made <- m
			errs <- err
		}()
	}
	var all []string
	for range stores {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		all = append(all, <-made...)
	}
	slices.Sort(all)
	if strings.Join(all, " ") != "responses_2026_11 responses_2026_12 responses_2027_01 responses_2027_02" {
		t.Fatalf("made %v", all)
	}
	s := stores[0]
	loadTestCatalog(t, s)
	key, _, err := s.AddAPIKey(ctx, "queue")
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := submit(t, s, `{"agency":"migration","answers":{"overall":4},"submitted_at":"2026-11-01T00:30:00+04:00"}`, survey.Credential{APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	var table string
	if err := s.DB().NewRaw("SELECT tableoid::regclass::text FROM responses WHERE id = ?", res.ID).Scan(ctx, &table); err != nil {
		t.Fatal(err)
	}
	if table != "responses_2026_11" { // 2026-10-31T20:30Z: November in Baku
		t.Fatalf("stored in %s", table)
	}
}

// Making the running month's partition while submissions arrive loses none and fails none: a submission's
// statement never routes a row to the default partition just as the month is attached (CreatePartition takes
// an exclusive lock for a range that may be written now), and rows already in the default move with it.
func TestEnsurePartitionsUnderIngest(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	loadTestCatalog(t, s)
	key, _, err := s.AddAPIKey(ctx, "queue")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	var sent atomic.Int64
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"id":"%08x-0000-4000-8000-%012x","agency":"migration","answers":{"overall":5}}`, w, i)
				if _, _, err := submit(t, s, body, survey.Credential{APIKey: key}); err != nil {
					errs <- err
					return
				}
				sent.Add(1)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	made, err := s.EnsurePartitions(ctx, 1)
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(errs)
	if err != nil || len(made) != 2 {
		t.Fatalf("EnsurePartitions: %v %v", made, err)
	}
	for err := range errs {
		t.Fatalf("a submission failed while the month was made: %v", err)
	}
	var stored, inDefault int64
	if err := s.DB().NewRaw("SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM responses_default)").Scan(ctx, &stored, &inDefault); err != nil {
		t.Fatal(err)
	}
	if stored != sent.Load() || inDefault != 0 || stored == 0 {
		t.Fatalf("stored %d of %d, %d left in the default partition", stored, sent.Load(), inDefault)
	}
}
