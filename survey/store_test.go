package survey_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

var storeStart = time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)

func readTestCatalog(t testing.TB) survey.Catalog { return storetest.Catalog(t) }

// cloneCatalog deep-copies a catalog so a case can mutate it.
func cloneCatalog(t testing.TB, c survey.Catalog) survey.Catalog {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out survey.Catalog
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func countRows(t testing.TB, s *survey.Store, table string) int64 {
	t.Helper()
	n, err := s.DB().NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func submit(t testing.TB, s *survey.Store, body string, cred survey.Credential) (survey.Result, bool, error) {
	t.Helper()
	sub, err := survey.DecodeSubmission([]byte(body))
	if err != nil {
		return survey.Result{}, false, err
	}
	return s.Submit(context.Background(), sub, cred)
}

// storedRow reads one row of a table as column → value.
func storedRow(t testing.TB, s *survey.Store, table, where string, args ...any) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := s.DB().NewSelect().Table(table).Where(where, args...).Limit(1).Scan(context.Background(), &m); err != nil {
		t.Fatalf("%s row: %v", table, err)
	}
	return m
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	e, ok := survey.AsError(err)
	if !ok {
		t.Fatalf("want %s (%s), got %v", code, field, err)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("want %s field %q, got %s field %q: %s", code, field, e.Code, e.Field, e.Message)
	}
}

func apiCred(t testing.TB, s *survey.Store) survey.Credential {
	t.Helper()
	k, _, err := s.AddAPIKey(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return survey.Credential{APIKey: k}
}

func TestCatalogApplyIdempotent(t *testing.T) {
	cat := readTestCatalog(t)
	total := len(cat.Groups) + len(cat.Agencies) + len(cat.Services) + len(cat.Centers) + len(cat.Surveys)
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		res, err := s.ApplyCatalog(ctx, cat)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != total || res.Updated != 0 || res.Unchanged != 0 {
			t.Fatalf("first apply: %s, want %d created", res, total)
		}
		res, err = s.ApplyCatalog(ctx, cat)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 0 || res.Unchanged != total {
			t.Fatalf("second apply: %s, want 0 created, 0 updated", res)
		}
		// A renamed agency is an update, nothing else changes.
		c2 := cloneCatalog(t, cat)
		c2.Agencies[0].Name.EN = "Renamed"
		res, err = s.ApplyCatalog(ctx, c2)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 1 {
			t.Fatalf("rename: %s, want 1 updated", res)
		}
		// Never deletes: applying a catalog without services keeps them.
		c3 := cloneCatalog(t, c2)
		c3.Services = nil
		if _, err := s.ApplyCatalog(ctx, c3); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "services"); n != int64(len(cat.Services)) {
			t.Fatalf("services after apply without them: %d", n)
		}
	})
}

func TestCatalogValidation(t *testing.T) {
	base := readTestCatalog(t)
	w1 := 1.0
	cases := []struct {
		name   string
		mutate func(c *survey.Catalog)
		field  string
		entry  string // the message must name the offending entry
	}{
		{"unknown group", func(c *survey.Catalog) { c.Agencies[1].Group = "centrl" }, `agencies[1] "justice".group`, `agencies[1] "justice"`},
		{"bad agency code upper", func(c *survey.Catalog) { c.Agencies[0].Code = "Migration" }, `agencies[0] "Migration".code`, `agencies[0] "Migration"`},
		{"bad group code dash first", func(c *survey.Catalog) { c.Groups[0].Code = "-central" }, `groups[0] "-central".code`, `groups[0] "-central"`},
		{"bad service code space", func(c *survey.Catalog) { c.Services[2].Code = "real estate" }, `services[2] "real estate".code`, `services[2] "real estate"`},
		{"code too long", func(c *survey.Catalog) { c.Centers[1].Code = strings.Repeat("a", 64) }, fmt.Sprintf(`centers[1] %q.code`, strings.Repeat("a", 64)), `centers[1]`},
		{"duplicate agency", func(c *survey.Catalog) { c.Agencies = append(c.Agencies, c.Agencies[0]) }, `agencies[3] "migration"`, `agencies[3] "migration": appears twice`},
		{"duplicate survey version", func(c *survey.Catalog) { c.Surveys = append(c.Surveys, c.Surveys[0]) }, `surveys[1] "visit"`, `version 1 appears twice`},
		{"service of unknown agency", func(c *survey.Catalog) { c.Services[0].Agency = "nope" }, `services[0] "temp-residence".agency`, `unknown agency "nope"`},
		{"centre of unknown agency", func(c *survey.Catalog) { c.Centers[1].Agencies = []string{"nope"} }, `centers[1] "ganja".agencies`, `unknown agency "nope"`},
		{"agency of unknown survey", func(c *survey.Catalog) { c.Agencies[2].Survey = "exit" }, `agencies[2] "property".survey`, `unknown survey "exit"`},
		{"scale max-min 1", func(c *survey.Catalog) { c.Surveys[0].Questions[1].Max = 2 }, `surveys[0] "visit".questions[1] "waiting"`, `2 <= max-min <= 10`},
		{"scale max-min 11", func(c *survey.Catalog) { c.Surveys[0].Questions[1].Min, c.Surveys[0].Questions[1].Max = 0, 11 }, `surveys[0] "visit".questions[1] "waiting"`, `2 <= max-min <= 10`},
		{"text question weighted", func(c *survey.Catalog) { c.Surveys[0].Questions[4].Weight = &w1 }, `surveys[0] "visit".questions[4] "comment".weight`, `never scored`},
		{"negative weight", func(c *survey.Catalog) { w := -1.0; c.Surveys[0].Questions[1].Weight = &w }, `surveys[0] "visit".questions[1] "waiting".weight`, `weight`},
		{"primary missing", func(c *survey.Catalog) { c.Surveys[0].Primary = "" }, `surveys[0] "visit".primary`, `primary ""`},
		{"primary unknown", func(c *survey.Catalog) { c.Surveys[0].Primary = "speed" }, `surveys[0] "visit".primary`, `primary "speed"`},
		{"primary is text", func(c *survey.Catalog) { c.Surveys[0].Primary = "comment" }, `surveys[0] "visit".primary`, `cannot be text`},
		{"unknown question type", func(c *survey.Catalog) { c.Surveys[0].Questions[2].Type = "stars" }, `surveys[0] "visit".questions[2] "resolved".type`, `type must be`},
		{"duplicate question key", func(c *survey.Catalog) { c.Surveys[0].Questions[1].Key = "overall" }, `surveys[0] "visit".questions[1] "overall"`, `key appears twice`},
		{"missing az group name", func(c *survey.Catalog) { c.Groups[1].Name.AZ = "" }, `groups[1] "state-services".name.az`, `az text is required`},
		{"missing az agency name", func(c *survey.Catalog) { c.Agencies[2].Name.AZ = "" }, `agencies[2] "property".name.az`, `az text is required`},
		{"missing az question text", func(c *survey.Catalog) { c.Surveys[0].Questions[0].Text.AZ = "" }, `surveys[0] "visit".questions[0] "overall".text.az`, `az text is required`},
	}
	// One store per dialect: every case is refused, so it stays empty throughout.
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				cat := cloneCatalog(t, base)
				c.mutate(&cat)
				_, err := s.ApplyCatalog(context.Background(), cat)
				wantCode(t, err, survey.CodeInvalidField, c.field)
				if !strings.Contains(err.Error(), c.entry) {
					t.Fatalf("error does not name the entry %q: %v", c.entry, err)
				}
				for _, table := range []string{"peer_groups", "agencies", "services", "centers", "surveys"} {
					if n := countRows(t, s, table); n != 0 {
						t.Fatalf("a refused catalog stored %d %s", n, table)
					}
				}
			})
		}
	})
}

func TestSurveyVersions(t *testing.T) {
	base := readTestCatalog(t)
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		if _, err := s.ApplyCatalog(ctx, base); err != nil {
			t.Fatal(err)
		}
		api := apiCred(t, s)
		// An unused version may still change.
		c := cloneCatalog(t, base)
		c.Surveys[0].Questions[1].Text.EN = "How long did you wait?"
		res, err := s.ApplyCatalog(ctx, c)
		if err != nil || res.Updated != 1 {
			t.Fatalf("unused version change: %s %v", res, err)
		}
		if _, _, err := submit(t, s, `{"id":"00000000-0000-4000-8000-000000000001","agency":"migration","answers":{"overall":5}}`, api); err != nil {
			t.Fatal(err)
		}
		// Once used it is immutable.
		before, _ := s.Catalog(ctx)
		c2 := cloneCatalog(t, c)
		c2.Surveys[0].Questions[1].Max = 7
		_, err = s.ApplyCatalog(ctx, c2)
		wantCode(t, err, survey.CodeInvalidField, "surveys")
		if !strings.Contains(err.Error(), `"visit" version 1`) || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("error should name the version and suggest the next: %v", err)
		}
		after, _ := s.Catalog(ctx)
		if !reflect.DeepEqual(before, after) {
			t.Fatal("a refused apply changed the catalog")
		}
		// Re-applying the same version unchanged is fine.
		if _, err := s.ApplyCatalog(ctx, c); err != nil {
			t.Fatalf("unchanged used version: %v", err)
		}
		// A new version is accepted and becomes the default.
		c3 := cloneCatalog(t, c)
		v2 := cloneCatalog(t, c).Surveys[0]
		v2.Version = 2
		v2.Questions = append(v2.Questions, survey.Question{Key: "clean", Type: survey.TypeScale, Min: 1, Max: 5, Text: survey.Names{AZ: "Təmizlik"}})
		c3.Surveys = append(c3.Surveys, v2)
		res, err = s.ApplyCatalog(ctx, c3)
		if err != nil || res.Created != 1 {
			t.Fatalf("new version: %s %v", res, err)
		}
		if _, _, err := submit(t, s, `{"id":"00000000-0000-4000-8000-000000000002","agency":"migration","answers":{"overall":4,"clean":5}}`, api); err != nil {
			t.Fatal(err)
		}
		if _, _, err := submit(t, s, `{"id":"00000000-0000-4000-8000-000000000003","agency":"migration","survey_version":1,"answers":{"overall":4}}`, api); err != nil {
			t.Fatal(err)
		}
		// The old version does not know the new question.
		before2 := countRows(t, s, "responses")
		_, _, err = submit(t, s, `{"id":"00000000-0000-4000-8000-000000000004","agency":"migration","survey_version":1,"answers":{"overall":4,"clean":5}}`, api)
		wantCode(t, err, survey.CodeInvalidField, "answers.clean")
		if countRows(t, s, "responses") != before2 {
			t.Fatal("a refused response was stored")
		}
		for id, want := range map[string]int64{"00000000-0000-4000-8000-000000000001": 1,
			"00000000-0000-4000-8000-000000000002": 2, "00000000-0000-4000-8000-000000000003": 1} {
			row := storedRow(t, s, "responses", "id = ?", id)
			if got := fmt.Sprint(row["survey_version"]); got != fmt.Sprint(want) || row["survey_code"] != "visit" {
				t.Errorf("%s recorded %v version %v, want %d", id, row["survey_code"], row["survey_version"], want)
			}
		}
	})
}

func TestCatalogExportRoundTrip(t *testing.T) {
	base := readTestCatalog(t)
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		if _, err := s.ApplyCatalog(ctx, base); err != nil {
			t.Fatal(err)
		}
		exported, err := s.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(exported)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := survey.DecodeCatalog(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("export does not decode: %v", err)
		}
		res, err := s.ApplyCatalog(ctx, *decoded)
		if err != nil || res.Created != 0 || res.Updated != 0 {
			t.Fatalf("export applied back: %s %v", res, err)
		}
		fresh := storetest.New(t, s.Dialect(), survey.Options{})
		if _, err := fresh.ApplyCatalog(ctx, *decoded); err != nil {
			t.Fatal(err)
		}
		again, err := fresh.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, exported) {
			t.Fatalf("round trip differs:\n%+v\n%+v", again, exported)
		}
		want := cloneCatalog(t, base)
		want.Sort()
		if !reflect.DeepEqual(cloneCatalog(t, exported), want) {
			t.Fatalf("export differs from the applied file:\n%+v\n%+v", exported, want)
		}
	})
}

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

func TestInvitations(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(storeStart)
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		req := survey.InvitationRequest{Agency: "migration", Service: "temp-residence", Center: "baku-1", VisitID: "Q-2025-000123", Operator: "op 7"}
		inv, token, created, err := s.CreateInvitation(ctx, req, api.APIKey)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("token %q carries %d bits", token, len(raw)*8)
		}
		if want := storeStart.Add(7 * 24 * time.Hour).UnixMicro(); inv.ExpiresUS != want {
			t.Fatalf("default lifetime: expires %d, want %d", inv.ExpiresUS, want)
		}
		_, token2, created, err := s.CreateInvitation(ctx, req, api.APIKey)
		if err != nil || created || token2 != token {
			t.Fatalf("same visit again: %v %v same token %v", created, err, token2 == token)
		}
		other := req
		other.Agency, other.Service, other.Center = "justice", "", ""
		_, token3, _, err := s.CreateInvitation(ctx, other, api.APIKey)
		if err != nil || token3 == token {
			t.Fatalf("same visit id at another agency must get its own link: %v", err)
		}
		// Only the hash is stored.
		row := storedRow(t, s, "invitations", "visit_id = ? AND agency_code = ?", req.VisitID, req.Agency)
		for col, v := range row {
			if str, ok := v.(string); ok && strings.Contains(str, token) {
				t.Fatalf("column %s holds the token", col)
			}
			if b, ok := v.([]byte); ok && strings.Contains(string(b), token) {
				t.Fatalf("column %s holds the token", col)
			}
		}
		if row["token_hash"] != survey.HashSecret(token) {
			t.Fatalf("token_hash %v is not the token's hash", row["token_hash"])
		}

		invBefore := countRows(t, s, "invitations")
		for _, c := range []struct {
			name  string
			req   survey.InvitationRequest
			code  string
			field string
		}{
			{"unknown agency", survey.InvitationRequest{Agency: "tax", VisitID: "v1"}, survey.CodeUnknownAgency, "agency"},
			{"no agency", survey.InvitationRequest{VisitID: "v1"}, survey.CodeInvalidField, "agency"},
			{"service of another agency", survey.InvitationRequest{Agency: "migration", Service: "notary", VisitID: "v1"}, survey.CodeInvalidField, "service"},
			{"centre not hosting", survey.InvitationRequest{Agency: "justice", Center: "ganja", VisitID: "v1"}, survey.CodeInvalidField, "center"},
			{"no visit id", survey.InvitationRequest{Agency: "migration", VisitID: "  "}, survey.CodeInvalidField, "visit_id"},
			{"expires too soon", survey.InvitationRequest{Agency: "migration", VisitID: "v1", ExpiresIn: ptr(int64(59))}, survey.CodeInvalidField, "expires_in"},
			{"expires too late", survey.InvitationRequest{Agency: "migration", VisitID: "v1", ExpiresIn: ptr(int64(30*24*3600 + 1))}, survey.CodeInvalidField, "expires_in"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, _, err := s.CreateInvitation(ctx, c.req, api.APIKey)
				wantCode(t, err, c.code, c.field)
			})
		}
		if n := countRows(t, s, "invitations"); n != invBefore {
			t.Fatalf("refused invitations stored: %d → %d", invBefore, n)
		}

		short, shortToken, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "property", VisitID: "S-1", ExpiresIn: ptr(int64(60))}, api.APIKey)
		if err != nil || short.ExpiresUS != clock.Now().Add(time.Minute).UnixMicro() {
			t.Fatalf("60 s invitation: %v", err)
		}
		const usedID = "5a5a5a5a-1111-4222-8333-444455556666"
		link := `{"id":"` + usedID + `","token":"` + token + `","answers":{"overall":5,"resolved":true}}`
		steps := []struct {
			name    string
			body    string
			advance time.Duration
			code    string
			field   string
			created bool
		}{
			{"agency with token", `{"token":"` + token + `","agency":"migration","answers":{"overall":5}}`, 0, survey.CodeInvalidField, "agency", false},
			{"service with token", `{"token":"` + token + `","service":"temp-residence","answers":{"overall":5}}`, 0, survey.CodeInvalidField, "service", false},
			{"center with token", `{"token":"` + token + `","center":"baku-1","answers":{"overall":5}}`, 0, survey.CodeInvalidField, "center", false},
			{"invalid answers keep the token", `{"token":"` + token + `","answers":{"overall":9}}`, 0, survey.CodeInvalidField, "answers.overall", false},
			{"use once", link, 0, "", "", true},
			{"retry of the same submission", link, time.Second, "", "", false},
			{"used again", `{"token":"` + token + `","answers":{"overall":1}}`, 0, survey.CodeTokenUsed, "token", false},
			{"used again same id other content", strings.Replace(link, `"overall":5`, `"overall":1`, 1), 0, survey.CodeIDConflict, "id", false},
			{"unknown token", `{"token":"AAAAAAAAAAAAAAAAAAAAAAAA","answers":{"overall":5}}`, 0, survey.CodeNotFound, "token", false},
			{"expired", `{"token":"` + shortToken + `","answers":{"overall":5}}`, 61 * time.Second, survey.CodeTokenExpired, "token", false},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				clock.Advance(st.advance)
				before := countRows(t, s, "responses")
				res, created, err := submit(t, s, st.body, survey.Credential{})
				if st.code != "" {
					wantCode(t, err, st.code, st.field)
					if n := countRows(t, s, "responses"); n != before {
						t.Fatalf("refused response stored: %d → %d", before, n)
					}
					return
				}
				if err != nil || created != st.created {
					t.Fatalf("got created=%v err=%v", created, err)
				}
				row := storedRow(t, s, "responses", "id = ?", res.ID)
				if row["channel"] != survey.ChannelLink || row["agency_code"] != "migration" ||
					row["service_code"] != "temp-residence" || row["center_code"] != "baku-1" {
					t.Fatalf("link response stored as %v", row)
				}
			})
		}
		// Concurrency: one visit's invitation is created once; one token is used once.
		const workers = 6
		var wg sync.WaitGroup
		tokens := make([]string, workers)
		createdN := make([]bool, workers)
		errs := make([]error, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, tokens[i], createdN[i], errs[i] = s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "property", VisitID: "C-1"}, api.APIKey)
			}()
		}
		wg.Wait()
		nCreated := 0
		for i := range workers {
			if errs[i] != nil || tokens[i] != tokens[0] {
				t.Fatalf("concurrent create %d: %v (same token %v)", i, errs[i], tokens[i] == tokens[0])
			}
			if createdN[i] {
				nCreated++
			}
		}
		if nCreated != 1 {
			t.Fatalf("%d concurrent creations of one visit's invitation", nCreated)
		}
		before := countRows(t, s, "responses")
		codes := make([]string, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, created, err := submit(t, s, `{"token":"`+tokens[0]+`","answers":{"overall":4}}`, survey.Credential{})
				codes[i] = survey.ErrorCode(err)
				if err == nil && created {
					codes[i] = "created"
				}
			}()
		}
		wg.Wait()
		tally := map[string]int{}
		for _, c := range codes {
			tally[c]++
		}
		if tally["created"] != 1 || tally[survey.CodeTokenUsed] != workers-1 {
			t.Fatalf("concurrent use of one token: %v", tally)
		}
		if n := countRows(t, s, "responses"); n != before+1 {
			t.Fatalf("rows %d → %d", before, n)
		}

		// A kiosk cannot use an invitation token.
		k, _, _ := s.AddKiosk(ctx, "baku-1", "Exit", "")
		_, _, err = submit(t, s, `{"token":"`+token3+`","answers":{"overall":5}}`, survey.Credential{Kiosk: k})
		wantCode(t, err, survey.CodeInvalidField, "token")
	})
}

func ptr[T any](v T) *T { return &v }

// A link submission whose id is already stored (by another channel) is a replay or a conflict, and its
// invitation stays unused: the citizen can still rate with a fresh id.
func TestLinkWithTakenIDLeavesInvitationUnused(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		const id = "0b0b0b0b-1111-4222-8333-444455556666"
		if _, created, err := submit(t, s, `{"id":"`+id+`","agency":"migration","answers":{"overall":5}}`, api); err != nil || !created {
			t.Fatalf("api submission: %v %v", created, err)
		}
		_, token, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "justice", VisitID: "T-1"}, api.APIKey)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = submit(t, s, `{"id":"`+id+`","token":"`+token+`","answers":{"overall":2}}`, survey.Credential{})
		wantCode(t, err, survey.CodeIDConflict, "id")
		if _, err := s.InvitationByToken(ctx, token); err != nil {
			t.Fatalf("the invitation was used up by a submission that stored nothing: %v", err)
		}
		if _, created, err := submit(t, s, `{"token":"`+token+`","answers":{"overall":2}}`, survey.Credential{}); err != nil || !created {
			t.Fatalf("rating with the link afterwards: %v %v", created, err)
		}
	})
}

// When the database refuses a batch mid-transaction, the submissions get an error, nothing of the batch is
// stored, no connection is left inside a transaction, and the next submissions are stored normally.
func TestBatchFailureLeavesCleanConnections(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{Burst: 3 * time.Second})
	ctx := context.Background()
	loadTestCatalog(t, s)
	k, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "")
	if err != nil {
		t.Fatal(err)
	}
	api := apiCred(t, s)
	_, token, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "justice", VisitID: "F-1"}, api.APIKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN IF NEW.comment = 'boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`,
		`CREATE TRIGGER refuse_boom BEFORE INSERT ON responses FOR EACH ROW EXECUTE FUNCTION refuse_boom()`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		body string
		cred survey.Credential
	}{
		{"kiosk", `{"agency":"migration","comment":"boom","answers":{"overall":5}}`, survey.Credential{Kiosk: k}},
		{"link", `{"token":"` + token + `","comment":"boom","answers":{"overall":5}}`, survey.Credential{}},
		{"api", `{"agency":"migration","comment":"boom","answers":{"overall":5}}`, api},
	} {
		if _, _, err := submit(t, s, c.body, c.cred); err == nil {
			t.Fatalf("%s: a refused insert was acknowledged", c.name)
		}
	}
	if n := countRows(t, s, "responses"); n != 0 {
		t.Fatalf("%d rows stored by refused batches", n)
	}
	var inTx int
	if err := s.DB().NewRaw("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'").
		Scan(ctx, &inTx); err != nil {
		t.Fatal(err)
	}
	if inTx != 0 {
		t.Fatalf("%d connections left inside a transaction", inTx)
	}
	if _, err := s.InvitationByToken(ctx, token); err != nil {
		t.Fatalf("the refused link used up its invitation: %v", err)
	}
	for i, c := range []struct {
		body string
		cred survey.Credential
	}{
		{`{"agency":"migration","answers":{"overall":5}}`, survey.Credential{Kiosk: k}},
		{`{"token":"` + token + `","answers":{"overall":5}}`, survey.Credential{}},
		{`{"agency":"migration","answers":{"overall":5}}`, api},
	} {
		if _, created, err := submit(t, s, c.body, c.cred); err != nil || !created {
			t.Fatalf("submission %d after the failures: %v %v", i, created, err)
		}
	}
}

// TestBurstRuleWaitsForOtherInstance: on PostgreSQL a kiosk's batch waits for another instance's transaction
// holding the same kiosk (its advisory lock), then sees that transaction's row, so the burst rule holds across
// instances. The other instance is played by hand: lock, insert, and commit only once the store is waiting.
func TestBurstRuleWaitsForOtherInstance(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	s := storetest.New(t, "pg", survey.Options{Now: clock.Now, Burst: 3 * time.Second})
	ctx := context.Background()
	loadTestCatalog(t, s)
	k, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	at := storeStart.Add(-time.Second).UnixMicro()
	for _, q := range []string{
		"BEGIN",
		fmt.Sprintf("SELECT pg_advisory_xact_lock((7310002::bigint << 32) | %d)", k.ID),
		fmt.Sprintf(`INSERT INTO responses (id, submitted_us, received_us, agency_code, channel, kiosk_id, survey_code,
		  survey_version, lang, status, answers, score, top2, content_hash)
		  VALUES ('other-instance', %d, %d, 'migration', 'kiosk', %d, 'visit', 1, 'az', 'counted', '{"overall":5}', 100, true, 'x')`,
			at, at, k.ID),
	} {
		if _, err := other.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	done := make(chan survey.Result, 1)
	go func() {
		res, _, err := submit(t, s, `{"agency":"migration","answers":{"overall":5}}`, survey.Credential{Kiosk: k})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	// Commit only once the store's batch waits for the kiosk's lock (without the lock it would not wait, and
	// would count its row: the other row is not committed yet).
	deadline := time.Now().Add(5 * time.Second)
	for {
		var waiting int
		if err := s.DB().NewRaw("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").Scan(ctx, &waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case res := <-done:
			t.Fatalf("the batch did not wait for the other instance's kiosk lock: %+v", res)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch never waited for the kiosk's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := other.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.Status != survey.StatusExcluded || res.Reason == nil || *res.Reason != survey.ReasonBurst {
		t.Fatalf("a kiosk submission 1 s after the other instance's: %+v, want excluded/burst", res)
	}
}

// TestRevocationReachesOtherInstance: each instance caches checked credentials, and a revocation made on another
// instance, or in plain SQL, reaches it within about a second (cred_epoch), not after the cache's life.
func TestRevocationReachesOtherInstance(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, dialect)
			a, b := storetest.Open(t, dsn, survey.Options{}), storetest.Open(t, dsn, survey.Options{})
			loadTestCatalog(t, a)
			k, token, err := a.AddKiosk(ctx, "baku-1", "Exit", "")
			if err != nil {
				t.Fatal(err)
			}
			_, key, err := a.AddAPIKey(ctx, "queue")
			if err != nil {
				t.Fatal(err)
			}
			keyRow, err := b.AuthAPIKey(ctx, key) // cached on b
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.AuthKiosk(ctx, token); err != nil { // cached on b
				t.Fatal(err)
			}
			// Before its next read of the counter b may still answer from its cache; after it, never.
			refused := func(what string, auth func() error) {
				t.Helper()
				for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
					err := auth()
					if survey.ErrorCode(err) == survey.CodeUnauthorized {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("5 s after %s the other instance still accepts it: %v", what, err)
					}
				}
			}
			kioskAuth := func(token string) func() error {
				return func() error { _, err := b.AuthKiosk(ctx, token); return err }
			}
			if err := a.RevokeKiosk(ctx, k.ID); err != nil {
				t.Fatal(err)
			}
			refused("the kiosk's revocation", kioskAuth(token))
			if err := a.RevokeAPIKey(ctx, keyRow.ID); err != nil {
				t.Fatal(err)
			}
			refused("the API key's revocation", func() error { _, err := b.AuthAPIKey(ctx, key); return err })
			// changedInSQL adds a kiosk, has b cache it, then changes its row with statement (plain SQL, behind
			// the application's back: the counter is kept by triggers).
			changedInSQL := func(name, statement string) string {
				k, token, err := a.AddKiosk(ctx, "baku-1", name, "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.AuthKiosk(ctx, token); err != nil {
					t.Fatal(err)
				}
				if _, err := a.DB().NewRaw(statement, k.ID).Exec(ctx); err != nil {
					t.Fatal(err)
				}
				return token
			}
			refused("a revocation in SQL", kioskAuth(changedInSQL("Exit 3", "UPDATE kiosks SET revoked_us = 1 WHERE id = ?")))
			// And a credential checked once stays cached (no query per submission) while nothing it depends on
			// changes.
			token2 := changedInSQL("Exit 2", "UPDATE kiosks SET name = 'renamed' WHERE id = ?")
			time.Sleep(1200 * time.Millisecond) // past an epoch check
			if again, err := b.AuthKiosk(ctx, token2); err != nil || again.Name != "Exit 2" {
				t.Fatalf("an unchanged epoch dropped the cached kiosk: %+v %v", again, err)
			}
		})
	}
}

func TestCredentialsStoredAsHashes(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		k, ktok, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "migration")
		if err != nil {
			t.Fatal(err)
		}
		ak, akey, err := s.AddAPIKey(ctx, "queue")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			table, hashCol, secret string
			id                     int64
		}{{"kiosks", "token_hash", ktok, k.ID}, {"api_keys", "key_hash", akey, ak.ID}} {
			raw, _ := base64.RawURLEncoding.DecodeString(c.secret[3:])
			if len(raw)*8 < 128 {
				t.Fatalf("%s secret too short: %d bits", c.table, len(raw)*8)
			}
			row := storedRow(t, s, c.table, "id = ?", c.id)
			for col, v := range row {
				if strings.Contains(fmt.Sprint(v), c.secret) || strings.Contains(fmt.Sprintf("%s", v), c.secret) {
					t.Fatalf("%s.%s holds the secret", c.table, col)
				}
			}
			if row[c.hashCol] != survey.HashSecret(c.secret) {
				t.Fatalf("%s.%s is not the secret's hash", c.table, c.hashCol)
			}
		}
		if got, err := s.AuthKiosk(ctx, ktok); err != nil || got.ID != k.ID || got.Agency != "migration" {
			t.Fatalf("kiosk auth: %+v %v", got, err)
		}
		if got, err := s.AuthAPIKey(ctx, akey); err != nil || got.ID != ak.ID {
			t.Fatalf("api key auth: %+v %v", got, err)
		}
		for name, fn := range map[string]func() error{
			"kiosk token as api key": func() error { _, err := s.AuthAPIKey(ctx, ktok); return err },
			"api key as kiosk token": func() error { _, err := s.AuthKiosk(ctx, akey); return err },
			"tampered kiosk token":   func() error { _, err := s.AuthKiosk(ctx, ktok+"x"); return err },
			"hash as kiosk token":    func() error { _, err := s.AuthKiosk(ctx, survey.HashSecret(ktok)); return err },
			"empty api key":          func() error { _, err := s.AuthAPIKey(ctx, ""); return err },
		} {
			if survey.ErrorCode(fn()) != survey.CodeUnauthorized {
				t.Errorf("%s: want unauthorized", name)
			}
		}
		if err := s.RevokeKiosk(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIKey(ctx, ak.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthKiosk(ctx, ktok); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("revoked kiosk: %v", err)
		}
		if _, err := s.AuthAPIKey(ctx, akey); survey.ErrorCode(err) != survey.CodeUnauthorized {
			t.Fatalf("revoked api key: %v", err)
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
