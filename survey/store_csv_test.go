package survey_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// genHeader is the §5 header for testdata/catalog.json, in export order.
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

func round6(v float64) float64 { return float64(int64(v*1e6+0.5)) / 1e6 }

func BenchmarkImport1M(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	path := genFile(b, n, 7)
	for _, d := range []string{"sqlite-file", "sqlite", "pg"} {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := storetest.New(b, d, survey.Options{})
				loadTestCatalog(b, s)
				b.StartTimer()
				start := time.Now()
				res, err := importFile(b, s, path)
				if err != nil {
					b.Fatal(err)
				}
				if res.Inserted != int64(n) {
					b.Fatalf("inserted %d of %d", res.Inserted, n)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
			}
		})
	}
}

var _ = reflect.DeepEqual
