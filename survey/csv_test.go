package survey

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// csvCatalogView is the catalog of testdata/catalog.json without a database.
func csvCatalogView(t testing.TB) *CatalogView { return testCatalogView(t) }

var csvTestNow = time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)

func TestCSVHeader(t *testing.T) {
	got := strings.Join(csvCatalogView(t).CSVHeader(), ",")
	want := "id,submitted_at,agency,service,center,channel,survey,survey_version,lang,status,reason,comment," +
		"q.overall,q.waiting,q.resolved,q.courtesy,q.comment"
	if got != want {
		t.Fatalf("header\n got %s\nwant %s", got, want)
	}
}

// encodeRow writes a stored response as one CSV record into rec (len(header)), field by field: the reference
// the export's byte-level writer (csvRowWriter) is tested against.
func (cv *CatalogView) encodeRow(r *Response, loc *time.Location, rec []string) error {
	rec[colID] = r.ID
	rec[colSubmittedAt] = fromUnixMicro(r.SubmittedUS, loc).Format(time.RFC3339Nano) // sub-second digits only when present
	rec[colAgency] = r.Agency
	rec[colService] = r.Service
	rec[colCenter] = r.Center
	rec[colChannel] = r.Channel
	rec[colSurvey] = r.Survey
	rec[colSurveyVersion] = strconv.Itoa(r.SurveyVersion)
	rec[colLang] = r.Lang
	rec[colStatus] = r.Status
	rec[colReason] = r.Reason
	rec[colComment] = SpreadsheetSafe(r.Comment)
	_, err := cv.answerCells(r.ID, r.Answers, rec[numFixedCols:], nil)
	return err
}

func TestEncodeRow(t *testing.T) {
	cv := csvCatalogView(t)
	baku, _ := time.LoadLocation("Asia/Baku")
	r := &Response{ID: "1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01", SubmittedUS: time.Date(2025, 8, 14, 6, 21, 7, 0, time.UTC).UnixMicro(),
		Agency: "migration", Channel: "kiosk", Survey: "visit", SurveyVersion: 1, Lang: "ru", Status: "excluded", Reason: "burst",
		Comment: "a, \"b\"", Answers: `{"comment":"Хорошо","overall":4,"resolved":false}`}
	rec := make([]string, len(cv.CSVHeader()))
	if err := cv.encodeRow(r, baku, rec); err != nil {
		t.Fatal(err)
	}
	want := []string{r.ID, "2025-08-14T10:21:07+04:00", "migration", "", "", "kiosk", "visit", "1", "ru", "excluded", "burst",
		"a, \"b\"", "4", "", "false", "", "Хорошо"}
	if !reflect.DeepEqual(rec, want) {
		t.Fatalf("got  %q\nwant %q", rec, want)
	}
	r.SubmittedUS += 250_000
	r.Answers = "not json"
	if err := cv.encodeRow(r, baku, rec); err == nil {
		t.Fatal("corrupt answers must be an error")
	}
	if rec[1] != "2025-08-14T10:21:07.25+04:00" {
		t.Fatalf("sub-second time: %s", rec[1])
	}
}

func TestCSVSourceBOMAndRowCap(t *testing.T) {
	src := newCSVSource(strings.NewReader("\ufeff\"id\",agency\r\n\r\nx,y\r\n"))
	rec, line, err := src.next()
	if err != nil || line != 1 || rec[0] != "id" {
		t.Fatalf("BOM not skipped: %q %d %v", rec, line, err)
	}
	rec, line, err = src.next()
	if err != nil || line != 3 || rec[1] != "y" {
		t.Fatalf("second record: %q %d %v", rec, line, err)
	}
	if _, _, err := src.next(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
	src = newCSVSource(strings.NewReader("a\nb\nc\n"))
	src.rows = MaxImportRows
	src.next()
	if _, _, err := src.next(); err == nil || !strings.Contains(err.Error(), "more than 10000000 rows") {
		t.Fatalf("row cap: %v", err)
	}
}

// FuzzCSVImportRow feeds arbitrary bytes after a valid header through the import reader and row parser. Nothing
// may panic; every rejection names a line; and every accepted row must survive export → import unchanged.
func FuzzCSVImportRow(f *testing.F) {
	header := "id,submitted_at,agency,service,center,channel,survey,survey_version,lang,status,reason,comment,q.overall,q.waiting,q.resolved,q.courtesy,q.comment\n"
	for _, seed := range []string{
		",2025-08-14T10:21:07+04:00,migration,temp-residence,baku-1,kiosk,visit,1,az,counted,,\"Tez, \"\"çox\"\" yaxşı\",5,4,true,3,ok\n",
		"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01,,justice,,,,,,,excluded,,=1+2,1,,,,\n",
		",2000-01-01T00:00:00.5Z,property,registry,baku-1,link,visit,,ru,,,\"a\nb\",3,,false,,\" x \"\n",
		",,migration,,,,,,,,,,6,,,,\n",
		"\"unterminated,\n",
		",,migration,,,,,,,,,\x00,5,,,,\n",
	} {
		f.Add([]byte(seed))
	}
	cv := csvCatalogView(f)
	baku, _ := time.LoadLocation("Asia/Baku")
	exportLayout, errs := cv.parseCSVHeader(cv.CSVHeader())
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	if strings.Join(cv.CSVHeader(), ",")+"\n" != header {
		f.Fatal("the fuzz header must be the export header: cells are compared by position")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src := newCSVSource(strings.NewReader(header + string(data)))
		hdr, _, err := src.next()
		if err != nil {
			t.Fatalf("header: %v", err)
		}
		layout, errs := cv.parseCSVHeader(hdr)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		for {
			rec, line, err := src.next()
			if err == io.EOF {
				return
			}
			var le *LineError
			if errors.As(err, &le) {
				if le.Line < 2 {
					t.Fatalf("error without a data line: %v", le)
				}
				continue
			}
			if err != nil {
				return // a fatal reader error (e.g. an oversized record) ends the file
			}
			r, lerr := cv.decodeRow(layout, rec, line, csvTestNow)
			if lerr != nil {
				if lerr.Line != line || lerr.Message == "" {
					t.Fatalf("bad error %+v for line %d", lerr, line)
				}
				continue
			}
			out := make([]string, len(exportLayout.names))
			if err := cv.encodeRow(r, baku, out); err != nil {
				t.Fatal(err)
			}
			r2, lerr := cv.decodeRow(exportLayout, out, line, csvTestNow)
			if lerr != nil {
				t.Fatalf("exported row %q does not import: %v", out, lerr)
			}
			// Every cell given re-encodes to the same value, up to surrounding spaces, the id's case, the zone and
			// digits of submitted_at and the digits of numbers; an empty service, centre or answer stays empty.
			for pos, name := range layout.names {
				in, got := strings.TrimSpace(rec[pos]), out[pos]
				if in == "" {
					if name == "service" || name == "center" || strings.HasPrefix(name, questionPrefix) {
						if got != "" {
							t.Fatalf("empty %s exported as %q", name, got)
						}
					}
					continue
				}
				same := in == got
				switch {
				case name == "comment" || cv.keyTypes[strings.TrimPrefix(name, questionPrefix)] == TypeText:
					same = FromSpreadsheetSafe(in) == FromSpreadsheetSafe(got) // a spreadsheet-safe ' may come or go
				case name == "id":
					same = strings.EqualFold(in, got)
				case name == "submitted_at":
					a, err1 := time.Parse(time.RFC3339Nano, in)
					b, err2 := time.Parse(time.RFC3339Nano, got)
					same = err1 == nil && err2 == nil && a.UnixMicro() == b.UnixMicro()
				case name == "survey_version" || cv.keyTypes[strings.TrimPrefix(name, questionPrefix)] == TypeScale:
					a, err1 := strconv.Atoi(in)
					b, err2 := strconv.Atoi(got)
					same = err1 == nil && err2 == nil && a == b
				}
				if !same {
					t.Fatalf("cell %s %q exported as %q", name, rec[pos], got)
				}
			}
			out2 := make([]string, len(out))
			if err := cv.encodeRow(r2, baku, out2); err != nil {
				t.Fatal(err)
			}
			// The content hash depends on whether submitted_at was given; everything stored must match.
			r.ContentHash, r2.ContentHash = "", ""
			if !reflect.DeepEqual(r, r2) || !reflect.DeepEqual(out, out2) {
				t.Fatalf("round trip changed the row:\n%+v\n%+v\n%q\n%q", r, r2, out, out2)
			}
		}
	})
}

// BenchmarkDecodeRow is the CPU cost per row of both import passes (validation as the API does it).
func BenchmarkDecodeRow(b *testing.B) {
	cv := csvCatalogView(b)
	layout, _ := cv.parseCSVHeader(cv.CSVHeader())
	rec := []string{"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01", "2025-08-14T10:21:07.123456+04:00", "migration", "temp-residence",
		"baku-1", "kiosk", "visit", "1", "az", "counted", "", "Tez və nəzakətli.", "5", "4", "true", "3", ""}
	for b.Loop() {
		if _, le := cv.decodeRow(layout, rec, 2, csvTestNow); le != nil {
			b.Fatal(le)
		}
	}
}

// TestDecodeRowsOrderAndStop: rows validated on all cores still arrive in file order, and stopping early
// leaves no goroutine behind.
func TestDecodeRowsOrderAndStop(t *testing.T) {
	cv := csvCatalogView(t)
	var b strings.Builder
	b.WriteString("agency,q.overall\n")
	for i := range 3000 {
		if i%7 == 0 {
			b.WriteString("migration,9\n") // a bad row every so often
		} else {
			b.WriteString("justice,4\n")
		}
	}
	data := b.String()
	run := func(stopAt int) (int, error) {
		src := newCSVSource(strings.NewReader(data))
		hdr, _, _ := src.next()
		layout, _ := cv.parseCSVHeader(hdr)
		seen, last := 0, 1
		err := cv.decodeRows(context.Background(), src, layout, csvTestNow, func(d *decodedRow) error {
			if d.line != last+1 || (d.bad != nil) != ((d.line-2)%7 == 0) {
				return fmt.Errorf("line %d after %d (bad %v)", d.line, last, d.bad)
			}
			last = d.line
			if seen++; seen == stopAt {
				return errStop
			}
			return nil
		})
		return seen, err
	}
	before := runtime.NumGoroutine()
	if n, err := run(-1); err != nil || n != 3000 {
		t.Fatalf("full run: %d rows, %v", n, err)
	}
	if n, err := run(10); err != errStop || n != 10 {
		t.Fatalf("early stop: %d rows, %v", n, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines left behind", after-before)
	}
}

var errStop = errors.New("stop")

// The export's byte writer writes exactly what encoding/csv writes for encodeRow's record, for hostile cells
// too (quotes, CR, LF, leading spaces, `\.`, escaped and invalid UTF-8 answers, non-canonical JSON).
func TestExportRowMatchesEncodingCSV(t *testing.T) {
	cv := csvCatalogView(t)
	baku, _ := time.LoadLocation("Asia/Baku")
	comments := []string{"", "plain", "a, \"b\"", "line 1\nline 2", "cr\ronly", "crlf\r\nend", " leading space", "\tTab",
		`\.`, "=HYPERLINK(\"x\")", "ə ş ç ğ ı İ ö ü", "\u00a0nbsp first", "trailing\n"}
	answers := []string{`{}`, `{"overall":5}`, `{"comment":"Хорошо","overall":4,"resolved":false}`,
		`{"comment":"a\"b\\c\n\u003cd\u003e","overall":1}`, "{\"comment\":\"bad \xff utf8\"}", `{ "overall" : 3 }`,
		`{"overall":2,"overall":4}`, `{"comment":null,"waiting":-1}`, `{"comment":" x, y"}`}
	want := &bytes.Buffer{}
	cw := csv.NewWriter(want)
	cw.UseCRLF = true
	cw.Write(cv.CSVHeader())
	w := newCSVRowWriter(cv, baku)
	w.header()
	rec := make([]string, len(cv.CSVHeader()))
	n := 0
	for i, c := range comments {
		for j, a := range answers {
			r := &Response{ID: fmt.Sprintf("1b4e28ba-2fa1-4d2e-8a3c-%012d", n), SubmittedUS: 1755152467000000 + int64(n*250_001),
				Agency: "migration", Service: []string{"", "temp-residence"}[n%2], Center: []string{"baku-1", ""}[n%2],
				Channel: "kiosk", Survey: "visit", SurveyVersion: 1 + i, Lang: "ru", Status: "excluded", Reason: []string{"", "burst"}[j%2],
				Comment: c, Answers: a}
			n++
			if err := cv.encodeRow(r, baku, rec); err != nil {
				t.Fatalf("%q: %v", a, err)
			}
			cw.Write(rec)
			fixed := strings.Join([]string{r.Agency, r.Service, r.Center, r.Channel, r.Survey, strconv.Itoa(r.SurveyVersion), r.Lang, r.Status, r.Reason}, ",")
			if err := w.row(&exportRow{ID: r.ID, SubmittedUS: r.SubmittedUS, Fixed: fixed, Comment: r.Comment, Answers: r.Answers}); err != nil {
				t.Fatal(err)
			}
		}
	}
	cw.Flush()
	if got := string(w.buf); got != want.String() {
		gl, wl := strings.Split(got, "\r\n"), strings.Split(want.String(), "\r\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("line %d:\n got %q\nwant %q", i, gl[i], wl[i])
			}
		}
		t.Fatalf("%d lines, want %d", len(gl), len(wl))
	}
	if err := w.row(&exportRow{ID: "x", Answers: "not json"}); err == nil {
		t.Fatal("corrupt answers must be an error")
	}
}

func FuzzAppendCSVField(f *testing.F) {
	f.Add("a,\"b\"\r\n c")
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		cw.UseCRLF = true
		cw.Write([]string{s})
		cw.Flush()
		if got := string(appendCSVField(nil, s)) + "\r\n"; got != want.String() {
			t.Fatalf("%q: got %q, want %q", s, got, want.String())
		}
	})
}
