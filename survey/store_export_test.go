package survey_test

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestExportFilters: inclusive days as midnights in the store's zone, one agency, paging past one page.
func TestExportFilters(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		loadTestCatalog(t, s)
		data := "id,agency,submitted_at,q.overall\n" +
			"00000000-0000-4000-8000-00000000000a,migration,2025-03-31T23:59:59.999999+04:00,5\n" +
			"00000000-0000-4000-8000-00000000000b,migration,2025-03-31T20:00:00Z,4\n" +
			"00000000-0000-4000-8000-00000000000c,justice,2025-04-30T23:59:59+04:00,3\n" +
			"00000000-0000-4000-8000-00000000000d,migration,2025-05-01T00:00:00+04:00,2\n"
		if _, err := importString(t, s, data); err != nil {
			t.Fatal(err)
		}
		ids := func(f survey.ExportFilter) string {
			var out []string
			for _, line := range strings.Split(exportString(t, s, f), "\r\n")[1:] {
				if line != "" {
					out = append(out, line[35:36])
				}
			}
			return strings.Join(out, "")
		}
		parse := func(from, to, agency string) survey.ExportFilter {
			f, err := survey.ParseExportFilter(from, to, agency, s.Location())
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		for _, c := range []struct{ from, to, agency, want string }{
			{"", "", "", "abcd"},
			{"2025-04-01", "2025-04-30", "", "bc"},
			{"2025-04-01", "2025-04-30", "migration", "b"},
			{"", "2025-03-31", "", "a"},
			{"2025-05-01", "", "migration", "d"},
			{"2025-04-30", "2025-04-30", "", "c"},
			{"2026-01-01", "", "", ""},
		} {
			if got := ids(parse(c.from, c.to, c.agency)); got != c.want {
				t.Errorf("from %q to %q agency %q: got %q, want %q", c.from, c.to, c.agency, got, c.want)
			}
		}
		if out := exportString(t, s, parse("", "2025-03-31", "")); !strings.Contains(out, ",2025-03-31T23:59:59.999999+04:00,") {
			t.Errorf("sub-second time not kept in the zone of the store: %s", out)
		}
		if _, err := s.Export(context.Background(), io.Discard, survey.ExportFilter{Agency: "nope"}); survey.ErrorCode(err) != survey.CodeUnknownAgency {
			t.Errorf("unknown agency: %v", err)
		}
		for _, c := range [][2]string{{"2025-13-01", ""}, {"", "31.03.2025"}, {"2025-04-02", "2025-04-01"}, {"1999-12-31", ""}} {
			if _, err := survey.ParseExportFilter(c[0], c[1], "", s.Location()); survey.ErrorCode(err) != survey.CodeInvalidField {
				t.Errorf("from %q to %q: want invalid_field, got %v", c[0], c[1], err)
			}
		}
		// More rows than one export page, in stored order.
		if _, err := importFile(t, s, genFile(t, 2100, 3)); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(exportString(t, s, survey.ExportFilter{}), "\r\n"), "\r\n")
		var want []string
		if err := s.DB().NewSelect().Table("responses").Column("id").Order("seq").Scan(context.Background(), &want); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range lines[1:] {
			if l[0] != '"' && len(l) > 36 && l[36] == ',' {
				got = append(got, l[:36])
			}
		}
		if len(want) != 2104 || !reflect.DeepEqual(got, want) {
			t.Fatalf("export has %d ids, stored %d (or in another order)", len(got), len(want))
		}
	})
}
