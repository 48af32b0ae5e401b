package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web/i18n"
)

// seedSteady adds justice responses in 2025-Q2 scored like its Q3 ones, so its Q3 change is small and not
// significant (seedDash gives justice no Q2 at all).
func seedSteady(t testing.TB, s *survey.Store) {
	t.Helper()
	seedDash(t, s)
	ctx := context.Background()
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 4, 1, 9, 0, 0, 0, storetest.Baku)
	var rows []*survey.Response
	for i := 0; i < 40; i++ {
		at := start.Add(time.Duration(i) * 37 * time.Hour)
		body := fmt.Sprintf(`{"id":%q,"agency":"justice","service":"notary","center":"baku-1","answers":{"overall":%d,"waiting":%d,"resolved":%v},"lang":"az","submitted_at":%q}`,
			uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprint("steady", i))).String(), 2+(i+1)%3, 1+(i*3)%5, i%4 != 0, at.Format(time.RFC3339))
		sub, err := survey.DecodeSubmission([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelAPI, Historic: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if _, err := s.BulkInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
}

// newHonestEnv is the dashboard with seedSteady's data and an analyst.
func newHonestEnv(t testing.TB, baseURL string, seed func(testing.TB, *survey.Store)) *dashEnv {
	t.Helper()
	e := &dashEnv{testEnv: newTestEnvWith(t, "sqlite", testEnvOptions{MinN: 30, BaseURL: baseURL, Seed: seed}), Users: map[string]string{}}
	if _, err := e.Store.AddUser(context.Background(), "analyst@example.az", testPassword, survey.RoleAnalyst, ""); err != nil {
		t.Fatal(err)
	}
	e.Users["analyst"] = "analyst@example.az"
	return e
}

var periodLabelRE = regexp.MustCompile(`<span class="period-label" data-period="([^"]+)">`)

// The dashboard opens on the latest complete quarter with counted responses; with none, on the running one.
func TestDefaultPeriod(t *testing.T) {
	// Data in the running quarter (2025-Q3 on the test clock) and the complete one before it.
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	for _, path := range []string{"/", "/agencies/migration"} {
		r := e.page(t, http.MethodGet, path, analyst, nil)
		m := periodLabelRE.FindStringSubmatch(string(r.Body))
		if r.Status != 200 || m == nil || m[1] != "2025-Q2" {
			t.Fatalf("%s opens on %v (%d), want the complete 2025-Q2", path, m, r.Status)
		}
		if strings.Contains(string(r.Body), `id="provisional"`) {
			t.Fatalf("%s: a complete period is labelled provisional", path)
		}
	}
	// A period older than the menu lists (reached with ‹ or a link) is in the menu, selected: "Show" keeps it.
	for _, period := range []string{"2019-Q2", "2019-03", "2019"} {
		body := string(e.page(t, http.MethodGet, "/?period="+period, analyst, nil).Body)
		if n := strings.Count(body, " selected>"); !strings.Contains(body, `<option value="`+period+`" selected>`) || n != 1 {
			t.Errorf("period %s: selected in the menu? %d options selected", period, n)
		}
	}
	// No complete quarter has responses: the running one.
	empty := newHonestEnv(t, "", func(t testing.TB, s *survey.Store) {})
	r := empty.page(t, http.MethodGet, "/", empty.login(t, empty.Users["analyst"]), nil)
	if m := periodLabelRE.FindStringSubmatch(string(r.Body)); m == nil || m[1] != "2025-Q3" || !strings.Contains(string(r.Body), `id="provisional"`) {
		t.Fatalf("without complete data the dashboard opens on %v, want the running 2025-Q3, provisional", m)
	}
}

// A running period says so in words (as-of time, elapsed share); one that has not started is 422 with the
// reason in the reader's language, on pages and for the PDF.
func TestRunningAndFuturePeriods(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	now := e.Clock.Now()
	q3, _ := scoring.ParsePeriod("2025-Q3", storetest.Baku)
	pct := locale.Page("az").Integer(int64(math.Floor(100 * float64(now.Sub(q3.Start)) / float64(q3.End.Sub(q3.Start)))))
	for _, lang := range locale.Langs {
		want := i18n.T(lang, "dash.provisional.text", locale.DateTime(lang, now.In(storetest.Baku)), pct,
			locale.Date(lang, time.Date(2025, 9, 30, 0, 0, 0, 0, storetest.Baku)))
		for _, path := range []string{"/?period=2025-Q3&lang=" + lang, "/agencies/migration?period=2025-Q3&lang=" + lang, "/?period=2025-08&lang=" + lang} {
			body := string(e.page(t, http.MethodGet, path, analyst, nil).Body)
			if strings.HasSuffix(path, "2025-08&lang="+lang) {
				continue // a month: only its own elapsed share, checked by presence below
			}
			if !strings.Contains(body, `id="provisional"`) || !strings.Contains(body, template(want)) {
				t.Errorf("%s: no provisional notice %q", path, want)
			}
		}
		if body := string(e.page(t, http.MethodGet, "/?period=2025-08&lang="+lang, analyst, nil).Body); !strings.Contains(body, `id="provisional"`) || strings.Contains(body, `rel="next"`) {
			t.Errorf("%s: the running month is not provisional, or links the month that has not begun", lang)
		}
		if body := string(e.page(t, http.MethodGet, "/?period=2025-07&lang="+lang, analyst, nil).Body); !strings.Contains(body, `rel="next" aria-label`) {
			t.Errorf("%s: a complete month does not link the next one", lang)
		}
		if body := string(e.page(t, http.MethodGet, "/?period=2025-06&lang="+lang, analyst, nil).Body); strings.Contains(body, `id="provisional"`) {
			t.Errorf("%s: a complete month is provisional", lang)
		}
		for _, path := range []string{"/?period=2025-Q4", "/agencies/migration?period=2026", "/?period=custom&from=2025-09-01&to=2025-09-30", "/reports/2025-Q4.pdf"} {
			r := e.page(t, http.MethodGet, path+sep(path)+"lang="+lang, analyst, nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), template(i18n.T(lang, "dash.err.notstarted.title"))) {
				t.Errorf("%s in %s: %d, want 422 in the reader's language", path, lang, r.Status)
			}
		}
	}
}

// sep is what joins one more query parameter to path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// template escapes s as html/template writes text.
func template(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;")
	return r.Replace(s)
}

// Changes carry their significance in words; ranks their interval; first places say whether clear.
func TestRankingsUncertainty(t *testing.T) {
	e := newHonestEnv(t, "", seedSteady)
	analyst := e.login(t, e.Users["analyst"])
	var api apiRanking
	r := e.do(t, http.MethodGet, "/api/v1/rankings?period=2025-Q3", e.APIKey, nil)
	if err := json.Unmarshal(r.Body, &api); err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for gi, g := range api.Groups {
		for ri, row := range g.Rows {
			rows[row.Agency] = gi*100 + ri
		}
	}
	row := func(a string) struct {
		sig   *bool
		first bool
	} {
		i := rows[a]
		x := api.Groups[i/100].Rows[i%100]
		return struct {
			sig   *bool
			first bool
		}{x.ChangeSignificant.PreviousPeriod, x.ClearFirst}
	}
	if s := row("justice").sig; s == nil || *s {
		t.Fatalf("seed: justice's change should be not significant, got %v", s)
	}
	if s := row("migration").sig; s == nil || !*s {
		t.Fatalf("seed: migration's change should be significant, got %v", s)
	}
	for _, lang := range locale.Langs {
		body := string(e.page(t, http.MethodGet, "/?period=2025-Q3&lang="+lang, analyst, nil).Body)
		jus, mig := rowHTML(t, body, "justice"), rowHTML(t, body, "migration")
		if !strings.Contains(jus, `class="delta ns"`) || !strings.Contains(jus, `<span class="words">`+i18n.T(lang, "dash.change.ns")+`</span>`) ||
			strings.Contains(jus, "▲") || strings.Contains(jus, "▼") {
			t.Errorf("%s: a non-significant change must be neutral and in words: %s", lang, jus)
		}
		if !strings.Contains(mig, `class="delta up"`) || !strings.Contains(mig, `<span class="sr"> `+i18n.T(lang, "dash.change.sigup")+`</span>`) {
			t.Errorf("%s: a significant increase keeps its arrow and says so: %s", lang, mig)
		}
		badge := i18n.T(lang, "dash.first.margin")
		if row("migration").first {
			badge = i18n.T(lang, "dash.first.clear")
		}
		if !strings.Contains(mig, template(badge)) {
			t.Errorf("%s: migration's first place lacks %q: %s", lang, badge, mig)
		}
		// A custom range has no sequence of periods: its first place states no streak ("×0", "0 periods in a row").
		custom := rowHTML(t, string(e.page(t, http.MethodGet, "/?period=custom&from=2025-07-01&to=2025-09-30&lang="+lang, analyst, nil).Body), "migration")
		if !strings.Contains(custom, template(badge)) || strings.Contains(custom, "×0") || strings.Contains(custom, `class="streak-text"`) ||
			!strings.Contains(custom, template(i18n.T(lang, map[bool]string{true: "dash.streak.clear.none", false: "dash.streak.margin.none"}[row("migration").first]))) {
			t.Errorf("%s: the first place of a custom range: %s", lang, custom)
		}
		// Every "?" leads to a section of the Explained page that exists.
		help := string(e.page(t, http.MethodGet, "/help/figures?lang="+lang, analyst, nil).Body)
		for _, m := range regexp.MustCompile(`href="/help/figures#([a-z]+)" aria-label="([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if !strings.Contains(help, `id="`+m[1]+`"`) {
				t.Errorf("%s: help link #%s has no section", lang, m[1])
			}
		}
		for _, k := range []string{"dash.help.sig", "dash.help.rank", "dash.help.control"} {
			if !strings.Contains(help, template(i18n.T(lang, k))) {
				t.Errorf("%s: the Explained page lacks %s", lang, k)
			}
		}
	}
}

// The agency page draws the API's control chart: one table row per month, a sentence per signal, the
// limits as a band and each signal's shape.
func TestAgencyControlChart(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	var c struct {
		CL     float64
		Points []struct {
			Month    string
			Index    float64
			LCL, UCL float64
			N        int64
			Signal   *string
		}
	}
	r := e.do(t, http.MethodGet, "/api/v1/agencies/migration/control?to=2025-07", e.APIKey, nil)
	if err := json.Unmarshal(r.Body, &c); err != nil || r.Status != 200 || len(c.Points) == 0 {
		t.Fatalf("control API: %d %s", r.Status, r.Body)
	}
	for _, lang := range locale.Langs {
		body := string(e.page(t, http.MethodGet, "/agencies/migration?period=2025-Q3&lang="+lang, analyst, nil).Body)
		sec := regexp.MustCompile(`(?s)<section aria-labelledby="h-control".*?</section>`).FindString(body)
		if sec == "" || !strings.Contains(sec, `<svg class="chart control"`) || !strings.Contains(sec, `class="limits"`) || !strings.Contains(sec, `class="cl"`) {
			t.Fatalf("%s: no control chart", lang)
		}
		if n := strings.Count(sec, "<tr><th scope=\"row\">"); n != len(c.Points) {
			t.Errorf("%s: %d months in the table, %d in the API", lang, n, len(c.Points))
		}
		signals := 0
		for _, p := range c.Points {
			if p.Signal == nil {
				continue
			}
			signals++
			words := i18n.T(lang, "dash.control.sig."+*p.Signal)
			if !strings.Contains(sec, template(words)) {
				t.Errorf("%s: signal %s of %s not in words", lang, *p.Signal, p.Month)
			}
			shape := map[string]string{"above": "sig-above", "below": "sig-below", "run_above": "sig-run", "run_below": "sig-run"}[*p.Signal]
			if !strings.Contains(sec, `class="`+shape+`"`) {
				t.Errorf("%s: signal %s has no shape %s", lang, *p.Signal, shape)
			}
		}
		if got := strings.Count(regexp.MustCompile(`(?s)<ul class="signals">.*?</ul>`).FindString(sec), "<li>"); got != signals {
			t.Errorf("%s: %d signal sentences, %d signals", lang, got, signals)
		}
		if signals == 0 && !strings.Contains(sec, template(i18n.T(lang, "dash.control.nosignal"))) {
			t.Errorf("%s: no signals and no sentence saying so", lang)
		}
	}
}

// Every bar chart of indices has the fixed axis 0–100 (ticks 0 and 100), whatever the values.
func TestBarChartsFixedAxis(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	for _, path := range []string{"/?period=2025-Q3&lang=en", "/agencies/migration?period=2025-Q3&lang=en"} {
		body := string(e.page(t, http.MethodGet, path, analyst, nil).Body)
		charts := regexp.MustCompile(`(?s)<svg class="chart bars".*?</svg>`).FindAllString(body, -1)
		if len(charts) == 0 {
			t.Fatalf("%s: no bar chart", path)
		}
		for _, c := range charts {
			if !strings.Contains(c, `class="tick" text-anchor="middle">0.0</text>`) || !strings.Contains(c, `>100.0</text>`) {
				t.Errorf("%s: a bar chart is not on 0–100: %.200s", path, c)
			}
		}
	}
}

// The dashboard's PDF of a running quarter is provisional on every page; that of a complete one nowhere;
// two downloads of the same data are the same file.
func TestReportDownloadProvisional(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed")
	}
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	text := func(pdf []byte) string {
		path := filepath.Join(t.TempDir(), "r.pdf")
		os.WriteFile(path, pdf, 0o644)
		out, err := exec.Command(bin, path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	run := e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=az", analyst, nil)
	again := e.page(t, http.MethodGet, "/reports/2025-Q3.pdf?lang=az", analyst, nil)
	if run.Status != 200 || !bytes.Equal(run.Body, again.Body) {
		t.Fatalf("running quarter: %d, identical %v", run.Status, bytes.Equal(run.Body, again.Body))
	}
	rt := text(run.Body)
	if pages, marks := strings.Count(rt, "Səhifə "), strings.Count(rt, "İLKİN"); pages < 3 || marks != pages {
		t.Errorf("running quarter: %d provisional marks in %d pages", marks, pages)
	}
	done := e.page(t, http.MethodGet, "/reports/2025-Q2.pdf?lang=az", analyst, nil)
	if done.Status != 200 || strings.Contains(text(done.Body), "İLKİN") {
		t.Errorf("complete quarter: %d, or marked provisional", done.Status)
	}
}
