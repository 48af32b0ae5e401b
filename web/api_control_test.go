package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// controlSeed are migration's monthly scores: 2023-06 … 2025-07 (the test clock's last complete month),
// with 2024-10 and 2025-02 left empty. R of an answer (overall o, waiting w, resolved r; courtesy
// unanswered) is ((o−1)·25 + (w−1)·25 + 100·r)/3, computed here and never read back from the server.
type controlSeed struct {
	scores map[string][]float64 // YYYY-MM → R of each response
}

func (c *controlSeed) seed(t testing.TB, s *survey.Store) {
	t.Helper()
	ctx := context.Background()
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.scores = map[string][]float64{}
	var rows []*survey.Response
	for m := time.Date(2023, 6, 1, 12, 0, 0, 0, storetest.Baku); m.Before(time.Date(2025, 8, 1, 0, 0, 0, 0, storetest.Baku)); m = m.AddDate(0, 1, 0) {
		label := m.Format("2006-01")
		if label == "2024-10" || label == "2025-02" {
			continue
		}
		k := m.Year()*12 + int(m.Month())
		n := 2 + k%4
		for i := range n {
			o, w, r := 2+(k+i)%4, 1+(k*3+i)%5, (k+i)%3 != 0
			if label >= "2024-12" { // a better last half year: a run above the centre line
				o, w, r = 5, 4+i%2, true
			}
			if label == "2024-04" { // one dreadful month: below the limits
				o, w, r = 1, 1, false
			}
			at := m.Add(time.Duration(i) * 26 * time.Hour)
			body := fmt.Sprintf(`{"id":%q,"agency":"migration","center":"baku-1","answers":{"overall":%d,"waiting":%d,"resolved":%v},"submitted_at":%q}`,
				uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprint("control", label, i))).String(), o, w, r, at.Format(time.RFC3339))
			sub, err := survey.DecodeSubmission([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, at)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, resp)
			yes := 0.0
			if r {
				yes = 100
			}
			c.scores[label] = append(c.scores[label], (float64(o-1)*25+float64(w-1)*25+yes)/3)
		}
	}
	if _, err := s.BulkInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
}

// chart is the expected answer for the months [from, to] (YYYY-MM), by the method's words, from raw scores.
func (c *controlSeed) chart(from, to string) (cl, sigma float64, points []map[string]any) {
	var months []string
	var all []float64
	for m := range c.scores {
		if m >= from && m <= to {
			months = append(months, m)
			all = append(all, c.scores[m]...)
		}
	}
	slices.Sort(months)
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	cl = mean(all)
	ss := 0.0
	for _, x := range all {
		ss += (x - cl) * (x - cl)
	}
	sigma = math.Sqrt(ss / float64(len(all)-1))
	side := make([]int, len(months)) // +1 above cl, −1 below
	for i, m := range months {
		xs := c.scores[m]
		idx := mean(xs)
		half := 3 * sigma / math.Sqrt(float64(len(xs)))
		lcl, ucl := math.Max(0, cl-half), math.Min(100, cl+half)
		switch {
		case idx > cl:
			side[i] = 1
		case idx < cl:
			side[i] = -1
		}
		var signal any
		switch {
		case idx > ucl:
			signal = "above"
		case idx < lcl:
			signal = "below"
		case i >= 6 && side[i] != 0 && allSame(side[i-6:i+1]):
			signal = map[int]string{1: "run_above", -1: "run_below"}[side[i]]
		}
		points = append(points, map[string]any{"month": m, "index": scoring.Round2(idx), "n": float64(len(xs)),
			"lcl": scoring.Round2(lcl), "ucl": scoring.Round2(ucl), "signal": signal})
	}
	return scoring.Round2(cl), scoring.Round2(sigma), points
}

func allSame(xs []int) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

func TestControlAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			seed := &controlSeed{}
			env := newTestEnvWith(t, dialect, testEnvOptions{Seed: seed.seed})
			check := func(path, from, to string) map[string]any {
				t.Helper()
				res := env.get(t, path, env.APIKey)
				if res.Status != http.StatusOK {
					t.Fatalf("%s: %d %s", path, res.Status, res.Body)
				}
				body := res.JSON()
				if fmt.Sprint(keysOf(body)) != "[agency cl points sigma]" || body["agency"] != "migration" {
					t.Fatalf("%s: %s", path, res.Body)
				}
				cl, sigma, points := seed.chart(from, to)
				if body["cl"] != cl || body["sigma"] != sigma {
					t.Errorf("%s: cl %v sigma %v, want %v %v", path, body["cl"], body["sigma"], cl, sigma)
				}
				got := body["points"].([]any)
				if len(got) != len(points) {
					t.Fatalf("%s: %d points, want %d: %s", path, len(got), len(points), res.Body)
				}
				for i, p := range got {
					p := p.(map[string]any)
					if fmt.Sprint(keysOf(p)) != "[index lcl month n signal ucl]" || fmt.Sprint(p) != fmt.Sprint(points[i]) {
						t.Errorf("%s point %d:\n got %v\nwant %v", path, i, p, points[i])
					}
				}
				return body
			}
			// Default: the 24 months ending with the last complete month (the clock is in 2025-08).
			body := check("/api/v1/agencies/migration/control", "2023-08", "2025-07")
			signals := map[any]bool{}
			for _, p := range body["points"].([]any) {
				signals[p.(map[string]any)["signal"]] = true
			}
			if !signals["below"] || !signals["run_above"] || !signals[nil] {
				t.Errorf("the seed should show below, run_above and no signal: %v", signals)
			}
			months := func(b map[string]any) (out []string) {
				for _, p := range b["points"].([]any) {
					out = append(out, p.(map[string]any)["month"].(string))
				}
				return out
			}
			if ms := months(body); slices.Contains(ms, "2024-10") || slices.Contains(ms, "2025-02") || len(ms) != 22 {
				t.Errorf("empty months are not listed: %v", ms)
			}
			check("/api/v1/agencies/migration/control?to=2025-07&months=24", "2023-08", "2025-07")
			check("/api/v1/agencies/migration/control?to=2025-03&months=6", "2024-10", "2025-03")
			check("/api/v1/agencies/migration/control?months=60", "2020-08", "2025-07")
			// The running month may end a chart (it has no responses here); a later one has not started.
			body = check("/api/v1/agencies/migration/control?to=2025-08&months=7", "2025-02", "2025-08")
			if ms := months(body); len(ms) != 5 || ms[0] != "2025-03" {
				t.Errorf("to=2025-08&months=7: %v", ms)
			}
			// An agency without responses: an empty chart.
			res := env.get(t, "/api/v1/agencies/justice/control", env.APIKey)
			if b := res.JSON(); res.Status != http.StatusOK || len(b["points"].([]any)) != 0 || b["cl"] != 0.0 || b["sigma"] != 0.0 {
				t.Errorf("justice: %d %s", res.Status, res.Body)
			}

			for _, c := range []struct {
				query, code, field string
				status             int
			}{
				{"?to=2025-09", "invalid_field", "to", 422},
				{"?to=2100-12", "invalid_field", "to", 422},
				{"?to=9999-99", "invalid_field", "to", 422},
				{"?to=2025-13", "invalid_field", "to", 422},
				{"?to=2025-7", "invalid_field", "to", 422},
				{"?to=1999-12", "invalid_field", "to", 422},
				{"?to=2025-Q3", "invalid_field", "to", 422},
				{"?to=2025", "invalid_field", "to", 422},
				{"?to=", "invalid_field", "to", 422},
				{"?to=" + url.QueryEscape("２０２５-０７"), "invalid_field", "to", 422},
				{"?to=" + url.QueryEscape("2025-07' OR '1'='1"), "invalid_field", "to", 422},
				{"?to=" + url.QueryEscape("2025-07;DROP TABLE responses"), "invalid_field", "to", 422},
				{"?months=5", "invalid_field", "months", 422},
				{"?months=61", "invalid_field", "months", 422},
				{"?months=0", "invalid_field", "months", 422},
				{"?months=-6", "invalid_field", "months", 422},
				{"?months=%2B6", "invalid_field", "months", 422},
				{"?months=6.5", "invalid_field", "months", 422},
				{"?months=%206", "invalid_field", "months", 422},
				{"?months=", "invalid_field", "months", 422},
				{"?months=99999999999999999999999999", "invalid_field", "months", 422},
				{"?months=" + url.QueryEscape("１２"), "invalid_field", "months", 422},
				{"?months=" + url.QueryEscape("12 OR 1=1"), "invalid_field", "months", 422},
			} {
				res := env.get(t, "/api/v1/agencies/migration/control"+c.query, env.APIKey)
				if res.Status != c.status {
					t.Errorf("%s: %d %s, want %d", c.query, res.Status, res.Body, c.status)
					continue
				}
				if code, field := errorOf(t, res.JSON()); code != c.code || field != c.field {
					t.Errorf("%s: %s/%s, want %s/%s", c.query, code, field, c.code, c.field)
				}
			}
			for _, c := range []struct {
				path, auth, code string
				status           int
			}{
				{"/api/v1/agencies/nope/control", env.APIKey, "not_found", 404},
				{"/api/v1/agencies/" + url.PathEscape("Ünvan") + "/control", env.APIKey, "not_found", 404},
				{"/api/v1/agencies/" + url.PathEscape("x' OR 1=1--") + "/control", env.APIKey, "not_found", 404},
				{"/api/v1/agencies/migration/control", "", "unauthorized", 401},
				{"/api/v1/agencies/migration/control", env.KioskToken, "forbidden", 403},
			} {
				res := env.get(t, c.path, c.auth)
				if res.Status != c.status {
					t.Errorf("%s: %d %s, want %d", c.path, res.Status, res.Body, c.status)
					continue
				}
				if code, _ := errorOf(t, res.JSON()); code != c.code {
					t.Errorf("%s: %s, want %s", c.path, code, c.code)
				}
			}
		})
	}
}

// A running period says so (complete false, as of now); a past one is complete as of its end; one that has
// not started is 422 on period, in rankings and breakdowns alike.
func TestPeriodRunningAndNotStartedAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			now := env.Clock.Now().In(storetest.Baku).Format(time.RFC3339) // 2025-08-14T10:00:00+04:00
			for _, c := range []struct {
				path     string
				complete bool
				asOf     string
			}{
				{"/api/v1/rankings?period=2025-Q3", false, now},
				{"/api/v1/rankings?period=2025-08", false, now},
				{"/api/v1/rankings?period=2025", false, now},
				{"/api/v1/rankings?from=2025-08-14&to=2025-08-20", false, now}, // begins today: running
				{"/api/v1/rankings?period=2025-Q2", true, "2025-07-01T00:00:00+04:00"},
				{"/api/v1/rankings?period=2025-07", true, "2025-08-01T00:00:00+04:00"},
				{"/api/v1/rankings?from=2025-08-01&to=2025-08-13", true, "2025-08-14T00:00:00+04:00"},
				{"/api/v1/agencies/migration/breakdown?period=2025-Q3&by=month", false, now},
				{"/api/v1/agencies/migration/breakdown?period=2024&by=service", true, "2025-01-01T00:00:00+04:00"},
			} {
				res := env.get(t, c.path, env.APIKey)
				if res.Status != http.StatusOK {
					t.Errorf("%s: %d %s", c.path, res.Status, res.Body)
					continue
				}
				p := res.JSON()["period"].(map[string]any)
				if fmt.Sprint(keysOf(p)) != "[as_of complete end label start]" || p["complete"] != c.complete || p["as_of"] != c.asOf {
					t.Errorf("%s: period %v, want complete %v as of %s", c.path, p, c.complete, c.asOf)
				}
			}
			for _, path := range []string{
				"/api/v1/rankings?period=2025-Q4",
				"/api/v1/rankings?period=2025-09",
				"/api/v1/rankings?period=2026",
				"/api/v1/rankings?from=2025-08-15&to=2025-08-20",
				"/api/v1/agencies/migration/breakdown?period=2025-09&by=service",
				"/api/v1/agencies/migration/breakdown?period=2100-H2&by=month",
			} {
				res := env.get(t, path, env.APIKey)
				if res.Status != http.StatusUnprocessableEntity {
					t.Errorf("%s: %d %s, want 422", path, res.Status, res.Body)
					continue
				}
				if code, field := errorOf(t, res.JSON()); code != "invalid_field" || field != "period" {
					t.Errorf("%s: %s/%s, want invalid_field/period", path, code, field)
				}
			}
			// The clock moves on: the quarter that had not started is now running.
			env.Clock.Set(time.Date(2025, 10, 1, 0, 0, 0, 0, storetest.Baku))
			res := env.get(t, "/api/v1/rankings?period=2025-Q4", env.APIKey)
			if p := res.JSON()["period"]; res.Status != http.StatusOK || p.(map[string]any)["complete"] != false ||
				p.(map[string]any)["as_of"] != "2025-10-01T00:00:00+04:00" {
				t.Errorf("2025-Q4 at its start: %d %s", res.Status, res.Body)
			}
			res = env.get(t, "/api/v1/rankings?period=2025-Q3", env.APIKey)
			if p := res.JSON()["period"].(map[string]any); p["complete"] != true || p["as_of"] != "2025-10-01T00:00:00+04:00" {
				t.Errorf("2025-Q3 at its end: %s", res.Body)
			}
		})
	}
}
