package survey_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestKioskReportAndFleet: a heartbeat's optional battery fields are stored when valid and kept when left out;
// bad ones store nothing; the fleet knows each kiosk's newest response.
func TestKioskReportAndFleet(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		k1, _, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		k2, _, err := s.AddKiosk(ctx, "ganja", "Hall", "migration")
		if err != nil {
			t.Fatal(err)
		}
		level, yes := 0.426, true
		if err := s.Report(ctx, k1.ID, survey.KioskReport{Version: "2.0", QueueLength: 3, BatteryLevel: &level, Charging: &yes}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []float64{-0.01, 1.01, math.NaN(), math.Inf(1)} {
			b := bad
			err := s.Report(ctx, k1.ID, survey.KioskReport{Version: "9.9", BatteryLevel: &b})
			if e, ok := survey.AsError(err); !ok || e.Field != "battery_level" {
				t.Fatalf("battery %v: %v", bad, err)
			}
		}
		clock.Advance(time.Minute)
		if err := s.Heartbeat(ctx, k1.ID, "2.1", 0); err != nil { // an old app: battery fields left as they were
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		res, _, err := submit(t, s, `{"agency":"migration","answers":{"overall":5}}`, survey.Credential{Kiosk: k2})
		if err != nil {
			t.Fatal(err)
		}
		fleet, err := s.KioskFleet(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(fleet) != 2 || fleet[0].ID != k1.ID || fleet[1].ID != k2.ID {
			t.Fatalf("fleet: %+v", fleet)
		}
		a, b := fleet[0], fleet[1]
		if a.AppVersion != "2.1" || a.QueueLen != 0 || a.BatteryPct == nil || *a.BatteryPct != 43 || a.Charging == nil || !*a.Charging {
			t.Fatalf("k1: %+v battery %v charging %v", a, a.BatteryPct, a.Charging)
		}
		if a.LastResponseUS != 0 || a.LastSeenUS != clock.Now().Add(-time.Minute).UnixMicro() {
			t.Fatalf("k1 times: %+v", a)
		}
		if b.LastResponseUS != clock.Now().UnixMicro() || b.LastSeenUS != 0 || b.BatteryPct != nil || res.ID == "" {
			t.Fatalf("k2: %+v", b)
		}
	})
}
