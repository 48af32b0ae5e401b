package survey

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

func webhookTarget(id int64) string { return "webhook:" + strconv.FormatInt(id, 10) }

// AddWebhook registers an endpoint for the event types events and returns it with its signing secret, which
// is shown once and stored only sealed.
func (s *Store) AddWebhook(ctx context.Context, rawURL string, events []string) (*Webhook, string, error) {
	u, err := CheckWebhookURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	evs, err := ParseEventList(strings.Join(events, ","))
	if err != nil {
		return nil, "", err
	}
	secret := newSecret(webhookSecretPrefix, 32)
	w := &Webhook{URL: u, Events: strings.Join(evs, ","), Enabled: true, CreatedUS: s.now().UnixMicro()}
	err = s.inTx(ctx, func(tx bun.Tx) error {
		// An enabled endpoint at the same address already taking one of these events would get each of them twice.
		var same []Webhook
		if err := tx.NewSelect().Model(&same).Where("url = ? AND enabled AND removed_us IS NULL", u).Scan(ctx); err != nil {
			return err
		}
		for _, o := range same {
			for _, e := range evs {
				if slices.Contains(o.EventList(), e) {
					return Errorf(CodeInvalidField, "url_taken", "webhook %d already sends %s to %s: change or remove it instead", o.ID, e, u)
				}
			}
		}
		server, err := s.tokenSecret(ctx, tx)
		if err != nil {
			return err
		}
		if w.Secret, err = seal(server, secret); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(w).Exec(ctx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, Change{Action: AuditWebhookAdd, Target: webhookTarget(w.ID), // audit (docs/api.md, "Audit log")
			Details: map[string]any{"url": w.URL, "events": w.Events}})
	})
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// ListWebhooks returns the endpoints not removed, by id.
func (s *Store) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	var out []Webhook
	err := s.db.NewSelect().Model(&out).Where("removed_us IS NULL").OrderExpr("id").Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return out, err
}

// WebhookByID returns one endpoint that was not removed.
func (s *Store) WebhookByID(ctx context.Context, id int64) (*Webhook, error) {
	w := new(Webhook)
	err := s.db.NewSelect().Model(w).Where("id = ? AND removed_us IS NULL", id).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "webhook", "no webhook with id %d", id)
	}
	return w, err
}

// WebhookSecret unseals the signing secret of w.
func (s *Store) WebhookSecret(ctx context.Context, w *Webhook) (string, error) {
	server, err := s.tokenSecret(ctx, s.db)
	if err != nil {
		return "", err
	}
	return unseal(server, w.Secret)
}

// SetWebhookEnabled turns an endpoint on or off. A disabled endpoint gets no new deliveries; those already
// queued still run their retries.
func (s *Store) SetWebhookEnabled(ctx context.Context, id int64, enabled bool) error {
	action := AuditWebhookDisable
	if enabled {
		action = AuditWebhookEnable
	}
	return s.inTx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Webhook)(nil)).Set("enabled = ?", enabled).
			Where("id = ? AND removed_us IS NULL", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "webhook", "no webhook with id %d", id)
		}
		return s.Audit(ctx, tx, Change{Action: action, Target: webhookTarget(id)}) // audit (docs/api.md, "Audit log")
	})
}

// RemoveWebhook removes an endpoint and cancels its deliveries not yet made. Its delivery log stays.
func (s *Store) RemoveWebhook(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx bun.Tx) error {
		now := s.now().UnixMicro()
		res, err := tx.NewUpdate().Model((*Webhook)(nil)).Set("removed_us = ?", now).Set("enabled = ?", false).
			Where("id = ? AND removed_us IS NULL", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "webhook", "no webhook with id %d", id)
		}
		res, err = tx.NewUpdate().Model((*Delivery)(nil)).Set("status = ?", DeliveryCancelled).Set("done_us = ?", now).
			Where("webhook_id = ? AND status = ?", id, DeliveryPending).Exec(ctx)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return s.Audit(ctx, tx, Change{Action: AuditWebhookRemove, Target: webhookTarget(id), // audit (docs/api.md, "Audit log")
			Details: map[string]any{"cancelled_deliveries": n}})
	})
}
