package survey

import (
	"net/url"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// Webhooks (CONTRACT §11, docs/api.md "Webhooks and e-mail"): admins register endpoints that are told about
// events of the types they chose. Each endpoint has a signing secret, shown once when it is added. The secret
// must stay usable for HMAC, so it is stored sealed (AES-256-GCM under the server key, as TOTP secrets are:
// QIYMET_SECRET when set), not hashed.

// Webhook is a registered endpoint. Events is the comma-separated list of event types it receives.
type Webhook struct {
	bun.BaseModel `bun:"table:webhooks"`
	ID            int64  `bun:"id,pk,autoincrement" json:"id"`
	URL           string `bun:"url" json:"url"`
	Events        string `bun:"events" json:"events"`
	Secret        string `bun:"secret" json:"-"` // sealed
	Enabled       bool   `bun:"enabled" json:"enabled"`
	CreatedUS     int64  `bun:"created_us" json:"-"`
	RemovedUS     int64  `bun:"removed_us,nullzero" json:"-"`
}

// EventList is the endpoint's event types.
func (w *Webhook) EventList() []string { return strings.Split(w.Events, ",") }

// Wants reports whether the endpoint receives events of type typ.
func (w *Webhook) Wants(typ string) bool { return slices.Contains(w.EventList(), typ) }

const maxWebhookURL = 2000

// webhookSecretPrefix marks signing secrets, so one pasted in the wrong place is recognisable.
const webhookSecretPrefix = "whsec_"

// CheckWebhookURL checks an endpoint URL: absolute http or https, with a host, no credentials or fragment,
// at most 2000 bytes. It returns the URL trimmed.
func CheckWebhookURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxWebhookURL {
		return "", FieldError("url", "a webhook URL of 1 to %d characters is required", maxWebhookURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return "", FieldError("url", "the webhook URL must be an absolute http:// or https:// URL")
	}
	if u.User != nil {
		return "", FieldError("url", "the webhook URL must not carry a user name or password; requests are signed instead")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "", FieldError("url", "the webhook URL must not have a #fragment")
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`"<>\^{|}`+"`", r) {
			return "", FieldError("url", "the webhook URL must not contain spaces, control characters or any of \" < > \\ ^ ` { | } (percent-encode them)")
		}
	}
	return raw, nil
}

// ParseEventList reads a comma-separated list of event types (spaces allowed) into the contract's order,
// without repeats. "all" or "*" means every type. Unknown or missing types are an error.
func ParseEventList(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "all" || s == "*" {
		return slices.Clone(EventTypes), nil
	}
	want := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		p := strings.TrimSpace(part)
		if p == "" {
			continue
		}
		if !slices.Contains(EventTypes, p) {
			return nil, FieldError("events", "unknown event type %q; choose among %s", truncate(p, 40), strings.Join(EventTypes, ", "))
		}
		want[p] = true
	}
	var out []string
	for _, t := range EventTypes {
		if want[t] {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, FieldError("events", "choose at least one event type among %s", strings.Join(EventTypes, ", "))
	}
	return out, nil
}
