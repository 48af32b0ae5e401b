package survey_test

import (
	"context"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestImportAddsCellDeltasAsItGoes: an import hands its cell deltas to the transaction every few cells (so its
// memory does not grow with the file; they are staged in temporary tables and added to the cells at the end).
// With that done after every handful of cells, an import that repeats
// rows of the file and of the database keeps the cells equal to a recount, and one that fails after deltas
// went in leaves the cells as they were.
func TestImportAddsCellDeltasAsItGoes(t *testing.T) {
	defer survey.SetBulkDeltaCells(7)()
	defer survey.SetFlushPart(3)() // and staged (SQLite) a few at a time
	defer survey.SetRebuildAfter(100)()
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		var a strings.Builder
		if err := genCSV(&a, 900, 31); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(a.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		write := func(parts ...[][]string) string {
			var out strings.Builder
			w := csv.NewWriter(&out)
			for _, p := range parts {
				w.WriteAll(p)
			}
			return out.String()
		}
		if _, err := importString(t, s, write(recs[:301])); err != nil { // header + 300 rows
			t.Fatal(err)
		}
		cellsBefore := countRows(t, s, "agg_day")
		// A failing import after many delta hand-overs: nothing of it stays, cells included.
		bad := write(recs[:1], recs[301:]) + "not-a-uuid,2024-01-01T00:00:00Z,migration,,,api,visit,1,az,counted,,,5,,,,\r\n"
		if _, err := importString(t, s, bad); err == nil {
			t.Fatal("a file with a bad last line was imported")
		}
		if n := countRows(t, s, "agg_day"); n != cellsBefore {
			t.Fatalf("%d day cells after a failed import, want %d", n, cellsBefore)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
		// Rows 200..899, the first 100 of them already stored, with rows 400..449 repeated in the file.
		res, err := importString(t, s, write(recs[:1], recs[201:], recs[401:451]))
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 600 || res.Skipped != 150 {
			t.Fatalf("import: %+v, want 600 inserted and 150 skipped", res)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestImportFindsConflictsInTheDatabase: an import remembers no ids; the database tells a repeat of an earlier
// row (skipped) from a conflict (a bad line), across chunks and batches, and an id stored by an earlier import
// is skipped whatever its content (re-importing an edited export is a no-op, as before).
func TestImportFindsConflictsInTheDatabase(t *testing.T) {
	defer survey.SetCopyChunkRows(10)()
	defer survey.SetBulkDeltaCells(7)()
	clock := storetest.NewClock(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		var a strings.Builder
		if err := genCSV(&a, 200, 41); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(a.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		overall := slices.Index(recs[0], "q.overall")
		if overall < 0 {
			t.Fatalf("no q.overall in %v", recs[0])
		}
		changed := func(rec []string) []string {
			c := slices.Clone(rec)
			c[overall] = map[bool]string{true: "2", false: "1"}[c[overall] == "1"]
			return c
		}
		write := func(parts ...[][]string) string {
			var out strings.Builder
			w := csv.NewWriter(&out)
			for _, p := range parts {
				w.WriteAll(p)
			}
			return out.String()
		}
		if _, err := importString(t, s, write(recs[:101])); err != nil { // rows 1..100
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		// Rows 101..200, then row 150 again as it is, row 120 changed (a chunk before), row 5 of the first
		// import changed.
		bad := write(recs[:1], recs[101:], [][]string{recs[150], changed(recs[120]), changed(recs[5])})
		want := strings.Count(write(recs[:1], recs[101:], [][]string{recs[150]}), "\n") + 1 // comments span lines
		_, err = importString(t, s, bad)
		var ie *survey.ImportError
		if !errors.As(err, &ie) || ie.Count != 1 || ie.Lines[0].Line != want || !strings.Contains(ie.Lines[0].Message, "other content") {
			t.Fatalf("import with a conflict: %v (%+v), want line %d only", err, ie.Lines, want)
		}
		if n := countStored(t, s); n != 100 {
			t.Fatalf("%d rows stored after a refused import, want 100", n)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		good := write(recs[:1], recs[101:], [][]string{recs[150], changed(recs[5])})
		res, err := importString(t, s, good)
		if err != nil || res.Inserted != 100 || res.Skipped != 2 {
			t.Fatalf("import: %+v %v, want 100 inserted and 2 skipped", res, err)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestImportWhileSubmissionsRollUp: an import stages its cell deltas and adds them at its end, while submissions
// go on being stored and rolled up into the same cells by other transactions. Afterwards every stored response
// is counted once: the cells equal a recount, and the table holds the file's rows and every acknowledged
// submission.
func TestImportWhileSubmissionsRollUp(t *testing.T) {
	defer survey.SetBulkDeltaCells(40)()
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		key, _, err := s.AddAPIKey(ctx, "load")
		if err != nil {
			t.Fatal(err)
		}
		var file strings.Builder
		if err := genCSV(&file, 3000, 77); err != nil {
			t.Fatal(err)
		}
		var stop atomic.Bool
		var acked atomic.Int64
		wg, _ := submitLoad(s, key, 2, &stop, func(string) {
			if acked.Add(1)%10 == 0 {
				// Roll-ups of other transactions' rows while the import runs. SQLite has one writer: there a roll-up
				// waits for the import's write lock, and gives up after the busy timeout (10 s) on a slow host; the
				// cells are checked against a recount at the end either way.
				if _, err := s.Rollup(ctx); err != nil && !(s.Dialect() == "sqlite" && strings.Contains(err.Error(), "SQLITE_BUSY")) {
					t.Error(err)
				}
			}
		})
		for deadline := time.Now().Add(10 * time.Second); acked.Load() < 20 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		atStart := acked.Load()
		res, err := importString(t, s, file.String())
		during := acked.Load() - atStart
		stop.Store(true)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d submissions acknowledged while the import ran", during)
		if res.Inserted != 3000 || (s.Dialect() == "pg" && during == 0) {
			t.Fatalf("import %+v with %d submissions acknowledged meanwhile; want 3000 rows inserted alongside submissions", res, during)
		}
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countStored(t, s); n != 3000+acked.Load() {
			t.Fatalf("%d responses stored, want the file's 3000 and %d acknowledged", n, acked.Load())
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
