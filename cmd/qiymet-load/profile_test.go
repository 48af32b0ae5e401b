package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/uptrace/bun"
)

// TestIngestProfile runs the ingest load against an in-process server (the same web and survey code as
// `qiymet serve`) on a fresh PostgreSQL database and writes a CPU profile, to see where a submission's time
// goes. Only on request: QIYMET_PROFILE=cpu.pprof [QIYMET_PROFILE_DIALECT=pg|sqlite-file] [QIYMET_PROFILE_MIX=…]
// [QIYMET_PROFILE_COMMITTERS=N].
//
//	go tool pprof -top -focus 'qiymet/(web|survey)' cpu.pprof
func TestIngestProfile(t *testing.T) {
	out := os.Getenv("QIYMET_PROFILE")
	if out == "" {
		t.Skip("set QIYMET_PROFILE=FILE to profile the ingest path")
	}
	dialect := os.Getenv("QIYMET_PROFILE_DIALECT")
	if dialect == "" {
		dialect = "pg"
	}
	dsn := storetest.DSN(t, dialect)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	committers, _ := strconv.Atoi(os.Getenv("QIYMET_PROFILE_COMMITTERS")) // as QIYMET_INGEST_COMMITTERS; unset: 1
	s, err := survey.Open(ctx, dsn, survey.Options{Location: storetest.Baku, Burst: 3 * time.Second, Committers: committers})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	storetest.ApplyCatalog(t, s)
	kk, keys, err := provisionStore(ctx, s, 2048, 16)
	if err != nil {
		t.Fatal(err)
	}
	kiosks, _ := parseKiosks(strings.Join(kk, ","))
	qs := &queryStats{by: map[string]*qstat{}}
	//lint:ignore SA1019 WithQueryHook returns a clone, and the store's own *bun.DB is what must be observed
	s.DB().AddQueryHook(qs)
	url := serveInProcess(t, s)
	go func() { // the roll-up of serve
		for ctx.Err() == nil {
			s.Rollup(ctx)
			time.Sleep(time.Second)
		}
	}()

	cfg := loadConfig([]string{url}, kiosks, keys, 10*time.Second)
	cfg.Concurrency = 32
	if m := os.Getenv("QIYMET_PROFILE_MIX"); m != "" {
		if cfg.Mix, err = parseMix(m); err != nil {
			t.Fatal(err)
		}
	}
	pf, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if err := pprof.StartCPUProfile(pf); err != nil {
		t.Fatal(err)
	}
	rep, err := Load(ctx, cfg)
	pprof.StopCPUProfile()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep.Print(&buf)
	qs.print(&buf, rep.Acked)
	t.Log(buf.String())
}

// queryStats adds up the database statements and their wall time, by kind: the round trips of one submission.
type queryStats struct {
	mu sync.Mutex
	by map[string]*qstat
}

type qstat struct {
	n int
	d time.Duration
}

func (q *queryStats) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (q *queryStats) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	words := strings.Fields(e.Query)
	key := e.Operation()
	for i, w := range words {
		if (w == "FROM" || w == "INTO" || w == "UPDATE") && i+1 < len(words) {
			key += " " + strings.Trim(words[i+1], `"`)
			break
		}
	}
	d := time.Since(e.StartTime)
	q.mu.Lock()
	st := q.by[key]
	if st == nil {
		st = &qstat{}
		q.by[key] = st
	}
	st.n++
	st.d += d
	q.mu.Unlock()
}

func (q *queryStats) print(w io.Writer, acked int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	keys := slices.Sorted(maps.Keys(q.by))
	fmt.Fprintf(w, "  database statements per acknowledged submission (wall time, all clients):\n")
	var n int
	var d time.Duration
	for _, k := range keys {
		st := q.by[k]
		n += st.n
		d += st.d
		fmt.Fprintf(w, "    %-40s %6d  %.2f/sub  mean %.2f ms\n", k, st.n, float64(st.n)/float64(max(acked, 1)),
			float64(st.d.Microseconds())/1000/float64(st.n))
	}
	fmt.Fprintf(w, "    %-40s %6d  %.2f/sub  mean %.2f ms\n", "total", n, float64(n)/float64(max(acked, 1)),
		float64(d.Microseconds())/1000/float64(max(n, 1)))
}
