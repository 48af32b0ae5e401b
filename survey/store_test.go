package survey_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

var storeStart = time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)

func readTestCatalog(t testing.TB) survey.Catalog { return storetest.Catalog(t) }

// cloneCatalog deep-copies a catalog so a case can mutate it.
func cloneCatalog(t testing.TB, c survey.Catalog) survey.Catalog {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out survey.Catalog
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func countRows(t testing.TB, s *survey.Store, table string) int64 {
	t.Helper()
	n, err := s.DB().NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func submit(t testing.TB, s *survey.Store, body string, cred survey.Credential) (survey.Result, bool, error) {
	t.Helper()
	sub, err := survey.DecodeSubmission([]byte(body))
	if err != nil {
		return survey.Result{}, false, err
	}
	return s.Submit(context.Background(), sub, cred)
}

// storedRow reads one row of a table as column → value.
func storedRow(t testing.TB, s *survey.Store, table, where string, args ...any) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := s.DB().NewSelect().Table(table).Where(where, args...).Limit(1).Scan(context.Background(), &m); err != nil {
		t.Fatalf("%s row: %v", table, err)
	}
	return m
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	e, ok := survey.AsError(err)
	if !ok {
		t.Fatalf("want %s (%s), got %v", code, field, err)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("want %s field %q, got %s field %q: %s", code, field, e.Code, e.Field, e.Message)
	}
}

func apiCred(t testing.TB, s *survey.Store) survey.Credential {
	t.Helper()
	k, _, err := s.AddAPIKey(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return survey.Credential{APIKey: k}
}
