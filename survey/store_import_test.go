package survey_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// genHeader is the CSV header for testdata/catalog.json, in export order.
const genHeader = "id,submitted_at,agency,service,center,channel,survey,survey_version,lang,status,reason,comment,q.overall,q.waiting,q.resolved,q.courtesy,q.comment"

// genCSV writes n valid response rows for testdata/catalog.json, deterministic for a seed: the agency, service
// and centre combinations the catalog allows, two years of times, some excluded rows, comments with the
// characters CSV must quote.
func genCSV(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	type place struct{ agency, service, center string }
	places := []place{{"migration", "temp-residence", "baku-1"}, {"migration", "", "ganja"}, {"migration", "temp-residence", ""},
		{"justice", "notary", "baku-1"}, {"justice", "", ""}, {"property", "registry", "baku-1"}}
	channels := []string{"kiosk", "link", "api"}
	langs := []string{"az", "en", "ru"}
	comments := []string{"", "", "", "Tez və nəzakətli.", `Dedi: "gözləyin", sonra, bir saat`, "Очень долго\nждал", "=SUM(A1:A9)", "@cmd -1 +2"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	span := int64(2*365*24*3600) * 1_000_000
	fmt.Fprintln(bw, genHeader)
	for i := 0; i < n; i++ {
		p := places[rng.IntN(len(places))]
		at := time.UnixMicro(start + rng.Int64N(span)).In(storetest.Baku)
		if rng.IntN(4) == 0 {
			at = at.Truncate(time.Second)
		}
		status, reason := "counted", ""
		if rng.IntN(20) == 0 {
			status, reason = "excluded", "burst"
		}
		waiting, resolved, courtesy := "", "", ""
		if rng.IntN(3) > 0 {
			waiting = fmt.Sprint(1 + rng.IntN(5))
		}
		if rng.IntN(3) > 0 {
			resolved = fmt.Sprint(rng.IntN(4) > 0)
		}
		if rng.IntN(2) > 0 {
			courtesy = fmt.Sprint(1 + rng.IntN(5))
		}
		id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))
		_, err := fmt.Fprintf(bw, "%s,%s,%s,%s,%s,%s,visit,1,%s,%s,%s,%s,%d,%s,%s,%s,%s\r\n", id, at.Format(time.RFC3339Nano),
			p.agency, p.service, p.center, channels[rng.IntN(3)], langs[rng.IntN(3)], status, reason,
			csvQuote(comments[rng.IntN(len(comments))]), 1+rng.IntN(5), waiting, resolved, courtesy,
			csvQuote(comments[rng.IntN(len(comments))]))
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

func csvQuote(s string) string {
	if !strings.ContainsAny(s, "\",\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `"`, `""`), "\n", "\r\n") + `"`
}

// genFile writes genCSV into a temp file and returns its path.
func genFile(t testing.TB, n int, seed uint64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("gen-%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := genCSV(f, n, seed); err != nil {
		t.Fatal(err)
	}
	return path
}

func importFile(t testing.TB, s *survey.Store, path string) (survey.ImportResult, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return s.Import(context.Background(), f, survey.ImportOptions{})
}

func importString(t testing.TB, s *survey.Store, data string) (survey.ImportResult, error) {
	t.Helper()
	return s.Import(context.Background(), strings.NewReader(data), survey.ImportOptions{})
}

func exportString(t testing.TB, s *survey.Store, f survey.ExportFilter) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.Export(context.Background(), &buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func countStored(t testing.TB, s *survey.Store) int64 {
	t.Helper()
	n, err := s.DB().NewSelect().Table("responses").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// cells reads every additive cell, sorted, for comparing two databases.
func cells(t testing.TB, s *survey.Store) ([]survey.DayCell, []survey.MonthCell, []survey.AnswerCell) {
	t.Helper()
	ctx := context.Background()
	var d []survey.DayCell
	var m []survey.MonthCell
	var a []survey.AnswerCell
	if err := s.DB().NewSelect().Model(&d).Order("agency_code", "day", "service_code", "center_code", "channel").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().NewSelect().Model(&m).Order("agency_code", "month").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().NewSelect().Model(&a).Order("agency_code", "day", "survey_code", "survey_version", "question", "value").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	// ΣR sums may differ in the last bit with the order of addition; compare rounded.
	for i := range d {
		d[i].SumR, d[i].SumR2 = round6(d[i].SumR), round6(d[i].SumR2)
	}
	for i := range m {
		m[i].SumR, m[i].SumR2 = round6(m[i].SumR), round6(m[i].SumR2)
	}
	return d, m, a
}

// cpuTime is the CPU time this process used so far: a figure that means something on a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func round6(v float64) float64 { return float64(int64(v*1e6+0.5)) / 1e6 }

// BenchmarkCSV1M imports one generated file of 1M rows (100k with -short; ids random, times in random order, the
// hard case for the indexes) into a fresh database, then exports all of it to nowhere, and reports the seconds
// of the import (one pass, one transaction), of its roll-up, and of the export, with this process's CPU
// seconds and the heap in use after the export (flat memory: it does not grow with the rows).
func BenchmarkCSV1M(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	path := genFile(b, n, 7)
	for _, d := range []string{"sqlite-file", "pg"} {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := storetest.New(b, d, survey.Options{})
				loadTestCatalog(b, s)
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				cpu0 := cpuTime()
				start := time.Now()
				var rollup time.Time
				res, err := s.Import(context.Background(), f, survey.ImportOptions{Progress: func(phase string, _ int64) {
					if phase == "rolling up" {
						rollup = time.Now()
					}
				}})
				end := time.Now()
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				if res.Inserted != int64(n) {
					b.Fatalf("inserted %d of %d", res.Inserted, n)
				}
				cpu1 := cpuTime()
				exported, err := s.Export(context.Background(), io.Discard, survey.ExportFilter{})
				exportEnd := time.Now()
				if err != nil || exported != int64(n) {
					b.Fatalf("exported %d of %d: %v", exported, n, err)
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				b.ReportMetric(rollup.Sub(start).Seconds(), "import-s")
				b.ReportMetric(end.Sub(rollup).Seconds(), "rollup-s")
				b.ReportMetric((cpu1 - cpu0).Seconds(), "import-cpu-s") // this process only, not the PostgreSQL server
				b.ReportMetric(exportEnd.Sub(end).Seconds(), "export-s")
				b.ReportMetric((cpuTime() - cpu1).Seconds(), "export-cpu-s")
				b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
			}
		})
	}
}

// TestCSVRoundTrip: export A, import into an empty B with the same catalog, export B: the same bytes, the same
// cells; importing again changes nothing.
func TestCSVRoundTrip(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	opts := survey.Options{Now: clock.Now, Burst: 3 * time.Second}
	storetest.Each(t, opts, func(t *testing.T, a *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, a)
		// Responses the API stored: a kiosk one, a burst-excluded one, one without submitted_at, one with a
		// text answer and a multi-line comment.
		k, _, err := a.AddKiosk(ctx, "baku-1", "Exit 1", "")
		if err != nil {
			t.Fatal(err)
		}
		key, _, err := a.AddAPIKey(ctx, "queue")
		if err != nil {
			t.Fatal(err)
		}
		for i, body := range []string{
			`{"agency":"migration","service":"temp-residence","answers":{"overall":5,"waiting":4,"resolved":true},"comment":"Tez və nəzakətli.","submitted_at":"2025-08-14T10:00:00.25+04:00"}`,
			`{"agency":"migration","answers":{"overall":1},"comment":"=HYPERLINK(\"x\")"}`,
			`{"agency":"justice","center":"baku-1","answers":{"overall":3,"resolved":false,"comment":"Sətir 1\nСтрока 2, \"quoted\""},"lang":"ru"}`,
		} {
			sub, err := survey.DecodeSubmission([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			cred := survey.Credential{Kiosk: k}
			if i == 2 {
				cred = survey.Credential{APIKey: key}
			}
			if _, _, err := a.Submit(ctx, sub, cred); err != nil {
				t.Fatalf("submit %d: %v", i, err)
			}
			clock.Advance(time.Second)
		}
		if _, err := importFile(t, a, genFile(t, 400, 1)); err != nil {
			t.Fatal(err)
		}
		exportA := exportString(t, a, survey.ExportFilter{})
		if got := strings.Count(exportA, "\r\n"); got < 404 {
			t.Fatalf("export of A has %d CRLF line ends, want at least 404", got)
		}
		if !strings.Contains(exportA, ",excluded,burst,") || !strings.Contains(exportA, `"'=HYPERLINK(""x"")"`) {
			t.Fatalf("export lacks the excluded row or the spreadsheet-safe formula-like comment:\n%.600s", exportA)
		}

		b := storetest.New(t, a.Dialect(), opts)
		loadTestCatalog(t, b)
		res, err := importString(t, b, exportA)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 403 || res.Inserted != 403 || res.Skipped != 0 {
			t.Fatalf("import into B: %+v", res)
		}
		exportB := exportString(t, b, survey.ExportFilter{})
		if exportA != exportB {
			t.Fatalf("exports differ:\nA: %.800s\nB: %.800s", exportA, exportB)
		}
		if _, err := a.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		dA, mA, aA := cells(t, a)
		dB, mB, aB := cells(t, b)
		if len(dA) == 0 || !reflect.DeepEqual(dA, dB) || !reflect.DeepEqual(mA, mB) || !reflect.DeepEqual(aA, aB) {
			t.Fatalf("cells differ: day %d vs %d, month %d vs %d, answer %d vs %d", len(dA), len(dB), len(mA), len(mB), len(aA), len(aB))
		}
		var scoresA, scoresB []float64
		for _, x := range []struct {
			s   *survey.Store
			dst *[]float64
		}{{a, &scoresA}, {b, &scoresB}} {
			if err := x.s.DB().NewSelect().Table("responses").Column("score").Order("seq").Scan(ctx, x.dst); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(scoresA, scoresB) {
			t.Fatal("response scores differ between A and B")
		}

		again, err := importString(t, b, exportA)
		if err != nil || again.Inserted != 0 || again.Skipped != 403 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		if n := countStored(t, b); n != 403 {
			t.Fatalf("re-import stored rows: %d", n)
		}
		if exportString(t, b, survey.ExportFilter{}) != exportA {
			t.Fatal("re-import changed the export")
		}
	})
}

// TestImportDefaults: columns in any order, and the CSV defaults for what is missing.
func TestImportDefaults(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		loadTestCatalog(t, s)
		data := "\ufeffq.resolved, agency ,status,q.overall,submitted_at\n" +
			"true,migration,,5,2099-12-31T23:59:59Z\n" +
			"false,justice,excluded,2,\n" +
			",property,counted,4,2000-01-01T00:00:00+04:00\n"
		res, err := importString(t, s, data)
		if err != nil || res.Inserted != 3 {
			t.Fatalf("import: %+v %v", res, err)
		}
		out := exportString(t, s, survey.ExportFilter{})
		lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		if lines[0] != genHeader || len(lines) != 4 {
			t.Fatalf("export:\n%s", out)
		}
		want := []string{
			",2100-01-01T03:59:59+04:00,migration,,,api,visit,1,az,counted,,,5,,true,,",
			",2025-08-14T10:00:00+04:00,justice,,,api,visit,1,az,excluded,manual,,2,,false,,",
			",2000-01-01T00:00:00+04:00,property,,,api,visit,1,az,counted,,,4,,,,",
		}
		for i, w := range want {
			id, rest, _ := strings.Cut(lines[i+1], ",")
			if len(id) != 36 || id[14] != '5' {
				t.Errorf("row %d: want a generated (v5) id, got %q", i+1, id)
			}
			if ","+rest != w {
				t.Errorf("row %d:\n got %s\nwant %s", i+1, ","+rest, w)
			}
		}
		// Generated ids depend on line and content only: the same file again is a no-op.
		again, err := importString(t, s, data)
		if err != nil || again.Inserted != 0 || again.Skipped != 3 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
	})
}

// TestImportRejectsBadFiles: every bad line is listed with its reason and nothing is stored.
func TestImportRejectsBadFiles(t *testing.T) {
	const id1 = "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01"
	big := strings.Repeat("x", survey.MaxCSVFieldBytes+1)
	cases := []struct {
		name, data string
		want       []string // the listed lines, in order
	}{
		{"out of range answers", "agency,q.overall,q.waiting,q.resolved\nmigration,5,,\nmigration,6,,\nmigration,4,0,\nmigration,3,,yes\nmigration,2.5,,\n",
			[]string{"line 3: q.overall: must be an integer from 1 to 5", "line 4: q.waiting: must be an integer from 1 to 5",
				"line 5: q.resolved: must be true or false", "line 6: q.overall: must be an integer from 1 to 5"}},
		{"required answer missing", "agency,q.overall,q.waiting\nmigration,,3\n", []string{"line 2: q.overall: is required"}},
		{"unknown agency", "agency,q.overall\nnope,5\n", []string{`line 2: agency: unknown agency "nope"`}},
		{"service of another agency", "agency,service,q.overall\nmigration,notary,5\n",
			[]string{`line 2: service: service "notary" does not belong to agency "migration"`}},
		{"years outside 2000-2100", "agency,submitted_at,q.overall\nmigration,1999-12-31T19:59:59Z,5\nmigration,2101-01-01T00:00:00Z,5\nmigration,yesterday,5\n",
			[]string{"line 2: submitted_at: must be within the years 2000 to 2100", "line 3: submitted_at: must be within the years 2000 to 2100",
				"line 4: submitted_at: must be an RFC 3339 time, e.g. 2025-08-14T10:21:07+04:00"}},
		{"bare quote", "agency,q.overall,comment\nmigration,5,say \"hi\"\nmigration,4,ok\n",
			[]string{`line 2: malformed CSV: bare " in non-quoted-field`}},
		{"ragged rows", "agency,q.overall\nmigration\nmigration,5,extra\nmigration,5\n",
			[]string{"line 2: has 1 field; the header has 2", "line 3: has 3 fields; the header has 2"}},
		{"invalid UTF-8", "agency,q.overall,comment\nmigration,5,caf\xe9\n", []string{"line 2: comment: not valid UTF-8"}},
		{"NUL byte", "agency,q.overall,comment\nmigration,5,a\x00b\n", []string{"line 2: comment: contains a NUL byte"}},
		{"huge field", "agency,q.overall,comment\nmigration,5," + big + "\n", []string{"line 2: comment: longer than 10000 bytes"}},
		{"comment too long", "agency,q.overall,comment\nmigration,5," + strings.Repeat("ə", 2001) + "\n",
			[]string{"line 2: comment: is 2001 characters; at most 2000"}},
		{"line numbers count quoted newlines", "agency,q.overall,comment\nmigration,5,\"two\nlines\"\nmigration,9,x\n",
			[]string{"line 4: q.overall: must be an integer from 1 to 5"}},
		{"duplicate column", "agency,q.overall,agency\nmigration,5,migration\n", []string{"line 1: agency: duplicate column"}},
		{"unknown columns", "agency,q.overall,foo,q.nope\nmigration,5,1,2\n",
			[]string{"line 1: foo: unknown column", "line 1: q.nope: unknown column"}},
		{"no agency column", "q.overall\n5\n", []string{"line 1: agency: the required column is missing"}},
		{"empty file", "", []string{"line 1: the file is empty"}},
		{"same id, other content", "id,agency,q.overall\n" + id1 + ",migration,5\n" + id1 + ",migration,4\n",
			// the database finds it; PostgreSQL names the earlier line when it is in the same chunk
			[]string{"line 3: id: id " + id1 + " is also on "}},
		{"bad id", "id,agency,q.overall\nnot-a-uuid,migration,5\n", []string{"line 2: id: must be a UUID"}},
		{"status, reason, channel, lang, version", "agency,q.overall,status,reason,channel,lang,survey_version\n" +
			"migration,5,deleted,,,,\nmigration,5,counted,burst,,,\nmigration,5,excluded,Bad Reason,,,\n" +
			"migration,5,,,sms,,\nmigration,5,,,,de,\nmigration,5,,,,,9\nmigration,5,,,,,x\n",
			[]string{"line 2: status: must be counted or excluded", "line 3: reason: only an excluded response has a reason",
				"line 4: reason: must be a short code", "line 5: channel: must be kiosk, link or api",
				"line 6: lang: must be az, en or ru", `line 7: survey_version: survey "visit" has no version 9`,
				"line 8: survey_version: must be a whole number from 1"}},
	}
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		loadTestCatalog(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var seen []string
				_, err := s.Import(context.Background(), strings.NewReader(c.data), survey.ImportOptions{
					OnError: func(e survey.LineError) { seen = append(seen, e.String()) }})
				var ie *survey.ImportError
				if !errors.As(err, &ie) {
					t.Fatalf("want an ImportError, got %v", err)
				}
				if ie.Count != len(c.want) || len(seen) != len(c.want) || len(ie.Lines) != len(c.want) {
					t.Fatalf("got %d errors %q, want %q", ie.Count, seen, c.want)
				}
				for i, w := range c.want {
					if !strings.HasPrefix(seen[i], w) || ie.Lines[i].String() != seen[i] {
						t.Errorf("error %d: got %q, want prefix %q", i, seen[i], w)
					}
				}
				if n := countStored(t, s); n != 0 {
					t.Fatalf("%d rows stored from a bad file", n)
				}
			})
		}
		t.Run("record over 1 MiB stops the import", func(t *testing.T) {
			data := "agency,q.overall,comment\nmigration,5,\"" + strings.Repeat("x\n", 600_000) + "\"\n"
			_, err := importString(t, s, data)
			var ie *survey.ImportError
			if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "the record after line 1 is longer than 1048576 bytes") {
				t.Fatalf("got %v", err)
			}
			if n := countStored(t, s); n != 0 {
				t.Fatalf("%d rows stored", n)
			}
		})
		t.Run("a header alone imports nothing", func(t *testing.T) {
			res, err := importString(t, s, "agency,q.overall\r\n")
			if err != nil || res != (survey.ImportResult{}) {
				t.Fatalf("got %+v %v", res, err)
			}
		})
		t.Run("same id, same content is one row", func(t *testing.T) {
			data := "id,agency,q.overall\n" + id1 + ",migration,5\n" + id1 + ",migration,5\n"
			res, err := importString(t, s, data)
			if err != nil || res.Rows != 2 || res.Inserted != 1 || res.Skipped != 1 || countStored(t, s) != 1 {
				t.Fatalf("got %+v %v", res, err)
			}
		})
	})
}

// An import that finds some of its ids already stored adds only the new rows to the cells.
func TestImportPartlyStoredKeepsCells(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		loadTestCatalog(t, s)
		var a, b strings.Builder
		if err := genCSV(&a, 400, 11); err != nil {
			t.Fatal(err)
		}
		if err := genCSV(&b, 300, 12); err != nil {
			t.Fatal(err)
		}
		records := func(data string) [][]string {
			recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}
		write := func(recs ...[][]string) string {
			var out strings.Builder
			w := csv.NewWriter(&out)
			for _, r := range recs {
				w.WriteAll(r)
			}
			return out.String()
		}
		first, second := records(a.String()), records(b.String())
		if _, err := importString(t, s, write(first[:201])); err != nil { // header + 200 rows
			t.Fatal(err)
		}
		// header + rows 150..399 of the first file (50 already stored) + 300 new rows
		mixed := write(first[:1], first[151:], second[1:])
		res, err := importString(t, s, mixed)
		if err != nil {
			t.Fatal(err)
		}
		if res.Skipped != 50 {
			t.Fatalf("skipped %d rows, want 50 (%+v)", res.Skipped, res)
		}
		if err := s.VerifyCells(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// A big import into a small table drops the secondary indexes (SQLite) and builds them again before it commits:
// afterwards the same indexes exist with the same definitions, the cells match a recount, and the export is the
// file's content; a failing big import leaves the indexes (and everything else) as they were.
func TestImportRebuildsIndexes(t *testing.T) {
	defer survey.SetRebuildAfter(100)()
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		indexes := func() string {
			q := "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'responses' ORDER BY name"
			if s.Dialect() == "pg" {
				q = "SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE tablename = 'responses' ORDER BY indexname"
			}
			var defs []string
			if err := s.DB().NewRaw(q).Scan(ctx, &defs); err != nil {
				t.Fatal(err)
			}
			return strings.Join(defs, "\n")
		}
		before := indexes()
		if strings.Count(before, "\n") < 5 {
			t.Fatalf("expected the responses indexes, got:\n%s", before)
		}
		// A big import that fails on its last line (after the switch) stores nothing and leaves the indexes.
		var bad strings.Builder
		if err := genCSV(&bad, 1200, 22); err != nil {
			t.Fatal(err)
		}
		badCSV := bad.String() + "not-a-uuid,2024-01-01T00:00:00Z,migration,,,api,visit,1,az,counted,,,5,,,,\r\n"
		if _, err := importString(t, s, badCSV); err == nil {
			t.Fatal("a file with a bad last line was imported")
		}
		if n := countStored(t, s); n != 0 {
			t.Fatalf("%d rows stored after the failed import, want none", n)
		}
		if after := indexes(); after != before {
			t.Fatalf("indexes after the failed import:\n%s\nwant:\n%s", after, before)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := importFile(t, s, genFile(t, 1700, 21)) // four batches: the switch comes after the first
		if err != nil || res.Inserted != 1700 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if after := indexes(); after != before {
			t.Fatalf("indexes after the import:\n%s\nwant:\n%s", after, before)
		}
		if err := s.VerifyCells(ctx); err != nil {
			t.Fatal(err)
		}
		// A date-range export (read off the rebuilt submitted_us index) returns its rows in time order.
		recs, err := csv.NewReader(strings.NewReader(exportString(t, s, survey.ExportFilter{
			From: time.Date(2024, 3, 1, 0, 0, 0, 0, storetest.Baku), To: time.Date(2024, 6, 1, 0, 0, 0, 0, storetest.Baku)}))).ReadAll()
		if err != nil || len(recs) < 100 {
			t.Fatalf("spring export: %d records, %v", len(recs), err)
		}
		for i := 2; i < len(recs); i++ {
			a, _ := time.Parse(time.RFC3339Nano, recs[i-1][1])
			b, _ := time.Parse(time.RFC3339Nano, recs[i][1])
			if b.Before(a) {
				t.Fatalf("export out of time order at record %d: %s after %s", i, recs[i][1], recs[i-1][1])
			}
		}
	})
}
