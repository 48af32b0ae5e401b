package survey

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

// Delivery of the events outbox (docs/api.md, "Webhooks and e-mail"). A dispatcher reads the events past its
// watermark and writes one Delivery per (event, webhook that wants it) and per (event, manager to e-mail), in
// the same transaction that moves the watermark, so a crash can neither lose nor double the fan-out (and the
// unique (event_id, target) makes a second dispatcher's insert a no-op). Workers then claim due deliveries with
// a lease, make one attempt each, and record the outcome; a worker killed mid-attempt leaves a lease that runs
// out, after which the attempt is made again, with the same event id.

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"    // gave up after the retry period
	DeliveryCancelled = "cancelled" // the endpoint was removed
)

// Delivery is one job: an event to one webhook (WebhookID) or to one person by e-mail (Recipient, Lang).
type Delivery struct {
	bun.BaseModel `bun:"table:deliveries"`
	ID            int64  `bun:"id,pk,autoincrement"`
	EventSeq      int64  `bun:"event_seq"`
	EventID       string `bun:"event_id"`
	EventType     string `bun:"event_type"`
	Target        string `bun:"target"` // "webhook:<id>" or "mail:<user id>"
	WebhookID     int64  `bun:"webhook_id,nullzero"`
	Recipient     string `bun:"recipient,nullzero"`
	Lang          string `bun:"lang,nullzero"`
	Status        string `bun:"status"`
	Attempts      int    `bun:"attempts"`
	CreatedUS     int64  `bun:"created_us"`
	NextUS        int64  `bun:"next_us"`
	LeaseUS       int64  `bun:"lease_us,nullzero"`
	LastUS        int64  `bun:"last_us,nullzero"`
	LastStatus    int    `bun:"last_status,nullzero"`
	LastError     string `bun:"last_error,nullzero"`
	DoneUS        int64  `bun:"done_us,nullzero"`
}

// IsMail reports whether the delivery is an e-mail rather than a webhook call.
func (d *Delivery) IsMail() bool { return d.WebhookID == 0 }

// MailEvents are the event types that also go by e-mail to the agency's managers (CONTRACT §11).
var MailEvents = []string{EventCaseOpened, EventCaseOverdue}

type watermark struct {
	bun.BaseModel `bun:"table:notify_watermark"`
	Name          string `bun:"name,pk"`
	Seq           int64  `bun:"seq"`
}

// eventWritersLock is the PostgreSQL advisory lock every transaction that writes an event holds, shared, until
// it ends: a statement trigger on events takes it (migration 20261205000300_notify), so no path can forget it.
const eventWritersLock = 0x71697965745f6576 // "qiyet_ev" = 8172196475491542390, as the trigger spells it

// eventHorizon is the highest seq below which every event is visible, or -1 when that cannot be known now.
// SQLite runs one write transaction at a time, so every event written is visible in seq order. PostgreSQL
// takes a seq at insert but shows the row at commit, so seq 12 may be visible while seq 11 is still being
// written: the horizon is read while holding the writers' lock exclusively for an instant, when no event
// writer is in flight. The lock is only tried, so event writers never wait for the dispatcher for long: the
// function events_horizon (migration 20261205001800_events_horizon) takes it transaction-level, reads the MAX
// and lets it go in the same statement, so writers wait at most for one index read, never for round trips.
func (s *Store) eventHorizon(ctx context.Context) (int64, error) {
	var max int64
	if s.dialect != "pg" {
		err := s.db.NewSelect().Model((*Event)(nil)).ColumnExpr("COALESCE(MAX(seq), 0)").Scan(ctx, &max)
		return max, err
	}
	// Writers hold the lock from their event's insert to their commit, milliseconds: a few tries find a gap
	// even under steady ingest.
	err := s.db.QueryRowContext(ctx, "SELECT events_horizon(?, ?)", horizonTries, horizonPauseMS).Scan(&max)
	return max, err
}

// The horizon's tries of the writers' lock, and the pause between two.
const (
	horizonTries   = 20
	horizonPauseMS = 5
)

// FanOut turns up to limit events past the watermark into deliveries: one per enabled webhook that wants the
// event's type and, when mail is true (SMTP is configured), one per active manager of the event's agency for
// the types of MailEvents. It returns how many events it read.
func (s *Store) FanOut(ctx context.Context, mail bool, limit int) (int, error) {
	horizon, err := s.eventHorizon(ctx)
	if err != nil || horizon < 0 {
		return 0, err
	}
	var n int
	err = s.inTx(ctx, func(tx bun.Tx) error {
		wm := &watermark{Name: "events"}
		q := tx.NewSelect().Model(wm).WherePK()
		if s.dialect == "pg" {
			q = q.For("UPDATE") // one dispatcher at a time; the others wait and then see the moved watermark
		}
		if err := q.Scan(ctx); err != nil {
			return err
		}
		var evs []Event
		err := tx.NewSelect().Model(&evs).Where("seq > ? AND seq <= ?", wm.Seq, horizon).OrderExpr("seq").Limit(int64(limit)).Scan(ctx)
		if err != nil && !isNoRows(err) {
			return err
		}
		n = len(evs)
		if n == 0 {
			return nil
		}
		var hooks []Webhook
		if err := tx.NewSelect().Model(&hooks).Where("enabled AND removed_us IS NULL").Scan(ctx); err != nil && !isNoRows(err) {
			return err
		}
		managers := map[string][]User{}
		if mail {
			var us []User
			if err := tx.NewSelect().Model(&us).Where("role = ? AND disabled_us IS NULL AND agency_code IS NOT NULL", RoleManager).
				OrderExpr("id").Scan(ctx); err != nil && !isNoRows(err) {
				return err
			}
			for _, u := range us {
				managers[u.Agency] = append(managers[u.Agency], u)
			}
		}
		now := s.now().UnixMicro()
		var ds []Delivery
		for _, e := range evs {
			base := Delivery{EventSeq: e.Seq, EventID: e.ID, EventType: e.Type, Status: DeliveryPending, CreatedUS: now, NextUS: now}
			for _, h := range hooks {
				if h.Wants(e.Type) {
					d := base
					d.Target, d.WebhookID = webhookTarget(h.ID), h.ID
					ds = append(ds, d)
				}
			}
			if mail && slices.Contains(MailEvents, e.Type) {
				for _, u := range managers[e.Agency] {
					d := base
					d.Target, d.Recipient, d.Lang = "mail:"+strconv.FormatInt(u.ID, 10), u.Email, u.Lang
					ds = append(ds, d)
				}
			}
		}
		for chunk := range slices.Chunk(ds, 500) {
			if _, err := tx.NewInsert().Model(&chunk).On("CONFLICT (event_id, target) DO NOTHING").Exec(ctx); err != nil {
				return err
			}
		}
		last := evs[len(evs)-1]
		_, err = tx.NewUpdate().Model((*watermark)(nil)).Set("seq = ?", last.Seq).
			Where("name = ?", wm.Name).Exec(ctx)
		return err
	})
	return n, err
}

// Claim is a delivery taken for one attempt, with what the attempt needs.
type Claim struct {
	Delivery
	Event   Event
	Webhook *Webhook // nil for e-mail
	Secret  string   // the webhook's signing secret, unsealed
}

// ClaimDeliveries takes up to n due deliveries for one attempt each, leasing them for lease: no other worker
// (in this process or another on the same database) takes them until the lease runs out or the attempt is
// recorded. PostgreSQL skips rows another claimer holds (FOR UPDATE SKIP LOCKED); SQLite runs one write
// transaction at a time.
func (s *Store) ClaimDeliveries(ctx context.Context, n int, lease time.Duration) ([]Claim, error) {
	now := s.now()
	var ds []Delivery
	err := s.inTx(ctx, func(tx bun.Tx) error {
		sub := tx.NewSelect().Model((*Delivery)(nil)).Column("id").
			Where("status = ? AND next_us <= ? AND COALESCE(lease_us, 0) <= ?", DeliveryPending, now.UnixMicro(), now.UnixMicro()).
			OrderExpr("next_us").Limit(int64(n))
		if s.dialect == "pg" {
			sub = sub.For("UPDATE SKIP LOCKED")
		}
		_, err := tx.NewUpdate().Model(&ds).
			Set("attempts = attempts + 1").Set("lease_us = ?", now.Add(lease).UnixMicro()).Set("last_us = ?", now.UnixMicro()).
			Where("id IN (?)", sub).Returning("*").Exec(ctx)
		return err
	})
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	seqs := make([]int64, 0, len(ds))
	hookIDs := []int64{}
	for _, d := range ds {
		seqs = append(seqs, d.EventSeq)
		if d.WebhookID != 0 {
			hookIDs = append(hookIDs, d.WebhookID)
		}
	}
	var evs []Event
	if err := s.db.NewSelect().Model(&evs).Where("seq IN (?)", bun.List(seqs)).Scan(ctx); err != nil && !isNoRows(err) {
		return nil, err
	}
	bySeq := map[int64]Event{}
	for _, e := range evs {
		bySeq[e.Seq] = e
	}
	hooks := map[int64]*Webhook{}
	if len(hookIDs) > 0 {
		var hs []Webhook
		if err := s.db.NewSelect().Model(&hs).Where("id IN (?)", bun.List(hookIDs)).Scan(ctx); err != nil && !isNoRows(err) {
			return nil, err
		}
		for i := range hs {
			hooks[hs[i].ID] = &hs[i]
		}
	}
	server, err := s.tokenSecret(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make([]Claim, 0, len(ds))
	for _, d := range ds {
		c := Claim{Delivery: d, Event: bySeq[d.EventSeq]}
		if d.WebhookID != 0 {
			c.Webhook = hooks[d.WebhookID]
			if c.Webhook != nil {
				if c.Secret, err = unseal(server, c.Webhook.Secret); err != nil {
					c.Secret = "" // the attempt records the failure: the secret cannot be read
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// Outcome is the result of one attempt. A failure with a zero Next gives up (status failed).
type Outcome struct {
	OK     bool
	Status int    // the HTTP status (webhooks) or SMTP code, 0 if none
	Error  string // what went wrong, for the delivery log
	Next   time.Time
}

// FinishDelivery records the outcome of the attempt c was claimed for. It changes nothing if the lease ran out
// and another attempt has been claimed since (that attempt records its own outcome).
func (s *Store) FinishDelivery(ctx context.Context, c *Claim, o Outcome) error {
	now := s.now().UnixMicro()
	q := s.db.NewUpdate().Model((*Delivery)(nil)).Set("lease_us = NULL").Set("last_status = ?", nullIfZero(o.Status)).
		Set("last_error = ?", nullIfEmpty(clip(o.Error))).
		Where("id = ? AND attempts = ? AND status = ?", c.ID, c.Attempts, DeliveryPending)
	switch {
	case o.OK:
		q = q.Set("status = ?", DeliveryDelivered).Set("done_us = ?", now)
	case o.Next.IsZero():
		q = q.Set("status = ?", DeliveryFailed).Set("done_us = ?", now)
	default:
		q = q.Set("next_us = ?", o.Next.UnixMicro())
	}
	_, err := q.Exec(ctx)
	return err
}

// DeliveryFilter narrows the delivery log; zero fields match everything.
type DeliveryFilter struct {
	WebhookID int64
	Status    string
	Before    int64 // paging: deliveries with a smaller id (newest first)
	Limit     int   // default 50, at most 500
}

// ListDeliveries returns the delivery log newest first, and whether there are more.
func (s *Store) ListDeliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	var out []Delivery
	q := s.db.NewSelect().Model(&out).OrderExpr("id DESC").Limit(int64(f.Limit + 1))
	if f.WebhookID > 0 {
		q = q.Where("webhook_id = ?", f.WebhookID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if err := q.Scan(ctx); err != nil && !isNoRows(err) {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}

// RetryDelivery makes a pending or failed delivery due now ("retry now" on the admin page). An attempt
// already running keeps its lease, so the retry waits for it rather than running beside it.
func (s *Store) RetryDelivery(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Delivery)(nil)).Set("status = ?", DeliveryPending).Set("done_us = NULL").
			Set("next_us = ?", s.now().UnixMicro()).
			Where("id = ? AND status IN (?)", id, bun.List([]string{DeliveryPending, DeliveryFailed})).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "delivery", "no pending or failed delivery with id %d", id)
		}
		return s.Audit(ctx, tx, Change{Action: AuditDeliveryRetry, Target: "delivery:" + strconv.FormatInt(id, 10)}) // audit (docs/api.md, "Audit log")
	})
}
