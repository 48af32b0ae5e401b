package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey/storetest"
)

func TestMethodologyAndAssessmentCommands(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			env := cliEnv(t, dialect)
			if r := cliRun(t, env, "", "catalog", "apply", catalogPath(t)); r.Err != nil {
				t.Fatal(r.Err)
			}
			r := cliRun(t, env, "", "methodology", "apply", storetest.MethodologyPath())
			if r.Err != nil || !strings.Contains(r.Stdout, "methodology test-asan version 1 created: 2 parameters, 3 criteria, citizen weight 0.4, mean") {
				t.Fatalf("apply: %v %s", r.Err, r.Stdout)
			}
			if r := cliRun(t, env, "", "methodology", "apply", storetest.MethodologyPath()); r.Err != nil || !strings.Contains(r.Stdout, "unchanged") {
				t.Fatalf("again: %v %s", r.Err, r.Stdout)
			}
			bad := filepath.Join(t.TempDir(), "bad.json")
			os.WriteFile(bad, []byte(`{"code":"x","version":1,"citizen_weight":2,"parameters":[]}`), 0o600)
			if r := cliRun(t, env, "", "methodology", "apply", bad); r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "citizen_weight must be between 0 and 1") {
				t.Fatalf("bad methodology: %v", r.Err)
			}
			if r := cliRun(t, env, "", "methodology", "apply"); !r.usage() {
				t.Fatalf("no file: %v", r.Err)
			}

			header := "methodology,version,period,agency,service,criterion,points,evidence"
			badCSV := writeCSVFile(t, "bad.csv", header,
				"test-asan,1,2025-Q3,migration,temp-residence,info-site,2,ok",
				"test-asan,1,2025-Q3,migration,temp-residence,unknown,1,",
				"test-asan,1,2025-Q3,migration,temp-residence,info-phone,3,",
				"test-asan,1,2025-Q3,migration,temp-residence,e-apply,-2,",
				"test-asan,1,2025-Q3,migration,no-such-service,e-apply,1,")
			r = cliRun(t, env, "", "assessment", "import", badCSV)
			if r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "4 invalid lines; nothing was imported") {
				t.Fatalf("bad import: %v", r.Err)
			}
			for _, want := range []string{"line 3: criterion:", "line 4: points:", "line 5: points:", "line 6: service:"} {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
				}
			}
			good := writeCSVFile(t, "good.csv", header,
				"test-asan,1,2025-Q3,migration,temp-residence,info-site,2,https://migration.gov.az",
				"test-asan,1,2025-Q3,migration,temp-residence,info-phone,,",
				"test-asan,1,2025-Q3,justice,notary,e-apply,3,Elektron müraciət")
			if r := cliRun(t, env, "", "assessment", "import", good); r.Err != nil || !strings.Contains(r.Stdout, "imported 2 assessments") {
				t.Fatalf("good import: %v %s %s", r.Err, r.Stdout, r.Stderr)
			}
			// Used now: a changed version 1 is refused.
			changed := filepath.Join(t.TempDir(), "changed.json")
			b, _ := os.ReadFile(storetest.MethodologyPath())
			os.WriteFile(changed, []byte(strings.Replace(string(b), `"citizen_weight": 0.4`, `"citizen_weight": 0.5`, 1)), 0o600)
			if r := cliRun(t, env, "", "methodology", "apply", changed); r.Err == nil || !strings.Contains(r.Err.Error(), "publish version 2 instead") {
				t.Fatalf("changed used version: %v", r.Err)
			}
		})
	}
}
