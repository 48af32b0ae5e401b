package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"golang.org/x/crypto/bcrypt"
)

// openDB opens the database a CLI test wrote, to check what was stored.
func openDB(t testing.TB, env map[string]string) *survey.Store {
	t.Helper()
	s, err := survey.Open(context.Background(), env["QIYMET_DB"], survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustRun(t testing.TB, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	r := cliRun(t, env, stdin, args...)
	if r.Err != nil {
		t.Fatalf("qiymet %s: %v\n%s", strings.Join(args, " "), r.Err, r.Stderr)
	}
	return r.Stdout
}

var cliDialects = []string{"sqlite-file", "pg"}

func TestMigrateCommands(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			if out := mustRun(t, env, "", "migrate", "status"); !strings.Contains(out, "pending") || strings.Contains(out, "applied") {
				t.Fatalf("status before up: %q", out)
			}
			if out := mustRun(t, env, "", "migrate"); !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %q", out)
			}
			if out := mustRun(t, env, "", "migrate", "up"); !strings.Contains(out, "up to date") {
				t.Fatalf("migrate up again: %q", out)
			}
			out := mustRun(t, env, "", "migrate", "status")
			if !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
				t.Fatalf("status after up: %q", out)
			}
			if out := mustRun(t, env, "", "migrate", "unlock"); !strings.Contains(out, "released") {
				t.Fatalf("unlock: %q", out)
			}
			// Every command that opens the database migrates first.
			env2 := cliEnv(t, d)
			mustRun(t, env2, "", "apikey", "add", "--name", "x")
			if out := mustRun(t, env2, "", "migrate", "status"); strings.Contains(out, "pending") {
				t.Fatalf("apikey add left migrations pending: %q", out)
			}
		})
	}
}

func TestCatalogCommands(t *testing.T) {
	want, err := os.ReadFile(catalogPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var file survey.Catalog
	if err := json.Unmarshal(want, &file); err != nil {
		t.Fatal(err)
	}
	total := len(file.Groups) + len(file.Agencies) + len(file.Services) + len(file.Centers) + len(file.Surveys)
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			if out := mustRun(t, env, "", "catalog", "apply", catalogPath(t)); !strings.Contains(out, fmt.Sprintf("%d created, 0 updated, 0 unchanged", total)) {
				t.Fatalf("first apply: %q", out)
			}
			if out := mustRun(t, env, "", "catalog", "apply", catalogPath(t)); !strings.Contains(out, fmt.Sprintf("0 created, 0 updated, %d unchanged", total)) {
				t.Fatalf("second apply: %q", out)
			}
			exported := mustRun(t, env, "", "catalog", "export")
			var got survey.Catalog
			if err := json.Unmarshal([]byte(exported), &got); err != nil {
				t.Fatalf("export is not JSON: %v", err)
			}
			file.Sort()
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(file)
			if string(a) != string(b) {
				t.Fatalf("export differs from the applied file:\n%s\n%s", a, b)
			}
			if !strings.Contains(exported, "Mərkəzi") {
				t.Fatal("export escapes non-ASCII letters")
			}
			// Round trip through a file into a fresh database gives the same export.
			path := filepath.Join(t.TempDir(), "exported.json")
			if err := os.WriteFile(path, []byte(exported), 0o600); err != nil {
				t.Fatal(err)
			}
			if out := mustRun(t, env, "", "catalog", "apply", path); !strings.Contains(out, "0 created, 0 updated") {
				t.Fatalf("applying the export back: %q", out)
			}
			env2 := cliEnv(t, d)
			mustRun(t, env2, "", "catalog", "apply", path)
			if again := mustRun(t, env2, "", "catalog", "export"); again != exported {
				t.Fatalf("round trip differs:\n%s\n%s", again, exported)
			}

			// A bad file names the offending entry, is a runtime error, and stores nothing.
			cases := []struct {
				name, edit, mention string
			}{
				{"unknown group", `"group": "central", "survey": "visit", "name": {"az": "Ədliyyə`, `agencies[1] "justice"`},
				{"bad code", `"code": "ganja"`, `centers[1] "Ganja"`},
				{"typo field", `"primary": "overall"`, `primery`},
				{"not JSON", `{`, `JSON`},
			}
			envBad := cliEnv(t, d) // every case is refused, so it stays empty throughout
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					bad := string(want)
					switch c.name {
					case "unknown group":
						bad = strings.Replace(bad, c.edit, strings.Replace(c.edit, "central", "centrl", 1), 1)
					case "bad code":
						bad = strings.Replace(bad, c.edit, `"code": "Ganja"`, 1)
					case "typo field":
						bad = strings.Replace(bad, c.edit, `"primery": "overall"`, 1)
					case "not JSON":
						bad = bad[:len(bad)/2]
					}
					if bad == string(want) {
						t.Fatal("edit did not apply")
					}
					p := filepath.Join(t.TempDir(), "bad.json")
					os.WriteFile(p, []byte(bad), 0o600)
					r := cliRun(t, envBad, "", "catalog", "apply", p)
					if r.Err == nil || r.usage() {
						t.Fatalf("want a runtime error, got %v", r.Err)
					}
					if msg := oneLine(r.Err.Error()); !strings.Contains(msg, c.mention) {
						t.Fatalf("error %q does not mention %q", msg, c.mention)
					}
					if out := mustRun(t, envBad, "", "catalog", "export"); strings.Contains(out, "migration") {
						t.Fatalf("a refused catalog was stored: %s", out)
					}
				})
			}
		})
	}
}

var (
	kioskTokenRE = regexp.MustCompile(`device token \(shown once\): (qk_\S+)`)
	apiKeyRE     = regexp.MustCompile(`key \(shown once\): (qa_\S+)`)
	passwordRE   = regexp.MustCompile(`password \(shown once\): (\S+)`)
)

// rowHolds reports whether any column of any row of table contains secret.
func rowHolds(t testing.TB, s *survey.Store, table, secret string) bool {
	t.Helper()
	var rows []map[string]any
	if err := s.DB().NewSelect().Table(table).Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		for _, v := range row {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if strings.Contains(fmt.Sprint(v), secret) {
				return true
			}
		}
	}
	return false
}

func TestSecretsPrintedOnceStoredHashed(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			mustRun(t, env, "", "catalog", "apply", catalogPath(t))

			out := mustRun(t, env, "", "kiosk", "add", "--center", "baku-1", "--name", "Çıxış 1", "--agency", "migration")
			m := kioskTokenRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no kiosk token printed: %q", out)
			}
			kioskToken := m[1]
			out = mustRun(t, env, "", "apikey", "add", "--name", "növbə sistemi")
			m = apiKeyRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no API key printed: %q", out)
			}
			apiKey := m[1]

			s := openDB(t, env)
			ctx := context.Background()
			if rowHolds(t, s, "kiosks", kioskToken) || rowHolds(t, s, "api_keys", apiKey) {
				t.Fatal("a secret is stored in clear")
			}
			if !rowHolds(t, s, "kiosks", survey.HashSecret(kioskToken)) || !rowHolds(t, s, "api_keys", survey.HashSecret(apiKey)) {
				t.Fatal("the secrets' hashes are not stored")
			}
			if k, err := s.AuthKiosk(ctx, kioskToken); err != nil || k.Center != "baku-1" || k.Agency != "migration" || k.Name != "Çıxış 1" {
				t.Fatalf("kiosk: %+v %v", k, err)
			}
			if _, err := s.AuthAPIKey(ctx, apiKey); err != nil {
				t.Fatal(err)
			}

			// kiosk add refusals store nothing.
			for _, args := range [][]string{
				{"kiosk", "add", "--center", "ganja", "--name", "x", "--agency", "justice"},
				{"kiosk", "add", "--center", "nowhere", "--name", "x"},
			} {
				if r := cliRun(t, env, "", args...); r.Err == nil || r.usage() {
					t.Fatalf("%v: want a runtime error, got %v", args, r.Err)
				}
			}
			if n, _ := s.DB().NewSelect().Table("kiosks").Count(ctx); n != 1 {
				t.Fatalf("%d kiosks after refusals", n)
			}
		})
	}
}

func TestUserAdd(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			mustRun(t, env, "", "catalog", "apply", catalogPath(t))
			s := openDB(t, env)
			ctx := context.Background()
			hashOf := func(email string) string {
				t.Helper()
				var h string
				if err := s.DB().NewSelect().Table("users").Column("password_hash").Where("email = ?", email).Scan(ctx, &h); err != nil {
					t.Fatal(err)
				}
				return h
			}
			const given = "düzgün at batareya ştapel"
			out := mustRun(t, env, given+"\n", "user", "add", "--email", "Admin@Example.az", "--role", "admin")
			if strings.Contains(out, given) || passwordRE.MatchString(out) {
				t.Fatalf("a given password must not be printed: %q", out)
			}
			h := hashOf("admin@example.az")
			if !strings.HasPrefix(h, "$2") || bcrypt.CompareHashAndPassword([]byte(h), []byte(given)) != nil {
				t.Fatalf("stored hash %q is not bcrypt of the given password", h)
			}
			out = mustRun(t, env, "", "user", "add", "--email", "manager@example.az", "--role", "manager", "--agency", "justice")
			m := passwordRE.FindStringSubmatch(out)
			if m == nil || len(m[1]) < survey.MinPasswordLen {
				t.Fatalf("no generated password printed: %q", out)
			}
			if err := bcrypt.CompareHashAndPassword([]byte(hashOf("manager@example.az")), []byte(m[1])); err != nil {
				t.Fatalf("generated password does not match the stored hash: %v", err)
			}
			if rowHolds(t, s, "users", m[1]) || rowHolds(t, s, "users", given) {
				t.Fatal("a password is stored in clear")
			}
			cases := []struct {
				name  string
				stdin string
				args  []string
				usage bool
				field string
			}{
				{"missing role", "", []string{"--email", "a@example.az"}, true, "--role"},
				{"bad role", "", []string{"--email", "a@example.az", "--role", "root"}, false, "role"},
				{"manager without agency", "", []string{"--email", "a@example.az", "--role", "manager"}, false, "agency"},
				{"manager of unknown agency", "", []string{"--email", "a@example.az", "--role", "manager", "--agency", "tax"}, false, "agency"},
				{"analyst with agency", "", []string{"--email", "a@example.az", "--role", "analyst", "--agency", "justice"}, false, "agency"},
				{"bad email", "", []string{"--email", "not an email", "--role", "admin"}, false, "email"},
				{"short password", "short\n", []string{"--email", "a@example.az", "--role", "admin"}, false, "password"},
				{"duplicate email", "", []string{"--email", "ADMIN@example.az", "--role", "analyst"}, false, "email"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					before, _ := s.DB().NewSelect().Table("users").Count(ctx)
					r := cliRun(t, env, c.stdin, append([]string{"user", "add"}, c.args...)...)
					if r.Err == nil || r.usage() != c.usage {
						t.Fatalf("err %v (usage %v), want usage=%v", r.Err, r.usage(), c.usage)
					}
					if !strings.Contains(r.Err.Error(), c.field) {
						t.Fatalf("error %q does not mention %q", r.Err, c.field)
					}
					if after, _ := s.DB().NewSelect().Table("users").Count(ctx); after != before {
						t.Fatalf("users %d → %d", before, after)
					}
				})
			}
		})
	}
}
