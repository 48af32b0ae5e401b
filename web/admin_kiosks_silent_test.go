package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/web/i18n"
)

// The kiosk page marks a kiosk silent once it has sent nothing for two hours of opening time (survey.SilentKiosks).
func TestKioskPageMarksSilentKiosks(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	// 14 Aug 2025 is a Thursday; testStart is 10:00 in Baku.
	if st, _ := e.postJSON(t, "/api/v1/kiosk/heartbeat", e.KioskToken, map[string]any{"version": "1.0", "queue_length": 0}); st/100 != 2 {
		t.Fatalf("heartbeat: %d", st)
	}
	marker := `class="badge silent"`
	if r := e.page(t, http.MethodGet, "/admin/kiosks?lang=ru", admin, nil); r.Status != 200 || strings.Contains(string(r.Body), marker) {
		t.Fatalf("a kiosk just heard from is marked silent (%d)", r.Status)
	}
	e.Clock.Advance(2*time.Hour + time.Minute)
	admin = e.login(t, e.Users["admin"]) // the first session went idle meanwhile
	r := e.page(t, http.MethodGet, "/admin/kiosks?lang=ru", admin, nil)
	if strings.Count(string(r.Body), marker) != 1 || !strings.Contains(string(r.Body), i18n.T("ru", "dash.kiosks.silent")) {
		t.Fatalf("the silent kiosk is not marked once:\n%s", r.Body)
	}
}
