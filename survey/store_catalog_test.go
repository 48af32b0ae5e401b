package survey_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

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
