package survey

import (
	"context"
	"slices"
	"sync"

	"github.com/uptrace/bun"
)

// Group commit: concurrent kiosk and API submissions are stored by one committer goroutine, which takes every
// submission waiting at that moment into one transaction (one multi-row INSERT, one commit). Alone, a
// submission is committed at once; under load, the submissions that arrive while one commit is flushing share
// the next. Every caller is answered only after its transaction committed, so a 201 still means durable.

// maxGroup bounds one group transaction.
const maxGroup = 128

type groupReq struct {
	r    *Response
	done chan groupRes
}

type groupRes struct {
	inserted bool // false: the id was already stored (a replay or a conflict)
	err      error
}

type groupCommitter struct {
	once    sync.Once
	reqs    chan *groupReq
	stop    chan struct{} // closed by Store.Close: the committer goroutine ends
	stopped sync.Once
}

// close ends the committer goroutine (if it ever started).
func (g *groupCommitter) close() {
	g.once.Do(func() { g.stop = make(chan struct{}) }) // never started: nothing to end, nothing may start
	g.stopped.Do(func() {
		if g.stop != nil {
			close(g.stop)
		}
	})
}

// groupInsert stores r (applying the kiosk burst rule) through the committer and reports whether it was
// inserted or its id already existed.
func (s *Store) groupInsert(ctx context.Context, r *Response) (bool, error) {
	s.group.once.Do(func() {
		s.group.reqs = make(chan *groupReq, 1024)
		s.group.stop = make(chan struct{})
		go s.runGroups()
	})
	req := &groupReq{r: r, done: make(chan groupRes, 1)}
	select {
	case s.group.reqs <- req:
	case <-s.group.stop:
		return false, Errorf(CodeUnavailable, "", "the store is closed")
	case <-ctx.Done():
		return false, ctx.Err()
	}
	// Wait for the commit even if the caller gives up: the answer is then lost, and the client's retry with the
	// same id gets the stored result.
	select {
	case res := <-req.done:
		return res.inserted, res.err
	case <-s.group.stop:
		return false, Errorf(CodeUnavailable, "", "the store is closed")
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (s *Store) runGroups() {
	for {
		var first *groupReq
		select {
		case first = <-s.group.reqs:
		case <-s.group.stop:
			return
		}
		batch := []*groupReq{first}
	drain:
		for len(batch) < maxGroup {
			select {
			case q := <-s.group.reqs:
				batch = append(batch, q)
			default:
				break drain
			}
		}
		inserted, err := s.commitGroup(context.Background(), batch)
		for try := 1; try < 3 && isRetryable(err); try++ {
			inserted, err = s.commitGroup(context.Background(), batch)
		}
		for i, q := range batch {
			q.done <- groupRes{inserted: err == nil && inserted[i], err: err}
		}
	}
}

// commitGroup stores a batch in one transaction and reports which requests inserted their row.
func (s *Store) commitGroup(ctx context.Context, batch []*groupReq) ([]bool, error) {
	inserted := make([]bool, len(batch))
	err := s.inTx(ctx, func(tx bun.Tx) error {
		if err := s.applyBurstRuleGroup(ctx, tx, batch); err != nil {
			return err
		}
		rows := make([]*Response, len(batch))
		for i, q := range batch {
			rows[i] = q.r
		}
		var ids []string
		err := tx.NewInsert().Model(&rows).ExcludeColumn("seq").On("CONFLICT (id) DO NOTHING").
			Returning("id").Scan(ctx, &ids)
		if err != nil && !isNoRows(err) {
			return err
		}
		fresh := make(map[string]bool, len(ids))
		for _, id := range ids {
			fresh[id] = true
		}
		for i, q := range batch {
			// Two requests with one id in one batch: only the first inserted it.
			if fresh[q.r.ID] {
				inserted[i] = true
				delete(fresh, q.r.ID)
			}
		}
		return nil
	})
	return inserted, err
}

// applyBurstRuleGroup excludes a kiosk submission made sooner than the burst window after the kiosk's previous
// one (by submitted_at, so a queue drained after an outage keeps its real spacing), counting earlier
// submissions of the same batch. Touching the kiosk rows first (in id order) serialises each kiosk's
// submissions across instances.
func (s *Store) applyBurstRuleGroup(ctx context.Context, tx bun.Tx, batch []*groupReq) error {
	var kiosks []int64
	lo, hi := int64(0), int64(0)
	for _, q := range batch {
		if k := q.r.KioskID; k != 0 {
			if !slices.Contains(kiosks, k) {
				kiosks = append(kiosks, k)
			}
			if lo == 0 || q.r.SubmittedUS < lo {
				lo = q.r.SubmittedUS
			}
			hi = max(hi, q.r.SubmittedUS)
		}
	}
	if len(kiosks) == 0 {
		return nil
	}
	slices.Sort(kiosks)
	if s.dialect == "pg" {
		// Lock the kiosk rows in id order, so two instances' batches can never deadlock on them. (A SQLite
		// write transaction holds the whole database already.)
		var locked []int64
		if err := tx.NewSelect().Table("kiosks").Column("id").Where("id IN (?)", bun.List(kiosks)).
			OrderExpr("id").For("UPDATE").Scan(ctx, &locked); err != nil && !isNoRows(err) {
			return err
		}
	}
	if _, err := tx.NewUpdate().Table("kiosks").Set("last_submit_us = ?", us(s.now())).
		Where("id IN (?)", bun.List(kiosks)).Exec(ctx); err != nil {
		return err
	}
	if s.burst <= 0 {
		return nil
	}
	window := s.burst.Microseconds()
	var recent []struct {
		KioskID     int64 `bun:"kiosk_id"`
		SubmittedUS int64 `bun:"submitted_us"`
	}
	err := tx.NewSelect().Table("responses").Column("kiosk_id", "submitted_us").
		Where("kiosk_id IN (?)", bun.List(kiosks)).Where("submitted_us > ? AND submitted_us <= ?", lo-window, hi).
		Scan(ctx, &recent)
	if err != nil && !isNoRows(err) {
		return err
	}
	seen := map[int64][]int64{}
	for _, x := range recent {
		seen[x.KioskID] = append(seen[x.KioskID], x.SubmittedUS)
	}
	for _, q := range batch {
		r := q.r
		if r.KioskID == 0 {
			continue
		}
		for _, prev := range seen[r.KioskID] {
			if prev <= r.SubmittedUS && r.SubmittedUS-prev < window {
				r.Status, r.Reason = StatusExcluded, ReasonBurst
				break
			}
		}
		seen[r.KioskID] = append(seen[r.KioskID], r.SubmittedUS)
	}
	return nil
}
