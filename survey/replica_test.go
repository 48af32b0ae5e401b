package survey_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/uptrace/bun/driver/pgdriver"
)

// TestReadReplicaStore runs the store against a real streaming replica that the test starts (initdb,
// pg_basebackup -R): the read-heavy paths read from the replica while it is current; a read that meets a
// replica gone since the last check is answered from the primary and the replica is bypassed; the write paths
// never touch it.
func TestReadReplicaStore(t *testing.T) {
	ctx := context.Background()
	primary := storetest.StartPrimary(t)
	primary.Exec("postgres", "CREATE DATABASE qiymet")
	replica := primary.StartReplica()

	var logs syncLog
	s := storetest.Open(t, primary.DSN("qiymet"), survey.Options{ReadDSN: replica.DSN("qiymet"), ReadMaxLag: time.Hour,
		Logger: logs.logger()})
	loadTestCatalog(t, s)
	key, _, err := s.AddAPIKey(ctx, "replica")
	if err != nil {
		t.Fatal(err)
	}
	submit := func(n int) {
		t.Helper()
		for i := range n {
			sub, err := survey.DecodeSubmission(fmt.Appendf(nil,
				`{"id":%q,"agency":"migration","answers":{"overall":%d},"comment":"şərh %d"}`, uuid.NewString(), 1+i%5, i))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Submit(ctx, sub, survey.Credential{APIKey: key}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AwaitCells(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// What each read path sees.
	counted := func(ctx context.Context) int64 {
		t.Helper()
		sums, err := s.DayTotals(ctx, survey.DayRange{From: 0, To: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range sums {
			n += c.Stats.N
		}
		return n
	}
	exported := func(ctx context.Context) int64 {
		t.Helper()
		var buf bytes.Buffer
		n, err := s.Export(ctx, &buf, survey.ExportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if lines := int64(strings.Count(buf.String(), "\n")); lines != n+1 {
			t.Fatalf("export of %d responses wrote %d lines", n, lines)
		}
		return n
	}
	comments := func(ctx context.Context) int {
		t.Helper()
		_, total, err := s.Comments(ctx, "migration", time.Unix(0, 0), time.Now().Add(time.Hour), "", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		return total
	}
	// A read the replica cannot answer for want of a table it has not replayed yet is answered by the primary
	// (what a read meets while the replica replays the migrations: in use by its lag, behind in schema).
	_, missing := s.DB().ExecContext(ctx, "SELECT 1 FROM no_such_table")
	if missing == nil || !survey.ReplicaSchemaBehind(missing) {
		t.Fatalf("a missing table (%v) is not taken for a replica behind in schema", missing)
	}
	if _, other := s.DB().ExecContext(ctx, "SELECT 1/0"); survey.ReplicaSchemaBehind(other) {
		t.Fatalf("%v is taken for a replica behind in schema", other)
	}
	submit(5)
	onReplica := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(replica.DSN("qiymet"))))
	defer onReplica.Close()
	waitFor(t, "the replica to be in use and hold the 5 responses", func() bool {
		var n int64
		if err := onReplica.QueryRowContext(ctx, "SELECT COUNT(*) FROM responses").Scan(&n); err != nil || n != 5 {
			return false // the migrations and the rows are not all replayed yet
		}
		st, _ := s.ReadReplica()
		return st.InUse && counted(ctx) == 5
	})
	if !strings.Contains(logs.String(), "read replica in use") {
		t.Fatalf("taking the replica in use was not logged:\n%s", logs.String())
	}

	// From here the test decides when the replica is checked.
	survey.StopReplicaChecks(s)
	replica.Exec("postgres", "SELECT pg_wal_replay_pause()")
	submit(7) // written and rolled up on the primary only
	primaryCtx := survey.ReadPrimary(ctx)
	if got, want := counted(ctx), int64(5); got != want {
		t.Fatalf("cells read %d counted responses with replay paused: want %d from the replica", got, want)
	}
	if got, want := exported(ctx), int64(5); got != want {
		t.Fatalf("export wrote %d responses with replay paused: want %d from the replica", got, want)
	}
	if got, want := comments(ctx), 5; got != want {
		t.Fatalf("%d comments with replay paused: want %d from the replica", got, want)
	}
	if counted(primaryCtx) != 12 || exported(primaryCtx) != 12 || comments(primaryCtx) != 12 {
		t.Fatal("ReadPrimary does not read the primary")
	}
	// The lag grows from the last position the replica was seen to hold; within the bound it stays in use.
	time.Sleep(100 * time.Millisecond)
	survey.CheckReplica(s)
	if st, _ := s.ReadReplica(); !st.InUse || st.Lag < 100*time.Millisecond || st.Lag > time.Minute {
		t.Fatalf("paused replica: %+v, want in use with a lag of at least 100ms", st)
	}

	// The replica goes away between checks: every read path still answers, from the primary, and the replica is
	// bypassed (logged once).
	replica.Stop()
	if got := counted(ctx); got != 12 {
		t.Fatalf("cells read %d counted responses after the replica stopped: want 12 from the primary", got)
	}
	if st, _ := s.ReadReplica(); st.InUse || st.State != "unreachable" {
		t.Fatalf("after a failed read: %+v, want bypassed as unreachable", st)
	}
	if exported(ctx) != 12 || comments(ctx) != 12 {
		t.Fatal("export or comments do not read the primary once the replica is bypassed")
	}
	survey.CheckReplica(s) // still down: no second log line
	if n := strings.Count(logs.String(), "read replica bypassed"); n != 1 {
		t.Fatalf("the bypass was logged %d times, want once:\n%s", n, logs.String())
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("readiness fails with the replica down: %v", err)
	}
	submit(1) // writes never needed the replica
	if counted(ctx) != 13 {
		t.Fatal("a response written with the replica down is not read back")
	}

	// Back, replaying again: taken back once it has caught up.
	replica.Start()
	replica.Exec("postgres", "SELECT pg_wal_replay_resume()")
	waitFor(t, "the replica to be taken back", func() bool {
		survey.CheckReplica(s)
		st, _ := s.ReadReplica()
		return st.InUse
	})
	if n := strings.Count(logs.String(), "read replica in use"); n != 2 {
		t.Fatalf("taking the replica back was logged %d times in all, want 2:\n%s", n, logs.String())
	}
	if counted(ctx) != 13 || exported(ctx) != 13 {
		t.Fatal("the replica taken back does not hold every response")
	}
}

// TestReadReplicaRefusals: a replica's DSN follows the primary's rules and needs a PostgreSQL primary; an
// unreachable replica is no reason to fail.
func TestReadReplicaRefusals(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ name, db, read, want string }{
		{"sqlite primary", "sqlite::memory:", "postgres://postgres@127.0.0.1:1/x", "postgres"},
		{"not postgres", storetest.DSN(t, "pg"), "mysql://x/y", "postgres"},
		{"no sslmode off loopback", storetest.DSN(t, "pg"), "postgres://u:secret@replica.example.com/q", "sslmode"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := survey.Open(ctx, c.db, survey.Options{ReadDSN: c.read})
			if err == nil {
				s.Close()
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "secret") {
				t.Fatalf("error %q: want a mention of %q and no password", err, c.want)
			}
		})
	}
	var logs syncLog
	start := time.Now()
	s := storetest.Open(t, storetest.DSN(t, "pg"), survey.Options{ReadDSN: "postgres://postgres@127.0.0.1:1/none?sslmode=disable",
		Logger: logs.logger()})
	if d := time.Since(start); d > 8*time.Second {
		t.Fatalf("opening with an unreachable replica took %v", d)
	}
	if st, ok := s.ReadReplica(); !ok || st.InUse || st.State != "unreachable" {
		t.Fatalf("unreachable replica: %+v %v", st, ok)
	}
	if _, err := s.DayTotals(ctx, survey.DayRange{From: 0, To: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds, failing after a generous bound for a busy machine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// syncLog collects log lines written from the store's goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *syncLog) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }
