package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/demo"
	"github.com/qiymet/qiymet/survey/storetest"
	"golang.org/x/crypto/bcrypt"
)

func TestDemoCommand(t *testing.T) {
	survey.BcryptCost = bcrypt.MinCost
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			env := map[string]string{"QIYMET_DB": storetest.DSN(t, dialect), "QIYMET_BASE_URL": "https://qiymet.example.az/"}
			getenv := func(k string) string { return env[k] }
			exec := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, args, getenv, strings.NewReader(""), &out, &errOut)
				return out.String(), err
			}
			login := func(t *testing.T, out string) {
				t.Helper()
				if !strings.Contains(out, "https://qiymet.example.az/login") {
					t.Errorf("no sign-in URL in:\n%s", out)
				}
				for _, u := range demo.Users {
					if !strings.Contains(out, u.Email) {
						t.Errorf("no login line for %s in:\n%s", u.Email, out)
					}
				}
				if strings.Count(out, demo.Password) < len(demo.Users) {
					t.Errorf("the demo password is not printed for every user:\n%s", out)
				}
			}
			count := func(t *testing.T) int64 {
				t.Helper()
				s, err := survey.Open(ctx, env["QIYMET_DB"], survey.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				n, err := s.ResponseCount(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}

			out, err := exec("demo", "--if-empty", "--responses", "3000")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "3000 responses") {
				t.Errorf("no load summary in:\n%s", out)
			}
			login(t, out)
			if n := count(t); n != 3000 {
				t.Fatalf("%d responses stored, want 3000", n)
			}

			// make run again: nothing is loaded, the login is printed again.
			out, err = exec("demo", "--if-empty", "--responses", "3000")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "not loaded again") {
				t.Errorf("second --if-empty run does not say it loaded nothing:\n%s", out)
			}
			login(t, out)

			// Without --if-empty a non-empty database is refused (exit 1, not a usage error).
			_, err = exec("demo", "--responses", "3000")
			if err == nil || !strings.Contains(err.Error(), "already holds 3000 responses") {
				t.Fatalf("demo on a non-empty database: %v", err)
			}
			if _, usage := err.(usageError); usage {
				t.Error("refusing a non-empty database is a runtime error, not a usage error")
			}
			if n := count(t); n != 3000 {
				t.Fatalf("%d responses after the refused runs, want 3000", n)
			}
		})
	}
}

func TestDemoCommandUsage(t *testing.T) {
	env := map[string]string{"QIYMET_DB": storetest.DSN(t, "sqlite-file")}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"demo", "--responses", "0"}, func(k string) string { return env[k] },
		strings.NewReader(""), &out, &errOut)
	if _, usage := err.(usageError); !usage {
		t.Fatalf("--responses 0: %v, want a usage error", err)
	}
}

// A database that holds someone else's responses and no demo users gets no made-up login.
func TestDemoIfEmptyForeignDatabase(t *testing.T) {
	survey.BcryptCost = bcrypt.MinCost
	ctx := context.Background()
	dsn := storetest.DSN(t, "sqlite-file")
	s, err := survey.Open(ctx, dsn, survey.Options{Location: storetest.Baku})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyCatalog(ctx, demo.Catalog()); err != nil {
		t.Fatal(err)
	}
	sub, err := survey.DecodeSubmission([]byte(`{"agency":"justice","answers":{"overall":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := s.AddAPIKey(ctx, "queue system")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Submit(ctx, sub, survey.Credential{APIKey: key}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out bytes.Buffer
	err = run(ctx, []string{"demo", "--if-empty", "--db", dsn}, func(string) string { return "" }, strings.NewReader(""), &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), demo.Password) || !strings.Contains(out.String(), "no demo users") {
		t.Errorf("unexpected output:\n%s", out.String())
	}
}
