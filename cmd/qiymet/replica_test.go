package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestServeReadReplica runs serve against a real PostgreSQL primary and a streaming replica that the test
// starts (initdb, pg_basebackup -R): rankings read from the replica while its lag is within
// QIYMET_DB_READ_MAX_LAG, from the primary once it lags beyond it or stops, and from the replica again when it
// has caught up; the lag is on /metrics, each switch is logged once, and nothing fails meanwhile.
func TestServeReadReplica(t *testing.T) {
	primary := storetest.StartPrimary(t)
	primary.Exec("postgres", "CREATE DATABASE qiymet")
	replica := primary.StartReplica()
	env := map[string]string{"QIYMET_DB": primary.DSN("qiymet"), "QIYMET_DB_READ": replica.DSN("qiymet"), "QIYMET_MIN_N": "1"}
	mustRun(t, env, "", "catalog", "apply", catalogPath(t))
	m := apiKeyRE.FindStringSubmatch(mustRun(t, env, "", "apikey", "add", "--name", "replica"))
	if m == nil {
		t.Fatal("no API key printed")
	}
	key := m[1]
	// Two instances on the same pair: one tolerates an hour of lag, the other a second.
	patient := startServeWith(t, env, map[string]string{"QIYMET_DB_READ_MAX_LAG": "1h"})
	strict := startServeWith(t, env, map[string]string{"QIYMET_DB_READ_MAX_LAG": "1s"})

	month := time.Now().In(storetest.Baku).Format("2006-01")
	submit := func(srv *served, n int) {
		t.Helper()
		for i := range n {
			body := fmt.Sprintf(`{"id":%q,"agency":"migration","answers":{"overall":%d},"comment":"növbə %d"}`, uuid.NewString(), 1+i%5, i)
			if code, out := srv.call(t, http.MethodPost, "/api/v1/responses", key, body); code != http.StatusCreated {
				t.Fatalf("submit: %d %s", code, out)
			}
		}
	}
	// counted is n over every ranking row of the running month, as the rankings API answers it.
	counted := func(srv *served) int64 {
		t.Helper()
		code, out := srv.call(t, http.MethodGet, "/api/v1/rankings?period="+month, key, "")
		if code != http.StatusOK {
			t.Fatalf("rankings: %d %s", code, out)
		}
		var r struct {
			Groups []struct{ Rows []struct{ N int64 } }
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, g := range r.Groups {
			for _, row := range g.Rows {
				n += row.N
			}
		}
		return n
	}
	waitCounted := func(srv *served, want int64) {
		t.Helper()
		waitUntil(t, fmt.Sprintf("%s to rank %d responses", srv.name, want), func() bool { return counted(srv) == want })
	}

	submit(patient, 5)
	waitCounted(patient, 5)
	waitCounted(strict, 5)
	for _, srv := range []*served{patient, strict} {
		waitUntil(t, srv.name+" to read from the replica", func() bool { return srv.metric(t, "qiymet_db_read_replica_in_use") == 1 })
	}

	// Replay paused: the primary goes on, the replica stands still.
	replica.Exec("postgres", "SELECT pg_wal_replay_pause()")
	submit(patient, 7) // rolled up on the primary by the next rankings call
	if got := counted(patient); got != 5 {
		t.Fatalf("with replay paused the patient instance ranks %d responses: want 5, read from the replica", got)
	}
	// The strict instance bypasses the replica once its lag passes 1 s, and reads all 12 from the primary.
	waitCounted(strict, 12)
	if lag := strict.metric(t, "qiymet_db_read_lag_seconds"); lag < 1 {
		t.Fatalf("strict instance bypassed the replica at a lag of %vs", lag)
	}
	if strict.metric(t, "qiymet_db_read_replica_in_use") != 0 {
		t.Fatal("strict instance reports the replica in use")
	}
	// The patient one, an hour from its bound, still reads the replica: same 5, a lag beyond 1 s on /metrics.
	if got := counted(patient); got != 5 {
		t.Fatalf("patient instance ranks %d responses while the replica is within its bound: want 5", got)
	}
	// Its checks run every 2 s: wait for one that sees the paused replay.
	waitUntil(t, "the patient instance to measure the lag", func() bool { return patient.metric(t, "qiymet_db_read_lag_seconds") >= 1 })
	if lag := patient.metric(t, "qiymet_db_read_lag_seconds"); lag < 1 || lag > 3600 {
		t.Fatalf("patient instance's lag metric %v, want over 1 s", lag)
	}

	// Replay resumed: both read the replica again, and it holds all 12.
	replica.Exec("postgres", "SELECT pg_wal_replay_resume()")
	waitCounted(patient, 12)
	waitUntil(t, "the strict instance to take the replica back", func() bool {
		return strict.metric(t, "qiymet_db_read_replica_in_use") == 1
	})
	if got := counted(strict); got != 12 {
		t.Fatalf("strict instance ranks %d after the replica caught up, want 12", got)
	}

	// The replica stops: nothing fails, reads go to the primary, readiness stays.
	replica.Stop()
	deadline := time.Now().Add(60 * time.Second)
	for patient.metric(t, "qiymet_db_read_replica_in_use") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the patient instance never bypassed the stopped replica")
		}
		// Requests meanwhile (some meet the stopped replica before a check notices) all succeed.
		if got := counted(patient); got != 12 {
			t.Fatalf("patient instance ranks %d with the replica stopping, want 12", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	submit(strict, 1)
	for _, srv := range []*served{patient, strict} {
		if got := counted(srv); got != 13 {
			t.Fatalf("%s ranks %d with the replica stopped: want 13 from the primary", srv.name, got)
		}
		for _, p := range []string{"/api/v1/agencies/migration/breakdown?by=service&period=" + month, "/api/v1/responses.csv"} {
			if code, out := srv.call(t, http.MethodGet, p, key, ""); code != http.StatusOK {
				t.Fatalf("%s %s with the replica stopped: %d %s", srv.name, p, code, out)
			}
		}
		for _, p := range []string{"/healthz", "/readyz"} {
			if code, out := srv.call(t, http.MethodGet, p, "", ""); code != http.StatusOK {
				t.Fatalf("%s %s with the replica stopped: %d %s", srv.name, p, code, out)
			}
		}
	}
	if code, out := patient.call(t, http.MethodGet, "/api/v1/responses.csv", key, ""); strings.Count(out, "\n") != 14 {
		t.Fatalf("export with the replica stopped: %d, %d lines, want a header and 13 rows", code, strings.Count(out, "\n"))
	}

	// Each switch was logged once: taken in use and bypassed alternate, starting with in use.
	for _, srv := range []*served{patient, strict} {
		switches := switchRE.FindAllString(srv.logs.String(), -1)
		t.Logf("%s: %q", srv.name, switches)
		if len(switches) < 2 {
			t.Fatalf("%s logged %d replica switches: %q", srv.name, len(switches), switches)
		}
		for i, sw := range switches {
			if want := []string{"in use", "bypassed"}[i%2]; !strings.HasSuffix(sw, want) {
				t.Fatalf("%s: switch %d is %q, want %q (each switch logged once): %q", srv.name, i+1, sw, want, switches)
			}
		}
	}
	if !strings.Contains(patient.logs.String(), `"state":"unreachable"`) {
		t.Fatalf("the patient instance did not log the stopped replica as unreachable:\n%s", patient.logs.String())
	}
}

var switchRE = regexp.MustCompile(`read replica (in use|bypassed)`)

// served is one `qiymet serve` run in-process on a free port.
type served struct {
	name string
	base string
	logs *syncBuffer
}

// startServe runs serve with env plus extra on 127.0.0.1:0 until the test ends.
func startServeWith(t *testing.T, env, extra map[string]string) *served {
	t.Helper()
	all := map[string]string{}
	for k, v := range env {
		all[k] = v
	}
	var name []string
	for k, v := range extra {
		all[k] = v
		name = append(name, k+"="+v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	srv := &served{name: "serve " + strings.Join(name, " "), logs: &syncBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return all[k] }, strings.NewReader(""), &out, srv.logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", srv.name, err)
		}
	})
	for deadline := time.Now().Add(60 * time.Second); srv.base == ""; time.Sleep(20 * time.Millisecond) {
		if m := servingRE.FindStringSubmatch(out.String()); m != nil {
			srv.base = m[1]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("%s ended early: %v\n%s", srv.name, err, srv.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no address", srv.name)
		}
	}
	return srv
}

// call makes one request with an optional bearer credential and returns the status and body.
func (s *served) call(t *testing.T, method, path, bearer, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric is the value of an unlabelled metric on /metrics (the test fails when it is absent).
func (s *served) metric(t *testing.T, name string) float64 {
	t.Helper()
	code, out := s.call(t, http.MethodGet, "/metrics", "", "")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("%s is not on /metrics of %s", name, s.name)
	return 0
}

// waitUntil polls cond until it holds, failing after a generous bound for a busy machine.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
