package survey_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// hookWriter runs once before its first write: the export has read a page and holds no connection then.
type hookWriter struct {
	strings.Builder
	once func()
}

func (h *hookWriter) Write(p []byte) (int, error) {
	if h.once != nil {
		h.once()
		h.once = nil
	}
	return h.Builder.Write(p)
}

// TestExportPagesKeyset: an export read in pages by keyset is the same rows in the same order as one query,
// also when thousands of rows share one submitted_at across page boundaries, and a response stored while the
// download runs (between pages, through a write that must not wait for the export) is left out of it.
func TestExportPagesKeyset(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		var b strings.Builder
		b.WriteString("id,agency,submitted_at,q.overall\n")
		times := []string{"2025-04-02T10:00:00+04:00", "2025-04-01T10:00:00+04:00", "2025-04-03T10:00:00+04:00"}
		const n = 12003 // more than two pages of 5000
		for i := range n {
			agency := "migration"
			if i%4 == 3 {
				agency = "justice"
			}
			fmt.Fprintf(&b, "00000000-0000-4000-8000-%012d,%s,%s,%d\n", i, agency, times[i%3], 1+i%5)
		}
		if _, err := importString(t, s, b.String()); err != nil {
			t.Fatal(err)
		}
		idsOf := func(csv string) []string {
			var out []string
			for _, l := range strings.Split(strings.TrimSuffix(csv, "\r\n"), "\r\n")[1:] {
				out = append(out, l[:36])
			}
			return out
		}
		want := func(where, order string) []string {
			var ids []string
			q := s.DB().NewSelect().Table("responses").Column("id").OrderExpr(order)
			if where != "" {
				q = q.Where(where)
			}
			if err := q.Scan(ctx, &ids); err != nil {
				t.Fatal(err)
			}
			return ids
		}
		byTime, err := survey.ParseExportFilter("2025-04-01", "2025-04-03", "", s.Location())
		if err != nil {
			t.Fatal(err)
		}
		agencyTime := byTime
		agencyTime.Agency = "migration"
		for _, c := range []struct {
			name   string
			f      survey.ExportFilter
			where  string
			order  string
			wantN  int
			sorted bool
		}{
			{"all", survey.ExportFilter{}, "", "seq", n, false},
			{"agency", survey.ExportFilter{Agency: "justice"}, "agency_code = 'justice'", "seq", n / 4, false},
			{"dates", byTime, "", "submitted_us, seq", n, true},
			{"agency and dates", agencyTime, "agency_code = 'migration'", "submitted_us, seq", n - n/4, true},
		} {
			got := idsOf(exportString(t, s, c.f))
			w := want(c.where, c.order)
			if len(got) != c.wantN || !reflect.DeepEqual(got, w) {
				t.Errorf("%s: export has %d ids (want %d), or another order than ORDER BY %s", c.name, len(got), c.wantN, c.order)
			}
		}

		// A submission between two pages commits at once and is not in the export that was running.
		hw := &hookWriter{once: func() {
			cred := apiCred(t, s)
			body := `{"id":"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e99","agency":"migration","answers":{"overall":5}}`
			if _, _, err := submit(t, s, body, cred); err != nil {
				t.Errorf("submit during the export: %v", err)
			}
		}}
		if _, err := s.Export(ctx, hw, survey.ExportFilter{}); err != nil {
			t.Fatal(err)
		}
		during := idsOf(hw.String())
		if len(during) != n || strings.Contains(hw.String(), "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e99") {
			t.Errorf("export during a submission: %d rows (want the %d stored when it began)", len(during), n)
		}
		if after := idsOf(exportString(t, s, survey.ExportFilter{})); len(after) != n+1 || after[n] != "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e99" {
			t.Errorf("export after the submission: %d rows, last %q", len(after), after[len(after)-1])
		}
	})
}
