package survey_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestUsersKeysAndComments(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now, Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		clock.Set(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
		ctx := context.Background()
		loadTestCatalog(t, s)

		// Users: role and agency edits, validation, sessions end on demotion.
		u, err := s.AddUser(ctx, "lead@example.az", "correct horse battery", survey.RoleAnalyst, "")
		if err != nil {
			t.Fatal(err)
		}
		s.AddUser(ctx, "admin@example.az", "correct horse battery", survey.RoleAdmin, "")
		tok, _, _ := s.CreateSession(ctx, u.ID)
		mgr, bogus := survey.RoleManager, "nowhere"
		if _, err := s.UpdateUser(ctx, u.ID, survey.UserUpdate{Role: &mgr, Agency: &bogus}); survey.ErrorCode(err) != survey.CodeUnknownAgency {
			t.Fatalf("unknown agency accepted: %v", err)
		}
		ag := "justice"
		got, err := s.UpdateUser(ctx, u.ID, survey.UserUpdate{Role: &mgr, Agency: &ag})
		if err != nil || got.Role != survey.RoleManager || got.Agency != "justice" {
			t.Fatalf("update: %+v %v", got, err)
		}
		if _, _, err := s.SessionUser(ctx, tok); err == nil {
			t.Fatal("a role change must end the user's sessions")
		}
		an := survey.RoleAnalyst
		if got, _ := s.UpdateUser(ctx, u.ID, survey.UserUpdate{Role: &an}); got.Agency != "" {
			t.Fatalf("analyst kept an agency: %+v", got)
		}
		short := "short"
		if _, err := s.UpdateUser(ctx, u.ID, survey.UserUpdate{Password: &short}); survey.ErrorCode(err) != survey.CodeInvalidField {
			t.Fatalf("short password: %v", err)
		}
		np := "a new long password"
		s.UpdateUser(ctx, u.ID, survey.UserUpdate{Password: &np})
		if _, err := s.Login(ctx, "lead@example.az", np, "192.0.2.1"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		users, err := s.ListUsers(ctx)
		if err != nil || len(users) != 2 || users[0].Email != "admin@example.az" {
			t.Fatalf("list users: %+v %v", users, err)
		}

		// API keys: list, revoke, revoked key no longer authenticates.
		k, key, _ := s.AddAPIKey(ctx, "queue")
		if err := s.RevokeAPIKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIKey(ctx, k.ID); err != nil {
			t.Fatalf("second revoke: %v", err)
		}
		if err := s.RevokeAPIKey(ctx, 9999); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("unknown key: %v", err)
		}
		if _, err := s.AuthAPIKey(ctx, key); err == nil {
			t.Fatal("revoked key still authenticates")
		}
		keys, _ := s.ListAPIKeys(ctx)
		if len(keys) != 1 || keys[0].RevokedUS == 0 {
			t.Fatalf("keys: %+v", keys)
		}

		// Comments: period bounds, newest first, paging, Azerbaijani case folding.
		kiosk, _, _ := s.AddKiosk(ctx, "baku-1", "Exit", "")
		texts := []string{"İŞ tez həll olundu", "Qız çox nəzakətli idi", "Очень ДОЛГО ждал", "", "Növbə uzun idi", "iş yaxşı"}
		for i, c := range texts {
			clock.Advance(time.Minute)
			body := fmt.Sprintf(`{"agency":"migration","answers":{"overall":%d},"comment":%q,"lang":"az"}`, 1+i%5, c)
			sub, err := survey.DecodeSubmission([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: kiosk}); err != nil {
				t.Fatal(err)
			}
		}
		sub, _ := survey.DecodeSubmission([]byte(`{"agency":"justice","answers":{"overall":5},"comment":"iş başqa agentlikdə","lang":"az"}`))
		clock.Advance(time.Minute)
		s.Submit(ctx, sub, survey.Credential{Kiosk: kiosk})

		from := time.Date(2025, 7, 1, 0, 0, 0, 0, storetest.Baku)
		to := time.Date(2025, 10, 1, 0, 0, 0, 0, storetest.Baku)
		all, total, err := s.Comments(ctx, "migration", from, to, "", 2, 0)
		if err != nil || total != 5 || len(all) != 2 || all[0].Text != "iş yaxşı" || all[0].Answers["overall"] == nil {
			t.Fatalf("page 1: %d %+v %v", total, all, err)
		}
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"İŞ", []string{"iş yaxşı", "İŞ tez həll olundu"}},
			{"iş", []string{"iş yaxşı", "İŞ tez həll olundu"}},
			{"QIZ", []string{"Qız çox nəzakətli idi"}},
			{"qiz", nil}, // ı and i are different letters in Azerbaijani
			{"долго", []string{"Очень ДОЛГО ждал"}},
		} {
			got, n, err := s.Comments(ctx, "migration", from, to, c.q, 10, 0)
			if err != nil || n != len(c.want) || len(got) != len(c.want) {
				t.Fatalf("search %q: %d %+v %v", c.q, n, got, err)
			}
			for i := range got {
				if got[i].Text != c.want[i] {
					t.Fatalf("search %q: got %q want %q", c.q, got[i].Text, c.want[i])
				}
			}
		}
		page2, n, _ := s.Comments(ctx, "migration", from, to, "iş", 1, 1)
		if n != 2 || len(page2) != 1 || page2[0].Text != "İŞ tez həll olundu" {
			t.Fatalf("search paging: %d %+v", n, page2)
		}
		if got, n, _ := s.Comments(ctx, "migration", to, to.AddDate(0, 3, 0), "", 10, 0); n != 0 || len(got) != 0 {
			t.Fatalf("next quarter has comments: %d", n)
		}

		// Attribute cells: one scan gives the same sums per channel as the day cells' total.
		p, _ := scoring.ParsePeriod("2025-Q3", storetest.Baku)
		fd, td := p.DayRange()
		if _, err := s.Rollup(ctx); err != nil { // a plain read: the cells are brought up to date first
			t.Fatal(err)
		}
		cells, err := s.AttributeCells(ctx, "migration", survey.DayRange{From: fd, To: td})
		if err != nil || len(cells) != 1 || cells[0].Channel != "kiosk" || cells[0].Center != "baku-1" || cells[0].Stats.N != 6 {
			t.Fatalf("attribute cells: %+v %v", cells, err)
		}
		b, err := figures.New(s, scoring.Config{}).Breakdown(ctx, "migration", p, figures.ByChannel, "en")
		if err != nil || len(b.Rows) != 1 || b.Rows[0].N != cells[0].Stats.N || b.Rows[0].Index != scoring.Round2(cells[0].Stats.Estimate().Index) {
			t.Fatalf("cells vs figures: %+v %v", b, err)
		}
	})
}
