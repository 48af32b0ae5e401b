package web_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
)

var publicBenchTime = flag.Duration("qiymet.bench.public", 3*time.Second, "BenchmarkPublicPeriodPage: load time per side and round")

// BenchmarkPublicPeriodPage compares a published period's page (the whole server: router, middleware, the
// portal's cache) with the same bytes served as a static file by http.FileServer in the same process, side by
// side: 64 concurrent keep-alive clients on loopback, alternating sides over three rounds. Targets (BENCHMARKS.md):
// p95 ≤ 5 ms and at least 0.8× the static file's throughput; with -qiymet.bench (make bench) a miss fails.
func BenchmarkPublicPeriodPage(b *testing.B) {
	s := storetest.New(b, "sqlite", survey.Options{Location: storetest.Baku})
	storetest.ApplyCatalog(b, s)
	if _, err := s.Publish(context.Background(), benchSnapshot(100), "", 1_000_000); err != nil {
		b.Fatal(err)
	}
	portal := httptest.NewServer(web.New(web.Config{Store: s, BaseURL: "https://example.az", Location: storetest.Baku,
		Scoring: scoring.Config{MinN: 30}, Logger: testLogger(), RateScale: 1000}))
	defer portal.Close()
	const path = "/public/2025-Q3?lang=az"
	page := fetch(b, portal.URL+path)
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), page, 0o644); err != nil {
		b.Fatal(err)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer static.Close()
	if got := fetch(b, static.URL+"/page.html"); string(got) != string(page) {
		b.Fatal("the static copy differs")
	}
	b.Logf("page: %d bytes", len(page))

	var portalRes, staticRes []loadResult
	for range 3 {
		staticRes = append(staticRes, loadFor(b, static.URL+"/page.html", 64, *publicBenchTime))
		portalRes = append(portalRes, loadFor(b, portal.URL+path, 64, *publicBenchTime))
	}
	p, st := best(portalRes), best(staticRes)
	ratio := p.rps / st.rps
	b.ReportMetric(p.rps, "portal-req/s")
	b.ReportMetric(st.rps, "static-req/s")
	b.ReportMetric(ratio, "ratio")
	b.ReportMetric(float64(p.p95.Microseconds())/1000, "portal-p95-ms")
	b.ReportMetric(float64(st.p95.Microseconds())/1000, "static-p95-ms")
	b.Logf("portal: %.0f req/s, p50 %v, p95 %v; static file: %.0f req/s, p50 %v, p95 %v; ratio %.2f",
		p.rps, p.p50, p.p95, st.rps, st.p50, st.p95, ratio)
	if *dashBenchOn && (p.p95 > 5*time.Millisecond || ratio < 0.8) {
		b.Errorf("public period page misses its target: p95 %v (≤ 5 ms), throughput %.2f× the static file (≥ 0.8×)", p.p95, ratio)
	}
	// One client alone: the page's own latency, without 64 clients queueing on the machine's cores.
	seq := make([]time.Duration, 0, 300)
	for range 300 + b.N {
		t0 := time.Now()
		fetch(b, portal.URL+path)
		seq = append(seq, time.Since(t0))
	}
	slices.Sort(seq)
	b.ReportMetric(float64(seq[len(seq)*95/100].Microseconds())/1000, "portal-1client-p95-ms")
	b.Logf("one client: p50 %v, p95 %v", seq[len(seq)/2], seq[len(seq)*95/100])
}

type loadResult struct {
	rps      float64
	p50, p95 time.Duration
}

// best is the round with the highest throughput (the least disturbed by the rest of the machine).
func best(rs []loadResult) loadResult {
	out := rs[0]
	for _, r := range rs[1:] {
		if r.rps > out.rps {
			out = r
		}
	}
	return out
}

// loadFor sends GETs to url from clients concurrent keep-alive clients for d and measures throughput and
// latency percentiles. Bounded in time; loopback only.
func loadFor(b *testing.B, url string, clients int, d time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		lat   []time.Duration
		fails atomic.Int64
	)
	stop := time.Now().Add(d)
	start := time.Now()
	for range clients {
		wg.Go(func() {
			mine := make([]time.Duration, 0, 4096)
			for time.Now().Before(stop) {
				t0 := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					fails.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					fails.Add(1)
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if f := fails.Load(); f > 0 {
		b.Fatalf("%s: %d failed requests", url, f)
	}
	slices.Sort(lat)
	at := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return loadResult{rps: float64(len(lat)) / elapsed.Seconds(), p50: at(0.50), p95: at(0.95)}
}

func fetch(b *testing.B, url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: %d", url, resp.StatusCode)
	}
	return body
}

// benchSnapshot is a published 2025-Q3 with agencies agencies in five groups, every §9 field filled.
func benchSnapshot(agencies int) *survey.Snapshot {
	snap := &survey.Snapshot{Period: survey.SnapshotPeriod{Label: "2025-Q3", Start: "2025-07-01T00:00:00+04:00", End: "2025-10-01T00:00:00+04:00"},
		DataAsOf:    "2025-09-30T23:59:00+04:00",
		Methodology: survey.SnapshotMethodology{MinN: 30, Confidence: 0.95, TimeZone: "Asia/Baku", Surveys: []survey.SnapshotSurvey{}},
		Overall:     survey.NewEstimate(84.12, 84.01, 84.23, 1_000_000, 30), Excluded: map[string]int64{"burst": 1234},
		Agencies: []survey.SnapshotAgency{}, Changes: []survey.FieldChange{}}
	per := agencies / 5
	for g := range 5 {
		sg := survey.SnapshotGroup{Group: fmt.Sprintf("group-%d", g), Name: survey.Names{AZ: fmt.Sprintf("Mərkəzi icra orqanları %d", g),
			EN: fmt.Sprintf("Central authorities %d", g), RU: fmt.Sprintf("Центральные органы %d", g)},
			Estimate: survey.NewEstimate(84, 83.5, 84.5, 200_000, 30), Insufficient: []survey.SnapshotUnranked{}}
		for i := range per {
			prev, year := 1.23, -0.5
			sig, no := true, false
			pr := i + 1
			sg.Rows = append(sg.Rows, survey.SnapshotRow{Rank: i + 1, Agency: fmt.Sprintf("agency-%d-%d", g, i),
				Name:  survey.Names{AZ: fmt.Sprintf("Dövlət Xidməti №%d (şəhər, ölkə)", i), EN: fmt.Sprintf("State Service No. %d", i), RU: fmt.Sprintf("Государственная служба № %d", i)},
				Index: 95 - float64(i)*0.7, CILow: 94 - float64(i)*0.7, CIHigh: 96 - float64(i)*0.7, Adjusted: 95 - float64(i)*0.7, N: int64(10_000 - i*100),
				CSAT: 90, CSATLow: 89, CSATHigh: 91, PreviousRank: &pr, Change: survey.ChangePair{PreviousPeriod: &prev, PreviousYear: &year},
				ChangeSignificant: survey.SignifPair{PreviousPeriod: &sig, PreviousYear: &no}, Streak: max(0, 3-i), RankLow: max(1, i), RankHigh: i + 2,
				ClearFirst: false, Status: "ranked"})
		}
		sg.Insufficient = append(sg.Insufficient, survey.SnapshotUnranked{Agency: fmt.Sprintf("small-%d", g), Name: survey.Names{AZ: "Kiçik qurum"}, Status: survey.Insufficient})
		snap.Groups = append(snap.Groups, sg)
	}
	return snap
}
