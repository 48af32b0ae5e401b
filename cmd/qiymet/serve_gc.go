package main

import (
	"runtime/debug"
)

// Garbage collection for serve. Under ingest load the server makes short-lived garbage on every request against
// a small live heap (RSS 36–46 MB under 32-client ingest), so at Go's default (collect when the heap has grown by
// 100%) the collector runs many times a second. Letting the heap grow by 400% lifted the ingest benchmark in
// every pair of runs (docs/scaling.md, "Garbage collection"), for a peak RSS of about 80 MB instead of 47. The
// soft limit keeps an unusually large live heap from growing five-fold: near it the collector runs as often as it
// must, and a 512 MB container keeps its headroom.
const (
	serveGCPercent   = 400
	serveMemoryLimit = 256 << 20
)

// serveGC applies serve's collector settings unless the operator set GOGC (then Go's own settings stand, GOMEMLIMIT
// included). The soft limit applies unless GOMEMLIMIT is set. It returns what puts the previous settings back.
func serveGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(serveGCPercent)
	limit := int64(-1) // a negative limit leaves the limit as it is (debug.SetMemoryLimit)
	if getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(serveMemoryLimit)
	}
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
