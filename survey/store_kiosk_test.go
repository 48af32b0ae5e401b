package survey_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestKioskPairing(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		k, printed, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		code, err := s.NewPairingCode(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(code, "qp_") || len(code) < 3+43 {
			t.Fatalf("code %q is not a 256-bit qp_ secret", code)
		}
		// Only the hash is stored.
		var stored string
		if err := s.DB().NewSelect().Table("kiosks").Column("pairing_hash").Where("id = ?", k.ID).Scan(ctx, &stored); err != nil {
			t.Fatal(err)
		}
		if stored != survey.HashSecret(code) || strings.Contains(stored, code[3:]) {
			t.Fatalf("pairing code not stored as its hash: %q", stored)
		}

		got, token, err := s.PairKiosk(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != k.ID || !strings.HasPrefix(token, "qk_") || token == printed {
			t.Fatalf("paired %+v with token %q", got, token)
		}
		if a, err := s.AuthKiosk(ctx, token); err != nil || a.ID != k.ID {
			t.Fatalf("new token does not authenticate: %v", err)
		}
		if _, err := s.AuthKiosk(ctx, printed); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("the replaced token still works: %v", err)
		}
		// Single use.
		if _, _, err := s.PairKiosk(ctx, code); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("second use: got %v, want not_found", err)
		}
		// Garbage.
		for _, bad := range []string{"", "qp_", "qp_nope", "qk_" + code[3:], strings.Repeat("x", 500)} {
			if _, _, err := s.PairKiosk(ctx, bad); survey.ErrorCode(err) != survey.CodeNotFound {
				t.Fatalf("PairKiosk(%q): got %v, want not_found", bad, err)
			}
		}

		// Expiry: valid just before 24 h, expired at 24 h, and an expired code changes nothing.
		code2, err := s.NewPairingCode(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(survey.PairingTTL)
		if _, _, err := s.PairKiosk(ctx, code2); survey.ErrorCode(err) != survey.CodeTokenExpired {
			t.Fatalf("expired code: got %v, want token_expired", err)
		}
		if _, err := s.AuthKiosk(ctx, token); err != nil {
			t.Fatalf("a failed enrolment must not touch the token: %v", err)
		}
		code3, _ := s.NewPairingCode(ctx, k.ID)
		clock.Advance(survey.PairingTTL - time.Second)
		if _, _, err := s.PairKiosk(ctx, code3); err != nil {
			t.Fatalf("code within 24 h: %v", err)
		}

		// A new code replaces the previous unused one.
		c4, _ := s.NewPairingCode(ctx, k.ID)
		c5, _ := s.NewPairingCode(ctx, k.ID)
		if _, _, err := s.PairKiosk(ctx, c4); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("replaced code: got %v", err)
		}
		if _, _, err := s.PairKiosk(ctx, c5); err != nil {
			t.Fatal(err)
		}

		if _, err := s.NewPairingCode(ctx, 9999); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("unknown kiosk: %v", err)
		}
	})
}

func TestKioskRevokeHeartbeatList(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		k1, tok1, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		k2, _, err := s.AddKiosk(ctx, "ganja", "Hall", "migration")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		seen := clock.Now()
		if err := s.Heartbeat(ctx, k1.ID, "1.2.3", 7); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, version string
			q             int64
			field         string
		}{
			{"empty version", " ", 0, "version"},
			{"long version", strings.Repeat("1", 41), 0, "version"},
			{"control char", "1.\a0", 0, "version"},
			{"non-ascii", "1.0ə", 0, "version"},
			{"negative queue", "1.0", -1, "queue_length"},
			{"huge queue", "1.0", 2_000_000, "queue_length"},
		} {
			err := s.Heartbeat(ctx, k1.ID, c.version, c.q)
			if e, ok := survey.AsError(err); !ok || e.Code != survey.CodeInvalidField || e.Field != c.field {
				t.Errorf("%s: got %v, want invalid_field %s", c.name, err, c.field)
			}
		}
		ks, err := s.ListKiosks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ks) != 2 || ks[0].ID != k1.ID || ks[1].ID != k2.ID {
			t.Fatalf("list: %+v", ks)
		}
		want := seen.UnixMicro()
		if ks[0].LastSeenUS != want || ks[0].AppVersion != "1.2.3" || ks[0].QueueLen != 7 {
			t.Fatalf("heartbeat not stored (bad ones must change nothing): %+v", ks[0])
		}
		if ks[1].LastSeenUS != 0 || ks[1].Agency != "migration" {
			t.Fatalf("k2: %+v", ks[1])
		}

		code, _ := s.NewPairingCode(ctx, k1.ID)
		if err := s.RevokeKiosk(ctx, k1.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeKiosk(ctx, k1.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := s.AuthKiosk(ctx, tok1); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("revoked token still works: %v", err)
		}
		if _, _, err := s.PairKiosk(ctx, code); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("revoked kiosk's code still pairs: %v", err)
		}
		if _, err := s.NewPairingCode(ctx, k1.ID); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("pairing a revoked kiosk: %v", err)
		}
		if err := s.Heartbeat(ctx, k1.ID, "1.0", 0); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("heartbeat of a revoked kiosk: %v", err)
		}
		if err := s.RevokeKiosk(ctx, 9999); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("revoke unknown: %v", err)
		}
		k, err := s.KioskByID(ctx, k1.ID)
		if err != nil || k.RevokedUS == 0 {
			t.Fatalf("revoked_us not set: %+v %v", k, err)
		}
	})
}

func TestKioskSetup(t *testing.T) {
	storetest.Each(t, survey.Options{Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		if s.BurstWindow() != 3*time.Second {
			t.Fatalf("burst %v", s.BurstWindow())
		}
		// A survey with a second version and a question lacking ru: the kiosk gets the newest, filled from az.
		c := survey.Catalog{Surveys: []survey.Survey{{Code: "visit", Version: 2, Primary: "overall", Questions: []survey.Question{
			{Key: "overall", Type: "scale", Min: 1, Max: 5, Required: true, Text: survey.Names{AZ: "Razısınız?", EN: "Satisfied?"}},
			{Key: "resolved", Type: "yes_no", Text: survey.Names{AZ: "Həll olundu?", EN: "Resolved?", RU: "Решён?"}},
		}}}}
		if _, err := s.ApplyCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
		all, _, _ := s.AddKiosk(ctx, "baku-1", "Exit", "")
		one, _, _ := s.AddKiosk(ctx, "baku-1", "Justice desk", "justice")
		setup, err := s.KioskSetup(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		if setup.Center.Code != "baku-1" || setup.Center.Name.RU != "Центр ASAN xidmət № 1 г. Баку" {
			t.Fatalf("center %+v", setup.Center)
		}
		var codes []string
		for _, a := range setup.Agencies {
			codes = append(codes, a.Code)
		}
		if strings.Join(codes, ",") != "justice,migration,property" {
			t.Fatalf("agencies %v", codes)
		}
		sv := setup.Agencies[1].Survey
		if sv.Version != 2 || len(sv.Questions) != 2 || sv.Questions[0].Text.RU != "Razısınız?" || sv.Questions[1].Text.RU != "Решён?" {
			t.Fatalf("survey %+v", sv)
		}
		if setup.Agencies[1].Name.EN != "State Migration Service" {
			t.Fatalf("names %+v", setup.Agencies[1].Name)
		}
		// The cached index must not be changed by the fill-in.
		cv, _ := s.CatalogView(ctx)
		if v, _ := cv.Survey("visit", 2); v.Questions[0].Text.RU != "" {
			t.Fatalf("KioskSetup modified the shared catalog view")
		}
		setup, err = s.KioskSetup(ctx, one)
		if err != nil {
			t.Fatal(err)
		}
		if len(setup.Agencies) != 1 || setup.Agencies[0].Code != "justice" {
			t.Fatalf("bound kiosk got %+v", setup.Agencies)
		}
	})
}
