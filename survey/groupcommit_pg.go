package survey

import (
	"context"
	"database/sql/driver"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// commitLockedGroupPG stores a batch of kiosk and link submissions on PostgreSQL in one transaction of two
// round trips, sent as multi-statement queries on one connection (each statement still gets its own snapshot,
// as in any READ COMMITTED transaction):
//
//  1. BEGIN; lock the kiosks (advisory locks, in id order); claim the links' invitations and read the kiosks'
//     recent submissions (one statement: the claimed ids and the times the burst rule needs);
//  2. insert the rows (and give back a claimed invitation whose row was not stored); COMMIT.
//
// Under load a round trip costs far more than the statements in it, so this is what bounds the rate.

// kioskLockClass is the high half of the per-kiosk advisory lock keys (the low half is the kiosk id).
const kioskLockClass = 7_310_002

func (s *Store) commitLockedGroupPG(ctx context.Context, batch []*groupReq) (res []groupRes, err error) {
	res = make([]groupRes, len(batch))
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	open := false
	defer func() {
		if err != nil && open {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				// The connection's state is unknown: it must not go back to the pool.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
	}()
	gen := s.db.QueryGen()
	now := us(s.now())

	// Round trip 1.
	// READ COMMITTED whatever the server's default: the burst SELECT must see what another group committed
	// while this one waited for the kiosk lock.
	q := []string{"BEGIN ISOLATION LEVEL READ COMMITTED"}
	kiosks := batchKiosks(batch)
	if len(kiosks) > 0 {
		// One advisory lock per kiosk, taken in id order (so two groups never deadlock), held to the commit:
		// another instance's group with the same kiosk waits, then sees this one's rows. Nothing is written.
		// (A DO block: a statement that returns no rows, so the one after it is the query's result.)
		q = append(q, "DO $$BEGIN PERFORM pg_advisory_xact_lock(("+strconv.Itoa(kioskLockClass)+"::bigint << 32) | k) FROM unnest('{"+
			joinInts(kiosks)+"}'::bigint[]) AS k; END$$")
	}
	var invs []int64
	for _, b := range batch {
		if inv := b.r.InvitationID; inv != 0 && !slices.Contains(invs, inv) {
			invs = append(invs, inv)
		}
	}
	slices.Sort(invs) // row locks in id order: two groups never deadlock on them
	var with string
	var parts []string
	if len(invs) > 0 {
		with = gen.FormatQuery("WITH claimed AS (UPDATE invitations SET used_us = ? WHERE id IN (?) AND used_us IS NULL RETURNING id) ",
			now, bun.List(invs))
		parts = append(parts, "SELECT 0, id, 0 FROM claimed")
	}
	window := s.burst.Microseconds()
	if len(kiosks) > 0 && window > 0 {
		where, args := recentWhere(batch, window)
		parts = append(parts, "SELECT 1, kiosk_id, submitted_us FROM responses WHERE "+gen.FormatQuery(where, args...))
	}
	if len(parts) > 0 {
		q = append(q, with+strings.Join(parts, " UNION ALL "))
	}
	open = true
	rows, err := conn.QueryContext(ctx, strings.Join(q, "; "))
	if err != nil {
		return res, err
	}
	claimed := map[int64]bool{}
	seen := map[int64][]int64{}
	for rows.Next() {
		var kind, a, b int64
		if err = rows.Scan(&kind, &a, &b); err != nil {
			rows.Close()
			return res, err
		}
		if kind == 0 {
			claimed[a] = true
		} else {
			seen[a] = append(seen[a], b)
		}
	}
	if err = rows.Err(); err != nil {
		return res, err
	}
	if window > 0 {
		markBursts(batch, seen, window)
	}

	// Round trip 2.
	ours := make([]int64, 0, len(claimed)) // the invitations this group claimed
	for id := range claimed {
		ours = append(ours, id)
	}
	ins := linkRows(batch, claimed, res)
	var stmt string
	if len(ins) > 0 {
		sortByID(ins)
		var b []byte
		if b, err = s.db.NewInsert().Model(&ins).ExcludeColumn("seq").On("CONFLICT (id) DO NOTHING").
			Returning("id, invitation_id").AppendQuery(gen, nil); err != nil {
			return res, err
		}
		stmt = "WITH ins AS (" + string(b) + ")"
		if len(ours) > 0 {
			// A link whose row was not stored (its id was already) leaves its invitation unused.
			stmt += ", unclaim AS (" + gen.FormatQuery("UPDATE invitations SET used_us = NULL WHERE id IN (?) "+
				"AND id NOT IN (SELECT invitation_id FROM ins WHERE invitation_id IS NOT NULL)", bun.List(ours)) + ")"
		}
		stmt += " SELECT id FROM ins; "
	}
	fresh := map[string]bool{}
	if rows, err = conn.QueryContext(ctx, stmt+"COMMIT"); err != nil {
		return res, err
	}
	for rows.Next() {
		var id string
		if err = rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		fresh[id] = true
	}
	if err = rows.Err(); err != nil {
		return res, err
	}
	open = false
	markInserted(batch, res, fresh)
	return res, nil
}

// joinInts writes ids as 1,2,3.
func joinInts(ids []int64) string {
	b := make([]byte, 0, 8*len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(b)
}
