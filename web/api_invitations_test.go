package web_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func (e *testEnv) countInvitations(t testing.TB) int64 {
	t.Helper()
	n, err := e.Store.DB().NewSelect().Table("invitations").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPostInvitationRejects(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	revoked, revokedKey, err := env.Store.AddAPIKey(context.Background(), "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.RevokeAPIKey(context.Background(), revoked.ID); err != nil {
		t.Fatal(err)
	}
	ok := `{"agency":"migration","visit_id":"Q-1"}`
	cases := []struct {
		name   string
		auth   string
		body   string
		status int
		code   string
		field  string
	}{
		{"no credential", "", ok, 401, "unauthorized", ""},
		{"unknown key", "qa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ok, 401, "unauthorized", ""},
		{"revoked key", revokedKey, ok, 401, "unauthorized", ""},
		{"kiosk token", env.KioskToken, ok, 403, "forbidden", ""},
		{"malformed", env.APIKey, `{"agency":`, 400, "invalid_json", ""},
		{"unknown field", env.APIKey, `{"agency":"migration","visit_id":"Q-1","phone":"+994"}`, 422, "invalid_field", "phone"},
		{"unknown agency", env.APIKey, `{"agency":"tax","visit_id":"Q-1"}`, 422, "unknown_agency", "agency"},
		{"service of another agency", env.APIKey, `{"agency":"migration","service":"notary","visit_id":"Q-1"}`, 422, "invalid_field", "service"},
		{"centre not hosting", env.APIKey, `{"agency":"justice","center":"ganja","visit_id":"Q-1"}`, 422, "invalid_field", "center"},
		{"no visit id", env.APIKey, `{"agency":"migration"}`, 422, "invalid_field", "visit_id"},
		{"expires_in 59", env.APIKey, `{"agency":"migration","visit_id":"Q-1","expires_in":59}`, 422, "invalid_field", "expires_in"},
		{"expires_in over 30 days", env.APIKey, `{"agency":"migration","visit_id":"Q-1","expires_in":2592001}`, 422, "invalid_field", "expires_in"},
		{"expires_in negative", env.APIKey, `{"agency":"migration","visit_id":"Q-1","expires_in":-5}`, 422, "invalid_field", "expires_in"},
		{"expires_in string", env.APIKey, `{"agency":"migration","visit_id":"Q-1","expires_in":"week"}`, 422, "invalid_field", "expires_in"},
		{"expires_in fraction", env.APIKey, `{"agency":"migration","visit_id":"Q-1","expires_in":60.5}`, 422, "invalid_field", "expires_in"},
		{"NUL", env.APIKey, `{"agency":"migration","visit_id":"Q\u00001"}`, 400, "invalid_json", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := env.countInvitations(t)
			status, body := env.postJSON(t, "/api/v1/invitations", c.auth, c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, body)
			}
			if code, field := errorOf(t, body); code != c.code || field != c.field {
				t.Fatalf("got %s/%q, want %s/%q", code, field, c.code, c.field)
			}
			if n := env.countInvitations(t); n != before {
				t.Fatalf("a refused request stored an invitation: %d → %d", before, n)
			}
		})
	}
}

func TestPostInvitation(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnvWith(t, dialect, testEnvOptions{BaseURL: "https://qiymet.example.az/"})
			req := map[string]any{"agency": "migration", "service": "temp-residence", "center": "baku-1", "visit_id": "Q-2025-000123", "operator": "Aysel"}
			status, first := env.postJSON(t, "/api/v1/invitations", env.APIKey, req)
			if status != http.StatusCreated {
				t.Fatalf("status %d: %v", status, first)
			}
			token, _ := first["token"].(string)
			raw, err := base64.RawURLEncoding.DecodeString(token)
			if err != nil || len(raw)*8 < 128 {
				t.Fatalf("token %q: %d bits", token, len(raw)*8)
			}
			base := "https://qiymet.example.az"
			if first["url"] != base+"/r/"+token || first["qr"] != base+"/r/"+token+"/qr.png" {
				t.Fatalf("links: %v %v", first["url"], first["qr"])
			}
			exp, err := time.Parse(time.RFC3339, first["expires_at"].(string))
			if err != nil || !exp.Equal(env.Clock.Now().Add(7*24*time.Hour)) {
				t.Fatalf("expires_at %v (%v), want 7 days from now", first["expires_at"], err)
			}
			sms, _ := first["sms"].(map[string]any)
			seen := map[string]bool{}
			for _, lang := range []string{"az", "en", "ru"} {
				text, _ := sms[lang].(string)
				if !strings.Contains(text, first["url"].(string)) || seen[text] {
					t.Fatalf("sms[%s] = %q", lang, text)
				}
				seen[text] = true
			}
			// It says who sends it and which agency asks (not an anonymous link that looks like phishing).
			if want := "Qiymet: State Migration Service - please rate your visit (anonymous): " + first["url"].(string); sms["en"] != want {
				t.Fatalf("sms[en] = %q, want %q", sms["en"], want)
			}
			if !strings.Contains(sms["az"].(string), "Dövlət Miqrasiya Xidməti") || !strings.Contains(sms["ru"].(string), "Государственная миграционная служба") {
				t.Fatalf("sms %v does not name the agency", sms)
			}
			// The same visit again: 200 and the same invitation.
			env.Clock.Advance(time.Hour)
			status, again := env.postJSON(t, "/api/v1/invitations", env.APIKey, req)
			if status != http.StatusOK || again["token"] != token || again["expires_at"] != first["expires_at"] {
				t.Fatalf("again: %d %v", status, again)
			}
			if n := env.countInvitations(t); n != 1 {
				t.Fatalf("%d invitations for one visit", n)
			}
			// Only the hash is stored.
			var hash string
			if err := env.Store.DB().NewSelect().Table("invitations").Column("token_hash").Scan(context.Background(), &hash); err != nil {
				t.Fatal(err)
			}
			if hash != survey.HashSecret(token) {
				t.Fatal("stored token_hash is not the token's hash")
			}
			// expires_in bounds: 60 s and 30 days are accepted.
			for visit, secs := range map[string]int64{"min": 60, "max": 30 * 24 * 3600} {
				status, body := env.postJSON(t, "/api/v1/invitations", env.APIKey, map[string]any{"agency": "justice", "visit_id": visit, "expires_in": secs})
				if status != http.StatusCreated {
					t.Fatalf("expires_in %d: %d %v", secs, status, body)
				}
				exp, _ := time.Parse(time.RFC3339, body["expires_at"].(string))
				if !exp.Equal(env.Clock.Now().Add(time.Duration(secs) * time.Second)) {
					t.Fatalf("expires_in %d gave %v", secs, exp)
				}
			}
			// The link submits once, as channel link.
			status, res := env.postJSON(t, "/api/v1/responses", "", `{"token":"`+token+`","answers":{"overall":4}}`)
			if status != http.StatusCreated || res["score"] != 75.0 {
				t.Fatalf("link submit: %d %v", status, res)
			}
			if got := env.storedString(t, res["id"].(string), "channel"); got != "link" {
				t.Fatalf("channel %q", got)
			}
			status, res = env.postJSON(t, "/api/v1/responses", "", `{"token":"`+token+`","answers":{"overall":4}}`)
			if code, _ := errorOf(t, res); status != http.StatusConflict || code != "token_used" {
				t.Fatalf("second use: %d %v", status, res)
			}
		})
	}
}
