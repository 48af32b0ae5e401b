package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// AxeViolation is one rule axe-core found broken on a page, with the elements that break it.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axePath is axe-core as npm installs it beside this package (node_modules is ignored by git; .ci/deps
// installs it): `npm install --prefix web/browsertest axe-core`.
func axePath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "node_modules", "axe-core", "axe.min.js")
}

// Axe runs axe-core on the page open in ctx and returns its serious and critical violations. Without
// axe-core installed it skips the test, except in CI (CI=true), where it fails.
func Axe(t testing.TB, ctx context.Context) []AxeViolation {
	t.Helper()
	src, err := os.ReadFile(axePath())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is required in CI (npm install --prefix web/browsertest axe-core): %v", err)
		}
		t.Skipf("SKIPPING accessibility check: axe-core not installed (npm install --prefix web/browsertest axe-core)")
	}
	var raw string
	run := `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")))`
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(string(src), nil),
		chromedp.Evaluate(run, &raw, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }),
	); err != nil {
		t.Fatalf("axe: %v", err)
	}
	var out []AxeViolation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return out
}
