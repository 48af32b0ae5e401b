package survey

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// maxBatch bounds one batch transaction.
const maxBatch = 128

// batcher is a batch committer: callers hand it requests, and one goroutine commits every request waiting at
// that moment as one batch (one statement, one commit). Alone, a request is committed at once; under load, the
// requests that arrive while a commit is flushing share the next. Each caller is answered only after its batch
// committed, so an acknowledgement still means durable.
type batcher[Q, R any] struct {
	// commit stores a batch and answers each request (R may carry a request's own error); an error fails the
	// whole batch. A retryable error (serialization, deadlock) is retried, twice at most.
	commit func(context.Context, []Q) ([]R, error)
	// workers is how many batches may be in flight at once (each its own goroutine and transaction); 0 is 1.
	workers int

	// For /metrics (stats): batches sent (a failed one included), the requests in them, and the time spent
	// committing them.
	batches, requests, busy atomic.Int64

	once    sync.Once
	reqs    chan *batchReq[Q, R]
	stop    chan struct{} // closed by close: the goroutine ends
	stopped sync.Once
}

type batchReq[Q, R any] struct {
	q    Q
	done chan batchRes[R]
}

type batchRes[R any] struct {
	r   R
	err error
}

func errStoreClosed() error { return Errorf(CodeUnavailable, "", "the store is closed") }

// do commits q in a batch and returns its answer.
func (b *batcher[Q, R]) do(ctx context.Context, q Q) (R, error) {
	var zero R
	b.once.Do(func() {
		b.stop = make(chan struct{})
		b.reqs = make(chan *batchReq[Q, R], 1024)
		for range max(1, b.workers) {
			go b.run()
		}
	})
	if b.reqs == nil { // closed before the first request
		return zero, errStoreClosed()
	}
	req := &batchReq[Q, R]{q: q, done: make(chan batchRes[R], 1)}
	select {
	case b.reqs <- req:
	case <-b.stop:
		return zero, errStoreClosed()
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	// A caller that gives up loses only the answer: the batch still commits, and a retry of the same request
	// (same id, same visit) gets the stored result.
	select {
	case res := <-req.done:
		return res.r, res.err
	case <-b.stop:
		return zero, errStoreClosed()
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// batchStats is what a batcher did so far.
type batchStats struct {
	Batches  int64         // batches sent to the database, a failed one included
	Requests int64         // the requests in them
	Busy     time.Duration // time spent committing them, retries included (summed over the workers)
}

func (b *batcher[Q, R]) stats() batchStats {
	return batchStats{Batches: b.batches.Load(), Requests: b.requests.Load(), Busy: time.Duration(b.busy.Load())}
}

// close ends the goroutine (if it ever started).
func (b *batcher[Q, R]) close() {
	b.once.Do(func() { b.stop = make(chan struct{}) }) // never started: nothing to end, nothing may start
	b.stopped.Do(func() {
		if b.stop != nil {
			close(b.stop)
		}
	})
}

func (b *batcher[Q, R]) run() {
	for {
		var first *batchReq[Q, R]
		select {
		case first = <-b.reqs:
		case <-b.stop:
			return
		}
		batch := []*batchReq[Q, R]{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case q := <-b.reqs:
				batch = append(batch, q)
			default:
				break drain
			}
		}
		qs := make([]Q, len(batch))
		for i, req := range batch {
			qs[i] = req.q
		}
		var res []R
		var err error
		start := time.Now()
		for try := 0; try < 3 && (try == 0 || isRetryable(err)); try++ {
			res, err = b.commit(context.Background(), qs)
		}
		b.busy.Add(int64(time.Since(start)))
		b.batches.Add(1)
		b.requests.Add(int64(len(batch)))
		for i, req := range batch {
			if err != nil {
				req.done <- batchRes[R]{err: err}
			} else {
				req.done <- batchRes[R]{r: res[i]}
			}
		}
	}
}
