package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
)

// Load runs one bounded load: new submissions start until cfg.Duration (or cfg.Requests), in-flight ones may
// retry until cfg.Duration+cfg.Grace, and then everything stops.
func Load(ctx context.Context, cfg *Config) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	since := cfg.Since
	if since.IsZero() {
		since = time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	}
	var runID [4]byte
	rand.Read(runID[:])
	l := &loader{cfg: cfg, world: newWorld(cfg.Catalog, cfg.FixLow, cfg.LowShare), clock: newKioskClock(len(cfg.Kiosks), since, cfg.Spacing),
		runID: hex.EncodeToString(runID[:]), seed: uint64(seed)}

	if cfg.LinksAhead > 0 && cfg.Mix.Link > 0 {
		if err := l.issueAhead(ctx, cfg.LinksAhead); err != nil {
			return nil, err
		}
	}

	start := time.Now()
	startCtx, cancelStart := context.WithDeadline(ctx, start.Add(cfg.Duration))
	defer cancelStart()
	hardCtx, cancelHard := context.WithDeadline(ctx, start.Add(cfg.Duration+cfg.Grace))
	defer cancelHard()

	stats := make([]*stats, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range stats {
		stats[i] = newStats()
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.worker(startCtx, hardCtx, i, stats[i])
		}()
	}
	var progressDone chan struct{}
	if cfg.Log != nil {
		progressDone = make(chan struct{})
		go l.progress(hardCtx, progressDone, start)
	}
	wg.Wait()
	if progressDone != nil {
		close(progressDone)
	}
	rep := merge(cfg, stats, time.Since(start), l.issued.Load())
	if l.ahead != nil {
		rep.InvitationsAhead = cfg.LinksAhead - len(l.ahead)
	}
	if ctx.Err() != nil {
		rep.Interrupted = true
	}
	return rep, nil
}

type loader struct {
	cfg   *Config
	world *world
	clock *kioskClock
	runID string
	seed  uint64

	issued  atomic.Int64 // submissions started
	acked   atomic.Int64
	rr      atomic.Uint64 // round-robin over URLs
	invSeq  atomic.Int64
	pending atomic.Int64    // attempts waiting to be retried
	ahead   chan linkTicket // invitations issued before the run (--links-ahead); nil: none
}

func (l *loader) progress(ctx context.Context, done chan struct{}, start time.Time) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			fmt.Fprintf(l.cfg.Log, "qiymet-load: %4.0fs  started %d  acknowledged %d  retrying %d\n",
				time.Since(start).Seconds(), l.issued.Load(), l.acked.Load(), l.pending.Load())
		}
	}
}

func (l *loader) worker(startCtx, hardCtx context.Context, n int, st *stats) {
	w := &workerState{stats: st, http: newClient(l.cfg.Timeout)}
	defer w.http.close()
	rnd := mrand.New(mrand.NewPCG(l.seed, uint64(n)+1))
	mix := l.cfg.Mix
	for startCtx.Err() == nil {
		if l.cfg.Requests > 0 && l.issued.Add(1) > int64(l.cfg.Requests) {
			l.issued.Add(-1)
			return
		} else if l.cfg.Requests == 0 {
			l.issued.Add(1)
		}
		x := rnd.IntN(mix.total())
		switch {
		case x < mix.Kiosk:
			l.kioskSubmission(hardCtx, rnd, w)
		case x < mix.Kiosk+mix.API:
			l.apiSubmission(hardCtx, rnd, w)
		default:
			l.linkSubmission(hardCtx, rnd, w)
		}
	}
}

func (l *loader) kioskSubmission(ctx context.Context, rnd *mrand.Rand, w *workerState) {
	k := rnd.IntN(len(l.cfg.Kiosks))
	kc := l.cfg.Kiosks[k]
	agencies := l.world.hosted[kc.Center]
	if len(agencies) == 0 {
		w.fail("kiosk", "kiosk centre "+kc.Center+" hosts no agency of the catalog")
		return
	}
	agency := agencies[rnd.IntN(len(agencies))]
	b := body{ID: timeOrderedID(), Agency: agency}
	if ss := l.world.services[agency]; len(ss) > 0 && rnd.IntN(10) > 0 {
		b.Service = ss[rnd.IntN(len(ss))]
	}
	b.Answers, b.Comment, b.Lang = l.world.answers(rnd, agency)
	b.SubmittedAt = l.clock.take(k).Format(time.RFC3339Nano)
	l.submit(ctx, w, "kiosk", kc.Token, b)
}

// timeOrderedID is a UUIDv7, as the kiosk app makes its ids. API submissions keep random ones (uuid.NewString):
// an integrator's ids can be anything, and random ones are the id index's worst case.
func timeOrderedID() string { return uuid.Must(uuid.NewV7()).String() }

func (l *loader) apiSubmission(ctx context.Context, rnd *mrand.Rand, w *workerState) {
	b := body{ID: uuid.NewString()}
	b.Agency, b.Service, b.Center = l.world.target(rnd)
	b.Answers, b.Comment, b.Lang = l.world.answers(rnd, b.Agency)
	// an integrator forwards ratings collected up to an hour earlier
	b.SubmittedAt = time.Now().Add(-time.Duration(rnd.Int64N(int64(time.Hour)))).Format(time.RFC3339Nano)
	key := l.cfg.APIKeys[rnd.IntN(len(l.cfg.APIKeys))]
	l.submit(ctx, w, "api", key, b)
}

// linkTicket is an issued invitation: its token, its agency (whose questions the answers follow) and the API key
// that issued it (sent along when the submission is relayed, LinkBearer).
type linkTicket struct{ token, agency, key string }

func (l *loader) linkSubmission(ctx context.Context, rnd *mrand.Rand, w *workerState) {
	var tk linkTicket
	select {
	case tk = <-l.ahead: // issued before the run (--links-ahead); a nil channel never is
	default:
		var ok bool
		if tk, ok = l.issueInvitation(ctx, rnd, w); !ok {
			return
		}
		w.invitations++
	}
	b := body{ID: timeOrderedID(), Token: tk.token}
	b.Answers, b.Comment, b.Lang = l.world.answers(rnd, tk.agency)
	bearer := ""
	if l.cfg.LinkBearer {
		bearer = tk.key
	}
	l.submit(ctx, w, "link", bearer, b)
}

// issueInvitation asks the server for a visit's one-time link, as a queue system does (POST /api/v1/invitations).
func (l *loader) issueInvitation(ctx context.Context, rnd *mrand.Rand, w *workerState) (linkTicket, bool) {
	key := l.cfg.APIKeys[rnd.IntN(len(l.cfg.APIKeys))]
	agency, service, center := l.world.target(rnd)
	inv := map[string]any{"agency": agency, "visit_id": fmt.Sprintf("load-%s-%d", l.runID, l.invSeq.Add(1)),
		"operator": "load", "expires_in": 3600}
	if service != "" {
		inv["service"] = service
	}
	if center != "" {
		inv["center"] = center
	}
	res := l.do(ctx, w, "invitation", "/api/v1/invitations", key, mustJSON(inv))
	if res.status != http.StatusCreated && res.status != http.StatusOK {
		w.fail("invitation", res.describe())
		return linkTicket{}, false
	}
	var ans struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(res.body, &ans); err != nil || ans.Token == "" {
		w.fail("invitation", "answer without a token")
		return linkTicket{}, false
	}
	return linkTicket{ans.Token, agency, key}, true
}

// issueAhead issues n invitations before the run, untimed and uncounted, for the link submissions to use first
// (--links-ahead): the run then measures the submissions alone, as when the queue system issued each link at
// the visit, long before the citizen rates it.
func (l *loader) issueAhead(ctx context.Context, n int) error {
	l.ahead = make(chan linkTicket, n)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for i := range min(l.cfg.Concurrency, n) {
		wg.Go(func() {
			w := &workerState{stats: newStats(), http: newClient(l.cfg.Timeout)}
			defer w.http.close()
			rnd := mrand.New(mrand.NewPCG(l.seed, uint64(i)+1<<32))
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				if tk, ok := l.issueInvitation(ctx, rnd, w); ok {
					l.ahead <- tk
				} else {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("qiymet-load: %d of the %d invitations to issue ahead failed", f, n)
	}
	return nil
}

// submit posts one response, retrying under the same id, and records the outcome.
func (l *loader) submit(ctx context.Context, w *workerState, channel, bearer string, b body) {
	start := time.Now()
	res := l.do(ctx, w, channel, "/api/v1/responses", bearer, mustJSON(b))
	switch res.status {
	case http.StatusCreated, http.StatusOK:
		var ans struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(res.body, &ans); err != nil || ans.ID != b.ID {
			w.fail(channel, fmt.Sprintf("%d answer does not carry our id %s: %.200s", res.status, b.ID, res.body))
			return
		}
		l.acked.Add(1)
		w.ack(channel, b.ID, res.status == http.StatusCreated, ans.Status, time.Since(start))
		if res.attempts > 1 {
			w.retried++
		}
	case http.StatusConflict:
		if res.code == "token_used" && res.ambiguous {
			// An earlier attempt may have been stored before its answer was lost; the link is now used, so
			// the server cannot say. Not counted as acknowledged (the loss check uses only 201/200).
			w.ambiguousIDs = append(w.ambiguousIDs, b.ID)
			w.fail(channel, "409 token_used after an unanswered attempt (ambiguous)")
			return
		}
		w.fail(channel, res.describe())
	default:
		w.fail(channel, res.describe())
	}
}

type result struct {
	status     int // 0: no HTTP answer
	code       string
	body       []byte
	err        error
	attempts   int
	ambiguous  bool // an earlier attempt got no answer (it may have been applied)
	retryAfter time.Duration
}

func (r result) describe() string {
	if r.status == 0 {
		if r.err == nil {
			return "stopped before an attempt"
		}
		return fmt.Sprintf("no answer after %d attempts: %s", r.attempts, netKind(r.err))
	}
	return fmt.Sprintf("%d %s", r.status, r.code)
}

// do sends one request, retrying 503, 429, 502/504 and network errors with capped exponential backoff
// (honouring Retry-After up to MaxBackoff). The body, and so the id, is the same on every attempt.
func (l *loader) do(ctx context.Context, w *workerState, kind, path, bearer string, payload []byte) result {
	var res result
	ambiguous := false
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			res.attempts = attempt - 1
			if res.err == nil && res.status == 0 {
				res.err = ctx.Err()
			}
			return res
		}
		u := l.cfg.URLs[int(l.rr.Add(1)%uint64(len(l.cfg.URLs)))]
		res = l.once(ctx, w, kind, u+path, bearer, payload)
		res.attempts = attempt
		res.ambiguous = ambiguous
		retry := res.status == 0 || res.status == http.StatusServiceUnavailable || res.status == http.StatusTooManyRequests ||
			res.status == http.StatusBadGateway || res.status == http.StatusGatewayTimeout
		if !retry || attempt >= l.cfg.MaxAttempts {
			return res
		}
		if res.status == 0 {
			ambiguous = true
		}
		wait := backoff(attempt, l.cfg.MaxBackoff)
		if res.retryAfter > 0 {
			wait = max(wait, min(res.retryAfter, l.cfg.MaxBackoff))
		}
		l.pending.Add(1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		l.pending.Add(-1)
	}
}

// backoff is 50 ms doubling per attempt, capped, with jitter in [d/2, d].
func backoff(attempt int, maxWait time.Duration) time.Duration {
	d := time.Duration(float64(50*time.Millisecond) * math.Pow(2, float64(min(attempt-1, 16))))
	d = min(d, maxWait)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

func (l *loader) once(ctx context.Context, w *workerState, kind, url, bearer string, payload []byte) result {
	start := time.Now()
	ans, err := w.http.post(ctx, url, bearer, payload)
	d := time.Since(start)
	if err != nil {
		w.attempt(kind, "net "+netKind(err), d, false)
		return result{err: err}
	}
	res := result{status: ans.status, body: ans.body}
	if ans.status >= 400 {
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal(ans.body, &e) == nil {
			res.code = e.Error.Code
		}
		if res.code == "" {
			res.code = "(no error code)"
		}
		if s, err := strconv.Atoi(ans.retryAfter); err == nil && s > 0 {
			res.retryAfter = time.Duration(s) * time.Second
		} else if ans.status == http.StatusServiceUnavailable || ans.status == http.StatusTooManyRequests {
			w.missingRetryAfter++
		}
	}
	label := strconv.Itoa(ans.status)
	if res.code != "" {
		label += " " + res.code
	}
	w.attempt(kind, label, d, ans.status < 300)
	return res
}

// netKind names a transport failure without its addresses.
func netKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "EOF"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// workerState is one worker's: its records and its connections.
type workerState struct {
	*stats
	http *client
}

// stats are one worker's records; merged at the end (no locks on the hot path).
type stats struct {
	okLatency         []time.Duration // successful attempts
	allLatency        []time.Duration // every attempt with an HTTP answer or a network error
	e2eLatency        []time.Duration // acknowledged submissions, first attempt to answer (retries included)
	status            map[string]int  // per attempt: "201", "503 unavailable", "net connection refused"…
	byKind            map[string]int  // attempts per kind
	failures          map[string]int  // submissions that ended without acknowledgement, by reason
	acked             map[string]int  // acknowledged per channel
	ids               []string
	ambiguousIDs      []string
	created, replayed int
	counted, excluded int
	retried           int
	invitations       int
	missingRetryAfter int
}

func newStats() *stats {
	return &stats{status: map[string]int{}, byKind: map[string]int{}, failures: map[string]int{}, acked: map[string]int{}}
}

func (s *stats) attempt(kind, label string, d time.Duration, ok bool) {
	s.status[label]++
	s.byKind[kind]++
	s.allLatency = append(s.allLatency, d)
	if ok {
		s.okLatency = append(s.okLatency, d)
	}
}

func (s *stats) ack(channel, id string, created bool, status string, d time.Duration) {
	s.ids = append(s.ids, id)
	s.acked[channel]++
	s.e2eLatency = append(s.e2eLatency, d)
	if created {
		s.created++
	} else {
		s.replayed++
	}
	switch status {
	case "counted":
		s.counted++
	case "excluded":
		s.excluded++
	}
}

func (s *stats) fail(channel, reason string) { s.failures[channel+": "+reason]++ }

// Report is the outcome of a run.
type Report struct {
	URLs        []string `json:"urls"`
	Concurrency int      `json:"concurrency"`
	Mix         string   `json:"mix"`
	Elapsed     float64  `json:"elapsed_s"`
	Started     int64    `json:"submissions_started"`
	Acked       int      `json:"acknowledged"`
	Created     int      `json:"created_201"`
	Replayed    int      `json:"replayed_200"`
	Counted     int      `json:"counted"`
	Excluded    int      `json:"excluded"`
	Retried     int      `json:"acknowledged_after_retry"`
	Failed      int      `json:"failed"`
	Ambiguous   int      `json:"ambiguous"`
	Invitations int      `json:"invitations"`
	// InvitationsAhead is how many of the invitations issued before the run (--links-ahead) the run used.
	InvitationsAhead int            `json:"invitations_ahead_used"`
	Attempts         int            `json:"attempts"`
	Throughput       float64        `json:"throughput_per_s"`
	AttemptRate      float64        `json:"attempts_per_s"`
	Latency          Percentiles    `json:"latency_ms"`      // successful attempts
	E2E              Percentiles    `json:"end_to_end_ms"`   // acknowledged submissions, retries included
	AllLatency       Percentiles    `json:"all_attempts_ms"` // every attempt, failures included
	Status           map[string]int `json:"status_counts"`
	ByChannel        map[string]int `json:"acknowledged_by_channel"`
	Failures         map[string]int `json:"failures"`
	// MissingRetryAfter counts 503/429 answers without a Retry-After header (the contract requires one).
	MissingRetryAfter int      `json:"missing_retry_after"`
	Interrupted       bool     `json:"interrupted"`
	IDs               []string `json:"-"`
	AmbiguousIDs      []string `json:"-"`
}

// Percentiles of a latency distribution, in milliseconds.
type Percentiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(ds)))) - 1
		return float64(ds[max(0, min(i, len(ds)-1))].Microseconds()) / 1000
	}
	return Percentiles{N: len(ds), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: at(1)}
}

func merge(cfg *Config, all []*stats, elapsed time.Duration, started int64) *Report {
	r := &Report{URLs: cfg.URLs, Concurrency: cfg.Concurrency, Mix: cfg.Mix.String(), Elapsed: elapsed.Seconds(),
		Started: started, Status: map[string]int{}, ByChannel: map[string]int{}, Failures: map[string]int{}}
	var ok, every, e2e []time.Duration
	for _, s := range all {
		ok = append(ok, s.okLatency...)
		every = append(every, s.allLatency...)
		e2e = append(e2e, s.e2eLatency...)
		for k, v := range s.status {
			r.Status[k] += v
			r.Attempts += v
		}
		for k, v := range s.acked {
			r.ByChannel[k] += v
		}
		for k, v := range s.failures {
			r.Failures[k] += v
			r.Failed += v
		}
		r.IDs = append(r.IDs, s.ids...)
		r.AmbiguousIDs = append(r.AmbiguousIDs, s.ambiguousIDs...)
		r.Created += s.created
		r.Replayed += s.replayed
		r.Counted += s.counted
		r.Excluded += s.excluded
		r.Retried += s.retried
		r.Invitations += s.invitations
		r.MissingRetryAfter += s.missingRetryAfter
	}
	r.Acked = len(r.IDs)
	r.Ambiguous = len(r.AmbiguousIDs)
	r.Latency, r.AllLatency, r.E2E = percentiles(ok), percentiles(every), percentiles(e2e)
	if elapsed > 0 {
		r.Throughput = float64(r.Acked) / elapsed.Seconds()
		r.AttemptRate = float64(r.Attempts) / elapsed.Seconds()
	}
	return r
}

// Print writes the human report.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "qiymet-load: %s, %d clients, mix %s, %.1f s%s\n", strings.Join(r.URLs, " "), r.Concurrency, r.Mix, r.Elapsed,
		map[bool]string{true: " (interrupted)", false: ""}[r.Interrupted])
	fmt.Fprintf(w, "  submissions  started %d  acknowledged %d (201: %d, 200 replay: %d; counted %d, excluded %d)  failed %d  ambiguous %d\n",
		r.Started, r.Acked, r.Created, r.Replayed, r.Counted, r.Excluded, r.Failed, r.Ambiguous)
	ahead := ""
	if r.InvitationsAhead > 0 {
		ahead = fmt.Sprintf(", %d issued before the run", r.InvitationsAhead)
	}
	fmt.Fprintf(w, "  throughput   %.1f acknowledged/s  (%.1f attempts/s, %d acknowledged after a retry, %d invitations%s)\n",
		r.Throughput, r.AttemptRate, r.Retried, r.Invitations, ahead)
	pr := func(name string, p Percentiles) {
		fmt.Fprintf(w, "  %-12s p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (n=%d)\n", name, p.P50, p.P95, p.P99, p.Max, p.N)
	}
	pr("latency", r.Latency)
	pr("end-to-end", r.E2E)
	fmt.Fprintf(w, "  by channel   %s\n", kv(r.ByChannel))
	fmt.Fprintf(w, "  attempts     %s\n", kv(r.Status))
	if len(r.Failures) > 0 {
		fmt.Fprintf(w, "  failures     %s\n", kv(r.Failures))
	}
	if r.MissingRetryAfter > 0 {
		fmt.Fprintf(w, "  WARNING      %d 503/429 answers without Retry-After\n", r.MissingRetryAfter)
	}
}

func kv(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "  ")
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteIDs writes every acknowledged id, one a line.
func (r *Report) WriteIDs(path string) error {
	var buf bytes.Buffer
	for _, id := range r.IDs {
		buf.WriteString(id)
		buf.WriteByte('\n')
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
