package survey

import (
	"context"
	"sync"
)

// roller is the store's one roll-up goroutine. A read that finds changes pending asks it for a pass and waits,
// so no read ever takes a write transaction itself, and readers arriving together share one pass. serve's
// background loop asks it too, every second, so that reads seldom find anything pending.
type roller struct {
	mu      sync.Mutex
	started bool
	closed  bool
	waiting []chan error  // answered by the next pass to start
	wake    chan struct{} // one buffered signal: a pass is wanted
	ctx     context.Context
	stop    context.CancelFunc
	done    chan struct{} // closed when the goroutine has ended
}

// AwaitCells makes the cells hold every change committed before the call. When some are pending, it asks the
// store's roll-up goroutine for a pass and waits for it: the caller itself only reads.
func (s *Store) AwaitCells(ctx context.Context) error {
	current, err := s.CellsCurrent(ctx)
	if err != nil || current {
		return err
	}
	return s.AwaitRollup(ctx)
}

// AwaitRollup asks the store's roll-up goroutine for a pass that starts after the call, so it folds in every
// change pending now, and waits for its end.
func (s *Store) AwaitRollup(ctx context.Context) error {
	r := &s.rollups
	answer := make(chan error, 1)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errStoreClosed()
	}
	if !r.started {
		r.started = true
		r.wake = make(chan struct{}, 1)
		r.done = make(chan struct{})
		r.ctx, r.stop = context.WithCancel(context.Background()) // a pass serves many callers: none may cancel it
		go r.run(s.Rollup)
	}
	r.waiting = append(r.waiting, answer)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default: // a pass is already wanted; it will take this caller along
	}
	select {
	case err := <-answer:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *roller) run(rollup func(context.Context) (int, error)) {
	defer close(r.done)
	for {
		select {
		case <-r.wake:
		case <-r.ctx.Done():
			r.mu.Lock()
			for _, w := range r.waiting {
				w <- errStoreClosed()
			}
			r.waiting = nil
			r.mu.Unlock()
			return
		}
		// Everyone waiting now asked before this pass starts: it folds in all they need.
		r.mu.Lock()
		batch := r.waiting
		r.waiting = nil
		r.mu.Unlock()
		_, err := rollup(r.ctx)
		for _, w := range batch {
			w <- err
		}
	}
}

// close ends the goroutine; a pass under way is cancelled (its transaction rolls back, the changes stay pending).
func (r *roller) close() {
	r.mu.Lock()
	r.closed = true
	started := r.started
	r.mu.Unlock()
	if started {
		r.stop()
		<-r.done
	}
}
