package survey_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func loadTestCatalog(t testing.TB, s *survey.Store) { storetest.ApplyCatalog(t, s) }

func TestSmokeSubmitAndRollup(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now, Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		k, _, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		body := `{"id":"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01","agency":"migration","answers":{"overall":5,"waiting":4,"resolved":true},"comment":"Tez və nəzakətli.","lang":"az"}`
		sub, err := survey.DecodeSubmission([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		res, created, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k})
		if err != nil || !created {
			t.Fatalf("submit: %v %v", created, err)
		}
		// R = (100 + 75 + 100)/3
		if res.Score != 91.67 || res.Status != "counted" {
			t.Fatalf("got %+v", res)
		}
		sub, _ = survey.DecodeSubmission([]byte(body))
		res2, created, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k})
		if err != nil || created || res2 != res {
			t.Fatalf("replay: %+v %v %v", res2, created, err)
		}
		sub, _ = survey.DecodeSubmission([]byte(`{"id":"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01","agency":"migration","answers":{"overall":4}}`))
		if _, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k}); survey.ErrorCode(err) != survey.CodeIDConflict {
			t.Fatalf("conflict: %v", err)
		}
		clock.Advance(time.Second)
		sub, _ = survey.DecodeSubmission([]byte(`{"agency":"migration","answers":{"overall":1}}`))
		res3, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k})
		if err != nil || res3.Status != "excluded" || res3.Reason == nil || *res3.Reason != "burst" {
			b, _ := json.Marshal(res3)
			t.Fatalf("burst: %s %v", b, err)
		}
		n, err := s.Rollup(ctx)
		if err != nil || n != 1 {
			t.Fatalf("rollup merged %d: %v", n, err)
		}
	})
}
