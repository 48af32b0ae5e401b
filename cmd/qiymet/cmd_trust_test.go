package main

import (
	"context"
	"encoding/csv"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrustCommands: every CLI change is audited as "cli"; audit export writes it as CSV; backup copies a
// SQLite database (and points PostgreSQL to pg_dump); user reset-2fa is audited too.
func TestTrustCommands(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			mustRun(t, env, "", "catalog", "apply", catalogPath(t))
			mustRun(t, env, "a long enough password\n", "user", "add", "--email", "Root@Example.az", "--role", "admin")
			mustRun(t, env, "", "apikey", "add", "--name", "=evil")
			if out := mustRun(t, env, "", "user", "reset-2fa", "--email", "root@example.az"); !strings.Contains(out, "root@example.az") {
				t.Fatalf("reset-2fa: %q", out)
			}
			if r := cliRun(t, env, "", "user", "reset-2fa", "--email", "nobody@example.az"); r.Err == nil || exitCode(r.Err) != 1 {
				t.Fatalf("reset-2fa of an unknown user: %v", r.Err)
			}
			if r := cliRun(t, env, "", "user", "reset-2fa"); exitCode(r.Err) != 2 {
				t.Fatalf("reset-2fa without --email: %v", r.Err)
			}
			out := mustRun(t, env, "", "audit", "export")
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, r := range recs[1:] {
				if r[3] != "cli" || r[7] != "cli" {
					t.Fatalf("actor of %q: %q", r[4], r[3])
				}
				actions = append(actions, r[4])
			}
			if got := strings.Join(actions, " "); got != "catalog.apply user.add apikey.add user.2fa_reset" {
				t.Fatalf("audited actions: %s", got)
			}
			if !strings.Contains(out, `"{""name"":""=evil""}"`) {
				t.Fatalf("details: %s", out)
			}
			file := filepath.Join(t.TempDir(), "audit.csv")
			if o := mustRun(t, env, "", "audit", "export", "--out", file, "--action", "user"); !strings.Contains(o, "2 audit entries") {
				t.Fatalf("export --out: %q", o)
			}
			if r := cliRun(t, env, "", "audit", "export", "--from", "yesterday"); exitCode(r.Err) != 2 {
				t.Fatalf("bad --from: %v", r.Err)
			}

			bak := filepath.Join(t.TempDir(), "copy.db")
			r := cliRun(t, env, "", "backup", "--out", bak)
			if d == "pg" {
				if r.Err == nil || !strings.Contains(r.Err.Error(), "pg_dump") {
					t.Fatalf("backup of PostgreSQL: %v", r.Err)
				}
				return
			}
			if r.Err != nil || !strings.Contains(r.Stdout, "backup written") {
				t.Fatalf("backup: %v %s", r.Err, r.Stderr)
			}
			// The copy is a working database: the commands run on it and see the same log.
			copyEnv := map[string]string{"QIYMET_DB": "sqlite:" + bak}
			if got := mustRun(t, copyEnv, "", "audit", "export"); got != out {
				t.Fatalf("the backup's audit log differs:\n%s\n%s", got, out)
			}
			if r := cliRun(t, env, "", "backup", "--out", bak); r.Err == nil {
				t.Fatal("backup over an existing file")
			}
			if r := cliRun(t, env, "", "backup"); exitCode(r.Err) != 2 {
				t.Fatalf("backup without --out: %v", r.Err)
			}
			s := openDB(t, copyEnv)
			if n, err := s.DB().NewSelect().Table("users").Count(context.Background()); err != nil || n != 1 {
				t.Fatalf("users in the copy: %d %v", n, err)
			}
		})
	}
}

func TestRequire2FAOf(t *testing.T) {
	for v, want := range map[string]string{"": "", "off": "", "admin": "admin", " admin ": "admin"} {
		if got, err := require2FAOf(func(string) string { return v }); err != nil || got != want {
			t.Errorf("%q: %q %v", v, got, err)
		}
	}
	if _, err := require2FAOf(func(string) string { return "all" }); exitCode(err) != 2 {
		t.Errorf("bad value: %v", err)
	}
}

// exitCode is the status main would exit with for err.
func exitCode(err error) int {
	var u usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}
