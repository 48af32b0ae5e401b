package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const csvTestHeader = "id,submitted_at,agency,service,center,channel,survey,survey_version,lang,status,reason,comment,q.overall,q.waiting,q.resolved,q.courtesy,q.comment"

// csvTestRows are three good rows: two agencies, both sides of a Baku midnight, a quoted multi-line comment.
var csvTestRows = []string{
	"11111111-1111-4111-8111-111111111111,2025-03-31T23:30:00+04:00,migration,temp-residence,baku-1,kiosk,visit,1,az,counted,,Əla,5,4,true,,",
	"22222222-2222-4222-8222-222222222222,2025-04-01T00:00:00+04:00,justice,,,link,visit,1,ru,excluded,burst,\"Долго,\r\nочень\",2,,false,3,",
	"33333333-3333-4333-8333-333333333333,2025-04-15T12:00:00.5+04:00,migration,,ganja,api,visit,1,en,counted,,,4,,,,'=1+1", // as exported: a formula-like text cell carries a leading '
}

func writeCSVFile(t *testing.T, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportExportCommands(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			env := cliEnv(t, dialect)
			if r := cliRun(t, env, "", "catalog", "apply", catalogPath(t)); r.Err != nil {
				t.Fatal(r.Err)
			}
			good := writeCSVFile(t, "good.csv", append([]string{csvTestHeader}, csvTestRows...)...)
			r := cliRun(t, env, "", "import", good)
			if r.Err != nil || !strings.Contains(r.Stdout, "imported 3 responses from 3 rows (0 already stored") {
				t.Fatalf("import: %v\n%s%s", r.Err, r.Stdout, r.Stderr)
			}
			r = cliRun(t, env, "", "import", good)
			if r.Err != nil || !strings.Contains(r.Stdout, "imported 0 responses from 3 rows (3 already stored") {
				t.Fatalf("re-import: %v\n%s", r.Err, r.Stdout)
			}

			all := cliRun(t, env, "", "export")
			want := strings.Join(append([]string{csvTestHeader}, csvTestRows...), "\r\n") + "\r\n"
			if all.Err != nil || all.Stdout != want {
				t.Fatalf("export: %v\n got %q\nwant %q", all.Err, all.Stdout, want)
			}
			for _, c := range []struct {
				args []string
				ids  string
			}{
				{[]string{"--agency", "migration"}, "13"},
				{[]string{"--from", "2025-04-01"}, "23"},
				{[]string{"--to", "2025-03-31"}, "1"},
				{[]string{"--from", "2025-04-01", "--to", "2025-04-14", "--agency", "justice"}, "2"},
				{[]string{"--from", "2025-04-02", "--to", "2025-04-14"}, ""},
			} {
				r := cliRun(t, env, "", append([]string{"export"}, c.args...)...)
				if r.Err != nil {
					t.Fatalf("export %v: %v", c.args, r.Err)
				}
				got := ""
				for _, line := range strings.Split(r.Stdout, "\r\n")[1:] {
					if len(line) > 36 && line[8] == '-' {
						got += line[:1]
					}
				}
				if got != c.ids || !strings.HasPrefix(r.Stdout, csvTestHeader+"\r\n") {
					t.Errorf("export %v: rows %q, want %q", c.args, got, c.ids)
				}
			}

			// A file with bad lines: every one listed, exit 1, nothing stored.
			bad := writeCSVFile(t, "bad.csv", "agency,q.overall,lang",
				"justice,5,az", "migration,7,az", "nowhere,3,az", "justice,4,fr")
			r = cliRun(t, env, "", "import", bad)
			if r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "3 invalid lines; nothing was imported") {
				t.Fatalf("bad import: %v", r.Err)
			}
			wantErr := "line 3: q.overall: must be an integer from 1 to 5\nline 4: agency: unknown agency \"nowhere\"\nline 5: lang: must be az, en or ru\n"
			if r.Stderr != wantErr {
				t.Fatalf("stderr:\n got %q\nwant %q", r.Stderr, wantErr)
			}
			if again := cliRun(t, env, "", "export"); again.Stdout != want {
				t.Fatalf("a failed import changed the data:\n%s", again.Stdout)
			}

			// Round trip through the command line into an empty database, via stdin.
			other := cliEnv(t, "sqlite-file")
			if r := cliRun(t, other, "", "catalog", "apply", catalogPath(t)); r.Err != nil {
				t.Fatal(r.Err)
			}
			if r := cliRun(t, other, all.Stdout, "import", "-"); r.Err != nil || !strings.Contains(r.Stdout, "imported 3 responses") {
				t.Fatalf("import from stdin: %v %s", r.Err, r.Stdout)
			}
			if r := cliRun(t, other, "", "export"); r.Stdout != all.Stdout {
				t.Fatalf("round trip differs:\n%s\n%s", r.Stdout, all.Stdout)
			}
		})
	}
}

func TestImportExportCommandErrors(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	if r := cliRun(t, env, "", "catalog", "apply", catalogPath(t)); r.Err != nil {
		t.Fatal(r.Err)
	}
	dir := t.TempDir()
	cases := []struct {
		name    string
		args    []string
		usage   bool
		message string
	}{
		{"import without file", []string{"import"}, true, "expected 1 argument"},
		{"import two files", []string{"import", "a.csv", "b.csv"}, true, "expected 1 argument"},
		{"import missing file", []string{"import", filepath.Join(dir, "nope.csv")}, false, "nope.csv"},
		{"import a directory", []string{"import", dir}, false, "is a directory"},
		{"export malformed from", []string{"export", "--from", "2025-13-01"}, true, "from must be a date YYYY-MM-DD"},
		{"export malformed to", []string{"export", "--to", "01.04.2025"}, true, "to must be a date YYYY-MM-DD"},
		{"export reversed range", []string{"export", "--from", "2025-04-02", "--to", "2025-04-01"}, true, "to is before from"},
		{"export stray argument", []string{"export", "all"}, true, "expected 0 argument"},
		{"export unknown agency", []string{"export", "--agency", "nowhere"}, false, `unknown agency "nowhere"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cliRun(t, env, "", c.args...)
			if r.Err == nil || r.usage() != c.usage || !strings.Contains(r.Err.Error(), c.message) {
				t.Fatalf("got %v (usage %v), want usage=%v mentioning %q", r.Err, r.usage(), c.usage, c.message)
			}
			if strings.HasPrefix(c.name, "export") && r.Stdout != "" {
				t.Fatalf("a failed export wrote %q", r.Stdout)
			}
		})
	}
}
