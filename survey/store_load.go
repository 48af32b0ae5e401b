package survey

import (
	"context"
)

// Heavy reads (the pages of an export) take one of a few read slots, fewer than the pool's connections, so
// writes — submissions, credential checks, sessions — always find a connection (docs/api.md, configuration).

// readSlotsOf is how many connections of a pool of size pool heavy reads may hold at once: half, at least one.
func readSlotsOf(pool int) int { return max(1, pool/2) }

// readSlot runs fn holding a read slot; it waits for one as long as ctx allows.
func (s *Store) readSlot(ctx context.Context, fn func() error) error {
	select {
	case s.reads <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.reads }()
	return fn()
}
