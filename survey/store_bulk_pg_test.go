package survey_test

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestImportSeqsFollowTheFile: on PostgreSQL an import draws its rows' seq from responses' sequence a chunk at
// a time and COPYs the rows straight in, in time order. When other writers took values between its own (here
// the sequence steps by 2, so no chunk's values are contiguous), each row still gets a value of its own chunk's
// draw, in the file's order, and its key finds it; the cells equal a recount. Chunks end by rows or by bytes.
func TestImportSeqsFollowTheFile(t *testing.T) {
	defer survey.SetCopyChunkRows(40)()
	defer survey.SetCopyChunkBytes(6000)() // and some chunks end sooner, by the length of their text
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	loadTestCatalog(t, s)
	if _, err := s.DB().ExecContext(ctx, "ALTER SEQUENCE "+seqName(t, s)+" INCREMENT BY 2"); err != nil {
		t.Fatal(err)
	}
	var file strings.Builder
	if err := genCSV(&file, 300, 7); err != nil {
		t.Fatal(err)
	}
	res, err := importString(t, s, file.String())
	if err != nil || res.Inserted != 300 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	recs, err := csv.NewReader(strings.NewReader(file.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var fileIDs []string
	for _, r := range recs[1:] {
		fileIDs = append(fileIDs, r[0])
	}
	var bySeq []string
	var seqs []int64
	if err := s.DB().NewRaw("SELECT id, seq FROM responses ORDER BY seq").Scan(ctx, &bySeq, &seqs); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(bySeq, fileIDs) {
		t.Fatalf("the rows in seq order are not the file's order:\n%v\n%v", bySeq[:5], fileIDs[:5])
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i]-seqs[i-1] != 2 {
			t.Fatalf("seq %d follows %d: each row should have a value the sequence handed out (step 2)", seqs[i], seqs[i-1])
		}
	}
	assertKeysFindRows(t, s, 300)
	if err := s.VerifyCells(ctx); err != nil {
		t.Fatal(err)
	}
}

func seqName(t *testing.T, s *survey.Store) string {
	t.Helper()
	var name string
	if err := s.DB().NewRaw("SELECT pg_get_serial_sequence('responses', 'seq')").Scan(context.Background(), &name); err != nil {
		t.Fatal(err)
	}
	return name
}
