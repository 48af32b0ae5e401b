package survey_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func p(v float64) *float64 { return &v }

// composite sets up the test catalog and methodology.
func composite(t *testing.T, s *survey.Store) survey.Methodology {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ApplyCatalog(ctx, readTestCatalog(t)); err != nil {
		t.Fatal(err)
	}
	m := storetest.Methodology(t)
	if out, err := s.ApplyMethodology(ctx, m); err != nil || out != "created" {
		t.Fatalf("apply: %q %v", out, err)
	}
	return m
}

func TestMethodologyApplyAndImmutability(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		m := composite(t, s)
		if out, err := s.ApplyMethodology(ctx, m); err != nil || out != "unchanged" {
			t.Fatalf("again: %q %v", out, err)
		}
		changed := m
		changed.CitizenWeight = 0.5
		if out, err := s.ApplyMethodology(ctx, changed); err != nil || out != "updated" {
			t.Fatalf("unused change: %q %v", out, err)
		}
		got, err := s.Methodology(ctx, "test-asan", 0)
		if err != nil || got.CitizenWeight != 0.5 || len(got.Parameters) != 2 || got.Parameters[0].Name.AZ != "Xidmət haqqında məlumatlandırma" {
			t.Fatalf("stored: %+v %v", got, err)
		}
		if _, err := s.SaveAssessment(ctx, survey.Assessment{Methodology: "test-asan", Period: "2025-Q3", Agency: "migration",
			Service: "temp-residence", Scores: map[string]*float64{"info-site": p(2)}}); err != nil {
			t.Fatal(err)
		}
		// Used now: the version is frozen; a new version is fine.
		changed.CitizenWeight = 0.6
		_, err = s.ApplyMethodology(ctx, changed)
		wantCode(t, err, survey.CodeInvalidField, "version")
		if !strings.Contains(err.Error(), "publish version 2") {
			t.Errorf("message: %v", err)
		}
		changed.Version = 2
		if out, err := s.ApplyMethodology(ctx, changed); err != nil || out != "created" {
			t.Fatalf("v2: %q %v", out, err)
		}
		if got, _ := s.Methodology(ctx, "test-asan", 0); got.Version != 2 {
			t.Errorf("newest = %d", got.Version)
		}
		if got, _ := s.Methodology(ctx, "test-asan", 1); got.CitizenWeight != 0.5 {
			t.Errorf("v1 changed: %v", got.CitizenWeight)
		}
		_, err = s.Methodology(ctx, "nope", 0)
		wantCode(t, err, survey.CodeNotFound, "methodology")
		// Every change audited: created, updated, created v2 (an unchanged apply changes nothing).
		entries, _, err := s.ListAudit(ctx, survey.AuditFilter{Action: "methodology"})
		if err != nil || len(entries) != 3 {
			t.Fatalf("audit: %d %v", len(entries), err)
		}
		if entries[0].Target != "methodology:test-asan@2" {
			t.Errorf("audit target %q", entries[0].Target)
		}
		if entries, _, _ := s.ListAudit(ctx, survey.AuditFilter{Action: survey.AuditAssessmentSave}); len(entries) != 1 {
			t.Errorf("assessment audit: %d", len(entries))
		}
	})
}

func TestMethodologyValidation(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"code": "m", "version": 1, "citizen_weight": 0.5, "aggregate": "pooled", "parameters": []any{
			map[string]any{"code": "p", "weight": 1, "name": map[string]any{"az": "P"}, "criteria": []any{
				map[string]any{"code": "c", "weight": 1, "max": 2, "name": map[string]any{"az": "C"}}}}}}
	}
	crit := func(m map[string]any) map[string]any {
		return m["parameters"].([]any)[0].(map[string]any)["criteria"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name   string
		change func(m map[string]any)
		field  string
	}{
		{"valid", func(map[string]any) {}, ""},
		{"citizen weight above 1", func(m map[string]any) { m["citizen_weight"] = 1.2 }, "citizen_weight"},
		{"negative citizen weight", func(m map[string]any) { m["citizen_weight"] = -0.1 }, "citizen_weight"},
		{"aggregate", func(m map[string]any) { m["aggregate"] = "median" }, "aggregate"},
		{"bad code", func(m map[string]any) { m["code"] = "Bad Code" }, "code"},
		{"version 0", func(m map[string]any) { m["version"] = 0 }, "version"},
		{"no parameters", func(m map[string]any) { m["parameters"] = []any{} }, "parameters"},
		{"negative weight", func(m map[string]any) { crit(m)["weight"] = -1 }, "parameters[0].criteria[0].weight"},
		{"max 0", func(m map[string]any) { crit(m)["max"] = 0 }, "parameters[0].criteria[0].max"},
		{"no az name", func(m map[string]any) { crit(m)["name"] = map[string]any{"en": "C"} }, "parameters[0].criteria[0].name.az"},
		{"duplicate criterion", func(m map[string]any) {
			ps := m["parameters"].([]any)
			m["parameters"] = append(ps, map[string]any{"code": "q", "weight": 1, "name": map[string]any{"az": "Q"},
				"criteria": []any{map[string]any{"code": "c", "weight": 1, "max": 1, "name": map[string]any{"az": "C"}}}})
		}, "parameters[1].criteria[0].code"},
		{"unknown field", func(m map[string]any) { m["weights_secret"] = true }, "weights_secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.change(m)
			b, _ := json.Marshal(m)
			_, err := survey.DecodeMethodology(strings.NewReader(string(b)))
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, survey.CodeInvalidField, tt.field)
		})
	}
	for _, bad := range []string{"", "{", "[]", `{"code":"m"}` + "\x00", "\xff", strings.Repeat(" ", survey.MaxMethodologySize+1)} {
		if _, err := survey.DecodeMethodology(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad[:min(len(bad), 20)])
		}
	}
}

func TestAssessmentSaveValidation(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		composite(t, s)
		good := func() survey.Assessment {
			return survey.Assessment{Methodology: "test-asan", Version: 1, Period: "2025-Q3", Agency: "migration", Service: "temp-residence",
				Scores:   map[string]*float64{"info-site": p(1), "info-phone": nil, "e-apply": p(3)},
				Evidence: map[string]string{"info-site": "https://migration.gov.az/xidmətlər", "e-apply": "Elektron müraciət işləyir"}}
		}
		tests := []struct {
			name        string
			change      func(a *survey.Assessment)
			code, field string
		}{
			{"unknown criterion", func(a *survey.Assessment) { a.Scores["nope"] = p(1) }, survey.CodeInvalidField, "scores"},
			{"points above max", func(a *survey.Assessment) { a.Scores["info-phone"] = p(2) }, survey.CodeInvalidField, "scores.info-phone"},
			{"negative points", func(a *survey.Assessment) { a.Scores["e-apply"] = p(-1) }, survey.CodeInvalidField, "scores.e-apply"},
			{"unknown service", func(a *survey.Assessment) { a.Service = "nope" }, survey.CodeInvalidField, "service"},
			{"another agency's service", func(a *survey.Assessment) { a.Service = "notary" }, survey.CodeInvalidField, "service"},
			{"unknown agency", func(a *survey.Assessment) { a.Agency = "nope" }, survey.CodeUnknownAgency, "agency"},
			{"unknown methodology", func(a *survey.Assessment) { a.Methodology = "nope" }, survey.CodeNotFound, "version"},
			{"unknown version", func(a *survey.Assessment) { a.Version = 9 }, survey.CodeNotFound, "version"},
			{"bad period", func(a *survey.Assessment) { a.Period = "2025-Q5" }, survey.CodeInvalidField, "period"},
			{"no scores", func(a *survey.Assessment) { a.Scores = nil; a.Evidence = nil }, survey.CodeInvalidField, "scores"},
			{"evidence without score", func(a *survey.Assessment) { a.Evidence["other"] = "x" }, survey.CodeInvalidField, "evidence"},
			{"long evidence", func(a *survey.Assessment) { a.Evidence["e-apply"] = strings.Repeat("ə", survey.MaxEvidenceRunes+1) }, survey.CodeInvalidField, "evidence.e-apply"},
		}
		for _, tt := range tests {
			a := good()
			tt.change(&a)
			_, err := s.SaveAssessment(ctx, a)
			t.Run(tt.name, func(t *testing.T) { wantCode(t, err, tt.code, tt.field) })
		}
		if n := countRows(t, s, "assessments"); n != 0 {
			t.Fatalf("bad assessments stored %d rows", n)
		}

		first, err := s.SaveAssessment(ctx, good())
		if err != nil {
			t.Fatal(err)
		}
		if first.Assessor != "system" || first.Period != "2025-Q3" {
			t.Errorf("saved %+v", first)
		}
		// The latest counts: a second assessment of the service replaces the first in the figures.
		second := good()
		second.Scores["e-apply"] = p(0)
		second.Assessor = "Ekspert Şəbnəm"
		if _, err := s.SaveAssessment(ctx, second); err != nil {
			t.Fatal(err)
		}
		other := good()
		other.Agency, other.Service = "justice", "notary"
		other.Scores = map[string]*float64{"info-site": p(2)}
		other.Evidence = nil
		if _, err := s.SaveAssessment(ctx, other); err != nil {
			t.Fatal(err)
		}
		got, err := s.LatestAssessments(ctx, survey.AssessmentFilter{Methodology: "test-asan", Version: 1, Period: "2025-Q3"})
		if err != nil || len(got) != 2 {
			t.Fatalf("latest: %v %v", got, err)
		}
		if got[0].Agency != "justice" || got[1].Agency != "migration" || *got[1].Scores["e-apply"] != 0 ||
			got[1].Scores["info-phone"] != nil || got[1].Assessor != "Ekspert Şəbnəm" || got[1].Evidence["info-site"] != "https://migration.gov.az/xidmətlər" {
			t.Errorf("latest: %+v", got)
		}
		if _, ok := got[1].Scores["info-phone"]; !ok {
			t.Error("not applicable lost")
		}
		if got, _ := s.LatestAssessments(ctx, survey.AssessmentFilter{Methodology: "test-asan", Version: 1, Period: "2025-Q2"}); len(got) != 0 {
			t.Errorf("other period: %v", got)
		}
		if ps, err := s.AssessmentPeriods(ctx, "test-asan", 1); err != nil || len(ps) != 1 || ps[0] != "2025-Q3" {
			t.Errorf("periods %v %v", ps, err)
		}
	})
}

const assessmentHeader = "methodology,version,period,agency,service,criterion,points,evidence\n"

func TestAssessmentImport(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		composite(t, s)
		badFile := assessmentHeader +
			"test-asan,1,2025-Q3,migration,temp-residence,info-site,2,https://migration.gov.az\n" + // 2 good
			"test-asan,1,2025-Q3,migration,temp-residence,nope,1,\n" + // 3 unknown criterion
			"test-asan,1,2025-Q3,migration,temp-residence,info-phone,5,\n" + // 4 points > max
			"test-asan,1,2025-Q3,migration,temp-residence,e-apply,-1,\n" + // 5 negative
			"test-asan,1,2025-Q3,migration,nope,e-apply,1,\n" + // 6 unknown service
			"test-asan,1,2025-Q3,nope,notary,e-apply,1,\n" + // 7 unknown agency
			"test-asan,1,2025-Q3,migration,temp-residence,e-apply,abc,\n" + // 8 not a number
			"test-asan,1,2025-Q3,migration,temp-residence,info-site,1,\n" + // 9 repeat of line 2
			"test-asan,1,2025-Q9,migration,temp-residence,e-apply,1,\n" + // 10 bad period
			"nope,,2025-Q3,migration,temp-residence,e-apply,1,\n" + // 11 unknown methodology
			"test-asan,1,2025-Q3,migration,temp-residence,e-apply,NaN,\n" + // 12 NaN
			"test-asan,1,2025-Q3,migration\n" // 13 short row
		var lines []string
		n, err := s.ImportAssessments(ctx, strings.NewReader(badFile), survey.ImportOptions{OnError: func(le survey.LineError) { lines = append(lines, le.String()) }})
		var ie *survey.ImportError
		if !errors.As(err, &ie) || n != 0 {
			t.Fatalf("bad file: %d %v", n, err)
		}
		wantLines := []string{
			"line 3: criterion: no criterion \"nope\"",
			"line 4: points: criterion \"info-phone\": points 5 are more than its max 1",
			"line 5: points: criterion \"e-apply\": points must not be negative",
			"line 6: service: no service \"nope\"",
			"line 7: agency: no agency \"nope\"",
			"line 8: points: points \"abc\" must be a number",
			"line 9: criterion: criterion \"info-site\" of this service and period is already on line 2",
			"line 10: period:",
			"line 11: methodology: no methodology \"nope\"",
			"line 12: points:",
			"line 13: 4 cells, the header has 8",
		}
		if len(lines) != len(wantLines) || ie.Count != len(wantLines) {
			t.Fatalf("got %d bad lines (count %d):\n%s", len(lines), ie.Count, strings.Join(lines, "\n"))
		}
		for i, w := range wantLines {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("line %d: got %q, want prefix %q", i, lines[i], w)
			}
		}
		if c := countRows(t, s, "assessments"); c != 0 {
			t.Fatalf("a bad file stored %d rows", c)
		}

		good := "\xef\xbb\xbf" + assessmentHeader +
			"test-asan,1,2025-Q3,migration,temp-residence,info-site,2,\"'=HYPERLINK(\"\"x\"\")\"\n" +
			"test-asan,1,2025-Q3,migration,temp-residence,info-phone,,Telefon xətti yoxdur\n" +
			"test-asan,,2025-Q3,migration,temp-residence,e-apply,\"1,5\",\"Qismən: ödəniş\nyoxdur\"\n" +
			"test-asan,1,2025-Q3,property,registry,e-apply,3,\n"
		n, err = s.ImportAssessments(ctx, strings.NewReader(good), survey.ImportOptions{OnError: func(le survey.LineError) { t.Log(le) }})
		if err != nil || n != 2 {
			t.Fatalf("good file: %d %v", n, err)
		}
		got, _ := s.LatestAssessments(ctx, survey.AssessmentFilter{Methodology: "test-asan", Version: 1, Period: "2025-Q3", Agency: "migration"})
		if len(got) != 1 || *got[0].Scores["e-apply"] != 1.5 || got[0].Scores["info-phone"] != nil ||
			got[0].Evidence["info-site"] != `=HYPERLINK("x")` || got[0].Evidence["e-apply"] != "Qismən: ödəniş\nyoxdur" {
			t.Errorf("imported %+v", got)
		}
		if entries, _, _ := s.ListAudit(ctx, survey.AuditFilter{Action: survey.AuditAssessmentSave}); len(entries) != 2 {
			t.Errorf("audit entries %d", len(entries))
		}
		for _, hostile := range []string{"", "a,b\n", assessmentHeader, "methodology,methodology,version,period,agency,service,criterion,points,evidence\n",
			assessmentHeader + "\"unterminated\n", assessmentHeader + strings.Repeat("x", 2<<20) + "\n"} {
			if n, err := s.ImportAssessments(ctx, strings.NewReader(hostile), survey.ImportOptions{}); err == nil || n != 0 {
				t.Errorf("%.30q: %d %v", hostile, n, err)
			}
		}
		if c := countRows(t, s, "assessments"); c != 2 {
			t.Errorf("rows %d", c)
		}
	})
}
