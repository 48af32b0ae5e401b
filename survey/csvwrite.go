package survey

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The export's hot loop writes CSV bytes itself, into one reused buffer, instead of a []string per row through
// encoding/csv: at a million rows the allocations and the per-column driver work are most of the time. The
// bytes are exactly what encoding/csv's Writer with UseCRLF writes for encodeRow's record (tested).

// exportRow is one response as the export query returns it. Fixed holds agency … reason already joined by
// commas: those cells are catalog codes, fixed words, a version number and a reason matching reasonRE, all
// validated on the way in, so none ever needs quoting.
type exportRow struct {
	ID          string
	SubmittedUS int64
	Fixed       string
	Comment     string
	Answers     string
}

// exportColumns selects an exportRow; fixedExpr is the same in both dialects (|| joins, CAST makes text).
const exportColumns = "id, submitted_us, " +
	"agency_code || ',' || COALESCE(service_code, '') || ',' || COALESCE(center_code, '') || ',' || channel || ',' || " +
	"survey_code || ',' || CAST(survey_version AS TEXT) || ',' || lang || ',' || status || ',' || COALESCE(reason, ''), " +
	"COALESCE(comment, ''), answers"

// csvRowWriter appends export rows to a buffer; cells and pairs are scratch space reused across rows.
type csvRowWriter struct {
	cv    *CatalogView
	loc   *time.Location
	buf   []byte
	cells []string
	pairs []rawAnswer
}

func newCSVRowWriter(cv *CatalogView, loc *time.Location) *csvRowWriter {
	return &csvRowWriter{cv: cv, loc: loc, buf: make([]byte, 0, 96<<10), cells: make([]string, len(cv.QuestionKeys()))}
}

// header appends the §5 header line.
func (w *csvRowWriter) header() {
	for i, h := range w.cv.CSVHeader() {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = appendCSVField(w.buf, h)
	}
	w.buf = append(w.buf, '\r', '\n')
}

// row appends one response.
func (w *csvRowWriter) row(r *exportRow) error {
	var err error
	if w.pairs, err = w.cv.answerCells(r.ID, r.Answers, w.cells, w.pairs); err != nil {
		return err
	}
	w.buf = appendCSVField(w.buf, r.ID)
	w.buf = append(w.buf, ',')
	w.buf = fromUnixMicro(r.SubmittedUS, w.loc).AppendFormat(w.buf, time.RFC3339Nano) // sub-second digits only when present
	w.buf = append(w.buf, ',')
	w.buf = append(w.buf, r.Fixed...)
	w.buf = append(w.buf, ',')
	w.buf = appendCSVField(w.buf, r.Comment)
	for _, c := range w.cells {
		w.buf = append(w.buf, ',')
		w.buf = appendCSVField(w.buf, c)
	}
	w.buf = append(w.buf, '\r', '\n')
	return nil
}

// appendCSVField appends one cell as encoding/csv's Writer (comma, UseCRLF) writes it: quoted when it holds a
// comma, quote, CR or LF, starts with a space, or is `\.`; inside quotes "" for ", CRLF for LF, a CR dropped.
func appendCSVField(b []byte, f string) []byte {
	if !csvNeedsQuotes(f) {
		return append(b, f...)
	}
	b = append(b, '"')
	for len(f) > 0 {
		i := strings.IndexAny(f, "\"\r\n")
		if i < 0 {
			i = len(f)
		}
		b = append(b, f[:i]...)
		f = f[i:]
		if len(f) > 0 {
			switch f[0] {
			case '"':
				b = append(b, '"', '"')
			case '\n':
				b = append(b, '\r', '\n')
			}
			f = f[1:]
		}
	}
	return append(b, '"')
}

func csvNeedsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` {
		return true
	}
	for i := 0; i < len(f); i++ {
		if c := f[i]; c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}
