package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
)

// The fault tests drive real processes: the qiymet binary is built once per test run and started as
// `qiymet serve` on loopback ports, so it can be killed with SIGKILL.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// qiymetBin builds cmd/qiymet once.
func qiymetBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "qiymet-load-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "qiymet")
		goTool := "go"
		if p, err := exec.LookPath("go"); err == nil {
			goTool = p
		} else if root := os.Getenv("GOROOT"); root != "" {
			goTool = filepath.Join(root, "bin", "go")
		}
		cmd := exec.Command(goTool, "build", "-o", binPath, "github.com/qiymet/qiymet/cmd/qiymet")
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build cmd/qiymet: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// qiymetEnv is a clean environment for the qiymet binary: the test's own QIYMET_* settings never leak in.
func qiymetEnv(dsn string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QIYMET_") {
			env = append(env, kv)
		}
	}
	env = append(env, "QIYMET_DB="+dsn, "QIYMET_TIMEZONE=Asia/Baku")
	return append(env, extra...)
}

// qiymetRun runs one qiymet command and returns its stdout.
func qiymetRun(t *testing.T, dsn string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qiymetBin(t), args...)
	cmd.Env = qiymetEnv(dsn)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), fmt.Errorf("qiymet %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// freeAddr finds a free loopback port.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// proc is one running `qiymet serve`.
type proc struct {
	cmd     *exec.Cmd
	addr    string
	url     string
	logPath string
	done    chan struct{}
	err     error
}

// startServe starts `qiymet serve` on addr (fixed, so a restart reuses it) and waits for /healthz.
func startServe(t *testing.T, dsn, addr string, extraEnv ...string) *proc {
	t.Helper()
	p := launchServe(t, dsn, addr, extraEnv...)
	if err := p.waitHealthy(45 * time.Second); err != nil {
		p.kill()
		t.Fatalf("%v\n%s", err, p.logTail(40))
	}
	return p
}

// launchServe starts the process without waiting (for simultaneous starts).
func launchServe(t *testing.T, dsn, addr string, extraEnv ...string) *proc {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), "serve-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(qiymetBin(t), "serve")
	cmd.Env = qiymetEnv(dsn, append([]string{"QIYMET_ADDR=" + addr, "QIYMET_BASE_URL=http://" + addr}, extraEnv...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, addr: addr, url: "http://" + addr, logPath: logf.Name(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

func (p *proc) waitHealthy(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("qiymet serve on %s exited: %v", p.addr, p.err)
		default:
		}
		if resp, err := c.Get(p.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("qiymet serve on %s not healthy after %v", p.addr, limit)
}

// kill sends SIGKILL (no graceful shutdown, no flush) and waits for the process to be gone.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

func (p *proc) logTail(n int) string {
	b, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logCount counts log lines containing s.
func (p *proc) logCount(s string) int {
	f, err := os.Open(p.logPath)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			n++
		}
	}
	return n
}

// setupDB applies the test catalog with the qiymet binary and provisions credentials in-process.
func setupDB(t *testing.T, dsn string, kiosks, keys int) (ks []KioskCred, ak []string) {
	t.Helper()
	if _, err := qiymetRun(t, dsn, "catalog", "apply", "../../testdata/catalog.json"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := survey.Open(ctx, dsn, survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kk, keys2, err := provisionStore(ctx, s, kiosks, keys)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := parseKiosks(strings.Join(kk, ","))
	if err != nil {
		t.Fatal(err)
	}
	return parsed, keys2
}

func openStore(ctx context.Context, dsn string) (*survey.Store, error) {
	return survey.Open(ctx, dsn, survey.Options{})
}

// dbIDs reads every stored response id straight from the database.
func dbIDs(t *testing.T, dsn string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := survey.Open(ctx, dsn, survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	if err := s.DB().NewSelect().Table("responses").Column("id").Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// exportIDs reads the ids from `qiymet export`; errNoExport when the command is not there yet.
func exportIDs(t *testing.T, dsn string) ([]string, error) {
	t.Helper()
	out, err := qiymetRun(t, dsn, "export")
	if err != nil {
		return nil, err
	}
	return csvIDs(strings.NewReader(out))
}

func csvIDs(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	col := -1
	for i, h := range head {
		if strings.TrimPrefix(h, "\ufeff") == "id" {
			col = i
		}
	}
	if col < 0 {
		return nil, errors.New("export: no id column")
	}
	var ids []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return ids, nil
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, rec[col])
	}
}

// checkNoLoss asserts every acknowledged id is stored, no id is stored twice, and nothing is stored that the
// generator did not send.
// others are ids stored by the test itself (probes), not by the generator.
func checkNoLoss(t *testing.T, rep *Report, stored []string, source string, others ...string) {
	t.Helper()
	seen := make(map[string]int, len(stored))
	for _, id := range stored {
		seen[id]++
	}
	for _, id := range others {
		delete(seen, id)
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s: id %s stored %d times", source, id, n)
		}
	}
	missing := 0
	for _, id := range rep.IDs {
		if seen[id] == 0 {
			missing++
			if missing <= 5 {
				t.Errorf("%s: acknowledged id %s is not stored", source, id)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%s: %d of %d acknowledged responses lost", source, missing, len(rep.IDs))
	}
	// Stored but never acknowledged: only possible for a submission whose answer was lost (then given up).
	if extra := len(seen) - len(rep.IDs); extra > rep.Failed+rep.Ambiguous {
		t.Errorf("%s: %d stored responses were never acknowledged, more than the %d failed submissions", source, extra, rep.Failed)
	}
	t.Logf("%s: %d rows, all %d acknowledged ids present, none twice", source, len(seen), len(rep.IDs))
}

// serveInProcess runs the real router for s on a loopback port until the test ends and returns its URL.
func serveInProcess(t testing.TB, s *survey.Store) string {
	t.Helper()
	srv := web.New(web.Config{Store: s, BaseURL: "http://127.0.0.1", Location: storetest.Baku,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Scoring: scoring.Config{MinN: 30}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}
