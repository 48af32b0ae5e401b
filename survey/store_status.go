package survey

import (
	"context"
	"regexp"
	"strings"
)

var statusReasonRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// SetStatus excludes a response (status "excluded" with a reason such as "test" or "duplicate") or counts it
// again (status "counted", reason ""). The database triggers queue the change for the roll-up, so the
// additive cells follow. An unknown id is not_found; a bad status or reason is invalid_field.
func (s *Store) SetStatus(ctx context.Context, id, status, reason string) error {
	id = strings.ToLower(strings.TrimSpace(id))
	if !uuidRE.MatchString(id) {
		return FieldError("id", "id must be a UUID")
	}
	reason = strings.TrimSpace(reason)
	switch status {
	case StatusCounted:
		if reason != "" {
			return FieldError("reason", "a counted response has no reason")
		}
	case StatusExcluded:
		if !statusReasonRE.MatchString(reason) {
			return FieldError("reason", "an exclusion needs a reason code matching ^[a-z][a-z0-9_-]{0,31}$, e.g. test")
		}
	default:
		return FieldError("status", "status must be counted or excluded")
	}
	res, err := s.db.NewUpdate().Table("responses").
		Set("status = ?", status).
		Set("reason = ?", nullIfEmpty(reason)).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(CodeNotFound, "id", "no response with id %s", id)
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
