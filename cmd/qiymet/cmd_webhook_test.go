package main

import (
	"context"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
)

func TestWebhookCommands(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			out := mustRun(t, env, "", "webhook", "add", "--url", "https://hooks.example.az/qiymet", "--events", "case.opened, kiosk.silent")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			words := strings.Fields(lines[len(lines)-1])
			secret := words[len(words)-1]
			if !strings.HasPrefix(secret, "whsec_") || !strings.Contains(out, "webhook 1 registered") {
				t.Fatalf("add printed %q", out)
			}
			s := openDB(t, env)
			w, err := s.WebhookByID(context.Background(), 1)
			if err != nil || w.Events != "case.opened,kiosk.silent" {
				t.Fatalf("%+v %v", w, err)
			}
			if plain, err := s.WebhookSecret(context.Background(), w); err != nil || plain != secret || rowHolds(t, s, "webhooks", secret) {
				t.Fatalf("the secret must be stored sealed and open to the server: %v", err)
			}
			if out := mustRun(t, env, "", "webhook", "list"); strings.Contains(out, secret) || !strings.Contains(out, "1\tenabled\thttps://hooks.example.az/qiymet\tcase.opened,kiosk.silent") {
				t.Fatalf("list: %q", out)
			}
			mustRun(t, env, "", "webhook", "disable", "1")
			if out := mustRun(t, env, "", "webhook", "list"); !strings.Contains(out, "1\tdisabled") {
				t.Fatalf("list after disable: %q", out)
			}
			if out := mustRun(t, env, "", "webhook", "remove", "1"); !strings.Contains(out, "webhook 1 removed") {
				t.Fatalf("remove: %q", out)
			}
			if out := mustRun(t, env, "", "webhook", "list"); !strings.Contains(out, "no webhooks") {
				t.Fatalf("list after remove: %q", out)
			}
			entries, _, err := s.ListAudit(context.Background(), survey.AuditFilter{Action: "webhook"})
			if err != nil || len(entries) != 3 || entries[0].Actor != "cli" {
				t.Fatalf("audit %+v %v", entries, err)
			}
			for _, bad := range [][]string{
				{"webhook", "add", "--url", "https://x.az/"},
				{"webhook", "add", "--url", "https://x.az/", "--events", "case.lost"},
				{"webhook", "add", "--url", "gopher://x.az/", "--events", "all"},
				{"webhook", "add", "--url", "https://x.az/" + strings.Repeat("é", 1500), "--events", "all"},
				{"webhook", "remove"},
				{"webhook", "remove", "abc"},
				{"webhook", "frobnicate"},
			} {
				if r := cliRun(t, env, "", bad...); !r.usage() {
					t.Errorf("qiymet %s: %v, want a usage error", strings.Join(bad, " "), r.Err)
				}
			}
			if r := cliRun(t, env, "", "webhook", "remove", "99"); r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "no webhook") {
				t.Fatalf("remove of an unknown webhook: %v", r.Err)
			}
		})
	}
}

func TestNotifyConfig(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	for _, c := range []struct{ key, val, want string }{
		{"QIYMET_KIOSK_SILENT", "2", "QIYMET_KIOSK_SILENT"},
		{"QIYMET_KIOSK_SILENT", "200h", "QIYMET_KIOSK_SILENT"},
		{"QIYMET_RETRY_FIRST", "500ms", "QIYMET_RETRY_FIRST"},
		{"QIYMET_RETRY_FIRST", "2h", "QIYMET_RETRY_FIRST"},
		{"QIYMET_OPENING_HOURS", "Mon-Fri 18:00-09:00", "QIYMET_OPENING_HOURS"},
		{"QIYMET_SMTP_URL", "smtp://u:hunter2@mail.example.az:0", "QIYMET_SMTP_URL"},
		{"QIYMET_SMTP_URL", "smtp://mail.example.az:25", "QIYMET_MAIL_FROM"},
	} {
		e := map[string]string{"QIYMET_DB": env["QIYMET_DB"], "QIYMET_ADDR": "127.0.0.1:0", c.key: c.val}
		r := cliRun(t, e, "", "serve")
		if !r.usage() || !strings.Contains(r.Err.Error(), c.want) || strings.Contains(r.Err.Error(), "hunter2") {
			t.Errorf("%s=%q: %v, want a usage error naming %s", c.key, c.val, r.Err, c.want)
		}
	}
}
