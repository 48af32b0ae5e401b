package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey/storetest"
)

// The submission committers' work is on /metrics: every acknowledged submission went through exactly one batch,
// concurrent ones share batches, and committing took time. A refused submission (no credential) never reaches a
// batch.
func TestIngestMetrics(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			before := ingestMetrics(t, env)
			const n = 24
			statuses := sendAtOnce(t, n, func() *http.Request {
				req, _ := http.NewRequest("POST", env.URL+"/api/v1/responses",
					strings.NewReader(`{"agency":"migration","answers":{"overall":4}}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+env.APIKey)
				return req
			})
			for i, st := range statuses {
				if st != http.StatusCreated {
					t.Fatalf("submission %d: %d", i, st)
				}
			}
			if r := env.do(t, http.MethodPost, "/api/v1/responses", "", validBody); r.Status != http.StatusUnauthorized {
				t.Fatalf("without a credential: %d", r.Status)
			}
			after := ingestMetrics(t, env)
			batches := after["qiymet_ingest_batches_total"] - before["qiymet_ingest_batches_total"]
			carried := after["qiymet_ingest_batched_submissions_total"] - before["qiymet_ingest_batched_submissions_total"]
			busy := after["qiymet_ingest_commit_seconds_total"] - before["qiymet_ingest_commit_seconds_total"]
			if carried != n {
				t.Errorf("batches carried %v submissions, want %d", carried, n)
			}
			if batches < 1 || batches > n {
				t.Errorf("%v batches for %d submissions", batches, n)
			}
			if busy <= 0 || busy > 60 {
				t.Errorf("committers busy %v s", busy)
			}
		})
	}
}

// ingestMetrics reads the qiymet_ingest_* counters off /metrics.
func ingestMetrics(t *testing.T, env *testEnv) map[string]float64 {
	t.Helper()
	r := env.get(t, "/metrics", "")
	if r.Status != http.StatusOK {
		t.Fatalf("metrics: %d", r.Status)
	}
	got := map[string]float64{}
	for _, m := range regexp.MustCompile(`(?m)^(qiymet_ingest_\w+) (\S+)$`).FindAllStringSubmatch(string(r.Body), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatalf("%s: %v", m[0], err)
		}
		got[m[1]] = v
	}
	for _, name := range []string{"qiymet_ingest_batches_total", "qiymet_ingest_batched_submissions_total", "qiymet_ingest_commit_seconds_total"} {
		if _, ok := got[name]; !ok {
			t.Fatalf("/metrics lacks %s", name)
		}
	}
	return got
}
