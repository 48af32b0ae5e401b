package main

import (
	"runtime/debug"
	"testing"
)

// gcSettings reads the collector's percent and soft limit without changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// TestServeGC: a running serve collects at 400% with a 256 MiB soft limit, as its own /metrics reports; GOGC set
// by the operator leaves the runtime's settings alone; GOMEMLIMIT set keeps the operator's limit; and serve
// puts back what it found when it stops.
func TestServeGC(t *testing.T) {
	percent0, limit0 := gcSettings()
	for _, c := range []struct {
		name    string
		env     map[string]string
		percent int
		limit   int64
	}{
		{"GOGC set", map[string]string{"GOGC": "100"}, percent0, limit0},
		{"GOGC=off set", map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, percent0, limit0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "2GiB"}, serveGCPercent, limit0},
		{"neither", map[string]string{}, serveGCPercent, serveMemoryLimit},
	} {
		restore := serveGC(func(k string) string { return c.env[k] })
		p, l := gcSettings()
		restore()
		if p != c.percent || l != c.limit {
			t.Errorf("%s: percent %d, limit %d; want %d, %d", c.name, p, l, c.percent, c.limit)
		}
		if p, l := gcSettings(); p != percent0 || l != limit0 {
			t.Errorf("%s: after restore percent %d, limit %d; want the previous %d, %d", c.name, p, l, percent0, limit0)
		}
	}
	// serve itself, through its /metrics; the subtest's end stops it.
	t.Run("serve", func(t *testing.T) {
		srv := startServeWith(t, cliEnv(t, "sqlite-file"), nil)
		if got := srv.metric(t, "go_gc_gogc_percent"); got != serveGCPercent {
			t.Errorf("go_gc_gogc_percent %v while serving, want %d", got, serveGCPercent)
		}
		if got := srv.metric(t, "go_gc_gomemlimit_bytes"); got != serveMemoryLimit {
			t.Errorf("go_gc_gomemlimit_bytes %v while serving, want %d", got, serveMemoryLimit)
		}
	})
	if p, l := gcSettings(); p != percent0 || l != limit0 {
		t.Errorf("after serve stopped: percent %d, limit %d; want the previous %d, %d", p, l, percent0, limit0)
	}
}
