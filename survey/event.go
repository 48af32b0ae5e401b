package survey

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"
)

// Events (CONTRACT §11) are what the outside world is told: written to the events table in the same transaction
// as what causes them (a case opened with its response, a case resolved with its event), so that an event exists
// exactly when its cause does. Delivery (webhooks, e-mail) reads the table later and never runs in a request.

// Event types of §11.
const (
	EventCaseOpened   = "case.opened"
	EventCaseOverdue  = "case.overdue"
	EventCaseResolved = "case.resolved"
	EventKioskSilent  = "kiosk.silent"
)

// EventTypes lists every type, in the order the contract names them.
var EventTypes = []string{EventCaseOpened, EventCaseOverdue, EventCaseResolved, EventKioskSilent}

// Event is one row of the outbox. Seq orders events for the dispatcher (a watermark); ID is what receivers see
// and is the same on every delivery attempt. Agency is the agency code the event concerns ("" for none), so
// e-mail can find its managers without parsing Data.
type Event struct {
	bun.BaseModel `bun:"table:events"`
	Seq           int64  `bun:"seq,pk,autoincrement" json:"-"`
	ID            string `bun:"id" json:"id"`
	Type          string `bun:"type" json:"type"`
	CreatedUS     int64  `bun:"created_us" json:"-"`
	Agency        string `bun:"agency" json:"-"`
	Data          string `bun:"data" json:"-"` // a JSON object
}

// CreatedAt is when the event happened.
func (e *Event) CreatedAt() time.Time { return time.UnixMicro(e.CreatedUS).UTC() }

// Body is the webhook payload of §11: {"id", "type", "created_at", "data"}.
func (e *Event) Body() ([]byte, error) {
	return json.Marshal(struct {
		ID        string          `json:"id"`
		Type      string          `json:"type"`
		CreatedAt string          `json:"created_at"`
		Data      json.RawMessage `json:"data"`
	}{e.ID, e.Type, e.CreatedAt().Format(time.RFC3339Nano), json.RawMessage(e.Data)})
}

// emitEvent appends an event of typ about agency with data (marshalled to a JSON object) through db: pass the
// transaction that makes the change it reports.
func emitEvent(ctx context.Context, db bun.IDB, typ, agency string, at time.Time, data any) (*Event, error) {
	e, err := newEvent(typ, agency, at, data)
	if err != nil {
		return nil, err
	}
	if _, err := db.NewInsert().Model(e).Returning("seq").Exec(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// newEvent builds (does not store) an event of typ about agency with data marshalled to a JSON object.
func newEvent(typ, agency string, at time.Time, data any) (*Event, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	return &Event{ID: newEventID(), Type: typ, CreatedUS: at.UnixMicro(), Agency: agency, Data: string(b)}, nil
}

// EventsAfter returns up to limit events with Seq > after, oldest first: the dispatcher's read of the outbox.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int64) ([]Event, error) {
	var evs []Event
	err := s.db.NewSelect().Model(&evs).Where("seq > ?", after).OrderExpr("seq").Limit(limit).Scan(ctx)
	return evs, err
}
