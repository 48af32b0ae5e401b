package web_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The PDF download: admins and analysts get every agency's section, a manager only their own; the same
// request twice gives the same bytes; a malformed period or language is refused.
func TestReportDownload(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	manager := e.login(t, e.Users["managerB"])

	full := e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=az", admin, nil)
	if full.Status != http.StatusOK || full.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(full.Body, []byte("%PDF")) {
		t.Fatalf("admin: %d %s", full.Status, full.Header.Get("Content-Type"))
	}
	if cd := full.Header.Get("Content-Disposition"); !strings.Contains(cd, "qiymet-2025-Q3-az.pdf") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	again := e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=az", admin, nil)
	if !bytes.Equal(full.Body, again.Body) {
		t.Fatal("two downloads of the same report differ")
	}
	own := e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=en", manager, nil)
	if own.Status != http.StatusOK || !strings.Contains(own.Header.Get("Content-Disposition"), "-justice.pdf") {
		t.Fatalf("manager: %d %q", own.Status, own.Header.Get("Content-Disposition"))
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text := func(pdf []byte) string {
			path := t.TempDir() + "/r.pdf"
			os.WriteFile(path, pdf, 0o644)
			out, err := exec.Command("pdftotext", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		// Agency sections are headed by the agency's name; the manager's edition lists the others only in
		// the ranking table, so the name of another agency appears fewer times than in the full edition.
		fullText, ownText := text(full.Body), text(own.Body)
		if !strings.Contains(fullText, "Dövlət Miqrasiya Xidməti") {
			t.Fatal("the full report lacks an agency name")
		}
		if strings.Count(ownText, "State Migration Service") >= strings.Count(text(e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=en", admin, nil).Body), "State Migration Service") {
			t.Fatal("the manager's edition should not carry another agency's section")
		}
	}
	for _, path := range []string{"/reports/2025-Q5.pdf", "/reports/2025-Q3.pdf?lang=de"} {
		if r := e.page(t, http.MethodGet, path, admin, nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", path, r.Status)
		}
	}
	if r := e.page(t, http.MethodGet, "/reports/2025-Q3.pdf", "", nil); r.Status != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to sign in", r.Status)
	}
}
