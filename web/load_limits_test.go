package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web"
)

// newLoadDashEnv is newDashEnv's server with load limits of the test's choosing and one user per role given.
func newLoadDashEnv(t testing.TB, dialect string, rateScale float64, load web.LoadLimits, limits web.Limits, users map[string][2]string) *dashEnv {
	t.Helper()
	e := &dashEnv{testEnv: newTestEnvWith(t, dialect, testEnvOptions{RateScale: rateScale, MinN: 30, Seed: seedDash, Load: load, Limits: limits}),
		Users: map[string]string{}}
	for name, u := range users {
		email := strings.ToLower(name) + "@example.az"
		if _, err := e.Store.AddUser(context.Background(), email, testPassword, u[0], u[1]); err != nil {
			t.Fatal(err)
		}
		e.Users[name] = email
	}
	return e
}

// TestDownloadDeadlines: a client that stops reading is cut after the write window, and no download outlives
// its overall deadline however long each write may take; either way the download's slot is free again.
func TestDownloadDeadlines(t *testing.T) {
	for _, c := range []struct {
		name            string
		window, timeout time.Duration
		cutMin, cutMax  time.Duration
	}{
		{"write window", 500 * time.Millisecond, time.Minute, 300 * time.Millisecond, 3 * time.Second},
		{"overall deadline", time.Minute, 3 * time.Second, 2500 * time.Millisecond, 6 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newTestEnvWith(t, "sqlite-file", testEnvOptions{Burst: -1, Seed: seedExportRows(20000),
				Load: web.LoadLimits{MaxExports: 1, ExportTimeout: c.timeout, ExportWriteWin: c.window}})
			addr := strings.TrimPrefix(env.URL, "http://")
			conn := dialSlow(t, addr) // asks, then never reads
			defer conn.Close()
			start := time.Now()
			fmt.Fprintf(conn, "GET /api/v1/responses.csv HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", addr, env.APIKey)
			time.Sleep(200 * time.Millisecond)
			var status int
			var h http.Header
			for time.Since(start) < c.cutMax {
				status, h, _ = timedGet(t, env.URL+"/api/v1/responses.csv?from=2026-01-01", 5*time.Second, "Authorization", "Bearer "+env.APIKey)
				if status != http.StatusServiceUnavailable {
					break
				}
				if h.Get("Retry-After") == "" {
					t.Fatalf("busy download without Retry-After")
				}
				time.Sleep(50 * time.Millisecond)
			}
			cut := time.Since(start)
			if status != http.StatusOK || cut < c.cutMin {
				t.Fatalf("the stalled download's slot: %d after %v, want free between %v and %v", status, cut, c.cutMin, c.cutMax)
			}
			// The stalled client's stream was cut short: it never gets a whole export.
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			raw, _ := io.ReadAll(conn)
			if strings.HasSuffix(string(raw), "0\r\n\r\n") {
				t.Errorf("the stalled client got a complete chunked answer of %d bytes", len(raw))
			}
		})
	}
}

// TestSessionReadLimit: API reads with a session are rate-limited per user (QIYMET_RATE_SESSION_READ); another
// user and API keys have budgets of their own.
func TestSessionReadLimit(t *testing.T) {
	e := newLoadDashEnv(t, "sqlite", 1, web.LoadLimits{}, web.Limits{SessionRead: web.Rate{PerSecond: 0.5, Burst: 5}},
		map[string][2]string{"analyst": {survey.RoleAnalyst, ""}, "admin": {survey.RoleAdmin, ""}})
	analyst := e.login(t, e.Users["analyst"])
	var limited testResponse
	ok := 0
	for range 12 {
		r := e.page(t, http.MethodGet, "/api/v1/responses.csv?from=2025-07-01&to=2025-07-02", analyst, nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Status != http.StatusOK {
			t.Fatalf("read %d: %d %s", ok+1, r.Status, r.Body)
		}
		ok++
	}
	if ok != 5 || limited.Status != http.StatusTooManyRequests || limited.Header.Get("Retry-After") == "" {
		t.Fatalf("%d reads before 429 (want a burst of 5), then %d Retry-After %q", ok, limited.Status, limited.Header.Get("Retry-After"))
	}
	if code, _ := errorOf(t, limited.JSON()); code != survey.CodeRateLimited {
		t.Errorf("429 code %q", code)
	}
	// Another user, and an API key, are not held back by the analyst's reads.
	admin := e.login(t, e.Users["admin"])
	if r := e.page(t, http.MethodGet, "/api/v1/responses.csv?from=2025-07-01&to=2025-07-02", admin, nil); r.Status != http.StatusOK {
		t.Errorf("another user's read: %d", r.Status)
	}
	if r := e.get(t, "/api/v1/responses.csv?from=2025-07-01&to=2025-07-02", e.APIKey); r.Status != http.StatusOK {
		t.Errorf("an API key's read: %d", r.Status)
	}
}

// TestReportCap: PDF reports beyond QIYMET_MAX_REPORTS at once are refused with 503 and Retry-After (a page in
// the reader's language), never queued; the ones admitted are whole PDFs.
func TestReportCap(t *testing.T) {
	e := newLoadDashEnv(t, "sqlite", 1000, web.LoadLimits{MaxReports: 1}, web.Limits{}, map[string][2]string{"admin": {survey.RoleAdmin, ""}})
	admin := e.login(t, e.Users["admin"])
	const n = 8
	var wg sync.WaitGroup
	results := make([]testResponse, n)
	ready := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			results[i] = e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=ru", admin, nil)
		}()
	}
	close(ready)
	wg.Wait()
	built, busy := 0, 0
	for _, r := range results {
		switch {
		case r.Status == http.StatusOK && strings.HasPrefix(string(r.Body), "%PDF-"):
			built++
		case r.Status == http.StatusServiceUnavailable && r.Header.Get("Retry-After") != "" && strings.Contains(string(r.Body), "отчётов"):
			busy++
		default:
			t.Errorf("report: %d %q %.100s", r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	if built == 0 || busy == 0 {
		t.Errorf("%d concurrent reports with a cap of 1: %d built, %d refused; want both", n, built, busy)
	}
}
