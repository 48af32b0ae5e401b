package web_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
)

// The page benchmark reuses the 10M-response databases that `make bench` builds in survey/figures
// (TestBenchReport runs first and creates them); without -qiymet.bench it runs on the small test seed.
var (
	dashBenchOn     = flag.Bool("qiymet.bench", false, "use the cached 10M-response benchmark databases (make bench)")
	dashBenchSQLite = flag.String("qiymet.bench.sqlite", "/tmp/qiymet-bench.db", "SQLite benchmark database file")
	dashBenchPGName = flag.String("qiymet.bench.pgdb", "qiymet_bench", "PostgreSQL benchmark database")
)

// dashBenchPages are the pages a manager opens most, on the benchmark's catalog (ag-041) or the seed's.
func dashBenchPages(agency string) []string {
	return []string{
		"/?period=2025-Q3",
		"/?period=2025-08",
		"/agencies/" + agency + "?period=2025-Q3",
		"/agencies/" + agency + "?period=2025-Q3&q=" + url.QueryEscape("tez"),
	}
}

// BenchmarkDashPages times whole page requests (session lookup, figures, templates, SVG) through the real
// router on a real port, and reports p50/p95 per page; the target is p95 ≤ 50 ms at 10M responses.
func BenchmarkDashPages(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			e, agency := dashBenchEnv(b, d)
			admin := e.login(b, "bench-admin@qiymet.bench")
			for _, p := range dashBenchPages(agency) {
				b.Run(url.PathEscape(p), func(b *testing.B) {
					if r := e.page(b, "GET", p, admin, nil); r.Status != 200 {
						b.Fatalf("%s: %d", p, r.Status)
					}
					times := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						t0 := time.Now()
						e.page(b, "GET", p, admin, nil)
						times = append(times, time.Since(t0))
					}
					b.StopTimer()
					b.ReportMetric(float64(pctl(times, 0.50).Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(pctl(times, 0.95).Microseconds())/1000, "p95-ms")
				})
			}
		})
	}
}

func pctl(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	for i := 1; i < len(s); i++ { // insertion sort: a few hundred samples
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	i := int(p*float64(len(s)+1)) - 1
	return s[max(0, min(i, len(s)-1))]
}

// dashBenchEnv opens the cached benchmark database of the dialect (skipping when `make bench` has not built
// it) with a bench admin, or the small seed without -qiymet.bench.
func dashBenchEnv(b *testing.B, dialect string) (*dashEnv, string) {
	if !*dashBenchOn {
		e := newDashEnv(b, dialect, 0, "")
		if _, err := e.Store.AddUser(context.Background(), "bench-admin@qiymet.bench", testPassword, survey.RoleAdmin, ""); err != nil {
			b.Fatal(err)
		}
		return e, "migration"
	}
	ctx := context.Background()
	var dsn string
	switch dialect {
	case "sqlite":
		if _, err := os.Stat(*dashBenchSQLite); err != nil {
			b.Skipf("no benchmark database at %s: run make bench (survey/figures builds it)", *dashBenchSQLite)
		}
		dsn = "sqlite:" + *dashBenchSQLite
	case "pg":
		storetest.NeedPG(b)
		u, _ := url.Parse(storetest.AdminDSN())
		u.Path = "/" + *dashBenchPGName
		dsn = u.String()
	}
	s, err := survey.Open(ctx, dsn, survey.Options{Location: storetest.Baku})
	if err != nil {
		b.Skipf("benchmark database %s: %v (run make bench)", dialect, err)
	}
	b.Cleanup(func() { s.Close() })
	var key string
	if err := s.DB().NewRaw("SELECT value FROM meta WHERE key = 'bench_key'").Scan(ctx, &key); err != nil {
		b.Skipf("benchmark database %s is not complete (run make bench)", dialect)
	}
	// The dashboard's own indexes (a later migration than the data) apply to the existing rows.
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Login(ctx, "bench-admin@qiymet.bench", testPassword, "bench"); err != nil {
		if _, err := s.AddUser(ctx, "bench-admin@qiymet.bench", testPassword, survey.RoleAdmin, ""); err != nil {
			b.Fatal(err)
		}
	}
	srv := web.New(web.Config{Store: s, BaseURL: "https://rate.example.az", Location: storetest.Baku,
		Registry: prometheus.NewRegistry(), Scoring: scoring.Config{MinN: scoring.DefaultMinN}, RateScale: 1e6, Logger: testLogger()})
	hs := httptest.NewServer(srv)
	b.Cleanup(hs.Close)
	return &dashEnv{testEnv: &testEnv{URL: hs.URL, Store: s, Server: srv, HTTP: hs, Dialect: dialect}}, "ag-041"
}
