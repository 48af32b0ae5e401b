package survey_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestBulkInsertSkipKeepsRows: on PostgreSQL a skipped row must not shift RETURNING values into other rows.
func TestBulkInsertSkipKeepsRows(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		loadTestCatalog(t, s)
		cv, err := s.CatalogView(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		prep := func(id, service, comment string) *survey.Response {
			sub := &survey.Submission{ID: id, Agency: "migration", Service: service, Comment: comment,
				Answers: map[string]json.RawMessage{"overall": json.RawMessage("5")}}
			r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		first := prep("00000000-0000-4000-8000-000000000001", "", "")
		if n, err := s.BulkInsert(context.Background(), []*survey.Response{first}); err != nil || n != 1 {
			t.Fatalf("first insert: %d %v", n, err)
		}
		again := prep("00000000-0000-4000-8000-000000000001", "", "")
		second := prep("00000000-0000-4000-8000-000000000002", "temp-residence", "kept")
		n, err := s.BulkInsert(context.Background(), []*survey.Response{again, second})
		if err != nil || n != 1 {
			t.Fatalf("second insert: %d %v", n, err)
		}
		if again.Service != "" || again.Comment != "" || second.Service != "temp-residence" || second.Comment != "kept" {
			t.Fatalf("rows changed by the insert: %+v / %+v", again, second)
		}
	})
}

// A bulk insert that repeats an id stores the first row once, on both dialects, and the cells count it once.
func TestBulkInsertRepeatedID(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		cv, err := s.CatalogView(ctx)
		if err != nil {
			t.Fatal(err)
		}
		prep := func(id string, overall int) *survey.Response {
			sub := &survey.Submission{ID: id, Agency: "migration", Answers: map[string]json.RawMessage{"overall": json.RawMessage(strconv.Itoa(overall))}}
			r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		a, b := "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"
		n, err := s.BulkInsert(ctx, []*survey.Response{prep(a, 5), prep(b, 3), prep(a, 1)})
		if err != nil || n != 2 {
			t.Fatalf("inserted %d: %v", n, err)
		}
		if got := countStored(t, s); got != 2 {
			t.Fatalf("%d rows stored", got)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
