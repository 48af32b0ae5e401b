package survey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/uptrace/bun"
)

// writeHealth remembers whether the last write failed for want of storage (a full disk, an I/O error), so
// /readyz can report a database that answers but cannot write (docs/api.md, other addresses).
type writeHealth struct {
	mu      sync.Mutex
	failure error // the last write's storage failure; nil once a write succeeds
}

// noteWrite records the outcome of a write: a storage failure marks the store unwritable, a success clears it.
func (s *Store) noteWrite(err error) {
	if err != nil && !IsStorageFailure(err) {
		return
	}
	s.health.mu.Lock()
	s.health.failure = err
	s.health.mu.Unlock()
}

// probeBytes is the size of the probe write of Ready.
const probeBytes = 64 << 10

// watchWrites wraps a batch committer so its outcome reaches noteWrite.
func watchWrites[Q, R any](s *Store, commit func(context.Context, []Q) ([]R, error)) func(context.Context, []Q) ([]R, error) {
	return func(ctx context.Context, q []Q) ([]R, error) {
		r, err := commit(ctx, q)
		s.noteWrite(err)
		return r, err
	}
}

// Ready reports whether the database answers and can write. While the last write failed for want of storage,
// it commits a small probe write (one meta row) so the store is seen ready again as soon as space returns, even
// when no other write comes in.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return err
	}
	s.health.mu.Lock()
	failing := s.health.failure != nil
	s.health.mu.Unlock()
	if !failing {
		return nil
	}
	// As large as a few responses, and fresh bytes each time: a probe smaller than the write that failed could
	// slip into the last free pages and report ready too soon.
	var b [probeBytes / 2]byte
	rand.Read(b[:])
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&metaRow{Key: "write_probe", Value: hex.EncodeToString(b[:])}).
			On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value").Exec(ctx)
		return err
	})
	s.noteWrite(err) // clears on success; any other failure leaves the mark as it was
	return err
}
