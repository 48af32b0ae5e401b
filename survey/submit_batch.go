package survey

import (
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// Submission batches (batcher): kiosk, API and link submissions are stored in batches, one transaction
// each, and a 201 is answered only after its batch committed.
//
// One committer queue for every channel. SQLite has one writer at a time, so one committer. On PostgreSQL
// QIYMET_INGEST_COMMITTERS batches may be in flight at once (DefaultCommitters, 1: fewer, larger batches cost
// PostgreSQL less a row; docs/scaling.md). The kiosk locks keep the burst rule exact between several, as
// between instances.

// batchedSubmission is one prepared response waiting for its batch.
type batchedSubmission struct {
	r              *Response
	status, reason string // as prepared: each attempt at the batch starts from them
}

// submissionOutcome is what the batch answers one submission.
type submissionOutcome struct {
	inserted bool // false: the id was already stored (a replay or a conflict)
	err      error
}

// insertBatched stores r (applying the kiosk burst rule, and claiming a link's invitation) through the committer
// and reports whether it was inserted or its id already existed. A link whose invitation was used meanwhile
// gets a token_used error.
func (s *Store) insertBatched(ctx context.Context, r *Response) (bool, error) {
	res, err := s.submissions.do(ctx, &batchedSubmission{r: r, status: r.Status, reason: r.Reason})
	if err != nil {
		return false, err
	}
	return res.inserted, res.err
}

// IngestStats is what this store's submission committers did so far: how many batches they sent, how many
// submissions those carried (their mean size under load), and how long they spent committing them. Busy time
// growing by nearly a second per second and committer means the committers are the limit of ingest.
type IngestStats = batchStats

// IngestStats reports the submission committers' work so far (in this process).
func (s *Store) IngestStats() IngestStats { return s.submissions.stats() }

// commitSubmissionBatch is the committer's commit: each attempt starts from the statuses as prepared.
func (s *Store) commitSubmissionBatch(ctx context.Context, batch []*batchedSubmission) ([]submissionOutcome, error) {
	for _, q := range batch {
		q.r.Status, q.r.Reason = q.status, q.reason
	}
	if s.dialect == "pg" {
		return s.commitSubmissionBatchPG(ctx, batch)
	}
	defer s.takeWriteTurn()()
	return s.commitSubmissionBatchSQLite(ctx, batch)
}

// takeWriteTurn makes SQLite's two batch committers (submissions, invitations) take turns in Go: one waiting
// for the database's write lock instead would sleep in SQLite's busy handler, in steps of up to 100 ms. It
// returns the release.
func (s *Store) takeWriteTurn() func() {
	if s.dialect == "pg" {
		return func() {}
	}
	s.writeTurn.Lock()
	return s.writeTurn.Unlock
}

// linkRows answers the batch's link submissions whose invitation this batch did not claim (a second one with
// the same link in the batch included) with token_used, and returns the rows to insert. It consumes claimed.
func linkRows(batch []*batchedSubmission, claimed map[int64]bool, res []submissionOutcome) []*Response {
	rows := make([]*Response, 0, len(batch))
	for i, q := range batch {
		if inv := q.r.InvitationID; inv != 0 {
			if !claimed[inv] {
				res[i].err = errTokenUsed()
				continue
			}
			delete(claimed, inv)
		}
		rows = append(rows, q.r)
	}
	return rows
}

// markInserted answers the requests whose row was inserted (fresh holds the ids inserted): of two requests
// with one id in one batch, only the first inserted it.
func markInserted(batch []*batchedSubmission, res []submissionOutcome, fresh map[string]bool) {
	for i, q := range batch {
		if res[i].err == nil && fresh[q.r.ID] {
			res[i].inserted = true
			delete(fresh, q.r.ID)
		}
	}
}

// casesOfBatch returns the cases the batch's inserted rows open.
func casesOfBatch(batch []*batchedSubmission, res []submissionOutcome) []*Case {
	var cs []*Case
	for i, q := range batch {
		if res[i].inserted && q.r.opensCase() {
			cs = append(cs, newCaseFor(q.r))
		}
	}
	return cs
}

// sortByID puts rows in id order: two batches inserting the same ids (a client's retry racing its first
// attempt) then wait for each other in one order, never in a cycle.
func sortByID(rows []*Response) {
	slices.SortStableFunc(rows, func(a, b *Response) int { return strings.Compare(a.ID, b.ID) })
}

// insertBatchRows inserts rows (in id order), skipping ids already stored, and returns the ids it inserted.
func insertBatchRows(ctx context.Context, db bun.IDB, rows []*Response) (map[string]bool, error) {
	sortByID(rows)
	var ids []string
	err := db.NewInsert().Model(&rows).ExcludeColumn("seq").On("CONFLICT (id) DO NOTHING").Returning("id").Scan(ctx, &ids)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	return setOf(ids), nil
}

// commitSubmissionBatchSQLite stores a batch in one transaction and answers each request: inserted, its id already stored,
// or (a link) its invitation already used.
func (s *Store) commitSubmissionBatchSQLite(ctx context.Context, batch []*batchedSubmission) ([]submissionOutcome, error) {
	res := make([]submissionOutcome, len(batch))
	err := s.inTx(ctx, func(tx bun.Tx) error {
		clear(res)
		if err := s.applyBatchBurstRule(ctx, tx, batch); err != nil {
			return err
		}
		claimed, err := claimBatchInvitations(ctx, tx, batch, s.now().UnixMicro())
		if err != nil {
			return err
		}
		rows := linkRows(batch, claimed, res)
		if len(rows) == 0 {
			return nil
		}
		fresh, err := insertBatchRows(ctx, tx, rows)
		if err != nil {
			return err
		}
		markInserted(batch, res, fresh)
		// The cases the inserted rows open, in this transaction (store_case.go).
		if _, err := openCases(ctx, tx, casesOfBatch(batch, res)); err != nil {
			return err
		}
		var unclaim []int64
		for i, q := range batch {
			if res[i].err == nil && !res[i].inserted && q.r.InvitationID != 0 {
				unclaim = append(unclaim, q.r.InvitationID) // not stored (its id was): the link stays unused
			}
		}
		if len(unclaim) > 0 {
			_, err = tx.NewUpdate().Table("invitations").Set("used_us = NULL").Where("id IN (?)", bun.List(unclaim)).Exec(ctx)
		}
		return err
	})
	return res, err
}

// claimBatchInvitations marks the invitations of the batch's link submissions used and returns those it
// claimed (an invitation used before, by another transaction, is not).
func claimBatchInvitations(ctx context.Context, tx bun.Tx, batch []*batchedSubmission, nowUS int64) (map[int64]bool, error) {
	ids := batchIDs(batch, func(r *Response) int64 { return r.InvitationID }) // row locks in id order: no deadlock
	if len(ids) == 0 {
		return nil, nil
	}
	var got []int64
	err := tx.NewUpdate().Table("invitations").Set("used_us = ?", nowUS).
		Where("id IN (?) AND used_us IS NULL", bun.List(ids)).Returning("id").Scan(ctx, &got)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	return setOf(got), nil
}

// applyBatchBurstRule applies the burst rule (markBursts) in SQLite's write transaction, which holds the
// whole database: no other writer can store a kiosk's submission meanwhile.
func (s *Store) applyBatchBurstRule(ctx context.Context, tx bun.Tx, batch []*batchedSubmission) error {
	if s.burst <= 0 {
		return nil
	}
	where, args := recentWhere(batch, s.burst.Microseconds())
	if where == "" {
		return nil // no kiosk in the batch
	}
	var recent []struct {
		KioskID     int64 `bun:"kiosk_id"`
		SubmittedUS int64 `bun:"submitted_us"`
	}
	if err := tx.NewSelect().Table("responses").Column("kiosk_id", "submitted_us").Where(where, args...).
		Scan(ctx, &recent); err != nil && !isNoRows(err) {
		return err
	}
	seen := map[int64][]int64{}
	for _, x := range recent {
		seen[x.KioskID] = append(seen[x.KioskID], x.SubmittedUS)
	}
	markBursts(batch, seen, s.burst.Microseconds())
	return nil
}

// batchKiosks lists the batch's kiosks in id order (the order their locks are taken in).
func batchKiosks(batch []*batchedSubmission) []int64 {
	return batchIDs(batch, func(r *Response) int64 { return r.KioskID })
}

// batchIDs lists the distinct non-zero ids that field gives for the batch's rows, in ascending order.
func batchIDs(batch []*batchedSubmission, field func(*Response) int64) []int64 {
	var ids []int64
	for _, q := range batch {
		if id := field(q.r); id != 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// recentWhere selects the stored submissions of the batch's kiosks that can make one of the batch's a burst:
// per kiosk, from a window before its earliest to its latest (a kiosk draining an old queue does not widen
// the others' ranges).
func recentWhere(batch []*batchedSubmission, window int64) (string, []any) {
	type span struct{ lo, hi int64 }
	spans := map[int64]*span{}
	var order []int64
	for _, q := range batch {
		k, at := q.r.KioskID, q.r.SubmittedUS
		if k == 0 {
			continue
		}
		if sp := spans[k]; sp != nil {
			sp.lo, sp.hi = min(sp.lo, at), max(sp.hi, at)
			continue
		}
		spans[k] = &span{at, at}
		order = append(order, k)
	}
	conds := make([]string, len(order))
	args := make([]any, 0, 3*len(order))
	for i, k := range order {
		conds[i] = "(kiosk_id = ? AND submitted_us > ? AND submitted_us <= ?)"
		args = append(args, k, spans[k].lo-window, spans[k].hi)
	}
	return strings.Join(conds, " OR "), args
}

// markBursts excludes a kiosk submission made sooner than the burst window after the kiosk's previous one (by
// submitted_at, so a queue drained after an outage keeps its real spacing): seen holds each kiosk's stored
// submission times, and earlier submissions of the same batch count too.
func markBursts(batch []*batchedSubmission, seen map[int64][]int64, window int64) {
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
}

// setOf returns the set of xs.
func setOf[T comparable](xs []T) map[T]bool {
	set := make(map[T]bool, len(xs))
	for _, x := range xs {
		set[x] = true
	}
	return set
}
