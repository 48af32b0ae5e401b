package survey

import "context"

// storer runs store on each queued item, in order, in a goroutine of its own, so the caller prepares the next
// item while the database works on this one. After a failure it drops what is still queued, and put reports
// errBulkStopped; wait returns the failure.
type storer[T any] struct {
	items  chan T
	failed chan struct{} // closed when store failed
	done   chan error
}

func startStorer[T any](queue int, store func(T) error) *storer[T] {
	st := &storer[T]{items: make(chan T, queue), failed: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		var err error
		for it := range st.items {
			if err != nil {
				continue // drain until the caller stops
			}
			if err = store(it); err != nil {
				close(st.failed)
			}
		}
		st.done <- err
	}()
	return st
}

// put queues an item (waiting while the queue is full).
func (st *storer[T]) put(ctx context.Context, it T) error {
	select {
	case st.items <- it:
		return nil
	case <-st.failed:
		return errBulkStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the queue, waits for the items stored before it, and returns store's failure.
func (st *storer[T]) wait() error {
	close(st.items)
	return <-st.done
}
