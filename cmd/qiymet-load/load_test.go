package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestRunCLI drives `qiymet-load provision` and `qiymet-load run` end to end against an in-process server on
// loopback: every id in --ids-out is stored, kiosk responses are all counted (submitted_at spacing ≥ the
// burst window), and the JSON report agrees.
func TestRunCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "q.db")
	getenv := func(string) string { return "" }
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"provision", "--db", dsn, "--catalog", "../../testdata/catalog.json", "--kiosks", "6", "--api-keys", "2"},
		getenv, &out, &errb); err != nil {
		t.Fatalf("provision: %v\n%s", err, errb.String())
	}
	creds := filepath.Join(dir, "creds.env")
	if err := os.WriteFile(creds, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := survey.Open(ctx, dsn, survey.Options{Location: storetest.Baku, Burst: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url := serveInProcess(t, s)

	ids, js := filepath.Join(dir, "ids.txt"), filepath.Join(dir, "rep.json")
	out.Reset()
	err = run(ctx, []string{"run", "--url", url, "--creds", creds, "--concurrency", "4",
		"--duration", "1500ms", "--ids-out", ids, "--json", js, "--quiet", "--spacing", "3s"}, getenv, &out, &errb)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	t.Log(out.String())
	raw, err := os.ReadFile(ids)
	if err != nil {
		t.Fatal(err)
	}
	acked := strings.Fields(string(raw))
	var rep Report
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(acked) == 0 || rep.Acked != len(acked) || rep.Created != len(acked) {
		t.Fatalf("ids-out has %d ids, report says %d acknowledged / %d created", len(acked), rep.Acked, rep.Created)
	}
	if rep.Excluded != 0 || rep.Failed != 0 {
		t.Errorf("excluded %d, failed %d: want every submission counted", rep.Excluded, rep.Failed)
	}
	for _, ch := range []string{"kiosk", "api", "link"} {
		if rep.ByChannel[ch] == 0 {
			t.Errorf("no %s submission acknowledged: %v", ch, rep.ByChannel)
		}
	}
	rep.IDs = acked
	checkNoLoss(t, &rep, dbIDs(t, dsn), "database")
	var n int
	if err := s.DB().NewRaw("SELECT count(*) FROM responses WHERE status = 'counted'").Scan(ctx, &n); err != nil {
		t.Fatal(err)
	}
	if n != len(acked) {
		t.Errorf("%d counted rows, want %d", n, len(acked))
	}
}

// TestRunBounded: with no server at all, a run still ends by itself within duration + grace.
func TestRunBounded(t *testing.T) {
	cfg := &Config{URLs: []string{"http://" + freeAddr(t)}, APIKeys: []string{"qa_x"}, Concurrency: 2,
		Duration: 300 * time.Millisecond, Grace: 700 * time.Millisecond, Timeout: time.Second, MaxAttempts: 1000,
		MaxBackoff: 100 * time.Millisecond, Mix: Mix{API: 1}}
	start := time.Now()
	rep, err := Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("run took %v, want about 1 s", d)
	}
	if rep.Acked != 0 || rep.Failed == 0 || rep.Status["net connection refused"] == 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestParsers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Mix
		ok   bool
	}{
		{"kiosk=60,api=30,link=10", Mix{60, 30, 10}, true},
		{"api=1", Mix{API: 1}, true},
		{"api=0", Mix{}, false},
		{"bus=1", Mix{}, false},
		{"api=-1", Mix{}, false},
	} {
		got, err := parseMix(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseMix(%q) = %v, %v", tc.in, got, err)
		}
	}
	ks, err := parseKiosks("baku-1:qk_a, ganja:qk_b")
	if err != nil || len(ks) != 2 || ks[1] != (KioskCred{"ganja", "qk_b"}) {
		t.Errorf("parseKiosks = %v, %v", ks, err)
	}
	if _, err := parseKiosks("qk_nocentre"); err == nil {
		t.Error("a kiosk without a centre was accepted")
	}
	p := percentiles([]time.Duration{4 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond})
	if p.P50 != 2 || p.P99 != 4 || p.Max != 4 || p.N != 4 {
		t.Errorf("percentiles = %+v", p)
	}
	for attempt := 1; attempt < 30; attempt++ {
		if d := backoff(attempt, time.Second); d <= 0 || d > time.Second {
			t.Errorf("backoff(%d) = %v", attempt, d)
		}
	}
	k := newKioskClock(2, time.Unix(1000, 0), 4*time.Second)
	if a, b := k.take(0), k.take(0); b.Sub(a) != 4*time.Second {
		t.Errorf("kiosk spacing %v", b.Sub(a))
	}
}

// TestClient: the generator's own HTTP/1.1 client keeps one connection per server, reads answers and their
// Retry-After, dials again after the server closed the connection, and gives up on a server that does not
// answer (its timeout, or the caller's context).
func TestClient(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/busy":
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusCreated)
		case "/hang":
			<-r.Context().Done()
			return
		default:
			if r.Header.Get("Authorization") != "Bearer qa_k" || r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}
		w.Write(append([]byte("echo:"), body...))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	c := newClient(300 * time.Millisecond)
	defer c.close()
	ctx := context.Background()
	for i := range 3 {
		ans, err := c.post(ctx, srv.URL+"/api/v1/responses", "qa_k", []byte(`{"n":`+strconv.Itoa(i)+`}`))
		if err != nil || ans.status != http.StatusCreated || string(ans.body) != `echo:{"n":`+strconv.Itoa(i)+`}` {
			t.Fatalf("request %d: %+v %v", i, ans, err)
		}
	}
	if ans, err := c.post(ctx, srv.URL+"/busy", "", nil); err != nil || ans.status != 503 || ans.retryAfter != "7" {
		t.Fatalf("busy: %+v %v", ans, err)
	}
	mu.Lock()
	if conns != 1 {
		t.Errorf("%d connections for four requests, want 1", conns)
	}
	mu.Unlock()
	if ans, err := c.post(ctx, srv.URL+"/close", "", []byte("x")); err != nil || ans.status != http.StatusCreated {
		t.Fatalf("close: %+v %v", ans, err)
	}
	if ans, err := c.post(ctx, srv.URL+"/api/v1/responses", "qa_k", []byte("y")); err != nil || ans.status != http.StatusCreated {
		t.Fatalf("after the server closed: %+v %v", ans, err)
	}
	mu.Lock()
	if conns != 2 {
		t.Errorf("%d connections, want 2 (one more after the server closed the first)", conns)
	}
	mu.Unlock()
	start := time.Now()
	if _, err := c.post(ctx, srv.URL+"/hang", "", nil); netKind(err) != "timeout" {
		t.Errorf("a server that does not answer: %v (%s), want a timeout", err, netKind(err))
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := c.post(cctx, srv.URL+"/hang", "", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled attempt: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("giving up took %v", d)
	}
	if _, err := c.post(ctx, "https://"+strings.TrimPrefix(srv.URL, "http://")+"/x", "", nil); err == nil {
		t.Error("an https URL was accepted")
	}
	if _, err := parseRunFlags([]string{"--url", "https://127.0.0.1:1"}, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "want http://host:port") {
		t.Errorf("--url https://…: %v, want the URL refused", err)
	}
}
