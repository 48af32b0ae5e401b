package survey

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiymet/qiymet/scoring"
	"github.com/uptrace/bun"
)

// Cases (CONTRACT §11): a counted response whose primary answer is in the bottom two points opens one case, in
// the response's transaction, for the agency to act on within its SLA. The store side is store_case.go.

// Case statuses: open → acknowledged → resolved; a reopened case is open again.
const (
	CaseOpen         = "open"
	CaseAcknowledged = "acknowledged"
	CaseResolved     = "resolved"
)

// CaseStatuses lists the statuses in their order.
var CaseStatuses = []string{CaseOpen, CaseAcknowledged, CaseResolved}

// Case actions (POST /api/v1/cases/{id}/events), and "open", the first event of every trail.
const (
	CaseActionOpen        = "open"
	CaseActionAcknowledge = "acknowledge"
	CaseActionResolve     = "resolve"
	CaseActionReopen      = "reopen"
	CaseActionComment     = "comment"
)

// CaseActions are the actions a user can take.
var CaseActions = []string{CaseActionAcknowledge, CaseActionResolve, CaseActionReopen, CaseActionComment}

// Resolutions of a resolved case.
var CaseResolutions = []string{"fixed", "explained", "referred", "no_action"}

// DefaultSLA is an agency's case SLA unless an admin sets another; MaxSLAHours bounds what they can set.
const (
	DefaultSLA        = 72 * time.Hour
	MaxSLAHours       = 24 * 365
	MaxCaseNote       = 2000
	MaxCaseEventBytes = 8 << 10 // the largest event body
)

// Case is one case. Times are stored as microseconds; JSON gives RFC 3339 (CaseJSON).
type Case struct {
	bun.BaseModel `bun:"table:cases"`
	ID            string  `bun:"id,pk"`
	ResponseID    string  `bun:"response_id"`
	Agency        string  `bun:"agency_code"`
	Center        string  `bun:"center_code,nullzero"`
	Service       string  `bun:"service_code,nullzero"`
	Score         float64 `bun:"score"`
	Comment       string  `bun:"comment,nullzero"`
	OpenedUS      int64   `bun:"opened_us"`
	DueUS         int64   `bun:"due_us"`
	Status        string  `bun:"status"`
	Resolution    string  `bun:"resolution,nullzero"`
	Note          string  `bun:"note,nullzero"`
	ResolvedUS    int64   `bun:"resolved_us,nullzero"`
	OverdueUS     int64   `bun:"overdue_us,nullzero"` // when case.overdue was emitted (once)
}

// CaseEvent is one step of a case's trail: who did what, when.
type CaseEvent struct {
	bun.BaseModel `bun:"table:case_events"`
	ID            int64  `bun:"id,pk,autoincrement"`
	CaseID        string `bun:"case_id"`
	AtUS          int64  `bun:"at_us"`
	ActorID       int64  `bun:"actor_id,nullzero"`
	Actor         string `bun:"actor"`
	Action        string `bun:"action"`
	Resolution    string `bun:"resolution,nullzero"`
	Note          string `bun:"note,nullzero"`
}

// CaseJSON is a case as the API, the events and the dashboard show it (no secrets: the comment is the
// citizen's, the note the manager's).
type CaseJSON struct {
	ID         string          `json:"id"`
	Agency     string          `json:"agency"`
	Center     *string         `json:"center"`
	Service    *string         `json:"service"`
	ResponseID string          `json:"response_id"`
	Score      float64         `json:"score"`
	Comment    *string         `json:"comment"`
	OpenedAt   string          `json:"opened_at"`
	DueAt      string          `json:"due_at"`
	Status     string          `json:"status"`
	Resolution *string         `json:"resolution"`
	Note       *string         `json:"note"`
	ResolvedAt *string         `json:"resolved_at"`
	Events     []CaseEventJSON `json:"events,omitempty"`
}

// CaseEventJSON is one trail step in JSON.
type CaseEventJSON struct {
	At         string  `json:"at"`
	Actor      string  `json:"actor"`
	Action     string  `json:"action"`
	Resolution *string `json:"resolution"`
	Note       *string `json:"note"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func usRFC3339(us int64) string { return time.UnixMicro(us).UTC().Format(time.RFC3339) }

// JSON is the case as §11 shows it, with its trail when given.
func (c *Case) JSON(trail []CaseEvent) CaseJSON {
	j := CaseJSON{ID: c.ID, Agency: c.Agency, Center: optString(c.Center), Service: optString(c.Service),
		ResponseID: c.ResponseID, Score: scoring.Round2(c.Score), Comment: optString(c.Comment),
		OpenedAt: usRFC3339(c.OpenedUS), DueAt: usRFC3339(c.DueUS), Status: c.Status,
		Resolution: optString(c.Resolution), Note: optString(c.Note)}
	if c.ResolvedUS != 0 {
		at := usRFC3339(c.ResolvedUS)
		j.ResolvedAt = &at
	}
	for _, e := range trail {
		j.Events = append(j.Events, CaseEventJSON{At: usRFC3339(e.AtUS), Actor: e.Actor, Action: e.Action,
			Resolution: optString(e.Resolution), Note: optString(e.Note)})
	}
	return j
}

// Trail is the case's whole trail: its opening (by "system", when it was opened), then the stored steps.
func (c *Case) Trail(stored []CaseEvent) []CaseEvent {
	open := CaseEvent{CaseID: c.ID, AtUS: c.OpenedUS, Actor: "system", Action: CaseActionOpen}
	return append([]CaseEvent{open}, stored...)
}

// Overdue reports whether the case is unresolved past its due time at now.
func (c *Case) Overdue(now time.Time) bool {
	return c.Status != CaseResolved && now.UnixMicro() > c.DueUS
}

// OpenedAt and DueAt are the case's times.
func (c *Case) OpenedAt() time.Time { return time.UnixMicro(c.OpenedUS).UTC() }
func (c *Case) DueAt() time.Time    { return time.UnixMicro(c.DueUS).UTC() }

// SLA is the agency's case SLA.
func (a *Agency) SLA() time.Duration {
	if a.SLAHours > 0 {
		return time.Duration(a.SLAHours) * time.Hour
	}
	return DefaultSLA
}

// opensCase reports whether r, as stored, opens a case: counted, primary answer in the bottom two points.
func (r *Response) opensCase() bool { return r.Bottom2 && r.Status == StatusCounted }

// CaseAction is the body of POST /api/v1/cases/{id}/events.
type CaseAction struct {
	Action     string `json:"action"`
	Resolution string `json:"resolution"`
	Note       string `json:"note"`
}

// DecodeCaseAction parses and checks an event body strictly: malformed JSON or invalid UTF-8 is invalid_json,
// an unknown action, a resolution where none belongs (or a missing one), or a note too long is invalid_field.
func DecodeCaseAction(body []byte) (*CaseAction, error) {
	if len(body) > MaxCaseEventBytes {
		return nil, Errorf(CodePayloadTooLarge, "", "the body is larger than %d bytes", MaxCaseEventBytes)
	}
	if err := checkText(body); err != nil {
		return nil, err
	}
	var a CaseAction
	if err := decodeStrict(body, &a); err != nil {
		return nil, err
	}
	return &a, a.Validate()
}

// Validate checks an action on its own (whether the case's status allows it is the store's to say).
func (a *CaseAction) Validate() error {
	a.Note = strings.TrimSpace(a.Note)
	if strings.ContainsRune(a.Note, 0) {
		return Errorf(CodeInvalidJSON, "note", "note contains a NUL character")
	}
	if n := utf8.RuneCountInString(a.Note); n > MaxCaseNote {
		return FieldError("note", "note is %d characters; at most %d", n, MaxCaseNote)
	}
	switch a.Action {
	case CaseActionResolve:
		if !slices.Contains(CaseResolutions, a.Resolution) {
			return FieldError("resolution", "resolution must be fixed, explained, referred or no_action")
		}
	case CaseActionAcknowledge, CaseActionReopen, CaseActionComment:
		if a.Resolution != "" {
			return FieldError("resolution", "only resolve takes a resolution")
		}
		if a.Action == CaseActionComment && a.Note == "" {
			return FieldError("note", "a comment needs a note")
		}
	default:
		return FieldError("action", "action must be acknowledge, resolve, reopen or comment")
	}
	return nil
}

// nextStatus is the status action moves a case in status to, or an error when the transition is not allowed.
func nextStatus(status, action string) (string, error) {
	switch {
	case action == CaseActionComment:
		return status, nil
	case action == CaseActionAcknowledge && status == CaseOpen:
		return CaseAcknowledged, nil
	case action == CaseActionResolve && (status == CaseOpen || status == CaseAcknowledged):
		return CaseResolved, nil
	case action == CaseActionReopen && status == CaseResolved:
		return CaseOpen, nil
	}
	return "", &TransitionError{Status: status, Action: action}
}

// TransitionError is an action the case's status does not allow: invalid_field (422) on "action". The web
// layer tells it in the user's language from Status and Action.
type TransitionError struct{ Status, Action string }

func (e *TransitionError) Error() string { return e.Unwrap().Error() }

// Unwrap is the contract's error object.
func (e *TransitionError) Unwrap() error {
	return FieldError("action", "a case that is %s cannot be %s", e.Status, pastTense(e.Action))
}

func pastTense(action string) string {
	switch action {
	case CaseActionAcknowledge:
		return "acknowledged"
	case CaseActionResolve:
		return "resolved"
	case CaseActionReopen:
		return "reopened"
	}
	return action
}
