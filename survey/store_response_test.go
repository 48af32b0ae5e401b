package survey_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestSubmitTargets(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		baku, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "")
		if err != nil {
			t.Fatal(err)
		}
		ganja, _, err := s.AddKiosk(ctx, "ganja", "Exit", "")
		if err != nil {
			t.Fatal(err)
		}
		bound, _, err := s.AddKiosk(ctx, "baku-1", "Justice desk", "justice")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddKiosk(ctx, "ganja", "x", "justice"); survey.ErrorCode(err) != survey.CodeInvalidField {
			t.Fatalf("kiosk bound to an agency its centre does not host: %v", err)
		}
		api := apiCred(t, s)
		cases := []struct {
			name       string
			body       string
			cred       survey.Credential
			code       string
			field      string
			wantCenter string
			wantAgency string
			channel    string
		}{
			{"kiosk center default", `{"agency":"justice","answers":{"overall":5}}`, survey.Credential{Kiosk: baku}, "", "", "baku-1", "justice", "kiosk"},
			{"kiosk agency not hosted", `{"agency":"justice","answers":{"overall":5}}`, survey.Credential{Kiosk: ganja}, survey.CodeInvalidField, "center", "", "", ""},
			{"api agency not hosted", `{"agency":"property","center":"ganja","answers":{"overall":5}}`, api, survey.CodeInvalidField, "center", "", "", ""},
			{"service of another agency", `{"agency":"migration","service":"notary","answers":{"overall":5}}`, api, survey.CodeInvalidField, "service", "", "", ""},
			{"unknown agency", `{"agency":"tax","answers":{"overall":5}}`, api, survey.CodeUnknownAgency, "agency", "", "", ""},
			{"bound kiosk other agency", `{"agency":"migration","answers":{"overall":5}}`, survey.Credential{Kiosk: bound}, survey.CodeInvalidField, "agency", "", "", ""},
			{"bound kiosk default agency", `{"answers":{"overall":5}}`, survey.Credential{Kiosk: bound}, "", "", "baku-1", "justice", "kiosk"},
			{"api without center", `{"agency":"property","service":"registry","answers":{"overall":5}}`, api, "", "", "", "property", "api"},
			{"no credential", `{"agency":"property","answers":{"overall":5}}`, survey.Credential{}, survey.CodeUnauthorized, "", "", "", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				clock.Advance(time.Minute)
				before := countRows(t, s, "responses")
				res, created, err := submit(t, s, c.body, c.cred)
				if c.code != "" {
					wantCode(t, err, c.code, c.field)
					if n := countRows(t, s, "responses"); n != before {
						t.Fatalf("refused response stored: %d → %d", before, n)
					}
					return
				}
				if err != nil || !created {
					t.Fatalf("submit: %v %v", created, err)
				}
				row := storedRow(t, s, "responses", "id = ?", res.ID)
				center, _ := row["center_code"].(string)
				if center != c.wantCenter || row["agency_code"] != c.wantAgency || row["channel"] != c.channel {
					t.Fatalf("stored %v", row)
				}
			})
		}
	})
}

func TestIdempotency(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now, Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		k, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "")
		if err != nil {
			t.Fatal(err)
		}
		const id = "9f0c2b6e-3d7a-4c1e-9b2a-1f4e5d6c7b8a"
		body := `{"id":"` + id + `","agency":"migration","answers":{"overall":4,"waiting":3},"comment":"yaxşı"}`
		first, created, err := submit(t, s, body, api)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		clock.Advance(time.Hour) // a replay later still matches: no submitted_at means "same content"
		again, created, err := submit(t, s, body, api)
		if err != nil || created || again != first {
			t.Fatalf("replay: %+v %v %v (first %+v)", again, created, err, first)
		}
		// Upper-case UUID is the same id.
		again, created, err = submit(t, s, strings.Replace(body, id, strings.ToUpper(id), 1), api)
		if err != nil || created || again != first {
			t.Fatalf("upper-case replay: %+v %v %v", again, created, err)
		}
		before := countRows(t, s, "responses")
		for name, b := range map[string]string{
			"other answer":  strings.Replace(body, `"overall":4`, `"overall":5`, 1),
			"other comment": strings.Replace(body, "yaxşı", "pis", 1),
			"other agency":  strings.Replace(body, "migration", "justice", 1),
		} {
			_, _, err := submit(t, s, b, api)
			if survey.ErrorCode(err) != survey.CodeIDConflict {
				t.Errorf("%s: want id_conflict, got %v", name, err)
			}
		}
		if n := countRows(t, s, "responses"); n != before {
			t.Fatalf("conflicts stored rows: %d → %d", before, n)
		}

		// Concurrent submissions of one id: exactly one is created, all answer the same.
		for _, cred := range []survey.Credential{api, {Kiosk: k}} {
			const workers = 8
			cid := fmt.Sprintf("7d3e1a2b-0000-4000-8000-%012d", len(fmt.Sprint(cred.Kiosk != nil)))
			cbody := `{"id":"` + cid + `","agency":"migration","answers":{"overall":2}}`
			var wg sync.WaitGroup
			results := make([]survey.Result, workers)
			createdN := make([]bool, workers)
			errs := make([]error, workers)
			for i := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sub, _ := survey.DecodeSubmission([]byte(cbody))
					results[i], createdN[i], errs[i] = s.Submit(ctx, sub, cred)
				}()
			}
			wg.Wait()
			n := 0
			for i := range workers {
				if errs[i] != nil {
					t.Fatalf("worker %d: %v", i, errs[i])
				}
				if createdN[i] {
					n++
				}
				if results[i] != results[0] {
					t.Fatalf("answers differ: %+v vs %+v", results[i], results[0])
				}
			}
			if n != 1 {
				t.Fatalf("%d of %d concurrent submissions created a row", n, workers)
			}
			if c, _ := s.DB().NewSelect().Table("responses").Where("id = ?", cid).Count(ctx); c != 1 {
				t.Fatalf("%d rows for one id", c)
			}
		}
	})
}

func TestBurstRule(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now, Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		clock.Set(storeStart)
		loadTestCatalog(t, s)
		a, _, _ := s.AddKiosk(ctx, "baku-1", "A", "")
		b, _, _ := s.AddKiosk(ctx, "baku-1", "B", "")
		api := apiCred(t, s)
		body := `{"agency":"migration","answers":{"overall":5}}`
		steps := []struct {
			name    string
			advance time.Duration
			cred    survey.Credential
			status  string
		}{
			{"first", 0, survey.Credential{Kiosk: a}, survey.StatusCounted},
			{"exactly the window later", 3 * time.Second, survey.Credential{Kiosk: a}, survey.StatusCounted},
			{"just under the window", 3*time.Second - time.Millisecond, survey.Credential{Kiosk: a}, survey.StatusExcluded},
			{"other kiosk same instant", 0, survey.Credential{Kiosk: b}, survey.StatusCounted},
			{"api same instant", 0, api, survey.StatusCounted},
			{"window after the excluded one", 3 * time.Second, survey.Credential{Kiosk: a}, survey.StatusCounted},
			{"other kiosk 1 s after its own", time.Second, survey.Credential{Kiosk: b}, survey.StatusCounted},
			{"other kiosk again too soon", time.Second, survey.Credential{Kiosk: b}, survey.StatusExcluded},
		}
		for _, st := range steps {
			clock.Advance(st.advance)
			res, created, err := submit(t, s, body, st.cred)
			if err != nil || !created {
				t.Fatalf("%s: %v %v", st.name, created, err)
			}
			if res.Status != st.status {
				t.Fatalf("%s: status %s, want %s", st.name, res.Status, st.status)
			}
			if (res.Reason != nil) != (st.status == survey.StatusExcluded) || (res.Reason != nil && *res.Reason != survey.ReasonBurst) {
				t.Fatalf("%s: reason %v", st.name, res.Reason)
			}
			row := storedRow(t, s, "responses", "id = ?", res.ID)
			if row["status"] != st.status {
				t.Fatalf("%s: stored status %v", st.name, row["status"])
			}
		}
		// A kiosk's offline queue keeps its real spacing: submitted_at, not arrival, decides.
		clock.Advance(time.Minute)
		now := clock.Now()
		for i, want := range []string{survey.StatusCounted, survey.StatusCounted, survey.StatusExcluded} {
			at := now.Add(-time.Duration(30-10*i) * time.Second)
			if i == 2 {
				at = now.Add(-time.Duration(30-10*1)*time.Second + time.Second)
			}
			res, _, err := submit(t, s, `{"agency":"migration","answers":{"overall":3},"submitted_at":"`+at.Format(time.RFC3339Nano)+`"}`, survey.Credential{Kiosk: a})
			if err != nil || res.Status != want {
				t.Fatalf("queued %d: %+v %v, want %s", i, res, err, want)
			}
		}

		// Concurrent submissions from one kiosk at one instant: one counted, the rest burst.
		clock.Advance(time.Hour)
		const workers = 6
		var wg sync.WaitGroup
		statuses := make([]string, workers)
		errs := make([]error, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sub, _ := survey.DecodeSubmission([]byte(body))
				var res survey.Result
				res, _, errs[i] = s.Submit(ctx, sub, survey.Credential{Kiosk: b})
				statuses[i] = res.Status
			}()
		}
		wg.Wait()
		counted := 0
		for i := range workers {
			if errs[i] != nil {
				t.Fatalf("worker %d: %v", i, errs[i])
			}
			if statuses[i] == survey.StatusCounted {
				counted++
			}
		}
		if counted != 1 {
			t.Fatalf("%d of %d simultaneous kiosk submissions counted: %v", counted, workers, statuses)
		}
	})
}

func TestSetStatus(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now, Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		const id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
		if _, _, err := submit(t, s, `{"id":"`+id+`","agency":"migration","answers":{"overall":5}}`, api); err != nil {
			t.Fatal(err)
		}
		cellN := func() int64 {
			t.Helper()
			if _, err := s.Rollup(ctx); err != nil {
				t.Fatal(err)
			}
			var n int64
			if err := s.DB().NewSelect().Table("agg_day").ColumnExpr("COALESCE(SUM(n), 0)").Scan(ctx, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := cellN(); n != 1 {
			t.Fatalf("cells before exclusion: n=%d", n)
		}
		steps := []struct {
			name, id, status, reason string
			code, field              string
			wantStatus, wantReason   string
			wantN                    int64
		}{
			{"exclude as test", id, survey.StatusExcluded, "test", "", "", survey.StatusExcluded, "test", 0},
			{"exclude again other reason", strings.ToUpper(id), survey.StatusExcluded, "duplicate", "", "", survey.StatusExcluded, "duplicate", 0},
			{"re-include", id, survey.StatusCounted, "", "", "", survey.StatusCounted, "", 1},
			{"counted with reason", id, survey.StatusCounted, "test", survey.CodeInvalidField, "reason", survey.StatusCounted, "", 1},
			{"excluded without reason", id, survey.StatusExcluded, "", survey.CodeInvalidField, "reason", survey.StatusCounted, "", 1},
			{"bad reason", id, survey.StatusExcluded, "'; DROP TABLE responses;--", survey.CodeInvalidField, "reason", survey.StatusCounted, "", 1},
			{"bad status", id, "deleted", "x", survey.CodeInvalidField, "status", survey.StatusCounted, "", 1},
			{"bad id", "nope", survey.StatusExcluded, "test", survey.CodeInvalidField, "id", survey.StatusCounted, "", 1},
			{"unknown id", "00000000-0000-4000-8000-00000000ffff", survey.StatusExcluded, "test", survey.CodeNotFound, "id", survey.StatusCounted, "", 1},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				err := s.SetStatus(ctx, st.id, st.status, st.reason)
				if st.code != "" {
					wantCode(t, err, st.code, st.field)
				} else if err != nil {
					t.Fatal(err)
				}
				row := storedRow(t, s, "responses", "id = ?", id)
				reason, _ := row["reason"].(string)
				if row["status"] != st.wantStatus || reason != st.wantReason {
					t.Fatalf("stored %v/%v, want %s/%s", row["status"], row["reason"], st.wantStatus, st.wantReason)
				}
				if n := cellN(); n != st.wantN {
					t.Fatalf("cells n=%d, want %d", n, st.wantN)
				}
			})
		}
		if countRows(t, s, "responses") != 1 {
			t.Fatal("SetStatus must never add or remove rows")
		}
	})
}
