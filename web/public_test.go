package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/publishing"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
	"github.com/qiymet/qiymet/web/i18n"
)

// publicPeriodRoute is the portal's period path template (web/routes.go).
const publicPeriodRoute = "/public/{period:[0-9]{4}(?:-(?:H[12]|Q[1-4]|[0-9]{2}))?}"

// commentMarker is written in a comment of the published period: no public byte may contain it.
const commentMarker = "ZZ-PUBLIC-COMMENT-MARKER-9931"

// publishForMatrix publishes 2025-Q2 of the dash seed (complete by the test clock).
func publishForMatrix(t *testing.T, s *survey.Store) { publishPeriod(t, s, "2025-Q2") }

// publishPeriod publishes a complete period by the store's clock.
func publishPeriod(t *testing.T, s *survey.Store, label string) {
	t.Helper()
	p, _ := scoring.ParsePeriod(label, storetest.Baku)
	if _, err := publishing.Publish(context.Background(), s, figures.New(s, scoring.Config{MinN: 30}), p, ""); err != nil {
		t.Fatal(err)
	}
}

// The portal end to end on both databases: an admin publishes 2025-Q3 through the API; the public JSON,
// CSV, PDF and pages carry no comment and stay byte-identical after more responses arrive for the period
// (also from a freshly started server on the same database), while the live figures move; a running period
// and a republication without a reason are refused; a reason gives revision 2 with its changes.
func TestPublicPortalServesFrozenSnapshots(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newDashEnv(t, dialect, 0, "")
			e.Clock.Set(time.Date(2025, 10, 2, 10, 0, 0, 0, storetest.Baku)) // 2025-Q3 complete, Q4 running
			st, body := e.postJSON(t, "/api/v1/responses", e.APIKey, map[string]any{"agency": "migration", "center": "baku-1",
				"answers": map[string]any{"overall": 5, "waiting": 5, "resolved": true}, "comment": commentMarker,
				"submitted_at": "2025-09-30T12:00:00+04:00"})
			if st != http.StatusCreated {
				t.Fatalf("marker response: %d %v", st, body)
			}
			admin := e.login(t, e.Users["admin"])
			publish := func(period, reason string) testResponse {
				raw, _ := json.Marshal(map[string]string{"period": period, "reason": reason})
				return e.send(t, http.MethodPost, "/api/v1/publications", admin, "application/json", bytes.NewReader(raw), "Accept-Language", "ru")
			}
			for _, bad := range []struct{ period, reason, field, msg string }{
				{"2025-Q4", "", "period", i18n.T("ru", "pub.err.running", "2025-Q4", "2025-12-31")},
				{"2026-Q1", "", "period", i18n.T("ru", "pub.err.notstarted", "2026-Q1")},
				{"2025-Q9", "", "period", i18n.T("ru", "pub.err.period")},
				{"<script>alert(1)</script>", "", "period", i18n.T("ru", "pub.err.period")},
				{"2025-07-01..2025-07-31", "", "period", i18n.T("ru", "pub.err.period")},
			} {
				r := publish(bad.period, bad.reason)
				code, field := errorOf(t, r.JSON())
				if r.Status != http.StatusUnprocessableEntity || code != "invalid_field" || field != bad.field || r.JSON()["error"].(map[string]any)["message"] != bad.msg {
					t.Errorf("publish %q: %d %s", bad.period, r.Status, r.Body)
				}
			}
			if r := e.send(t, http.MethodPost, "/api/v1/publications", admin, "application/json", strings.NewReader(`{"period": "2025-Q3", "extra": 1}`)); r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
				t.Errorf("unknown field: %d %s", r.Status, r.Body)
			}
			if r := e.send(t, http.MethodPost, "/api/v1/publications", admin, "application/json", strings.NewReader(`{"period": "2025-Q3", "reason": "`+strings.Repeat("x", 20<<10)+`"}`)); r.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized body: %d", r.Status)
			}
			if list, _ := e.Store.ListPublications(context.Background()); len(list) != 0 {
				t.Fatalf("refused publications stored: %d", len(list))
			}

			r := publish("2025-Q3", "")
			if r.Status != http.StatusCreated || r.JSON()["revision"].(float64) != 1 {
				t.Fatalf("publish: %d %s", r.Status, r.Body)
			}
			sha := r.JSON()["sha256"].(string)

			files := func(srvURL string) map[string][]byte {
				out := map[string][]byte{}
				for _, path := range []string{"/public/2025-Q3.json", "/public/2025-Q3.csv", "/public/2025-Q3.pdf?lang=az",
					"/public/2025-Q3.pdf?lang=ru", "/public/2025-Q3?lang=az", "/public/2025-Q3?lang=ru", "/public/2025-Q3?lang=en", "/public/?lang=az", "/public/2025-Q3/r1.json"} {
					resp, err := http.Get(srvURL + path)
					if err != nil {
						t.Fatal(err)
					}
					var buf bytes.Buffer
					buf.ReadFrom(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
						t.Fatalf("%s: %d %v", path, resp.StatusCode, resp.Header)
					}
					if strings.HasSuffix(path, ".json") && resp.Header.Get("ETag") != `"`+sha+`"` {
						t.Errorf("%s: ETag %s, want the hash", path, resp.Header.Get("ETag"))
					}
					out[path] = buf.Bytes()
				}
				return out
			}
			before := files(e.URL)
			if ok, err := survey.VerifySnapshot(before["/public/2025-Q3.json"]); !ok || err != nil {
				t.Fatalf("served snapshot does not verify: %v", err)
			}
			for path, b := range before {
				text := b
				if strings.Contains(path, ".pdf") {
					text = pdfText(t, b)
				}
				for _, c := range append([]string{commentMarker}, seedComments...) {
					if bytes.Contains(text, []byte(c)) {
						t.Errorf("%s contains the comment %q", path, c)
					}
				}
			}
			page := string(before["/public/2025-Q3?lang=ru"])
			for _, want := range []string{sha, "qiymet verify", "hashlib", i18n.T("ru", "pub.insufficient"), "Государственная миграционная служба", `lang="ru"`} {
				if !strings.Contains(page, want) {
					t.Errorf("ru page lacks %q", want)
				}
			}
			// Conditional GET.
			req, _ := http.NewRequest(http.MethodGet, e.URL+"/public/2025-Q3.json", nil)
			req.Header.Set("If-None-Match", `"`+sha+`"`)
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
				t.Fatalf("If-None-Match: %v %v", resp, err)
			}
			// Accept-Language picks the page's language when ?lang= does not.
			req, _ = http.NewRequest(http.MethodGet, e.URL+"/public/2025-Q3", nil)
			req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.Header.Get("Content-Language") != "ru" {
				t.Fatalf("Accept-Language: %v %v", resp, err)
			}

			// Later responses for the published period: the live figures move, the published files do not.
			live := func() float64 {
				r := e.get(t, "/api/v1/rankings?period=2025-Q3", e.APIKey)
				return r.JSON()["groups"].([]any)[0].(map[string]any)["n"].(float64)
			}
			n0 := live()
			importMore(t, e)
			if live() == n0 {
				t.Fatal("the import did not change the live figures")
			}
			time.Sleep(1100 * time.Millisecond) // past the portal's freshness check
			after := files(e.URL)
			fresh := httptest.NewServer(web.New(web.Config{Store: e.Store, BaseURL: e.BaseURL, Location: storetest.Baku,
				Scoring: scoring.Config{MinN: 30}, Logger: testLogger(), RateScale: 1000}))
			defer fresh.Close()
			again := files(fresh.URL)
			for path := range before {
				if !bytes.Equal(before[path], after[path]) || !bytes.Equal(before[path], again[path]) {
					t.Errorf("%s changed after new responses (or on another server)", path)
				}
			}
			// The rankings page says how far the live figures have moved.
			dash := e.page(t, http.MethodGet, "/?period=2025-Q3&lang=en", admin, nil)
			if !strings.Contains(string(dash.Body), `id="publication"`) || !strings.Contains(string(dash.Body), "beyond the published revision") {
				t.Errorf("rankings page lacks the publication notice: %s", dash.Body)
			}

			// Again: a reason is required; with one, revision 2 and its changes.
			if r := publish("2025-Q3", " "); r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("republish without a reason: %d %s", r.Status, r.Body)
			}
			r = publish("2025-Q3", "Late kiosk batch from Gəncə imported")
			if r.Status != http.StatusCreated || r.JSON()["revision"].(float64) != 2 {
				t.Fatalf("republish: %d %s", r.Status, r.Body)
			}
			latest := e.get(t, "/public/2025-Q3.json", "")
			snap, err := survey.ParseSnapshot(latest.Body)
			if err != nil || snap.Revision != 2 || len(snap.Changes) == 0 || snap.Reason != "Late kiosk batch from Gəncə imported" {
				t.Fatalf("revision 2 (served at once): %v %+v", err, snap)
			}
			if r1 := e.get(t, "/public/2025-Q3/r1.json", ""); !bytes.Equal(r1.Body, before["/public/2025-Q3.json"]) {
				t.Fatal("revision 1 changed")
			}
			if r3 := e.get(t, "/public/2025-Q3/r3.json", ""); r3.Status != http.StatusNotFound {
				t.Fatalf("revision 3: %d", r3.Status)
			}
			if p := e.get(t, "/public/2025-Q3?lang=az", ""); !strings.Contains(string(p.Body), "Late kiosk batch from Gəncə imported") {
				t.Error("the page's history lacks the reason")
			}
			for _, path := range []string{"/public/2025-Q4", "/public/2025-Q4.json", "/public/1999.csv", "/public/2025-Q3/r0.json", "/public/..%2f..%2fetc", "/public/2025-Q3.xml"} {
				if r := e.get(t, path, ""); r.Status != http.StatusNotFound {
					t.Errorf("%s: %d", path, r.Status)
				}
			}
		})
	}
}

// importMore stores 40 more counted responses in 2025-Q3 for migration.
func importMore(t *testing.T, e *dashEnv) {
	t.Helper()
	ctx := context.Background()
	cv, err := e.Store.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rows []*survey.Response
	for i := range 40 {
		at := time.Date(2025, 9, 1, 9, 0, 0, 0, storetest.Baku).Add(time.Duration(i) * time.Hour)
		sub, err := survey.DecodeSubmission(fmt.Appendf(nil, `{"agency":"migration","center":"baku-1","answers":{"overall":2},"comment":%q,"submitted_at":%q}`,
			commentMarker, at.Format(time.RFC3339)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if _, err := e.Store.BulkInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
}

// pdfText is a PDF's text (pdftotext), or the raw bytes when pdftotext is missing.
func pdfText(t *testing.T, pdf []byte) []byte {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return pdf
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return out
}

// The admin page: publishing from the form redirects (POST/redirect/GET) and lists the revision; a refusal
// shows the form again, in the reader's language, with what was typed, and stores nothing.
func TestAdminPublicationsPage(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	admin := e.login(t, e.Users["admin"])
	r := e.page(t, http.MethodPost, "/admin/publications?lang=ru", admin, url.Values{"period": {"2025-Q3"}, "reason": {"x"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), i18n.T("ru", "pub.err.running", "2025-Q3", "2025-09-30")) {
		t.Fatalf("running period: %d %s", r.Status, r.Body)
	}
	r = e.page(t, http.MethodPost, "/admin/publications?lang=az", admin, url.Values{"period": {"2025-Q2"}, "reason": {strings.Repeat("ə", 501)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), i18n.T("az", "pub.err.reasonbad")) || !strings.Contains(string(r.Body), `value="2025-Q2"`) {
		t.Fatalf("long reason: %d %s", r.Status, r.Body)
	}
	r = e.page(t, http.MethodPost, "/admin/publications", admin, url.Values{"period": {"2025-Q2"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/publications?published=2025-Q2&rev=1" {
		t.Fatalf("publish: %d %s", r.Status, r.Header.Get("Location"))
	}
	r = e.page(t, http.MethodGet, r.Header.Get("Location")+"&lang=en", admin, nil)
	if !strings.Contains(string(r.Body), i18n.T("en", "pub.admin.done", "2025-Q2", 1)) || !strings.Contains(string(r.Body), "/public/2025-Q2/r1.json") {
		t.Fatalf("after publishing: %s", r.Body)
	}
	r = e.page(t, http.MethodPost, "/admin/publications?lang=en", admin, url.Values{"period": {"2025-Q2"}, "reason": {""}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), i18n.T("en", "pub.err.reason", "2025-Q2")) {
		t.Fatalf("republish without a reason: %d", r.Status)
	}
	if list, _ := e.Store.ListPublications(context.Background()); len(list) != 1 {
		t.Fatalf("%d publications", len(list))
	}
	entries, _, _ := e.Store.ListAudit(context.Background(), survey.AuditFilter{Action: survey.AuditPublicationPublish})
	if len(entries) != 1 || entries[0].Actor != e.Users["admin"] {
		t.Fatalf("audit: %+v", entries)
	}
}

// Readers in parallel with a republication: every answer is whole and verifies, first renderings are built
// once (run with -race).
func TestPublicPortalConcurrentReaders(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	publishPeriod(t, e.Store, "2025-Q2")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			for j := range 10 {
				path := []string{"/public/2025-Q2.json", "/public/2025-Q2?lang=ru", "/public/2025-Q2.csv", "/public/"}[(i+j)%4]
				resp, err := http.Get(e.URL + path)
				if err != nil {
					errs <- err
					return
				}
				var buf bytes.Buffer
				buf.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("%s: %d", path, resp.StatusCode)
					return
				}
				if strings.HasSuffix(path, ".json") {
					if ok, err := survey.VerifySnapshot(buf.Bytes()); !ok {
						errs <- fmt.Errorf("%s does not verify: %v", path, err)
						return
					}
				}
			}
		})
	}
	admin := e.login(t, e.Users["admin"])
	if r := e.page(t, http.MethodPost, "/admin/publications", admin, url.Values{"period": {"2025-Q2"}, "reason": {"again"}}); r.Status != http.StatusSeeOther {
		t.Errorf("republish: %d", r.Status)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
