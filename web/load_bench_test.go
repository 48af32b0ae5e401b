package web_test

import (
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/web"
)

var loadBench = flag.Bool("qiymet.loadbench", false, "measure kiosk submission latency idle and under 50 slow CSV downloads (BENCHMARKS.md)")

// TestKioskLatencyUnderSlowExports measures kiosk submission latency (one client, one after another) on an idle
// server and again while 50 slow CSV downloads are in flight, on both dialects, and prints one table
// (BENCHMARKS.md). The goal: p99 under the downloads within 2× of the idle p99.
//
//	go test -run '^TestKioskLatencyUnderSlowExports$' -v ./web/ -qiymet.loadbench
func TestKioskLatencyUnderSlowExports(t *testing.T) {
	if !*loadBench {
		t.Skip("a measurement: run with -qiymet.loadbench")
	}
	const slowN, subs, rows = 50, 400, 50000
	var table []string
	for _, dialect := range []string{"sqlite-file", "pg"} {
		env := newTestEnvWith(t, dialect, testEnvOptions{Burst: -1, Seed: seedExportRows(rows), Load: web.LoadLimits{MaxExports: slowN}})
		addr := strings.TrimPrefix(env.URL, "http://")
		n := 0
		measure := func() []time.Duration {
			var ds []time.Duration
			for range subs {
				n++
				body := fmt.Sprintf(`{"id":"6b4e28ba-2fa1-4d2e-8a3c-%012d","agency":"migration","answers":{"overall":%d}}`, n, 1+n%5)
				status, _, raw, d := timedPost(t, env.URL+"/api/v1/responses", env.KioskToken, body, 15*time.Second)
				if status != http.StatusCreated {
					t.Fatalf("%s: submission %d: %d %s", dialect, n, status, raw)
				}
				ds = append(ds, d)
			}
			slices.Sort(ds)
			return ds
		}
		measure() // warm up: connections, caches
		idle := measure()
		var slow []*slowClient
		for range slowN {
			c := startSlowDownload(t, addr, "/api/v1/responses.csv", env.APIKey)
			slow = append(slow, c)
			if c.status != "HTTP/1.1 200 OK" {
				t.Fatalf("%s: slow download %d: %q", dialect, len(slow), c.status)
			}
		}
		time.Sleep(time.Second)
		busy := measure()
		for _, c := range slow {
			c.close()
		}
		q := func(ds []time.Duration, p float64) float64 {
			return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
		}
		ratio := q(busy, 0.99) / q(idle, 0.99)
		table = append(table, fmt.Sprintf("| %s | %.2f / %.2f | %.2f / %.2f | %.2f |", strings.TrimSuffix(dialect, "-file"),
			q(idle, 0.5), q(idle, 0.99), q(busy, 0.5), q(busy, 0.99), ratio))
		if ratio > 2 {
			t.Errorf("%s: p99 under %d slow downloads is %.1f× the idle p99 (goal: within 2×)", dialect, slowN, ratio)
		}
	}
	t.Logf("\n| dialect | idle p50 / p99 ms | %d slow downloads p50 / p99 ms | p99 ratio |\n|---|---:|---:|---:|\n%s",
		slowN, strings.Join(table, "\n"))
}
