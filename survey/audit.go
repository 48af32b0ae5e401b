package survey

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// The audit log (docs/api.md, "Audit log") records every administrative change: who, when, what, from where.
// It is append-only: the store has no path that updates or deletes an entry, and the database refuses both.

// Actor is whoever makes a change: a signed-in user (from an address, with a browser) or a command ("cli").
type Actor struct {
	UserID    int64
	Name      string // the user's email, or "cli"
	IP        string
	UserAgent string
}

// CLIActor is the actor of the qiymet commands.
var CLIActor = Actor{Name: "cli", IP: "cli", UserAgent: "cli"}

type actorKey struct{}

// WithActor marks ctx as acting for a; the store's changes made under ctx are audited as a's.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf is the actor ctx acts for; "system" when none was set (tests, the demo loader).
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "system", IP: "system", UserAgent: "system"}
}

// Audit actions, "entity.verb". Future features add theirs here.
const (
	AuditCatalogApply       = "catalog.apply"
	AuditCatalogDelete      = "catalog.delete"
	AuditUserAdd            = "user.add"
	AuditUserUpdate         = "user.update"
	AuditUserSignOut        = "user.signout"
	AuditUser2FAOn          = "user.2fa_on"
	AuditUser2FAReset       = "user.2fa_reset"
	AuditKioskAdd           = "kiosk.add"
	AuditKioskPairCode      = "kiosk.pairing_code"
	AuditKioskRevoke        = "kiosk.revoke"
	AuditAPIKeyAdd          = "apikey.add"
	AuditAPIKeyRevoke       = "apikey.revoke"
	AuditResponsesImport    = "responses.import"
	AuditPublicationPublish = "publication.publish"
	// Webhooks and their deliveries (store_webhook.go, store_delivery.go).
	AuditWebhookAdd     = "webhook.add"
	AuditWebhookEnable  = "webhook.enable"
	AuditWebhookDisable = "webhook.disable"
	AuditWebhookRemove  = "webhook.remove"
	AuditDeliveryRetry  = "delivery.retry"
	AuditAgencySLA      = "agency.sla"
	AuditSMSUpdate      = "sms.update"
	// composite index (survey/methodology.go, survey/assessment.go)
	AuditMethodologyApply = "methodology.apply"
	AuditAssessmentSave   = "assessment.save"
)

// AuditActions is every action above, for the audit page's filter: a new one is added here too.
var AuditActions = []string{AuditCatalogApply, AuditCatalogDelete, AuditUserAdd, AuditUserUpdate, AuditUserSignOut,
	AuditUser2FAOn, AuditUser2FAReset, AuditKioskAdd, AuditKioskPairCode, AuditKioskRevoke, AuditAPIKeyAdd,
	AuditAPIKeyRevoke, AuditResponsesImport, AuditPublicationPublish, AuditWebhookAdd, AuditWebhookEnable,
	AuditWebhookDisable, AuditWebhookRemove, AuditDeliveryRetry, AuditAgencySLA, AuditSMSUpdate,
	AuditMethodologyApply, AuditAssessmentSave}

// AuditEntry is one line of the log. Details is a short JSON object of what changed: never a secret, a
// password hash or a token.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            int64  `bun:"id,pk,autoincrement" json:"id"`
	AtUS          int64  `bun:"at_us" json:"-"`
	ActorID       int64  `bun:"actor_id,nullzero" json:"actor_id,omitempty"`
	Actor         string `bun:"actor" json:"actor"`
	Action        string `bun:"action" json:"action"`
	Target        string `bun:"target" json:"target"`
	Details       string `bun:"details" json:"details"`
	IP            string `bun:"ip" json:"ip"`
	UserAgent     string `bun:"user_agent" json:"user_agent"`
}

// Change is what Audit is told: the action, its target ("user:a@b.az", "kiosk:7") and what changed.
type Change struct {
	Action  string
	Target  string
	Details map[string]any
}

const maxAuditField = 500

// Audit appends one entry for ch, made by ctx's actor, through db: pass the transaction that makes the change,
// so the change and its entry are stored together or not at all.
func (s *Store) Audit(ctx context.Context, db bun.IDB, ch Change) error {
	if db == nil {
		db = s.db
	}
	a := ActorOf(ctx)
	details := "{}"
	if len(ch.Details) > 0 {
		b, err := json.Marshal(ch.Details)
		if err != nil {
			return err
		}
		details = string(b)
	}
	e := &AuditEntry{AtUS: s.now().UnixMicro(), ActorID: a.UserID, Actor: clip(a.Name), Action: ch.Action,
		Target: clip(ch.Target), Details: details, IP: clip(a.IP), UserAgent: clip(a.UserAgent)}
	_, err := db.NewInsert().Model(e).Exec(ctx)
	return err
}

// clip keeps a free-text field (a user agent, say) short and valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxAuditField {
		return s
	}
	cut := maxAuditField
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
