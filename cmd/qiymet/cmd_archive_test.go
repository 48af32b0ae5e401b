package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
)

// qiymet archive (docs/scaling.md, "Partitions and archives"): on PostgreSQL an old month goes to a CSV file and
// out of the responses, the published snapshot stays as it was, a re-import of the file is a no-op, and a second
// run has nothing to do (exit 1); a missing or malformed --before is a usage error (exit 2); SQLite refuses
// (exit 1) and changes nothing.
func TestArchiveCommand(t *testing.T) {
	t.Run("pg", func(t *testing.T) {
		env := cliEnv(t, "pg")
		dir := t.TempDir()
		mustRun(t, env, "", "catalog", "apply", catalogPath(t))
		var csv strings.Builder
		csv.WriteString("submitted_at,agency,center,q.overall,status,reason\n")
		for i := range 45 {
			status, reason := "counted", ""
			if i%9 == 0 {
				status, reason = "excluded", "test"
			}
			fmt.Fprintf(&csv, "2025-03-%02dT10:%02d:00+04:00,migration,baku-1,%d,%s,%s\n", 1+i%28, i, 3+i%3, status, reason)
		}
		fmt.Fprintf(&csv, "2025-07-01T10:00:00+04:00,migration,baku-1,5,counted,\n")
		in := filepath.Join(dir, "in.csv")
		os.WriteFile(in, []byte(csv.String()), 0o644)
		mustRun(t, env, "", "import", in)
		pub := mustRun(t, env, "", "publish", "--period", "2025-Q1")

		for _, args := range [][]string{{"archive"}, {"archive", "--before", "2025-3"}, {"archive", "--before", "March"}} {
			if r := cliRun(t, env, "", args...); !r.usage() {
				t.Errorf("%v: want a usage error, got %v", args, r.Err)
			}
		}
		if r := cliRun(t, env, "", "archive", "--before", "2099-01", "--dir", dir); r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "too recent") {
			t.Fatalf("a future month: %v", r.Err)
		}
		out := mustRun(t, env, "", "archive", "--before", "2025-06", "--dir", dir)
		file := filepath.Join(dir, "responses_2025_03.csv")
		if !strings.HasPrefix(out, "archived responses_2025_03 (2025-03-01 to 2025-04-01): 45 responses in "+file+" sha256 ") ||
			!strings.HasSuffix(out, "table kept as responses_archived_2025_03\n") {
			t.Fatalf("archive: %q", out)
		}
		data, err := os.ReadFile(file)
		if err != nil || strings.Count(string(data), "\r\n") != 46 || !strings.Contains(string(data), ",excluded,test,") {
			t.Fatalf("archive file (%v):\n%.500s", err, data)
		}
		if exp := mustRun(t, env, "", "export"); strings.Count(exp, "\r\n") != 2 || !strings.Contains(exp, "2025-07-01T10:00:00+04:00") {
			t.Fatalf("export after the archive holds:\n%s", exp)
		}
		// The same period again gives the same figures: a republication changes nothing against revision 1.
		pub2 := mustRun(t, env, "", "publish", "--period", "2025-Q1", "--reason", "after archive")
		if pub == "" || pub2 == "" {
			t.Fatal("publish printed nothing")
		}
		s := openDB(t, env)
		r1, err := s.PublicationRevision(t.Context(), "2025-Q1", 1)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := s.PublicationRevision(t.Context(), "2025-Q1", 2)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		s1, err := survey.ParseSnapshot([]byte(r1.Document))
		if err != nil {
			t.Fatal(err)
		}
		s2, err := survey.ParseSnapshot([]byte(r2.Document))
		if err != nil {
			t.Fatal(err)
		}
		if len(s2.Changes) != 0 || s1.DataAsOf != s2.DataAsOf || s1.DataAsOf == "" {
			t.Fatalf("revision 2 after the archive: changes %v, data as of %q → %q", s2.Changes, s1.DataAsOf, s2.DataAsOf)
		}
		if !strings.Contains(r1.Document, `"test":5`) || !strings.Contains(r2.Document, `"test":5`) {
			t.Fatalf("the excluded counts are not kept:\n%.300s\n%.300s", r1.Document, r2.Document)
		}
		if imp := mustRun(t, env, "", "import", file); !strings.HasPrefix(imp, "imported 0 responses from 45 rows (45 already stored, skipped)") {
			t.Fatalf("re-import of the archived file: %q", imp)
		}
		if r := cliRun(t, env, "", "archive", "--before", "2025-06", "--dir", dir); r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "nothing to archive") {
			t.Fatalf("second archive: %v", r.Err)
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		env := cliEnv(t, "sqlite-file")
		r := cliRun(t, env, "", "archive", "--before", "2025-06", "--dir", t.TempDir())
		if r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "needs PostgreSQL") {
			t.Fatalf("archive on SQLite: %v", r.Err)
		}
	})
}
