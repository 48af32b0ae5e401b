package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey/storetest"
)

// syncBuffer is a bytes.Buffer safe to write from the serve goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cliResult is what one run of the command line gave.
type cliResult struct {
	Stdout, Stderr string
	Err            error
}

// usage reports whether the error would exit 2 (usage) rather than 1 (runtime).
func (r cliResult) usage() bool {
	var u usageError
	return errors.As(r.Err, &u)
}

// cliRun runs the command line in-process with env as the whole environment.
func cliRun(t testing.TB, env map[string]string, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return cliResult{Stdout: out.String(), Stderr: errOut.String(), Err: err}
}

// cliEnv is an environment with a fresh database of the dialect ("sqlite-file" or "pg").
func cliEnv(t testing.TB, dialect string) map[string]string {
	t.Helper()
	return map[string]string{"QIYMET_DB": storetest.DSN(t, dialect)}
}

// catalogPath is testdata/catalog.json at the repository root.
func catalogPath(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "catalog.json")
}

func TestExitCodeClasses(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "q.db")
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		usage   bool   // true: usage error (exit 2); false: runtime error (exit 1)
		message string // the one-line error mentions this
	}{
		{"no command", nil, nil, true, "command is required"},
		{"unknown command", nil, []string{"frobnicate"}, true, "unknown command"},
		{"unknown sub-command", nil, []string{"catalog", "delete"}, true, "unknown command"},
		{"unknown flag", map[string]string{"QIYMET_DB": db}, []string{"migrate", "--nope"}, true, "nope"},
		{"catalog apply without file", map[string]string{"QIYMET_DB": db}, []string{"catalog", "apply"}, true, "expected 1 argument"},
		{"migrate bad action", map[string]string{"QIYMET_DB": db}, []string{"migrate", "sideways"}, true, "sideways"},
		{"kiosk add without center", map[string]string{"QIYMET_DB": db}, []string{"kiosk", "add", "--name", "x"}, true, "--center"},
		{"bad min n word", map[string]string{"QIYMET_DB": db, "QIYMET_MIN_N": "lots"}, []string{"migrate"}, true, "QIYMET_MIN_N"},
		{"bad min n zero", map[string]string{"QIYMET_DB": db, "QIYMET_MIN_N": "0"}, []string{"migrate"}, true, "QIYMET_MIN_N"},
		{"bad min n flag", map[string]string{"QIYMET_DB": db}, []string{"migrate", "--min-n", "-3"}, true, "QIYMET_MIN_N"},
		{"bad timezone", map[string]string{"QIYMET_DB": db, "QIYMET_TIMEZONE": "Mars/Olympus"}, []string{"migrate"}, true, "QIYMET_TIMEZONE"},
		{"bad timezone flag", map[string]string{"QIYMET_DB": db}, []string{"migrate", "--timezone", "Baku"}, true, "QIYMET_TIMEZONE"},
		{"bad burst", map[string]string{"QIYMET_DB": db, "QIYMET_BURST_SECONDS": "-1"}, []string{"migrate"}, true, "QIYMET_BURST_SECONDS"},
		{"bad prior weight", map[string]string{"QIYMET_DB": db, "QIYMET_PRIOR_WEIGHT": "heavy"}, []string{"migrate"}, true, "QIYMET_PRIOR_WEIGHT"},
		{"bad base url", map[string]string{"QIYMET_DB": db, "QIYMET_BASE_URL": "ftp://x"}, []string{"migrate"}, true, "QIYMET_BASE_URL"},
		{"missing catalog file", map[string]string{"QIYMET_DB": db}, []string{"catalog", "apply", filepath.Join(dir, "nope.json")}, false, "nope.json"},
		{"unknown database scheme", map[string]string{"QIYMET_DB": "mysql://x"}, []string{"migrate"}, false, "sqlite:PATH"},
		{"unknown centre", map[string]string{"QIYMET_DB": db}, []string{"kiosk", "add", "--center", "nowhere", "--name", "x"}, false, "nowhere"},
		{"report of a period not started", map[string]string{"QIYMET_DB": db}, []string{"report", "--period", "2100-Q4", "--out", filepath.Join(dir, "future.pdf")}, false, "2100-Q4 has not started yet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cliRun(t, c.env, "", c.args...)
			if r.Err == nil {
				t.Fatalf("want an error; stdout %q", r.Stdout)
			}
			if r.usage() != c.usage {
				t.Fatalf("usage error = %v, want %v: %v", r.usage(), c.usage, r.Err)
			}
			msg := oneLine(r.Err.Error())
			if !strings.Contains(msg, c.message) {
				t.Fatalf("error %q does not mention %q", msg, c.message)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "future.pdf")); !os.IsNotExist(err) {
		t.Errorf("a report of a period not started left a file: %v", err)
	}
	// help is not an error.
	if r := cliRun(t, nil, "", "help"); r.Err != nil || !strings.Contains(r.Stdout, "catalog apply") {
		t.Fatalf("help: %v %q", r.Err, r.Stdout)
	}
	// A command's --help: its usage line and flags, and exit 0 (main ends quietly on errHelpShown).
	for _, args := range [][]string{{"verify", "--help"}, {"import", "-h"}, {"user", "add", "--help"}} {
		r := cliRun(t, nil, "", args...)
		if !errors.Is(r.Err, errHelpShown) || !strings.Contains(r.Stderr, "usage: qiymet "+args[0]) {
			t.Errorf("%v: %v, stderr %q", args, r.Err, r.Stderr)
		}
	}
	if r := cliRun(t, nil, "", "import", "-h"); !strings.Contains(r.Stderr, "usage: qiymet import FILE.csv") || !strings.Contains(r.Stderr, "-cases") {
		t.Errorf("import -h: %q", r.Stderr)
	}
}

func TestRefusesPostgresWithoutSSLMode(t *testing.T) {
	for _, dsn := range []string{"postgres://u@db.example.com/x", "postgresql://u:secret@10.1.2.3:5432/x?application_name=q"} {
		t.Run(dsn, func(t *testing.T) {
			start := time.Now()
			r := cliRun(t, map[string]string{"QIYMET_DB": dsn}, "", "migrate")
			if r.Err == nil {
				t.Fatal("a non-loopback DSN without sslmode was accepted")
			}
			msg := r.Err.Error()
			if !strings.Contains(msg, "sslmode") || strings.Contains(msg, "\n") {
				t.Fatalf("want one line mentioning sslmode, got %q", msg)
			}
			if strings.Contains(msg, "secret") {
				t.Fatalf("the error leaks the password: %q", msg)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v: looks like a connection attempt", d)
			}
		})
	}
}

var servingRE = regexp.MustCompile(`serving on (http://\S+)`)

func TestServeGraceful(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			env := cliEnv(t, dialect)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errOut syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] },
					strings.NewReader(""), &out, &errOut)
			}()
			var base string
			deadline := time.Now().Add(30 * time.Second)
			for base == "" {
				if m := servingRE.FindStringSubmatch(out.String()); m != nil {
					base = m[1]
					break
				}
				select {
				case err := <-done:
					t.Fatalf("serve ended early: %v\n%s", err, errOut.String())
				case <-time.After(20 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("serve printed no address: %q", out.String())
				}
			}
			if strings.HasSuffix(base, ":0") {
				t.Fatalf("printed the requested, not the bound, address: %s", base)
			}
			// Without QIYMET_BASE_URL, links and QR codes use the bound address.
			if !strings.Contains(out.String(), "links and QR codes use "+base+")") {
				t.Fatalf("the base URL does not follow the bound address %s: %q", base, out.String())
			}
			for _, p := range []string{"/healthz", "/readyz"} {
				resp, err := http.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d %s", p, resp.StatusCode, body)
				}
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v after a graceful stop", err)
				}
			case <-time.After(25 * time.Second):
				t.Fatal("serve did not stop after ctx was cancelled")
			}
			if _, err := http.Get(base + "/healthz"); err == nil {
				t.Fatal("still answering after stop")
			}
			// Logs are JSON lines on stderr.
			sc := bufio.NewScanner(strings.NewReader(errOut.String()))
			for sc.Scan() {
				if line := sc.Text(); line != "" && !strings.HasPrefix(line, "{") {
					t.Fatalf("non-JSON log line: %q", line)
				}
			}
		})
	}
}

func TestServeRefusesBusyAddress(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	var addr string
	for i := 0; i < 1500 && addr == ""; i++ {
		if m := servingRE.FindStringSubmatch(out.String()); m != nil {
			addr = strings.TrimPrefix(m[1], "http://")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if addr == "" {
		t.Fatal("first serve did not start")
	}
	r := cliRun(t, env, "", "serve", "--addr", addr)
	if r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), addr) {
		t.Fatalf("second serve on a busy address: %v", r.Err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	cases := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"db flag over bad env", map[string]string{"QIYMET_DB": "mysql://nope"}, []string{"migrate", "--db", db}},
		{"min-n flag over bad env", map[string]string{"QIYMET_DB": db, "QIYMET_MIN_N": "lots"}, []string{"migrate", "--min-n", "5"}},
		{"timezone flag over bad env", map[string]string{"QIYMET_DB": db, "QIYMET_TIMEZONE": "Nowhere/City"}, []string{"migrate", "--timezone", "Europe/Moscow"}},
		{"flag after positional", map[string]string{"QIYMET_DB": "mysql://nope"}, []string{"migrate", "up", "--db", db}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := cliRun(t, c.env, "", c.args...); r.Err != nil || !strings.Contains(r.Stdout, "up to date") {
				t.Fatalf("%v %q", r.Err, r.Stdout)
			}
		})
	}
}
