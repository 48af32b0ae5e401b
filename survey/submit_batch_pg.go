package survey

import (
	"context"
	"database/sql/driver"
	"slices"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// commitSubmissionBatchPG stores a batch on PostgreSQL in one round trip: the statements below go as one multi-statement
// query on one connection (each statement still gets its own snapshot, as in any READ COMMITTED transaction).
//
//	BEGIN; lock the batch's kiosks (advisory locks, in id order: the procedure lock_kiosks);
//	WITH v AS (VALUES the rows), claimed AS (claim the links' invitations),
//	     ins AS (INSERT the rows whose link was claimed, the burst rule applied against the stored rows)
//	  SELECT what was inserted and claimed;
//	give back a claimed invitation whose row was not stored (its id was); COMMIT
//
// A batch of API submissions alone needs neither lock nor transaction: it is the INSERT, in autocommit.
// Under load a round trip costs more than the statements in it, so one round trip per batch is what lets the
// committer keep up.

// groupColumns are the columns a batch inserts, in the order batchValues writes them.
const groupColumns = "id, submitted_us, received_us, agency_code, service_code, center_code, channel, kiosk_id, " +
	"invitation_id, survey_code, survey_version, lang, status, reason, comment, answers, score, top2, content_hash"

// batchValuesFirstRow casts the first VALUES row, so that a column NULL in every row still has its column's type.
const batchValuesFirstRow = "(?::text, ?::bigint, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::bigint, " +
	"?::bigint, ?::text, ?::integer, ?::text, ?::text, ?::text, ?::text, ?::text, ?::double precision, ?::boolean, ?::text)"

const batchValuesRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// batchValues appends the VALUES rows of rows.
func batchValues(gen schema.QueryGen, b []byte, rows []*Response) []byte {
	for i, r := range rows {
		format := batchValuesRow
		if i == 0 {
			format = batchValuesFirstRow
		} else {
			b = append(b, ", "...)
		}
		b = gen.AppendQuery(b, format, r.ID, r.SubmittedUS, r.ReceivedUS, r.Agency, nullText(r.Service),
			nullText(r.Center), r.Channel, nullID(r.KioskID), nullID(r.InvitationID), r.Survey, r.SurveyVersion, r.Lang,
			r.Status, nullText(r.Reason), nullText(r.Comment), r.Answers, r.Score, r.Top2, r.ContentHash)
	}
	return b
}

// nullText and nullID store the zero value as NULL, as the model's nullzero columns do.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

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
	now := s.now().UnixMicro()

	gen := s.db.QueryGen()
	q := make([]byte, 0, 512+400*len(rows))
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
	q = append(q, "WITH v ("+groupColumns+") AS (VALUES "...)
	q = batchValues(gen, q, rows)
	q = append(q, ")"...)
	linkFilter := ""
	if len(invs) > 0 {
		q = gen.AppendQuery(append(q, ", "...), "claimed AS (UPDATE invitations SET used_us = ? WHERE id IN (?) AND used_us IS NULL RETURNING id)",
			now, bun.List(invs))
		linkFilter = " WHERE v.invitation_id IS NULL OR v.invitation_id IN (SELECT id FROM claimed)"
	}
	burst := "false"
	if len(kiosks) > 0 && window > 0 {
		// The same rule as markBursts: a stored submission of the kiosk at most window before (and not after).
		burst = gen.FormatQuery("v.kiosk_id IS NOT NULL AND EXISTS (SELECT 1 FROM responses p WHERE p.kiosk_id = v.kiosk_id "+
			"AND p.submitted_us <= v.submitted_us AND p.submitted_us > v.submitted_us - ?)", window)
	}
	q = append(q, ", ins AS (INSERT INTO responses ("+groupColumns+") SELECT "+
		"v.id, v.submitted_us, v.received_us, v.agency_code, v.service_code, v.center_code, v.channel, v.kiosk_id, "+
		"v.invitation_id, v.survey_code, v.survey_version, v.lang, "+
		"CASE WHEN v.burst THEN '"+StatusExcluded+"' ELSE v.status END, CASE WHEN v.burst THEN '"+ReasonBurst+"' ELSE v.reason END, "+
		"v.comment, v.answers, v.score, v.top2, v.content_hash FROM (SELECT v.*, "+burst+" AS burst FROM v OFFSET 0) v"+
		linkFilter+" ORDER BY v.id ON CONFLICT (id) DO NOTHING RETURNING id, status, reason) "+
		"SELECT true, id, status, COALESCE(reason, '') FROM ins"...)
	if len(invs) > 0 {
		q = append(q, " UNION ALL SELECT false, id::text, '', '' FROM claimed"...)
		// A link whose row was not stored (its id was already) leaves its invitation unused: a used invitation
		// always has its response (responses_invitation finds it), so one without is one this batch claimed.
		q = gen.AppendQuery(append(q, "; "...), "UPDATE invitations SET used_us = NULL WHERE id IN (?) AND used_us = ? "+
			"AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = invitations.id)", bun.List(invs), now)
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
	result, err := conn.QueryContext(ctx, string(q))
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
