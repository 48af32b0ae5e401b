package main

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// Fault tests (short forms run in plain `go test ./...`; `make faults` sets QIYMET_FAULTS_LONG=1 for longer
// loads and QIYMET_FAULTS_PG=1 for the test that stops the shared PostgreSQL server).

func long() bool { return os.Getenv("QIYMET_FAULTS_LONG") == "1" }

func loadConfig(urls []string, kiosks []KioskCred, keys []string, d time.Duration) *Config {
	return &Config{URLs: urls, Kiosks: kiosks, APIKeys: keys, Concurrency: 8, Duration: d, Grace: 20 * time.Second,
		Timeout: 10 * time.Second, MaxAttempts: 60, MaxBackoff: 500 * time.Millisecond,
		Mix: Mix{Kiosk: 60, API: 30, Link: 10}, LinkBearer: true, Spacing: 4 * time.Second}
}

// TestFaultKill9 kills `qiymet serve` with SIGKILL in the middle of a load and restarts it: every response
// that got a 201/200 must be in the database afterwards (read directly and, when built, via `qiymet export`).
func TestFaultKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, dialect)
			kiosks, keys := setupDB(t, dsn, 16, 2)
			addr := freeAddr(t)
			srv := startServe(t, dsn, addr)

			d := 6 * time.Second
			if long() {
				d = 20 * time.Second
			}
			cfg := loadConfig([]string{srv.url}, kiosks, keys, d)
			var rep *Report
			done := make(chan error, 1)
			go func() {
				var err error
				rep, err = Load(context.Background(), cfg)
				done <- err
			}()
			kills := 1
			if long() {
				kills = 3
			}
			for i := range kills {
				time.Sleep(d / time.Duration(kills+1))
				srv.kill() // SIGKILL: in-flight requests and their transactions die with the process
				t.Logf("kill -9 #%d at %v", i+1, time.Now().Format("15:04:05.000"))
				time.Sleep(500 * time.Millisecond)
				srv = startServe(t, dsn, addr)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			rep.Print(&buf)
			t.Log(buf.String())
			if rep.Acked < 50 {
				t.Fatalf("only %d responses acknowledged", rep.Acked)
			}
			if rep.Retried == 0 {
				t.Errorf("no submission needed a retry: the kill did not hit the load")
			}
			if rep.Ambiguous > 0 {
				t.Errorf("%d link retries (same id) got 409 token_used instead of the first answer (idempotency by id, docs/api.md)", rep.Ambiguous)
			}
			if n := rep.Status["500 internal"]; n > 0 {
				t.Errorf("%d answers were 500 internal\n%s", n, srv.logTail(20))
			}
			srv.kill()
			checkNoLoss(t, rep, dbIDs(t, dsn), "database")
			if ids, err := exportIDs(t, dsn); err != nil {
				t.Logf("qiymet export unavailable, checked the database directly only: %v", err)
			} else {
				checkNoLoss(t, rep, ids, "qiymet export")
			}
		})
	}
}

// TestFaultPostgresRestart stops the PostgreSQL server for a few seconds during a load. The API must answer
// 503 unavailable with Retry-After (never 500, never hang), recover by itself, and the generator's retries
// (same id) must create no duplicates. It stops the shared server, so it runs only with QIYMET_FAULTS_PG=1.
func TestFaultPostgresRestart(t *testing.T) {
	if os.Getenv("QIYMET_FAULTS_PG") != "1" {
		t.Skip("stops the shared PostgreSQL server: set QIYMET_FAULTS_PG=1 (make faults)")
	}
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		t.Skip("pg_ctlcluster not found")
	}
	cluster := os.Getenv("QIYMET_FAULTS_PG_CLUSTER") // "15 main"
	if cluster == "" {
		cluster = "15 main"
	}
	version, name, _ := strings.Cut(cluster, " ")
	pgctl := func(action string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "pg_ctlcluster", "--skip-systemctl-redirect", version, name, action).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_ctlcluster %s: %v: %s", action, err, out)
		}
		return nil
	}
	dsn := storetest.DSN(t, "pg")
	kiosks, keys := setupDB(t, dsn, 16, 2)
	srv := startServe(t, dsn, freeAddr(t))

	d := 16 * time.Second
	cfg := loadConfig([]string{srv.url}, kiosks, keys, d)
	cfg.Grace = 30 * time.Second
	cfg.MaxBackoff = time.Second
	var rep *Report
	done := make(chan error, 1)
	go func() {
		var err error
		rep, err = Load(context.Background(), cfg)
		done <- err
	}()

	time.Sleep(3 * time.Second)
	stopped := time.Now()
	if err := pgctl("stop"); err != nil {
		t.Fatal(err)
	}
	var startOnce sync.Once
	start := func() {
		startOnce.Do(func() {
			if err := pgctl("start"); err != nil {
				t.Errorf("could not restart PostgreSQL: %v", err)
			}
		})
	}
	t.Cleanup(start)                                // ALWAYS start it again, even when the test fails below
	safety := time.AfterFunc(12*time.Second, start) // and even when this goroutine is stuck
	defer safety.Stop()

	// While it is down: a direct probe must get 503 unavailable with Retry-After quickly (not 500, not a hang).
	time.Sleep(time.Second)
	probe := probeSubmit(t, srv.url, keys[0])
	probes := []string{probe.id}
	if probe.status != http.StatusServiceUnavailable || probe.code != "unavailable" || probe.retryAfter == "" {
		t.Errorf("with PostgreSQL down: got %d %q Retry-After %q, want 503 unavailable with Retry-After", probe.status, probe.code, probe.retryAfter)
	}
	if probe.took > 5*time.Second {
		t.Errorf("with PostgreSQL down the answer took %v (a hang)", probe.took)
	}
	if r := getStatus(srv.url + "/readyz"); r != http.StatusServiceUnavailable {
		t.Errorf("/readyz with PostgreSQL down: %d, want 503", r)
	}
	time.Sleep(max(0, 5*time.Second-time.Since(stopped)))
	start()
	t.Logf("PostgreSQL down for %v", time.Since(stopped).Round(100*time.Millisecond))

	// Recovery by itself: a fresh submission succeeds within 15 s of the restart, without restarting qiymet.
	recovered := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		p := probeSubmit(t, srv.url, keys[0])
		probes = append(probes, p.id)
		if p.status == http.StatusCreated {
			recovered = true
			break
		}
	}
	if !recovered {
		t.Errorf("the API did not recover within 15 s of PostgreSQL's restart\n%s", srv.logTail(20))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep.Print(&buf)
	t.Log(buf.String())
	if rep.Status["503 unavailable"] == 0 {
		t.Errorf("no 503 unavailable seen during the outage")
	}
	for k, n := range rep.Status {
		if strings.HasPrefix(k, "500") || k == "net timeout" {
			t.Errorf("%d attempts answered %q during the outage\n%s", n, k, srv.logTail(30))
		}
	}
	if rep.MissingRetryAfter > 0 {
		t.Errorf("%d 503/429 answers without Retry-After", rep.MissingRetryAfter)
	}
	if n := srv.logCount(`"internal error"`); n > 0 {
		t.Errorf("the server logged %d internal errors\n%s", n, srv.logTail(30))
	}
	if rep.Failed > 0 || rep.Ambiguous > 0 {
		t.Errorf("%d submissions were never acknowledged: %v", rep.Failed, rep.Failures)
	}
	srv.kill()
	checkNoLoss(t, rep, dbIDs(t, dsn), "database", probes...)
}

type probeResult struct {
	id         string
	status     int
	code       string
	retryAfter string
	took       time.Duration
}

// probeSubmit posts one API response with a fresh id.
func probeSubmit(t *testing.T, base, key string) probeResult {
	t.Helper()
	id := uuid.NewString()
	b := mustJSON(body{ID: id, Agency: "migration", Answers: map[string]any{"overall": 4}, Lang: "az"})
	r := post(base+"/api/v1/responses", key, b)
	r.id = id
	return r
}

func post(url, bearer string, payload []byte) probeResult {
	c := &http.Client{Timeout: 15 * time.Second}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return probeResult{took: time.Since(start), code: "net " + netKind(err)}
	}
	defer resp.Body.Close()
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &e)
	code := e.Error.Code
	if resp.StatusCode < 300 {
		code = e.Status
		if e.Reason != "" {
			code += "/" + e.Reason
		}
	}
	return probeResult{status: resp.StatusCode, code: code, retryAfter: resp.Header.Get("Retry-After"), took: time.Since(start)}
}

func getStatus(url string) int {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestFaultTwoInstances starts two `qiymet serve` on one fresh PostgreSQL database at the same time:
// migrations run once without error; the same id sent to both stores one row; the burst rule holds across
// instances; and both give the same rankings.
func TestFaultTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dsn := storetest.DSN(t, "pg")
	qiymetBin(t)
	a := launchServe(t, dsn, freeAddr(t))
	b := launchServe(t, dsn, freeAddr(t))
	for _, p := range []*proc{a, b} {
		if err := p.waitHealthy(60 * time.Second); err != nil {
			t.Fatalf("%v\n%s", err, p.logTail(20))
		}
	}
	// Each migration applied exactly once.
	status, err := qiymetRun(t, dsn, "migrate", "status")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(status, "pending") || strings.TrimSpace(status) == "" {
		t.Errorf("migrate status after two simultaneous starts:\n%s", status)
	}
	checkMigrationsOnce(t, dsn)

	kiosks, keys := setupDB(t, dsn, 8, 2)
	urls := []string{a.url, b.url}

	t.Run("idempotency", func(t *testing.T) {
		const n = 40
		type pair struct{ a, b probeResult }
		res := make([]pair, n)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			ids[i] = uuid.NewString()
			payload := mustJSON(body{ID: ids[i], Agency: "justice", Service: "notary", Center: "baku-1",
				Answers: map[string]any{"overall": 5, "resolved": true}, Lang: "en"})
			wg.Add(2)
			go func() { defer wg.Done(); res[i].a = post(a.url+"/api/v1/responses", keys[0], payload) }()
			go func() { defer wg.Done(); res[i].b = post(b.url+"/api/v1/responses", keys[1], payload) }()
		}
		wg.Wait()
		for i, r := range res {
			got := []int{r.a.status, r.b.status}
			slices.Sort(got)
			if !slices.Equal(got, []int{200, 201}) {
				t.Errorf("id %s sent to both instances: statuses %v (%s / %s), want one 201 and one 200", ids[i], got, r.a.code, r.b.code)
			}
		}
		stored := map[string]int{}
		for _, id := range dbIDs(t, dsn) {
			stored[id]++
		}
		for _, id := range ids {
			if stored[id] != 1 {
				t.Errorf("id %s stored %d times", id, stored[id])
			}
		}
	})

	t.Run("burst", func(t *testing.T) {
		// 20 submissions from one kiosk with the same submitted_at, half to each instance at once: the kiosk
		// row lock serialises them, so exactly one is counted and the rest are excluded as burst.
		k := kiosks[0]
		at := time.Now().Add(-time.Hour).Truncate(time.Second).Format(time.RFC3339)
		const n = 20
		res := make([]probeResult, n)
		var wg sync.WaitGroup
		for i := range n {
			payload := mustJSON(body{ID: uuid.NewString(), Agency: "migration", Answers: map[string]any{"overall": 3},
				Lang: "az", SubmittedAt: at})
			wg.Add(1)
			go func() { defer wg.Done(); res[i] = post(urls[i%2]+"/api/v1/responses", k.Token, payload) }()
		}
		wg.Wait()
		counts := map[string]int{}
		for _, r := range res {
			counts[fmt.Sprintf("%d %s", r.status, r.code)]++
		}
		if counts["201 counted"] != 1 || counts["201 excluded/burst"] != n-1 {
			t.Errorf("burst across instances: %v, want 1 counted and %d excluded/burst", counts, n-1)
		}
		// Sequential, alternating instances, 1 s apart in submitted_at: only the first counts.
		k = kiosks[1]
		base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
		var got []string
		for i := range 6 {
			payload := mustJSON(body{ID: uuid.NewString(), Agency: "migration", Answers: map[string]any{"overall": 4},
				Lang: "az", SubmittedAt: base.Add(time.Duration(i) * time.Second).Format(time.RFC3339)})
			r := post(urls[i%2]+"/api/v1/responses", k.Token, payload)
			got = append(got, fmt.Sprintf("%d %s", r.status, r.code))
		}
		want := []string{"201 counted", "201 excluded/burst", "201 excluded/burst", "201 excluded/burst", "201 excluded/burst", "201 excluded/burst"}
		if !slices.Equal(got, want) {
			t.Errorf("sequential kiosk submissions across instances: %v, want %v", got, want)
		}
	})

	t.Run("load-and-rankings", func(t *testing.T) {
		before := dbIDs(t, dsn) // the subtests above stored these
		cfg := loadConfig(urls, kiosks, keys, 4*time.Second)
		rep, err := Load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		rep.Print(&buf)
		t.Log(buf.String())
		if rep.Failed > 0 || rep.Acked == 0 {
			t.Errorf("load over two instances: %d failed, %d acknowledged: %v", rep.Failed, rep.Acked, rep.Failures)
		}
		checkNoLoss(t, rep, dbIDs(t, dsn), "database", before...)
		compareRankings(t, a, b, keys[0], dsn)
	})
	for _, p := range []*proc{a, b} {
		if n := p.logCount(`"internal error"`); n > 0 {
			t.Errorf("instance %s logged %d internal errors\n%s", p.addr, n, p.logTail(20))
		}
	}
}

// checkMigrationsOnce asserts no migration is recorded twice.
func checkMigrationsOnce(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var dups []string
	if err := s.DB().NewRaw("SELECT name FROM bun_migrations GROUP BY name HAVING count(*) > 1").Scan(ctx, &dups); err != nil {
		t.Fatal(err)
	}
	if len(dups) > 0 {
		t.Errorf("migrations recorded more than once: %v", dups)
	}
}

// compareRankings asks both instances for the same rankings (API key); when the endpoint is not there yet it
// compares `qiymet export` through each instance's database instead (one database: the same by design).
func compareRankings(t *testing.T, a, b *proc, key, dsn string) {
	t.Helper()
	period := time.Now().In(storetest.Baku).Format("2006")
	get := func(p *proc) (int, string) {
		c := &http.Client{Timeout: 15 * time.Second}
		req, _ := http.NewRequest(http.MethodGet, p.url+"/api/v1/rankings?period="+period, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := c.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	sa, _ := get(a)
	if sa == http.StatusNotFound || sa == http.StatusMethodNotAllowed {
		t.Logf("GET /api/v1/rankings is not there yet (%d): comparing `qiymet export` instead", sa)
		out1, err1 := qiymetRun(t, dsn, "export")
		out2, err2 := qiymetRun(t, dsn, "export")
		if err1 != nil || err2 != nil {
			t.Logf("qiymet export unavailable too: %v", err1)
			return
		}
		if out1 != out2 {
			t.Errorf("two exports differ")
		}
		return
	}
	// Both instances roll up in the background: wait until each has caught up, then they must agree.
	var ra, rb string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		var s1, s2 int
		s1, ra = get(a)
		s2, rb = get(b)
		if s1 != http.StatusOK || s2 != http.StatusOK {
			t.Fatalf("rankings: %d / %d: %.300s", s1, s2, ra)
		}
		if ra == rb {
			t.Logf("rankings for %s identical on both instances (%d bytes)", period, len(ra))
			return
		}
	}
	t.Errorf("rankings differ between instances:\n%s\n---\n%s", ra, rb)
}

// TestFaultUnavailableErrors feeds survey.IsUnavailable the errors real outages produce (a refused dial, a
// backend terminated by the server, a pool closed under a request) so each becomes 503 unavailable, not 500.
func TestFaultUnavailableErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("refused", func(t *testing.T) {
		_, err := survey.Open(ctx, "postgres://postgres@"+freeAddr(t)+"/x?sslmode=disable", survey.Options{})
		if err == nil || !survey.IsUnavailable(err) {
			t.Errorf("dial to a closed port: IsUnavailable(%v) = false", err)
		}
	})
	t.Run("terminated-backend", func(t *testing.T) {
		dsn := storetest.DSN(t, "pg")
		s, err := survey.Open(ctx, dsn, survey.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var pid int
		if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		admin, err := survey.Open(ctx, dsn, survey.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.DB().ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		var one int
		err = conn.QueryRowContext(ctx, "SELECT 1").Scan(&one)
		if err == nil || !survey.IsUnavailable(err) {
			t.Errorf("query on a terminated backend: IsUnavailable(%v) = false", err)
		}
	})
	t.Run("transport", func(t *testing.T) {
		for _, err := range []error{
			fmt.Errorf("read: %w", net.ErrClosed),
			&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ETIMEDOUT},
			&net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH},
			&net.OpError{Op: "read", Net: "tcp", Err: syscall.ENETUNREACH},
			fmt.Errorf("tx: %w", driver.ErrBadConn),
			fmt.Errorf("scan: %w", io.ErrUnexpectedEOF),
		} {
			if !survey.IsUnavailable(err) {
				t.Errorf("IsUnavailable(%v) = false", err)
			}
		}
		for _, err := range []error{errors.New("pq: syntax error"), errors.New("UNIQUE constraint failed")} {
			if survey.IsUnavailable(err) {
				t.Errorf("IsUnavailable(%v) = true for a bug", err)
			}
		}
	})
}
