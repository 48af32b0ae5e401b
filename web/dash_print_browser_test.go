package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/web/browsertest"
)

// TestDashboardPrints prints the rankings and an agency's page on A4 with Chromium (the print stylesheet)
// and renders the pages to PNG with pdftoppm for a person to look at (print-*.png beside the screenshots).
// In print the controls are gone and no table is cut at the right edge.
func TestDashboardPrints(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	e := newDashEnv(t, "sqlite", 0, "http://127.0.0.1")
	ctx := browsertest.New(t)
	dashDo(t, ctx, "sign in",
		chromedp.Navigate(e.URL+"/login?lang=ru"),
		chromedp.SendKeys("#email", e.Users["managerA"], chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("#rank-in-group", chromedp.ByID))
	dir := browsertest.ScreenshotDir(t)
	for _, pg := range []struct{ name, path, wait string }{
		{"rankings", "/rankings?period=2025-Q3&lang=ru", "table.rank"},
		{"agency", "/agencies/migration?period=2025-Q3&lang=az", "svg.trend"},
	} {
		var pdf []byte
		dashDo(t, ctx, "print "+pg.name, chromedp.EmulateViewport(1366, 768), chromedp.Navigate(e.URL+pg.path),
			chromedp.WaitReady(pg.wait, chromedp.ByQuery),
			chromedp.ActionFunc(func(ctx context.Context) error {
				// A4 from the stylesheet's @page (size and margins).
				var err error
				pdf, _, err = cdppage.PrintToPDF().WithPreferCSSPageSize(true).WithPrintBackground(true).Do(ctx)
				return err
			}))
		path := filepath.Join(dir, "print-"+pg.name+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, strings.TrimSuffix(path, ".pdf")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err == nil {
			s := string(text)
			for _, gone := range []string{"Показать", "Göstər", "Excel (XLSX)", "Menyu", "Меню"} {
				if strings.Contains(s, gone) {
					t.Errorf("%s: the printout shows the control %q", pg.name, gone)
				}
			}
			for _, want := range map[string][]string{"rankings": {"Государственная миграционная служба", "III квартал 2025 г."},
				"agency": {"Dövlət Miqrasiya Xidməti", "2025-ci ilin III rübü"}}[pg.name] {
				if !strings.Contains(s, want) {
					t.Errorf("%s: the printout lacks %q", pg.name, want)
				}
			}
		}
	}
	// The period report names its period in the reader's language.
	r := e.page(t, "GET", "/reports/2025-Q2.pdf?lang=ru", e.login(t, e.Users["admin"]), nil)
	path := filepath.Join(dir, "report-ru.pdf")
	os.WriteFile(path, r.Body, 0o644)
	exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", path, strings.TrimSuffix(path, ".pdf")).Run()
	if text, err := exec.Command("pdftotext", path, "-").Output(); err == nil && !strings.Contains(string(text), "II квартал 2025 г.") {
		t.Errorf("the report does not name its period in Russian")
	}
}
