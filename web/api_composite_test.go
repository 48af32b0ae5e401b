package web_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// compositeEnv is the dashboard env (migration 60 responses in 2025-Q3, justice 40, property 10 < min_n)
// with testdata/methodology.json and assessments: migration info-site 2/2, info-phone 1/1, e-apply 0/3
// (e = 2, 2, 2: inform 100, online 0, S = 100·4/6 = 66.67); justice e-apply 3/3 only (online 100, inform
// not applicable, S = 100); property e-apply 3/3.
func compositeEnv(t testing.TB, dialect string, baseURL ...string) *dashEnv {
	t.Helper()
	e := newDashEnv(t, dialect, 0, strings.Join(baseURL, ""))
	ctx := context.Background()
	if _, err := e.Store.ApplyMethodology(ctx, storetest.Methodology(t)); err != nil {
		t.Fatal(err)
	}
	csv := "methodology,version,period,agency,service,criterion,points,evidence\n" +
		"test-asan,1,2025-Q3,migration,temp-residence,info-site,2,https://migration.gov.az/az/services\n" +
		"test-asan,1,2025-Q3,migration,temp-residence,info-phone,1,Qaynar xətt 919\n" +
		"test-asan,1,2025-Q3,migration,temp-residence,e-apply,0,Elektron müraciət yoxdur\n" +
		"test-asan,1,2025-Q3,justice,notary,info-site,,\n" +
		"test-asan,1,2025-Q3,justice,notary,e-apply,3,e-notariat\n" +
		"test-asan,1,2025-Q3,property,registry,e-apply,3,\n"
	if _, err := e.Store.ImportAssessments(ctx, strings.NewReader(csv), survey.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return e
}

type compositeAnswer struct {
	Composite struct {
		Code          string  `json:"code"`
		CitizenWeight float64 `json:"citizen_weight"`
	} `json:"composite"`
	Groups []struct {
		Group string `json:"group"`
		Rows  []struct {
			Rank       *int                `json:"rank"`
			Agency     string              `json:"agency"`
			Composite  *float64            `json:"composite"`
			Index      float64             `json:"index"`
			Checklist  *float64            `json:"checklist"`
			Parameters map[string]*float64 `json:"parameters"`
			Status     string              `json:"status"`
		} `json:"rows"`
	} `json:"groups"`
}

func TestCompositeAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := compositeEnv(t, dialect)
			r := e.get(t, "/api/v1/rankings?period=2025-Q3&index=composite&methodology=test-asan&lang=ru", e.APIKey)
			if r.Status != http.StatusOK {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var got compositeAnswer
			if err := json.Unmarshal(r.Body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Composite.Code != "test-asan" || got.Composite.CitizenWeight != 0.4 || len(got.Groups) != 2 {
				t.Fatalf("answer %s", r.Body)
			}
			rows := map[string]int{}
			for gi, g := range got.Groups {
				for ri, row := range g.Rows {
					rows[row.Agency] = gi*10 + ri
					switch row.Agency {
					case "migration":
						if *row.Checklist != 66.67 || *row.Parameters["inform"] != 100 || *row.Parameters["online"] != 0 {
							t.Errorf("migration %+v", row)
						}
					case "justice":
						if *row.Checklist != 100 || row.Parameters["inform"] != nil || *row.Parameters["online"] != 100 {
							t.Errorf("justice %+v", row)
						}
					case "property":
						if row.Composite != nil || row.Rank != nil || row.Status != "insufficient" || *row.Checklist != 100 {
							t.Errorf("property %+v", row)
						}
						continue
					}
					want := 0.4*row.Index + 0.6**row.Checklist
					if row.Composite == nil || math.Abs(*row.Composite-want) > 0.011 || row.Status != "ranked" {
						t.Errorf("%s composite %v, want ≈ %.2f", row.Agency, row.Composite, want)
					}
				}
			}
			// justice's checklist (100) beats migration's (66.67) by more than their index gap allows back.
			g := got.Groups[0].Rows
			if got.Groups[0].Group != "central" || g[0].Agency != "justice" || *g[0].Rank != 1 || g[1].Agency != "migration" || *g[1].Rank != 2 {
				t.Errorf("central order: %s", r.Body)
			}

			// The citizens' index stays the default.
			if r := e.get(t, "/api/v1/rankings?period=2025-Q3&index=citizen", e.APIKey); r.Status != 200 || strings.Contains(string(r.Body), `"composite"`) {
				t.Errorf("citizen: %d", r.Status)
			}
			s := e.get(t, "/api/v1/composite/sensitivity?period=2025-Q3&methodology=test-asan&version=1", e.APIKey)
			if s.Status != http.StatusOK || !strings.Contains(string(s.Body), `"changes":[`) {
				t.Fatalf("sensitivity %d %s", s.Status, s.Body)
			}

			for _, c := range []struct {
				path        string
				status      int
				code, field string
			}{
				{"/api/v1/rankings?period=2025-Q3&index=bogus", 422, "invalid_field", "index"},
				{"/api/v1/rankings?period=2025-Q3&index=composite", 422, "invalid_field", "methodology"},
				{"/api/v1/rankings?period=2025-Q3&index=composite&methodology=nope", 404, "not_found", "methodology"},
				{"/api/v1/rankings?period=2025-Q3&index=composite&methodology=NOPE%27--", 404, "not_found", "methodology"},
				{"/api/v1/rankings?period=2025-Q3&index=composite&methodology=test-asan&version=9", 404, "not_found", "version"},
				{"/api/v1/rankings?period=2025-Q3&index=composite&methodology=test-asan&version=-1", 422, "invalid_field", "version"},
				{"/api/v1/rankings?from=2025-07-01&to=2025-07-31&index=composite&methodology=test-asan", 422, "invalid_field", "period"},
				{"/api/v1/rankings?period=2030-Q1&index=composite&methodology=test-asan", 422, "invalid_field", "period"},
				{"/api/v1/rankings?period=2025-Q3&index=composite&methodology=test-asan&group=nope", 404, "not_found", "group"},
				{"/api/v1/composite/sensitivity?period=2025-Q3", 422, "invalid_field", "methodology"},
				{"/api/v1/composite/sensitivity?period=2025-Q9&methodology=test-asan", 422, "invalid_field", "period"},
				{"/api/v1/composite/sensitivity?period=2025-Q3&methodology=test-asan&lang=fr", 422, "invalid_field", "lang"},
			} {
				r := e.get(t, c.path, e.APIKey)
				body := r.JSON()
				errObj, _ := body["error"].(map[string]any)
				if r.Status != c.status || errObj["code"] != c.code || errObj["field"] != c.field {
					t.Errorf("%s: %d %s, want %d %s %s", c.path, r.Status, r.Body, c.status, c.code, c.field)
				}
			}
		})
	}
}

func TestPostAssessment(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := compositeEnv(t, dialect)
			admin, analyst := e.login(t, e.Users["admin"]), e.login(t, e.Users["analyst"])
			post := func(cookie, body string, hdr ...string) testResponse {
				return e.send(t, http.MethodPost, "/api/v1/assessments", cookie, "application/json", strings.NewReader(body), hdr...)
			}
			before := countAssessments(t, e)
			for _, c := range []struct {
				name, cookie, body string
				status             int
				code, field        string
				hdr                []string
			}{
				{"analyst", analyst, `{}`, 403, "forbidden", "", nil},
				{"api key", "", `{}`, 403, "forbidden", "", []string{"Authorization", "Bearer " + e.APIKey}},
				{"anonymous", "", `{}`, 401, "unauthorized", "", nil},
				{"malformed", admin, `{"methodology":`, 400, "invalid_json", "", nil},
				{"not an object", admin, `[1]`, 400, "invalid_json", "", nil},
				{"NUL", admin, "{\"methodology\":\"test-asan\\u0000\"}", 400, "invalid_json", "", nil},
				{"invalid UTF-8", admin, "{\"assessor\":\"\xff\"}", 400, "invalid_json", "", nil},
				{"unknown field", admin, `{"methodology":"test-asan","weights":1}`, 422, "invalid_field", "weights", nil},
				{"points above max", admin, `{"methodology":"test-asan","period":"2025-Q3","agency":"migration","service":"temp-residence","scores":{"info-phone":2}}`, 422, "invalid_field", "scores.info-phone", nil},
				{"negative", admin, `{"methodology":"test-asan","period":"2025-Q3","agency":"migration","service":"temp-residence","scores":{"e-apply":-1}}`, 422, "invalid_field", "scores.e-apply", nil},
				{"points as text", admin, `{"methodology":"test-asan","period":"2025-Q3","agency":"migration","service":"temp-residence","scores":{"e-apply":"3"}}`, 422, "invalid_field", "scores", nil},
				{"unknown criterion", admin, `{"methodology":"test-asan","period":"2025-Q3","agency":"migration","service":"temp-residence","scores":{"<script>":1}}`, 422, "invalid_field", "scores", nil},
				{"unknown service", admin, `{"methodology":"test-asan","period":"2025-Q3","agency":"migration","service":"nope","scores":{"e-apply":1}}`, 422, "invalid_field", "service", nil},
				{"unknown agency", admin, `{"methodology":"test-asan","period":"2025-Q3","agency":"nope","service":"notary","scores":{"e-apply":1}}`, 422, "unknown_agency", "agency", nil},
				{"unknown methodology", admin, `{"methodology":"nope","period":"2025-Q3","agency":"migration","service":"temp-residence","scores":{"e-apply":1}}`, 404, "not_found", "methodology", nil},
				{"oversized", admin, `{"assessor":"` + strings.Repeat("a", survey.MaxAssessmentBytes) + `"}`, 413, "payload_too_large", "", nil},
				{"cross-origin", admin, `{}`, 403, "forbidden", "", []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}},
			} {
				r := post(c.cookie, c.body, c.hdr...)
				errObj, _ := r.JSON()["error"].(map[string]any)
				if r.Status != c.status || (c.code != "" && (errObj["code"] != c.code || errObj["field"] != c.field && !(c.field == "" && errObj["field"] == nil))) {
					t.Errorf("%s: %d %s, want %d %s %q", c.name, r.Status, r.Body, c.status, c.code, c.field)
				}
			}
			if n := countAssessments(t, e); n != before {
				t.Fatalf("refused posts stored %d rows", n-before)
			}

			// A new assessment of migration's service replaces the imported one: full marks now.
			r := post(admin, `{"methodology":"test-asan","version":1,"period":"2025-Q3","agency":"migration","service":"temp-residence",
				"scores":{"info-site":2,"info-phone":1,"e-apply":3},"evidence":{"e-apply":"https://e-gov.az/xidmət"}}`)
			if r.Status != http.StatusCreated {
				t.Fatalf("post: %d %s", r.Status, r.Body)
			}
			if got := r.JSON(); got["assessor"] != e.Users["admin"] || got["id"] == nil {
				t.Errorf("stored %s", r.Body)
			}
			rk := e.get(t, "/api/v1/rankings?period=2025-Q3&index=composite&methodology=test-asan", e.APIKey)
			if !strings.Contains(string(rk.Body), `"agency":"migration","name":"Dövlət Miqrasiya Xidməti","composite":`) ||
				!strings.Contains(string(rk.Body), `"checklist":100,"parameters":{"inform":100,"online":100}`) {
				t.Errorf("latest does not count: %s", rk.Body)
			}
			entries, _, _ := e.Store.ListAudit(context.Background(), survey.AuditFilter{Action: survey.AuditAssessmentSave, Actor: e.Users["admin"]})
			if len(entries) != 1 {
				t.Errorf("audit: %d entries", len(entries))
			}
		})
	}
}

func countAssessments(t testing.TB, e *dashEnv) int64 {
	t.Helper()
	n, err := e.Store.DB().NewSelect().Table("assessments").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int64(n)
}

// The document tells a composite table from a citizens' one by its "composite" key and checks it whole.
func TestOpenAPICompositeSchema(t *testing.T) {
	spec := mustSpec(t)
	req := func(uri string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, uri, nil)
		r.Header.Set("Authorization", "Bearer qa_test")
		return r
	}
	hdr := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	body := `{"period":{"label":"2025-Q3","start":"2025-07-01T00:00:00+04:00","end":"2025-10-01T00:00:00+04:00","complete":true,"as_of":"2025-10-01T00:00:00+04:00"},` +
		`"methodology":{"min_n":30,"confidence":0.95,"prior_weight":0},` +
		`"composite":{"code":"m","version":1,"name":"M","citizen_weight":0.4,"aggregate":"mean","parameters":[{"code":"p","name":"P","weight":1}]},` +
		`"groups":[{"group":"g","name":"G","rows":[{"rank":1,"agency":"a","name":"A","composite":81.67,"index":91.67,"n":30,"checklist":75,"parameters":{"p":75},"services":1,"status":"ranked"}]}]}`
	uri := "/api/v1/rankings?period=2025-Q3&index=composite&methodology=m"
	if _, err := spec.check(exchange{req: req(uri), status: 200, header: hdr, body: []byte(body)}); err != nil {
		t.Fatalf("valid composite table refused: %v", err)
	}
	for name, bad := range map[string]string{
		"composite above 100": strings.Replace(body, `"composite":81.67`, `"composite":181.67`, 1),
		"unknown status":      strings.Replace(body, `"status":"ranked"`, `"status":"maybe"`, 1),
		"parameter as text":   strings.Replace(body, `"parameters":{"p":75}`, `"parameters":{"p":"75"}`, 1),
		"citizen weight 2":    strings.Replace(body, `"citizen_weight":0.4`, `"citizen_weight":2`, 1),
	} {
		if _, err := spec.check(exchange{req: req(uri), status: 200, header: hdr, body: []byte(bad)}); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
	sens := `{"period":{"label":"2025-Q3","start":"2025-07-01T00:00:00+04:00","end":"2025-10-01T00:00:00+04:00","complete":true,"as_of":"2025-10-01T00:00:00+04:00"},` +
		`"composite":{"code":"m","version":1,"name":"M","citizen_weight":0.4,"aggregate":"mean","parameters":[]},` +
		`"changes":[{"weight":"citizen_weight","factor":1.2,"group":"g","agency":"a","rank":1,"new_rank":null}]}`
	suri := "/api/v1/composite/sensitivity?period=2025-Q3&methodology=m"
	if _, err := spec.check(exchange{req: req(suri), status: 200, header: hdr, body: []byte(sens)}); err != nil {
		t.Fatalf("valid sensitivity refused: %v", err)
	}
	if _, err := spec.check(exchange{req: req(suri), status: 200, header: hdr, body: []byte(strings.Replace(sens, `"factor":1.2`, `"factor":1.5`, 1))}); err == nil {
		t.Error("factor 1.5 passed")
	}
}
