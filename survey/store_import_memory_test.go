package survey_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestImportAddsCellDeltasAsItGoes: an import hands its cell deltas to the transaction every few cells (so its
// memory does not grow with the file). With that done after every handful of cells, an import that repeats
// rows of the file and of the database keeps the cells equal to a recount, and one that fails after deltas
// went in leaves the cells as they were.
func TestImportAddsCellDeltasAsItGoes(t *testing.T) {
	defer survey.SetBulkDeltaCells(7)()
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
