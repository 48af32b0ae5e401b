package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web"
)

// Slow downloads (docs/api.md, downloading responses): real clients on loopback that take a CSV export a few
// bytes per second must not starve kiosk submissions of database connections, and the export beyond
// QIYMET_MAX_EXPORTS is refused at once.

// seedExportRows stores n responses with long comments, so one export is megabytes: far more than the socket
// buffers between the server and a slow client hold.
func seedExportRows(n int) func(testing.TB, *survey.Store) {
	return func(t testing.TB, s *survey.Store) {
		t.Helper()
		var b strings.Builder
		b.WriteString("id,agency,submitted_at,comment,q.overall\n")
		comment := strings.Repeat("Növbə uzun idi amma işçilər nəzakətli idilər. ", 4)
		for i := range n {
			fmt.Fprintf(&b, "00000000-0000-4000-9000-%012d,migration,2025-04-01T%02d:%02d:00+04:00,%s %d,%d\n", i, 9+i%8, i%60, comment, i, 1+i%5)
		}
		if _, err := s.Import(context.Background(), strings.NewReader(b.String()), survey.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// slowClient is a raw connection with a tiny receive buffer that reads its answer a few bytes per second.
type slowClient struct {
	conn   net.Conn
	status string // the status line
	stop   chan struct{}
	wg     sync.WaitGroup
}

// dialSlow connects with a 4 KiB receive buffer (set before the handshake, so the window stays small).
func dialSlow(t testing.TB, addr string) net.Conn {
	t.Helper()
	return dialRcvBuf(t, addr, 4096)
}

// dialRcvBuf connects with a receive buffer of rcvbuf bytes (0: the system's, which tunes itself).
func dialRcvBuf(t testing.TB, addr string, rcvbuf int) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		if rcvbuf == 0 {
			return nil
		}
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
		}); err != nil {
			return err
		}
		return serr
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// startSlowDownload sends GET path with the bearer credential, waits for the status line, then trickles: 8
// bytes every 250 ms.
func startSlowDownload(t testing.TB, addr, path, auth string) *slowClient {
	t.Helper()
	return startDownloadAt(t, addr, path, auth, 4096, 8, 250*time.Millisecond)
}

// startDownloadAt is startSlowDownload with a receive buffer of rcvbuf bytes (0: the system's), reading chunk
// bytes every tick.
func startDownloadAt(t testing.TB, addr, path, auth string, rcvbuf, chunk int, every time.Duration) *slowClient {
	t.Helper()
	conn := dialRcvBuf(t, addr, rcvbuf)
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", path, addr, auth)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReaderSize(conn, 16)
	line, err := br.ReadString('\n')
	if err != nil {
		line = "no status line within 5 s: " + err.Error()
	}
	c := &slowClient{conn: conn, status: strings.TrimSpace(line), stop: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		b := make([]byte, chunk)
		for {
			select {
			case <-c.stop:
				return
			case <-tick.C:
				_ = conn.SetReadDeadline(time.Now().Add(time.Second))
				if _, err := io.ReadFull(br, b); err != nil && !isTimeout(err) {
					return
				}
			}
		}
	}()
	return c
}

func (c *slowClient) close() {
	close(c.stop)
	c.conn.Close()
	c.wg.Wait()
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// timedPost POSTs a JSON body with a bearer credential under a hard client timeout and reports status and time.
func timedPost(t testing.TB, url, auth, body string, limit time.Duration) (int, http.Header, []byte, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, []byte(err.Error()), time.Since(start)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw, time.Since(start)
}

// timedGet GETs url with optional headers (name, value pairs) under a hard client timeout, reading at most 64 KiB.
func timedGet(t testing.TB, url string, limit time.Duration, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, []byte(err.Error())
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, resp.Header, raw
}

// TestSlowExportsDoNotStarveWrites: with more slow CSV downloads in flight than the database pool has
// connections, kiosk and API submissions are stored quickly, /readyz stays ready, and the download beyond the
// cap gets 503 with Retry-After and a message in the caller's language.
func TestSlowExportsDoNotStarveWrites(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			pool := newTestEnv(t, dialect).Store.DB().Stats().MaxOpenConnections // the dialect's pool size
			n := pool + 3
			env := newTestEnvWith(t, dialect, testEnvOptions{Burst: -1, Seed: seedExportRows(20000),
				Load: web.LoadLimits{MaxExports: n}})
			addr := strings.TrimPrefix(env.URL, "http://")

			var slow []*slowClient
			defer func() {
				for _, c := range slow {
					c.close()
				}
			}()
			for range n {
				c := startSlowDownload(t, addr, "/api/v1/responses.csv", env.APIKey)
				slow = append(slow, c)
				if c.status != "HTTP/1.1 200 OK" {
					t.Errorf("slow download %d of %d: %q", len(slow), n, c.status)
				}
			}
			time.Sleep(500 * time.Millisecond) // every export has filled the socket buffers and waits on its client

			// Writes do not wait behind the downloads.
			var worst time.Duration
			for i := range 20 {
				env.Clock.Advance(time.Minute)
				body := fmt.Sprintf(`{"id":"7b4e28ba-2fa1-4d2e-8a3c-%012d","agency":"migration","answers":{"overall":%d}}`, i, 1+i%5)
				auth := env.KioskToken
				if i%2 == 1 {
					auth = env.APIKey
				}
				status, _, raw, d := timedPost(t, env.URL+"/api/v1/responses", auth, body, 5*time.Second)
				if status != http.StatusCreated {
					t.Fatalf("submission %d with %d slow downloads in flight: %d %s after %v", i, n, status, raw, d)
				}
				worst = max(worst, d)
			}
			if worst > 2*time.Second {
				t.Errorf("slowest submission took %v with %d slow downloads in flight", worst, n)
			}
			if status, _, raw := timedGet(t, env.URL+"/readyz", 5*time.Second); status != http.StatusOK {
				t.Errorf("/readyz with %d slow downloads in flight: %d %s", n, status, raw)
			}

			// One more download: 503 at once, Retry-After, the error in Russian when asked in Russian.
			start := time.Now()
			status, h, raw := timedGet(t, env.URL+"/api/v1/responses.csv", 5*time.Second, "Authorization", "Bearer "+env.APIKey, "Accept-Language", "ru")
			if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || time.Since(start) > 2*time.Second {
				t.Fatalf("download beyond the cap of %d: %d Retry-After %q after %v: %.200s", n, status, h.Get("Retry-After"), time.Since(start), raw)
			}
			var e struct{ Error survey.Error }
			if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code != survey.CodeUnavailable || !strings.Contains(e.Error.Message, "выгруз") {
				t.Errorf("busy answer: %s", raw)
			}

			// Once the slow clients hang up, downloads are served again.
			for _, c := range slow {
				c.close()
			}
			slow = nil
			deadline := time.Now().Add(5 * time.Second)
			for {
				status, _, _ = timedGet(t, env.URL+"/api/v1/responses.csv", 10*time.Second, "Authorization", "Bearer "+env.APIKey)
				if status == http.StatusOK || time.Now().After(deadline) {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if status != http.StatusOK {
				t.Errorf("download after the slow clients left: %d", status)
			}
		})
	}
}
