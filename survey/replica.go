package survey

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// replica watches the read replica (QIYMET_DB_READ, docs/scaling.md#read-replicas) and decides whether the
// read-heavy paths may read from it (Store.reader). It is bypassed while it lags beyond maxLag, is unreachable or
// is not a standby, and taken back once it has caught up; each switch is logged once.
//
// How lag is measured, and why not otherwise. Every check reads the primary's WAL position L
// (pg_current_wal_lsn) and remembers it with the time it was read, then reads how far the replica has replayed
// (pg_last_wal_replay_lsn, R). The replica holds everything the primary had at the newest remembered time whose
// L ≤ R; the lag is how long ago that was. Both times come from this process's clock, so no two machines'
// clocks are compared, and a caught-up replica of an idle primary reads 0 (its R reaches L). The alternatives
// fail in the cases that matter:
//   - now() − pg_last_xact_replay_timestamp() on the replica grows without end while the primary is idle (no
//     new transaction to replay), so an idle but current replica would be bypassed, and it compares the
//     replica's clock with the primary's commit timestamps;
//   - "receive LSN = replay LSN means current" is blind to WAL the replica has not received: with streaming
//     broken or slow, a replica hours behind replays all it received and would read 0;
//   - a heartbeat row written by the primary would work, but costs a write (and WAL) every few seconds from
//     every instance and measures in steps of its own period even when the replica is current.
//
// The measure errs on the safe side: a replica is never reported fresher than it is; non-transactional WAL
// (checkpoints, standby snapshots) can make a paused replica of an idle primary look a little behind.
type replica struct {
	db     *bun.DB
	dsn    string // redacted, for logs
	maxLag time.Duration
	every  time.Duration // time between checks
	log    *slog.Logger

	inUse atomic.Bool // reads go to the replica (read on every request: no lock)

	mu         sync.Mutex
	lag        time.Duration // as of the last check
	state      string        // why it is bypassed ("" while in use or before the first check)
	confirmed  lsnSample     // the newest primary position known replayed (zero: none yet)
	pending    []lsnSample   // primary positions read since, oldest first, not yet replayed
	watchStart time.Time     // the lag's origin until a position is confirmed

	stop context.CancelFunc
	done chan struct{}
}

// lsnSample is the primary's WAL position at a moment of this process's clock.
type lsnSample struct {
	at  time.Time
	lsn uint64
}

// maxPending bounds the remembered positions of a replica that stays behind: when full, the newest overwrites
// the last, so the measure only coarsens (never under-reports) and corrects itself one check after catching up.
const maxPending = 256

// checkEvery is the time between checks for a lag bound: often enough that a lagging replica is bypassed well
// within the bound, at most every 2 s (a check is two tiny queries).
func checkEvery(maxLag time.Duration) time.Duration {
	return min(max(maxLag/4, 100*time.Millisecond), 2*time.Second)
}

// Replica state names (ReplicaStatus.State).
const (
	replicaInUse     = "in use"
	replicaLagging   = "lagging"
	replicaDown      = "unreachable"
	replicaNoStandby = "not a standby"
	replicaUnchecked = "not yet caught up"
)

// ReplicaStatus is the read replica as last checked (for metrics and logs).
type ReplicaStatus struct {
	InUse bool          // reads go to the replica
	Lag   time.Duration // how far behind the primary it was at the last check
	State string        // "in use", "lagging", "unreachable", "not a standby" or "not yet caught up"
}

// ReadReplica reports the read replica's status; ok is false when none is configured.
func (s *Store) ReadReplica() (st ReplicaStatus, ok bool) {
	r := s.replica
	if r == nil {
		return st, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st = ReplicaStatus{InUse: r.inUse.Load(), Lag: r.lag, State: r.state}
	if st.InUse {
		st.State = replicaInUse
	}
	return st, true
}

// watch checks the replica once now, so reads start on it when it is current, and then every r.every until
// close.
func (r *replica) watch(primary *bun.DB) {
	ctx, stop := context.WithCancel(context.Background())
	r.stop, r.done = stop, make(chan struct{})
	r.watchStart = time.Now()
	r.check(ctx, primary)
	go func() {
		defer close(r.done)
		t := time.NewTicker(r.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.check(ctx, primary)
			}
		}
	}()
}

func (r *replica) close() error {
	if r.stop != nil {
		r.stop()
		<-r.done
	}
	return r.db.Close()
}

// check measures the lag once (see the type's comment) and switches the reads accordingly.
func (r *replica) check(parent context.Context, primary *bun.DB) {
	ctx, cancel := context.WithTimeout(parent, max(r.every, time.Second))
	defer cancel()
	at := time.Now()
	var primaryLSN string
	if err := primary.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&primaryLSN); err != nil {
		return // the primary is out: nothing to compare with, and nothing works anyway; keep the state
	}
	l, err := parseLSN(primaryLSN)
	if err != nil {
		return
	}
	var standby bool
	var replayed *string
	err = r.db.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").Scan(&standby, &replayed)
	if err != nil && parent.Err() != nil {
		return // closing
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = append(r.pending, lsnSample{at, l})
	if len(r.pending) > maxPending {
		r.pending[maxPending-1] = r.pending[maxPending]
		r.pending = r.pending[:maxPending]
	}
	switch {
	case err != nil:
		r.bypass(replicaDown, err.Error())
	case !standby || replayed == nil:
		// Promoted, or pointed at a primary: it follows nothing, so its lag is unknowable.
		r.bypass(replicaNoStandby, "pg_is_in_recovery() is false")
	default:
		rl, perr := parseLSN(*replayed)
		if perr != nil {
			r.bypass(replicaDown, perr.Error())
			break
		}
		r.observe(rl, time.Now())
		r.lag = time.Since(r.origin())
		switch {
		case r.confirmed.at.IsZero():
			r.bypass(replicaUnchecked, "replayed less than before: another replica, not yet seen current")
		case r.inUse.Load() && r.lag > r.maxLag:
			r.bypass(replicaLagging, fmt.Sprintf("lag %s beyond QIYMET_DB_READ_MAX_LAG %s", r.lag.Round(time.Millisecond), r.maxLag))
		case !r.inUse.Load() && r.lag <= r.maxLag/2:
			// Back only well inside the bound, so that a replica hovering at the bound does not flap.
			r.state = ""
			r.inUse.Store(true)
			r.log.Info("read replica in use: dashboards, rankings, exports and reports read from it",
				"replica", r.dsn, "lag_seconds", r.lag.Seconds())
		case !r.inUse.Load():
			r.state = replicaLagging
		}
		return
	}
	r.lag = time.Since(r.origin())
}

// observe advances the confirmed position to the newest remembered one the replica has replayed (rl), at now.
func (r *replica) observe(rl uint64, now time.Time) {
	if !r.confirmed.at.IsZero() && rl < r.confirmed.lsn {
		// Replayed less than before: another replica (rebuilt, or a different one behind the same address),
		// of which nothing is known until it is seen holding a position read from now on.
		r.confirmed, r.watchStart = lsnSample{}, now
	}
	for len(r.pending) > 0 && r.pending[0].lsn <= rl {
		r.confirmed, r.pending = r.pending[0], r.pending[1:]
	}
}

// origin is the moment up to which the replica is known to hold the primary's state.
func (r *replica) origin() time.Time {
	if r.confirmed.at.IsZero() {
		return r.watchStart
	}
	return r.confirmed.at
}

// bypass sends reads to the primary, logging the switch (not its repetitions). Caller holds r.mu.
func (r *replica) bypass(state, why string) {
	r.state = state
	if r.inUse.Swap(false) {
		r.log.Warn("read replica bypassed: reads go to the primary until it catches up",
			"replica", r.dsn, "state", state, "reason", why)
	}
}

// failed bypasses the replica after a read on it failed for want of a connection (it went away between
// checks); the next check takes it back once it answers and is current. A query the standby cancelled for a
// conflict with recovery (40001) says nothing of its health: the caller just retries it on the primary.
func (r *replica) failed(err error) {
	if isRetryable(err) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bypass(replicaDown, err.Error())
}

// parseLSN reads PostgreSQL's "X/Y" WAL position.
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed WAL position %q", s)
	}
	return h<<32 | l, nil
}
