package demo

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"golang.org/x/crypto/bcrypt"
)

func init() { survey.BcryptCost = bcrypt.MinCost } // the demo users' hashes need not be slow in tests

func TestLoad(t *testing.T) {
	clock := storetest.NewClock(testNow)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		const want = 4_000
		var calls int
		res, err := Load(ctx, s, Options{Responses: want, Chunk: 1_500}, func(done, total int) {
			calls++
			if total != want || done > want {
				t.Errorf("progress %d/%d", done, total)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 3 {
			t.Errorf("progress called %d times, want 3 (chunks of 1500)", calls)
		}
		if res.Rows != want || res.Kiosks != len(kioskSites) || res.Users != len(Users) {
			t.Errorf("result %+v", res)
		}
		if n, err := s.ResponseCount(ctx); err != nil || n != want {
			t.Fatalf("stored %d responses (%v), want %d", n, err, want)
		}
		if p, err := s.Pending(ctx); err != nil || p != 0 {
			t.Errorf("%d changes left to roll up (%v)", p, err)
		}
		// The cells must equal a recount of the counted rows.
		var raw struct {
			N    int64   `bun:"n"`
			SumR float64 `bun:"sum_r"`
		}
		if err := s.DB().NewSelect().Table("responses").ColumnExpr("COUNT(*) AS n, COALESCE(SUM(score), 0) AS sum_r").
			Where("status = 'counted'").Scan(ctx, &raw); err != nil {
			t.Fatal(err)
		}
		var cells struct {
			N    int64   `bun:"n"`
			SumR float64 `bun:"sum_r"`
		}
		if err := s.DB().NewSelect().Table("agg_month").ColumnExpr("COALESCE(SUM(n), 0) AS n, COALESCE(SUM(sum_r), 0) AS sum_r").
			Scan(ctx, &cells); err != nil {
			t.Fatal(err)
		}
		if raw.N != int64(want-res.Excluded) || cells.N != raw.N || math.Abs(cells.SumR-raw.SumR) > 1e-6*raw.SumR {
			t.Errorf("counted rows %d (ΣR %.3f), month cells %d (ΣR %.3f), excluded %d", raw.N, raw.SumR, cells.N, cells.SumR, res.Excluded)
		}
		// Every demo tablet has sent ratings: the fleet view shows its newest (and the kiosk rows are theirs).
		fleet, err := s.KioskFleet(ctx)
		if err != nil || len(fleet) != len(kioskSites) {
			t.Fatalf("fleet %d (%v)", len(fleet), err)
		}
		for _, k := range fleet {
			if k.LastResponseUS == 0 {
				t.Errorf("demo kiosk %q has no response", k.Name)
			}
		}
		if n, _ := s.DB().NewSelect().Table("responses").Where("channel = 'kiosk' AND kiosk_id IS NULL AND center_code IN ('baku-1', 'ganja')").Count(ctx); n != 0 {
			t.Errorf("%d kiosk responses of centres with tablets have no kiosk", n)
		}
		users, err := ExistingUsers(ctx, s)
		if err != nil || len(users) != len(Users) {
			t.Fatalf("demo users %v (%v)", users, err)
		}
		if _, err := s.AddUser(ctx, Users[0].Email, Password, survey.RoleAdmin, ""); err == nil {
			t.Error("the admin was not stored: adding it again succeeded")
		}
		// A second load must refuse rather than double the data.
		if _, err := Load(ctx, s, Options{Responses: 10}, nil); !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("second load: %v, want ErrNotEmpty", err)
		}
		if n, _ := s.ResponseCount(ctx); n != want {
			t.Errorf("after the refused load: %d responses", n)
		}
	})
}

// The store's clock decides the window: the same clock loads the same rows on either dialect.
func TestLoadSameClockSameRows(t *testing.T) {
	clock := storetest.NewClock(testNow)
	var sums []string
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		if _, err := Load(ctx, s, Options{Responses: 1_000}, nil); err != nil {
			t.Fatal(err)
		}
		var rows []*survey.Response
		if err := s.DB().NewSelect().Model(&rows).Order("submitted_us", "id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1_000 {
			t.Fatalf("%d rows", len(rows))
		}
		sums = append(sums, rowsHash(rows))
	})
	if len(sums) == 2 && sums[0] != sums[1] {
		t.Errorf("SQLite and PostgreSQL hold different demo rows: %s vs %s", sums[0], sums[1])
	}
}

// A cancelled load stops the generator too and reports the cancellation.
func TestLoadCancelled(t *testing.T) {
	s := storetest.New(t, "sqlite", survey.Options{Now: storetest.NewClock(testNow).Now})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	chunks := 0
	_, err := Load(ctx, s, Options{Responses: 5_000, Chunk: 500}, func(done, total int) {
		chunks++
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled load: %v", err)
	}
	if chunks != 1 {
		t.Errorf("%d chunks stored after the cancellation, want 1", chunks)
	}
}
