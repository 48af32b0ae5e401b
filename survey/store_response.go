package survey

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"
)

// Submit validates and stores one response. created is false for an idempotent replay (same id, same content),
// which returns the first answer. The response is committed before Submit returns.
func (s *Store) Submit(ctx context.Context, sub *Submission, cred Credential) (res Result, created bool, err error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return res, false, err
	}
	now := s.now()
	var t Target
	switch {
	case sub.Token != "":
		if cred.Kiosk != nil {
			return res, false, FieldError("token", "a kiosk cannot submit with an invitation token")
		}
		inv, err := s.InvitationByToken(ctx, sub.Token)
		// A used token may still be an idempotent retry of the submission that used it (same id): the
		// transaction below answers that with the first result, and anything else with token_used.
		if err != nil && !(ErrorCode(err) == CodeTokenUsed && sub.ID != "" && inv != nil) {
			return res, false, err
		}
		t = Target{Channel: ChannelLink, InvitationID: inv.ID, Invitation: inv}
	case cred.Kiosk != nil:
		t = Target{Channel: ChannelKiosk, KioskID: cred.Kiosk.ID, KioskCenter: cred.Kiosk.Center, KioskAgency: cred.Kiosk.Agency}
	case cred.APIKey != nil:
		t = Target{Channel: ChannelAPI}
	default:
		return res, false, Errorf(CodeUnauthorized, "", "a kiosk token, an API key or an invitation token is required")
	}
	r, err := cv.Prepare(sub, t, now)
	if err != nil {
		return res, false, err
	}
	// Every channel goes through the batch committer: the unique id decides between a new row and a replay,
	// and a link's invitation is claimed in the same transaction.
	inserted, err := s.insertBatched(ctx, r)
	switch {
	case ErrorCode(err) == CodeTokenUsed && sub.ID != "":
		// A used token may be the idempotent retry of the submission that used it (same id).
		return s.replayOf(ctx, r, err)
	case err != nil:
		return res, false, err
	case !inserted:
		return s.replayOf(ctx, r, errIDTaken)
	}
	return ResultOf(r), true, nil
}

var errIDTaken = errors.New("a response with this id exists")

// replayOf answers a submission whose id is already stored: the first answer when the content is the same,
// id_conflict otherwise. Without a stored row it returns cause (e.g. token_used).
func (s *Store) replayOf(ctx context.Context, r *Response, cause error) (Result, bool, error) {
	prev, err := s.responseByID(ctx, r.ID)
	if err != nil {
		return Result{}, false, err
	}
	if prev == nil && cause == errIDTaken && s.dialect == "pg" {
		// The id is kept (response_keys) but its row is in an archived month (store_partition.go): it is a
		// duplicate all the same, whose first answer is no longer at hand.
		archived, err := s.db.NewSelect().Table("response_keys").Where("id = ?", r.ID).Exists(ctx)
		if err != nil {
			return Result{}, false, err
		}
		if archived {
			return Result{}, false, Errorf(CodeIDConflict, "id", "a response with id %s was stored before and its month is archived", r.ID)
		}
	}
	if prev == nil {
		if cause == nil || cause == errIDTaken {
			cause = Errorf(CodeUnavailable, "", "the response could not be stored; retry")
		}
		return Result{}, false, cause
	}
	if prev.ContentHash != r.ContentHash {
		return Result{}, false, Errorf(CodeIDConflict, "id", "a different response with id %s is already stored", r.ID)
	}
	res := ResultOf(prev)
	res.Bottom2 = r.Bottom2 // the same content, so the same answer; prev, read back, does not carry it
	return res, false, nil
}

// Finding responses by id. SQLite keeps the ids unique in responses itself. PostgreSQL partitions responses by
// month and keeps the ids unique in response_keys, each with its row's primary key (seq, submitted_us), so
// responses has no index on id of its own: a lookup by id goes through the key.

// responseIDIn is the condition on responses (its columns unqualified) that selects the rows whose id is among
// its one argument, a bun.List of ids.
func (s *Store) responseIDIn() string {
	if s.dialect == "pg" {
		return "(seq, submitted_us) IN (SELECT k.seq, k.submitted_us FROM response_keys AS k WHERE k.id IN (?))"
	}
	return "id IN (?)"
}

// joinResponse is the JOIN of the responses (alias r) whose id is the column idCol of the query's table.
func (s *Store) joinResponse(idCol string) string {
	if s.dialect == "pg" {
		return "JOIN response_keys AS rk ON rk.id = " + idCol + " JOIN responses AS r ON " + keyRowJoin("rk", "r")
	}
	return "JOIN responses AS r ON r.id = " + idCol
}

// keyRowJoin joins a response_keys row (alias k) to its response (alias r) on PostgreSQL.
func keyRowJoin(k, r string) string {
	return r + ".seq = " + k + ".seq AND " + r + ".submitted_us = " + k + ".submitted_us"
}

func (s *Store) responseByID(ctx context.Context, id string) (*Response, error) {
	r := new(Response)
	err := s.db.NewSelect().Model(r).Where(s.responseIDIn(), bun.List([]string{id})).Scan(ctx)
	if isNoRows(err) {
		return nil, nil
	}
	return r, err
}

// SetStatus excludes a response (status "excluded" with a reason such as "test" or "duplicate") or counts it
// again (status "counted", reason ""). The database triggers queue the change for the roll-up, so the
// additive cells follow. An unknown id is not_found; a bad status or reason is invalid_field.
func (s *Store) SetStatus(ctx context.Context, id, status, reason string) error {
	id = strings.ToLower(strings.TrimSpace(id))
	if !IsUUID(id) {
		return FieldError("id", "id must be a UUID")
	}
	reason = strings.TrimSpace(reason)
	switch status {
	case StatusCounted:
		if reason != "" {
			return FieldError("reason", "a counted response has no reason")
		}
	case StatusExcluded:
		if !reasonRE.MatchString(reason) {
			return FieldError("reason", "an exclusion needs a reason code matching ^[a-z][a-z0-9_-]{0,31}$, e.g. test")
		}
	default:
		return FieldError("status", "status must be counted or excluded")
	}
	res, err := s.db.NewUpdate().Table("responses").
		Set("status = ?", status).
		Set("reason = ?", nullIfEmpty(reason)).
		Where(s.responseIDIn(), bun.List([]string{id})).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(CodeNotFound, "id", "no response with id %s", id)
	}
	return nil
}

// ResponseCount is the number of stored responses, counted or not.
func (s *Store) ResponseCount(ctx context.Context) (int64, error) {
	n, err := s.db.NewSelect().Table("responses").Count(ctx)
	return int64(n), err
}
