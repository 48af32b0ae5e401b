package survey

import (
	"context"
	"database/sql/driver"
	"slices"
	"strconv"
	"strings"
)

// commitSubmissionBatchPG stores a batch on PostgreSQL in one round trip: the statements below go as one multi-statement
// query on one connection (each statement still gets its own snapshot, as in any READ COMMITTED transaction).
//
//	BEGIN; lock the batch's kiosks (advisory locks, in id order: the procedure lock_kiosks);
//	EXECUTE the batch's prepared statement (ingest_pg.go) with the rows and their cases as JSON:
//	  claim the links' invitations, INSERT the rows whose link was claimed (the burst rule applied against the
//	  stored rows), open their cases; SELECT what was inserted and claimed;
//	give back a claimed invitation whose row was not stored (its id was); COMMIT
//
// A batch of API submissions alone needs neither lock nor transaction: it is the EXECUTE, in autocommit.
// Under load a round trip costs more than the statements in it, so one round trip per batch is what lets the
// committer keep up; and planning the statement cost as much as running it, so it is prepared.

// batchInsertSelect is the SELECT list moving the batch's rows (v, with its burst flag) into responses: the
// columns as given, but a burst's status and reason.
var batchInsertSelect = func() string {
	cols := make([]string, len(responseColumns))
	for i, c := range responseColumns {
		switch c.name {
		case "status":
			cols[i] = "CASE WHEN v.burst THEN '" + StatusExcluded + "' ELSE v.status END"
		case "reason":
			cols[i] = "CASE WHEN v.burst THEN '" + ReasonBurst + "' ELSE v.reason END"
		default:
			cols[i] = "v." + c.name
		}
	}
	return strings.Join(cols, ", ")
}()

func (s *Store) commitSubmissionBatchPG(ctx context.Context, batch []*batchedSubmission) (res []submissionOutcome, err error) {
	res = make([]submissionOutcome, len(batch))
	window := s.burst.Microseconds()
	if window > 0 {
		// Bursts within the batch; the statement checks each kiosk row against the stored ones.
		markBursts(batch, map[int64][]int64{}, window)
	}
	// One row per id: a later request with the same id is answered from the stored row (a replay, or
	// id_conflict if its content differs), never by which of the two the database happened to keep. One row
	// per link: a second submission with the same link is token_used.
	rows := make([]*Response, 0, len(batch))
	ids := make(map[string]bool, len(batch))
	var invs []int64
	for i, q := range batch {
		inv := q.r.InvitationID
		switch {
		case ids[q.r.ID]:
		case inv != 0 && slices.Contains(invs, inv):
			res[i].err = errTokenUsed()
		default:
			ids[q.r.ID] = true
			if inv != 0 {
				invs = append(invs, inv)
			}
			rows = append(rows, q.r)
		}
	}
	kiosks := batchKiosks(batch)
	slices.Sort(invs) // row locks in id order: two batches never deadlock on them
	inTx := len(kiosks) > 0 || len(invs) > 0
	at := s.now()
	now, epoch := at.UnixMicro(), planEpoch(at)

	gen := s.db.QueryGen()
	cases, err := batchCases(rows)
	if err != nil {
		return res, err
	}
	shape := ingestShape{links: len(invs) > 0, cases: cases != nil}
	q := make([]byte, 0, 512+300*len(rows))
	if inTx {
		// READ COMMITTED whatever the server's default: the burst check must see what another batch committed
		// while this one waited for the kiosk lock.
		q = append(q, "BEGIN ISOLATION LEVEL READ COMMITTED; "...)
	}
	if len(kiosks) > 0 {
		// One advisory lock per kiosk, taken in id order (so two batches never deadlock), held to the commit:
		// another instance's batch with the same kiosk waits, then sees this one's rows. Nothing is written.
		q = append(q, "CALL lock_kiosks('{"...)
		q = appendInts(q, kiosks)
		q = append(q, "}'); "...)
	}
	if len(kiosks) == 0 {
		window = 0 // no kiosk row: no burst to look for
	}
	lo, hi := burstSpan(rows, window)
	q = gen.AppendQuery(q, "EXECUTE "+shape.name(epoch)+"(?, ?, ", string(responseColumns.appendJSON(nil, rows)), now)
	q = append(q, "'{"...)
	q = appendInts(q, invs)
	var casesArg any // NULL: the shape without cases never reads it
	if cases != nil {
		casesArg = string(cases)
	}
	q = gen.AppendQuery(append(q, "}', "...), "?, ?, ?, ?)", window, casesArg, lo, hi)
	if len(invs) > 0 {
		// A link whose row was not stored (its id was already) leaves its invitation unused: a used invitation
		// always has its response (responses_invitation finds it), so one without is one this batch claimed.
		q = append(q, "; EXECUTE "+giveBackStatement.name(epoch)+"('{"...)
		q = appendInts(q, invs)
		q = gen.AppendQuery(q, "}', ?)", now)
	}
	if inTx {
		q = append(q, "; COMMIT"...)
	}

	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	defer func() {
		if err != nil && inTx {
			// An error aborts the rest of the query, COMMIT included: the transaction may still be open.
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				// The connection's state is unknown: it must not go back to the pool.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
	}()
	result, err := queryPrepared(ctx, conn, string(q), func() string { return shape.prepare(epoch) }, inTx)
	if err != nil {
		return res, err
	}
	type stored struct{ status, reason string }
	fresh := map[string]stored{}
	claimed := map[int64]bool{}
	for result.Next() {
		var row bool
		var id, status, reason string
		if err = result.Scan(&row, &id, &status, &reason); err != nil {
			result.Close()
			return res, err
		}
		if !row {
			inv, _ := strconv.ParseInt(id, 10, 64)
			claimed[inv] = true
			continue
		}
		fresh[id] = stored{status, reason}
	}
	if err = result.Err(); err != nil {
		return res, err
	}
	for i, q := range batch {
		if res[i].err != nil {
			continue
		}
		if inv := q.r.InvitationID; inv != 0 && !claimed[inv] {
			res[i].err = errTokenUsed()
			continue
		}
		if st, ok := fresh[q.r.ID]; ok {
			delete(fresh, q.r.ID) // of two requests with one id, only the first inserted it
			q.r.Status, q.r.Reason = st.status, st.reason
			res[i].inserted = true
		}
	}
	return res, nil
}

// burstSpan is the span of stored times (lo, hi] the burst check of rows may look at: the earliest kiosk row's
// time less the window to the latest one's. Without a kiosk row or a window it is empty.
func burstSpan(rows []*Response, window int64) (lo, hi int64) {
	if window <= 0 {
		return 0, 0
	}
	first := true
	for _, r := range rows {
		if r.KioskID == 0 {
			continue
		}
		if first || r.SubmittedUS-window < lo {
			lo = r.SubmittedUS - window
		}
		if first || r.SubmittedUS > hi {
			hi = r.SubmittedUS
		}
		first = false
	}
	return lo, hi
}

// appendInts writes ids as 1,2,3.
func appendInts(b []byte, ids []int64) []byte {
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return b
}
