package publishing_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
	"github.com/qiymet/qiymet/survey/publishing"
	"github.com/qiymet/qiymet/survey/storetest"
)

// Marker is in every seeded comment: no published byte may contain it.
const Marker = "ZZ-COMMENT-MARKER-4711"

// seed stores n responses per agency in 2025-Q2 (property gets few: below min_n), each with a comment
// carrying Marker; offset shifts their times so that a second call adds new ones.
func seed(t *testing.T, s *survey.Store, n int, offset time.Duration) {
	t.Helper()
	ctx := context.Background()
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 4, 2, 9, 0, 0, 0, storetest.Baku).Add(offset)
	var rows []*survey.Response
	for i := range n {
		for k, agency := range []string{"migration", "justice", "property"} {
			if agency == "property" && i%8 != 0 {
				continue
			}
			v := []int{5, 4, 3}[k]
			if i%5 == 0 {
				v--
			}
			at := base.Add(time.Duration(i)*7*time.Hour + time.Duration(k)*time.Minute)
			body := fmt.Sprintf(`{"agency":%q,"center":"baku-1","answers":{"overall":%d,"waiting":%d,"resolved":%v},"comment":%q,"submitted_at":%q}`,
				agency, v, max(1, v-1), v > 2, Marker+" "+agency, at.Format(time.RFC3339))
			sub, err := survey.DecodeSubmission([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			r, err := cv.Prepare(sub, survey.Target{Channel: survey.ChannelKiosk, Historic: true}, at.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r)
		}
	}
	if _, err := s.BulkInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
}

func q2(t *testing.T) scoring.Period {
	p, err := scoring.ParsePeriod("2025-Q2", storetest.Baku)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The whole life of a publication on both databases: publish; import more responses into the period; the
// stored JSON, CSV and PDF stay byte-identical while the live figures differ; republishing needs a reason
// and gives revision 2 with its changes; the audit trail has both.
func TestPublishFreezesFiguresAndRevises(t *testing.T) {
	storetest.Each(t, survey.Options{Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		ctx := survey.WithActor(context.Background(), survey.CLIActor)
		storetest.ApplyCatalog(t, s)
		seed(t, s, 200, 0)
		f := figures.New(s, scoring.Config{MinN: 30})
		p := q2(t)

		pub, err := publishing.Publish(ctx, s, f, p, "")
		if err != nil {
			t.Fatal(err)
		}
		if pub.Revision != 1 || len(pub.SHA256) != 64 {
			t.Fatalf("first publication: revision %d sha %q", pub.Revision, pub.SHA256)
		}
		doc1 := []byte(pub.Document)
		if ok, err := survey.VerifySnapshot(doc1); !ok || err != nil {
			t.Fatalf("stored document does not verify: %v", err)
		}
		if bytes.Contains(doc1, []byte(Marker)) {
			t.Fatal("the snapshot contains a comment")
		}
		snap1, err := survey.ParseSnapshot(doc1)
		if err != nil {
			t.Fatal(err)
		}
		checkSnapshot(t, snap1)
		csv1, pdf1 := render(t, snap1)

		live1, err := f.Rankings(ctx, p, "", "az")
		if err != nil {
			t.Fatal(err)
		}
		// Later responses for the published period: the live figures move, the publication does not.
		seed(t, s, 120, 3*time.Hour)
		live2, err := f.Rankings(ctx, p, "", "az")
		if err != nil {
			t.Fatal(err)
		}
		if live1.Groups[0].Rows[0].N == live2.Groups[0].Rows[0].N {
			t.Fatal("the import did not change the live figures")
		}
		again, err := s.LatestPublication(ctx, p.Label)
		if err != nil {
			t.Fatal(err)
		}
		if again.Document != pub.Document {
			t.Fatal("the stored snapshot changed after new responses")
		}
		snapAgain, _ := survey.ParseSnapshot([]byte(again.Document))
		csv2, pdf2 := render(t, snapAgain)
		if !bytes.Equal(csv1, csv2) || !bytes.Equal(pdf1, pdf2) {
			t.Fatal("CSV or PDF of the same publication differ between renderings")
		}

		// Again without a reason: refused, nothing stored.
		if _, err := publishing.Publish(ctx, s, f, p, "  "); survey.ErrorCode(err) != survey.CodeInvalidField {
			t.Fatalf("republish without a reason: %v", err)
		}
		list, err := s.ListPublications(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("after a refused republish: %d publications, %v", len(list), err)
		}
		pub2, err := publishing.Publish(ctx, s, f, p, "Late kiosk batch imported")
		if err != nil {
			t.Fatal(err)
		}
		snap2, _ := survey.ParseSnapshot([]byte(pub2.Document))
		if pub2.Revision != 2 || snap2.Revision != 2 || snap2.Reason != "Late kiosk batch imported" {
			t.Fatalf("second publication: %+v", snap2)
		}
		var nChange *survey.FieldChange
		for i, c := range snap2.Changes {
			if c.Agency == live2.Groups[0].Rows[0].Agency && c.Field == "n" {
				nChange = &snap2.Changes[i]
			}
		}
		if nChange == nil || fmt.Sprint(nChange.Old) != fmt.Sprint(live1.Groups[0].Rows[0].N) || fmt.Sprint(nChange.New) != fmt.Sprint(live2.Groups[0].Rows[0].N) {
			t.Fatalf("changes lack the n of %s: %+v", live2.Groups[0].Rows[0].Agency, snap2.Changes)
		}
		if r1, err := s.PublicationRevision(ctx, p.Label, 1); err != nil || r1.Document != pub.Document {
			t.Fatalf("revision 1 after revision 2: %v", err)
		}
		if _, err := s.PublicationRevision(ctx, p.Label, 3); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("revision 3: %v", err)
		}
		entries, _, err := s.ListAudit(ctx, survey.AuditFilter{Action: survey.AuditPublicationPublish})
		if err != nil || len(entries) != 2 || entries[0].Target != "publication:2025-Q2" || entries[0].Actor != "cli" {
			t.Fatalf("audit: %+v %v", entries, err)
		}
		// The database itself refuses to rewrite a publication.
		if _, err := s.DB().NewRaw("UPDATE publications SET reason = 'x'").Exec(ctx); err == nil {
			t.Fatal("a publication could be updated")
		}
		if _, err := s.DB().NewRaw("DELETE FROM publications").Exec(ctx); err == nil {
			t.Fatal("a publication could be deleted")
		}
	})
}

// checkSnapshot: every §10 part is there, and nothing below min_n has a figure.
func checkSnapshot(t *testing.T, snap *survey.Snapshot) {
	t.Helper()
	if snap.Period.Label != "2025-Q2" || snap.PublishedAt == "" || snap.Methodology.MinN != 30 ||
		snap.Methodology.TimeZone != "Asia/Baku" || len(snap.Methodology.Surveys) == 0 || snap.DataAsOf == "" {
		t.Fatalf("snapshot head: %+v", snap)
	}
	var ranked, insufficient int
	for _, g := range snap.Groups {
		if g.Name.AZ == "" || g.Name.EN == "" || g.Name.RU == "" {
			t.Errorf("group %s lacks a name: %+v", g.Group, g.Name)
		}
		for _, r := range g.Rows {
			ranked++
			if r.Name.RU == "" || r.N < 30 || r.RankLow == 0 || r.RankHigh < r.RankLow {
				t.Errorf("ranked row %+v", r)
			}
		}
		for _, r := range g.Insufficient {
			insufficient++
			if r.Status != survey.Insufficient {
				t.Errorf("insufficient row %+v", r)
			}
		}
	}
	if ranked != 2 || insufficient != 1 || len(snap.Agencies) != 2 {
		t.Fatalf("ranked %d, insufficient %d, agency sections %d", ranked, insufficient, len(snap.Agencies))
	}
	for _, a := range snap.Agencies {
		if len(a.Breakdowns.Question) == 0 || len(a.Breakdowns.Center) == 0 || len(a.Breakdowns.Channel) == 0 || len(a.Trend) != periodreport.TrendPeriods {
			t.Errorf("agency %s: %+v", a.Agency, a.Breakdowns)
		}
		for _, b := range a.Breakdowns.Question {
			if b.Sufficient() && *b.N < 30 || b.Name.EN == "" {
				t.Errorf("question row %+v", b)
			}
		}
	}
}

func render(t *testing.T, snap *survey.Snapshot) (csv, pdf []byte) {
	t.Helper()
	var c, p bytes.Buffer
	if err := publishing.WriteCSV(&c, snap); err != nil {
		t.Fatal(err)
	}
	if err := periodreport.WriteSnapshot(&p, snap, "az"); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("QIYMET_SCREENSHOTS"); dir != "" { // for a person to look at (pdftoppm)
		os.WriteFile(filepath.Join(dir, "public-report-az.pdf"), p.Bytes(), 0o644)
	}
	lines := strings.Split(strings.TrimSpace(c.String()), "\r\n")
	if len(lines) != 4 || strings.Count(lines[0], ",") != len(publishing.Columns)-1 {
		t.Fatalf("csv: %q", c.String())
	}
	if !strings.Contains(c.String(), ",insufficient,,,") {
		t.Fatalf("csv has no insufficient row: %q", c.String())
	}
	return c.Bytes(), p.Bytes()
}

// A running period, a period that has not begun and a custom range cannot be published; nothing is stored.
func TestPublishRefusesIncompletePeriods(t *testing.T) {
	storetest.Each(t, survey.Options{Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		seed(t, s, 40, 0)
		f := figures.New(s, scoring.Config{MinN: 30}).WithClock(func() time.Time {
			return time.Date(2025, 5, 20, 12, 0, 0, 0, storetest.Baku)
		})
		for _, label := range []string{"2025-Q2", "2025-Q3", "2025"} {
			p, _ := scoring.ParsePeriod(label, storetest.Baku)
			if _, err := publishing.Publish(ctx, s, f, p, "x"); survey.ErrorCode(err) != survey.CodeInvalidField {
				t.Errorf("%s: %v", label, err)
			}
		}
		custom, err := scoring.ParseRange("2025-04-01", "2025-04-30", storetest.Baku)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := publishing.Publish(ctx, s, figures.New(s, scoring.Config{MinN: 30}), custom, "x"); survey.ErrorCode(err) != survey.CodeInvalidField {
			t.Errorf("custom range: %v", err)
		}
		if list, _ := s.ListPublications(ctx); len(list) != 0 {
			t.Fatalf("refused publications stored %d rows", len(list))
		}
	})
}

// The Python 3 snippet of docs/publishing.md re-derives the hash of a real snapshot, and rejects the same
// snapshot with one changed byte; so does qiymet's own check.
func TestPythonSnippetVerifies(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	md, err := os.ReadFile("../../docs/publishing.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(md)
	if m == nil {
		t.Fatal("docs/publishing.md has no python block")
	}
	if string(m[1]) != publishing.PythonVerifier {
		t.Fatalf("docs/publishing.md's snippet differs from publishing.PythonVerifier (the public page's):\n%s", m[1])
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "verify.py")
	if err := os.WriteFile(script, m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	s := storetest.New(t, "sqlite", survey.Options{Location: storetest.Baku})
	storetest.ApplyCatalog(t, s)
	seed(t, s, 60, 0)
	pub, err := publishing.Publish(context.Background(), s, figures.New(s, scoring.Config{MinN: 30, PriorWeight: 7.5}), q2(t), "Erste Ausgabe — ə ş ç ğ ı İ ö ü, «тест» \"quoted\"\n")
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(pub.Document), 0o644)
	out, err := exec.Command(py, script, good).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "OK "+pub.SHA256) {
		t.Fatalf("python on a real snapshot: %v %s", err, out)
	}
	// One changed byte: a digit of the first index.
	doc := []byte(pub.Document)
	i := bytes.Index(doc, []byte(`"index":`)) + len(`"index":`)
	if doc[i] == '9' {
		doc[i] = '8'
	} else {
		doc[i]++
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, doc, 0o644)
	if out, err := exec.Command(py, script, bad).CombinedOutput(); err == nil || !strings.HasPrefix(string(out), "MISMATCH") {
		t.Fatalf("python accepted a changed snapshot: %s", out)
	}
	if ok, _ := survey.VerifySnapshot(doc); ok {
		t.Fatal("VerifySnapshot accepted a changed snapshot")
	}
}
