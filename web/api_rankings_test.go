package web_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey/storetest"
)

func keysOf(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// TestRankingsAndBreakdownAPI submits responses through the API and reads them back as a ranking table
// and breakdowns, checking the exact JSON shape of docs/api.md, the figures and every error.
func TestRankingsAndBreakdownAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			// Item scores of testdata/catalog.json: overall, waiting (1..5) and resolved (yes/no) weigh 1,
			// courtesy weighs 0. R is computed here from the answers, not taken from the server.
			var scores = map[string][]float64{}
			submit := func(agency string, overall, waiting int, resolved bool, courtesy int, at time.Time) {
				t.Helper()
				status, body := env.postJSON(t, "/api/v1/responses", env.APIKey, map[string]any{
					"agency": agency, "center": "baku-1",
					"answers":      map[string]any{"overall": overall, "waiting": waiting, "resolved": resolved, "courtesy": courtesy},
					"submitted_at": at.Format(time.RFC3339)})
				if status != http.StatusCreated {
					t.Fatalf("submit: %d %v", status, body)
				}
				yes := 0.0
				if resolved {
					yes = 100
				}
				scores[agency] = append(scores[agency], (float64(overall-1)*25+float64(waiting-1)*25+yes)/3)
			}
			at := env.Clock.Now().Add(-48 * time.Hour)
			for i := range 12 {
				submit("migration", 3+i%3, 2+i%4, i%3 != 0, 1+i%5, at.Add(time.Duration(i)*time.Minute))
				submit("justice", 2+i%4, 1+i%5, i%2 == 0, 5, at.Add(time.Duration(i)*time.Minute))
			}
			submit("property", 5, 5, true, 5, at)

			res := env.get(t, "/api/v1/rankings?period=2025-Q3&lang=en", env.APIKey)
			if res.Status != http.StatusOK {
				t.Fatalf("rankings: %d %s", res.Status, res.Body)
			}
			body := res.JSON()
			if got := keysOf(body); fmt.Sprint(got) != "[groups methodology period]" {
				t.Fatalf("top-level keys %v", got)
			}
			period := body["period"].(map[string]any)
			if period["label"] != "2025-Q3" || period["start"] != "2025-07-01T00:00:00+04:00" || period["end"] != "2025-10-01T00:00:00+04:00" {
				t.Errorf("period %v", period)
			}
			meth := body["methodology"].(map[string]any)
			if fmt.Sprint(keysOf(meth)) != "[confidence min_n prior_weight]" || meth["confidence"] != 0.95 {
				t.Errorf("methodology %v", meth)
			}
			groups := body["groups"].([]any)
			if len(groups) != 2 {
				t.Fatalf("groups %v", groups)
			}
			central := groups[0].(map[string]any)
			if fmt.Sprint(keysOf(central)) != "[group index n name rows]" || central["group"] != "central" ||
				central["name"] != "Central executive authorities" || central["n"] != 24.0 {
				t.Errorf("group %v", central)
			}
			rows := central["rows"].([]any)
			if len(rows) != 2 {
				t.Fatalf("rows %v", rows)
			}
			mean := func(xs []float64) float64 {
				var s float64
				for _, x := range xs {
					s += x
				}
				return s / float64(len(xs))
			}
			first := rows[0].(map[string]any)
			wantKeys := "[adjusted agency cases change change_significant ci_high ci_low clear_first clear_streak csat csat_high csat_low index n name previous_rank rank rank_high rank_low status streak]"
			if fmt.Sprint(keysOf(first)) != wantKeys {
				t.Errorf("row keys %v", keysOf(first))
			}
			best, other := "migration", "justice"
			if mean(scores["justice"]) > mean(scores["migration"]) {
				best, other = other, best
			}
			if first["agency"] != best || first["rank"] != 1.0 || first["status"] != "ranked" || first["n"] != 12.0 ||
				first["index"] != scoring.Round2(mean(scores[best])) || first["previous_rank"] != nil || first["streak"] != 1.0 {
				t.Errorf("first row %v (want %s index %v)", first, best, scoring.Round2(mean(scores[best])))
			}
			if ch := first["change"].(map[string]any); fmt.Sprint(keysOf(ch)) != "[previous_period previous_year]" || ch["previous_period"] != nil {
				t.Errorf("change %v", ch)
			}
			// No previous period: no significance. Both ranked: an interval holding the rank, clear first only
			// with [1, 1].
			if sig := first["change_significant"].(map[string]any); fmt.Sprint(keysOf(sig)) != "[previous_period previous_year]" ||
				sig["previous_period"] != nil || sig["previous_year"] != nil {
				t.Errorf("change_significant %v", sig)
			}
			for _, r := range rows {
				r := r.(map[string]any)
				lo, hi, rank := r["rank_low"].(float64), r["rank_high"].(float64), r["rank"].(float64)
				if lo < 1 || lo > rank || hi < rank || hi > 2 || r["clear_first"] != (rank == 1 && hi == 1) ||
					r["clear_streak"] != map[bool]float64{true: 1, false: 0}[r["clear_first"] == true] {
					t.Errorf("honest fields of %v", r)
				}
			}
			second := rows[1].(map[string]any)
			if second["agency"] != other || second["rank"] != 2.0 || second["streak"] != 0.0 {
				t.Errorf("second row %v", second)
			}
			for _, k := range []string{"index", "ci_low", "ci_high", "csat", "csat_low", "csat_high", "adjusted"} {
				v := first[k].(float64)
				if math.Abs(v*100-math.Round(v*100)) > 1e-9 || v < 0 || v > 100 {
					t.Errorf("%s = %v is not a percentage with 2 decimals", k, v)
				}
			}

			// One group; names in az by default.
			res = env.get(t, "/api/v1/rankings?period=2025-08&group=state-services", env.APIKey)
			body = res.JSON()
			if res.Status != http.StatusOK || len(body["groups"].([]any)) != 1 {
				t.Fatalf("group filter: %d %s", res.Status, res.Body)
			}
			g := body["groups"].([]any)[0].(map[string]any)
			if g["name"] != "Dövlət xidmətləri" || g["rows"].([]any)[0].(map[string]any)["index"] != 100.0 {
				t.Errorf("state-services %v", g)
			}
			// A period without responses: no groups at all.
			res = env.get(t, "/api/v1/rankings?from=2025-01-01&to=2025-01-31", env.APIKey)
			if res.Status != http.StatusOK || len(res.JSON()["groups"].([]any)) != 0 {
				t.Errorf("empty range: %d %s", res.Status, res.Body)
			}

			// Breakdown by channel and by question.
			res = env.get(t, "/api/v1/agencies/migration/breakdown?period=2025-Q3&by=channel&lang=en", env.APIKey)
			if res.Status != http.StatusOK {
				t.Fatalf("breakdown: %d %s", res.Status, res.Body)
			}
			body = res.JSON()
			if fmt.Sprint(keysOf(body)) != "[agency by period rows]" || body["agency"] != "migration" || body["by"] != "channel" {
				t.Errorf("breakdown %v", body)
			}
			brow := body["rows"].([]any)
			if len(brow) != 1 {
				t.Fatalf("channel rows %v", brow)
			}
			r0 := brow[0].(map[string]any)
			if fmt.Sprint(keysOf(r0)) != "[ci_high ci_low index key n name]" || r0["key"] != "api" || r0["n"] != 12.0 ||
				r0["index"] != scoring.Round2(mean(scores["migration"])) {
				t.Errorf("channel row %v", r0)
			}
			res = env.get(t, "/api/v1/agencies/justice/breakdown?period=2025-08&by=question", env.APIKey)
			qrows := res.JSON()["rows"].([]any)
			byKey := map[string]map[string]any{}
			for _, r := range qrows {
				byKey[r.(map[string]any)["key"].(string)] = r.(map[string]any)
			}
			// courtesy weighs 0 but is shown; every justice response answered courtesy=5 → 100.
			if len(qrows) != 4 || byKey["courtesy"]["index"] != 100.0 || byKey["courtesy"]["n"] != 12.0 ||
				byKey["courtesy"]["name"] != "Əməkdaşın nəzakəti" || byKey["resolved"]["index"] != 50.0 {
				t.Errorf("question rows %s", res.Body)
			}
			res = env.get(t, "/api/v1/agencies/justice/breakdown?period=2025&by=month", env.APIKey)
			if mrows := res.JSON()["rows"].([]any); len(mrows) != 1 || mrows[0].(map[string]any)["key"] != "2025-08" {
				t.Errorf("month rows %s", res.Body)
			}

			// Errors.
			for _, c := range []struct {
				path, auth, code, field string
				status                  int
			}{
				{"/api/v1/rankings?period=2025-Q3", "", "unauthorized", "", 401},
				{"/api/v1/rankings?period=2025-Q3", env.KioskToken, "forbidden", "", 403},
				{"/api/v1/rankings?period=2025-Q5", env.APIKey, "invalid_field", "period", 422},
				{"/api/v1/rankings", env.APIKey, "invalid_field", "period", 422},
				{"/api/v1/rankings?from=2025-01-01&to=nope", env.APIKey, "invalid_field", "to", 422},
				{"/api/v1/rankings?period=2025-Q3&group=nope", env.APIKey, "not_found", "group", 404},
				{"/api/v1/rankings?period=2025-Q3&group=" + url.QueryEscape("Ünvan"), env.APIKey, "not_found", "group", 404},
				{"/api/v1/rankings?period=2025-Q3&lang=de", env.APIKey, "invalid_field", "lang", 422},
				{"/api/v1/agencies/nope/breakdown?period=2025-Q3&by=service", env.APIKey, "not_found", "agency", 404},
				{"/api/v1/agencies/migration/breakdown?period=2025-Q3&by=colour", env.APIKey, "invalid_field", "by", 422},
				{"/api/v1/agencies/migration/breakdown?period=2025-Q3", env.APIKey, "invalid_field", "by", 422},
				{"/api/v1/agencies/migration/breakdown?period=x&by=service", env.APIKey, "invalid_field", "period", 422},
				{"/api/v1/agencies/migration/breakdown?period=2025-Q3&by=service&lang=fr", env.APIKey, "invalid_field", "lang", 422},
				{"/api/v1/agencies/migration/breakdown?period=2025-Q3&by=service", "", "unauthorized", "", 401},
			} {
				res := env.get(t, c.path, c.auth)
				var eb map[string]any
				json.Unmarshal(res.Body, &eb)
				if res.Status != c.status {
					t.Errorf("%s: %d %s, want %d", c.path, res.Status, res.Body, c.status)
					continue
				}
				code, field := errorOf(t, eb)
				if code != c.code || field != c.field {
					t.Errorf("%s: %s/%s, want %s/%s", c.path, code, field, c.code, c.field)
				}
			}
		})
	}
}
