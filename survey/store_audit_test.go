package survey_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestAuditEveryAdminChange: each administrative change of the store writes exactly one entry naming the actor,
// the action and the target, in the change's own transaction, and no secret reaches the log.
func TestAuditEveryAdminChange(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		admin := survey.Actor{UserID: 7, Name: "boss@example.az", IP: "192.0.2.9", UserAgent: "Firefox/130 =cmd"}
		ctx := survey.WithActor(context.Background(), admin)
		var secrets []string
		step := func(action, target string, do func() error) {
			t.Helper()
			before := countRows(t, s, "audit_log")
			if err := do(); err != nil {
				t.Fatalf("%s: %v", action, err)
			}
			if n := countRows(t, s, "audit_log"); n != before+1 {
				t.Fatalf("%s wrote %d entries, want 1", action, n-before)
			}
			got, _, err := s.ListAudit(ctx, survey.AuditFilter{Limit: 1})
			if err != nil || len(got) != 1 {
				t.Fatalf("list: %v %v", got, err)
			}
			e := got[0]
			if e.Action != action || e.Target != target || e.Actor != admin.Name || e.ActorID != 7 || e.IP != admin.IP ||
				e.UserAgent != admin.UserAgent || e.AtUS != clock.Now().UnixMicro() {
				t.Fatalf("%s: entry %+v", action, e)
			}
			clock.Advance(time.Second)
		}
		step(survey.AuditCatalogApply, "catalog", func() error {
			_, err := s.ApplyCatalog(ctx, readTestCatalog(t))
			return err
		})
		var uid int64
		step(survey.AuditUserAdd, "user:ana@example.az", func() error {
			u, err := s.AddUser(ctx, "ana@example.az", "correct horse battery", survey.RoleManager, "migration")
			uid = u.ID
			secrets = append(secrets, "correct horse battery", u.PasswordHash)
			return err
		})
		step(survey.AuditUserUpdate, "user:ana@example.az", func() error {
			role, pw := survey.RoleAnalyst, "another long password"
			secrets = append(secrets, pw)
			_, err := s.UpdateUser(ctx, uid, survey.UserUpdate{Role: &role, Password: &pw})
			return err
		})
		var kid int64
		step(survey.AuditKioskAdd, "kiosk:1", func() error {
			k, token, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
			kid = k.ID
			secrets = append(secrets, token)
			return err
		})
		step(survey.AuditKioskPairCode, "kiosk:1", func() error {
			code, err := s.NewPairingCode(ctx, kid)
			secrets = append(secrets, code)
			return err
		})
		step(survey.AuditKioskRevoke, "kiosk:1", func() error { return s.RevokeKiosk(ctx, kid) })
		var aid int64
		step(survey.AuditAPIKeyAdd, "apikey:1", func() error {
			k, key, err := s.AddAPIKey(ctx, "queue")
			aid = k.ID
			secrets = append(secrets, key)
			return err
		})
		step(survey.AuditAPIKeyRevoke, "apikey:1", func() error { return s.RevokeAPIKey(ctx, aid) })

		// A refused change leaves no entry; a no-op revoke of a revoked key neither.
		n := countRows(t, s, "audit_log")
		if _, err := s.AddUser(ctx, "ana@example.az", "correct horse battery", survey.RoleAdmin, ""); err == nil {
			t.Fatal("duplicate user accepted")
		}
		if err := s.RevokeAPIKey(ctx, aid); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, s, "audit_log"); got != n {
			t.Fatalf("refused or empty changes wrote %d entries", got-n)
		}

		// What changed, without secrets.
		all, more, err := s.ListAudit(ctx, survey.AuditFilter{})
		if err != nil || more || len(all) != 8 {
			t.Fatalf("all: %d entries, more %v, %v", len(all), more, err)
		}
		var buf bytes.Buffer
		if _, err := s.ExportAudit(ctx, &buf, survey.AuditFilter{}); err != nil {
			t.Fatal(err)
		}
		for _, sec := range secrets {
			if sec == "" || strings.Contains(buf.String(), sec) {
				t.Fatalf("the audit log holds a secret %q", sec)
			}
		}
		if d := all[5].Details; d != `{"password":"reset","role":["manager","analyst"],"agency":["migration",""]}` &&
			!strings.Contains(d, `"role":["manager","analyst"]`) || !strings.Contains(all[5].Details, `"password":"reset"`) {
			t.Fatalf("user update details: %s", all[5].Details)
		}
		// The export: a real CSV, oldest first, the hostile user agent made spreadsheet-safe.
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 9 || recs[1][4] != survey.AuditCatalogApply || recs[8][8] != "Firefox/130 =cmd" {
			t.Fatalf("export: %v %q", err, recs)
		}

		// Filters and paging.
		page, more, err := s.ListAudit(ctx, survey.AuditFilter{Limit: 3})
		if err != nil || !more || len(page) != 3 || page[0].Action != survey.AuditAPIKeyRevoke {
			t.Fatalf("page 1: %v %v", page, err)
		}
		page2, _, _ := s.ListAudit(ctx, survey.AuditFilter{Limit: 3, Before: page[2].ID})
		if len(page2) != 3 || page2[0].ID >= page[2].ID {
			t.Fatalf("page 2: %v", page2)
		}
		third := time.UnixMicro(all[len(all)-4].AtUS) // the clock goes on between dialects: times relative to the first entry
		for _, c := range []struct {
			f    survey.AuditFilter
			want int
		}{
			{survey.AuditFilter{Action: "kiosk"}, 3},
			{survey.AuditFilter{Action: survey.AuditUserAdd}, 1},
			{survey.AuditFilter{Actor: "BOSS@example.az"}, 8},
			{survey.AuditFilter{Actor: "cli"}, 0},
			{survey.AuditFilter{From: third}, 5},
			{survey.AuditFilter{To: third}, 3},
			{survey.AuditFilter{Action: "%"}, 0},
		} {
			if got, _, err := s.ListAudit(ctx, c.f); err != nil || len(got) != c.want {
				t.Errorf("filter %+v: %d entries, want %d (%v)", c.f, len(got), c.want, err)
			}
		}

		// The database refuses to change or remove an entry, even through raw SQL.
		for _, q := range []string{"UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "DELETE FROM audit_log WHERE id = 1"} {
			if _, err := s.DB().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if s.Dialect() == "pg" {
			if _, err := s.DB().ExecContext(ctx, "TRUNCATE audit_log"); err == nil {
				t.Error("TRUNCATE audit_log succeeded")
			}
		}
		if got := countRows(t, s, "audit_log"); got != 8 {
			t.Fatalf("%d entries after the refused statements", got)
		}
	})
}

// TestAuditActorDefault: changes made without an actor are recorded as "system"; the CLI's as "cli".
func TestAuditActorDefault(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		if _, _, err := s.AddAPIKey(context.Background(), "a"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddAPIKey(survey.WithActor(context.Background(), survey.CLIActor), "b"); err != nil {
			t.Fatal(err)
		}
		got, _, _ := s.ListAudit(context.Background(), survey.AuditFilter{})
		if len(got) != 2 || got[1].Actor != "system" || got[0].Actor != "cli" || got[0].IP != "cli" || got[0].ActorID != 0 {
			t.Fatalf("%+v", got)
		}
	})
}
