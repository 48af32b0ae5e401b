package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

const csvHeaderLine = "id,submitted_at,agency,service,center,channel,survey,survey_version,lang,status,reason,comment,q.overall,q.waiting,q.resolved,q.courtesy,q.comment\r\n"

func TestResponsesCSV(t *testing.T) {
	for _, dialect := range []string{"sqlite", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			// Two live submissions (kiosk and API key) and three historic rows around Baku midnights.
			if st, body := env.postJSON(t, "/api/v1/responses", env.KioskToken, map[string]any{"agency": "migration",
				"answers": map[string]any{"overall": 5, "resolved": true}, "comment": "Çox sağ olun, \"əla\""}); st != http.StatusCreated {
				t.Fatalf("kiosk submit: %d %v", st, body)
			}
			if st, body := env.postJSON(t, "/api/v1/responses", env.APIKey, map[string]any{"agency": "justice",
				"answers": map[string]any{"overall": 2, "comment": "Долго"}, "lang": "ru"}); st != http.StatusCreated {
				t.Fatalf("api submit: %d %v", st, body)
			}
			hist := "id,agency,submitted_at,q.overall\n" +
				"00000000-0000-4000-8000-00000000000a,migration,2025-03-31T23:59:59+04:00,4\n" +
				"00000000-0000-4000-8000-00000000000b,migration,2025-04-01T00:00:00+04:00,3\n" +
				"00000000-0000-4000-8000-00000000000c,justice,2025-04-30T12:00:00+04:00,1\n"
			if _, err := env.Store.Import(context.Background(), strings.NewReader(hist), survey.ImportOptions{}); err != nil {
				t.Fatal(err)
			}

			r := env.get(t, "/api/v1/responses.csv", env.APIKey)
			if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
				r.Header.Get("Content-Disposition") != `attachment; filename="responses.csv"` {
				t.Fatalf("all: %d %v %s", r.Status, r.Header, r.Body)
			}
			var direct bytes.Buffer
			if _, err := env.Store.Export(context.Background(), &direct, survey.ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r.Body, direct.Bytes()) || !bytes.HasPrefix(r.Body, []byte(csvHeaderLine)) ||
				bytes.Count(r.Body, []byte("\r\n")) != 6 || !bytes.Contains(r.Body, []byte(`"Çox sağ olun, ""əla"""`)) {
				t.Fatalf("body differs from the store's export:\n%s", r.Body)
			}

			r = env.get(t, "/api/v1/responses.csv?from=2025-04-01&to=2025-04-30&agency=migration", env.APIKey)
			if r.Status != http.StatusOK || r.Header.Get("Content-Disposition") != `attachment; filename="responses-migration-2025-04-01-2025-04-30.csv"` {
				t.Fatalf("filtered: %d %v", r.Status, r.Header)
			}
			if rows := strings.Split(strings.TrimSuffix(string(r.Body), "\r\n"), "\r\n")[1:]; len(rows) != 1 || !strings.HasPrefix(rows[0], "00000000-0000-4000-8000-00000000000b,2025-04-01T00:00:00+04:00,migration,") {
				t.Fatalf("filtered rows: %q", rows)
			}

			// What the API exported imports into an empty database and exports to the same bytes.
			other := storetest.New(t, dialect, survey.Options{Location: storetest.Baku})
			applyTestCatalog(t, other)
			res, err := other.Import(context.Background(), bytes.NewReader(direct.Bytes()), survey.ImportOptions{})
			if err != nil || res.Inserted != 5 {
				t.Fatalf("re-import: %+v %v", res, err)
			}
			var again bytes.Buffer
			if _, err := other.Export(context.Background(), &again, survey.ExportFilter{}); err != nil || !bytes.Equal(again.Bytes(), direct.Bytes()) {
				t.Fatalf("round trip differs (%v):\n%s\n%s", err, again.Bytes(), direct.Bytes())
			}
		})
	}
}

func TestResponsesCSVErrors(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	for _, c := range []struct {
		name, path, auth string
		status           int
		code, field      string
	}{
		{"no credential", "/api/v1/responses.csv", "", http.StatusUnauthorized, "unauthorized", ""},
		{"wrong key", "/api/v1/responses.csv", "nope", http.StatusUnauthorized, "unauthorized", ""},
		{"kiosk token", "/api/v1/responses.csv", env.KioskToken, http.StatusForbidden, "forbidden", ""},
		{"malformed from", "/api/v1/responses.csv?from=2025-02-30", env.APIKey, http.StatusUnprocessableEntity, "invalid_field", "from"},
		{"malformed to", "/api/v1/responses.csv?to=yesterday", env.APIKey, http.StatusUnprocessableEntity, "invalid_field", "to"},
		{"reversed range", "/api/v1/responses.csv?from=2025-05-01&to=2025-04-01", env.APIKey, http.StatusUnprocessableEntity, "invalid_field", "to"},
		{"unknown agency", "/api/v1/responses.csv?agency=nowhere", env.APIKey, http.StatusUnprocessableEntity, "unknown_agency", "agency"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.get(t, c.path, c.auth)
			if r.Status != c.status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.Header.Get("Content-Disposition") != "" {
				t.Fatalf("got %d %v %s", r.Status, r.Header, r.Body)
			}
			code, field := errorOf(t, r.JSON())
			if code != c.code || field != c.field {
				t.Fatalf("got %s/%s, want %s/%s", code, field, c.code, c.field)
			}
		})
	}
	if r := env.do(t, http.MethodPost, "/api/v1/responses.csv", env.APIKey, "x"); r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", r.Status)
	}
}
