package survey

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// answerCells fills cells (one per question, catalog order) from stored answers JSON; text answers are made
// spreadsheet-safe (SpreadsheetSafe). pairs is scratch space, returned for reuse.
func (cv *CatalogView) answerCells(id, answers string, cells []string, pairs []rawAnswer) ([]rawAnswer, error) {
	pairs, ok := splitAnswers(answers, pairs[:0])
	if !ok {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(answers), &m); err != nil {
			return pairs, fmt.Errorf("response %s: stored answers are corrupt: %w", id, err)
		}
		pairs = pairs[:0]
		for k, v := range m {
			pairs = append(pairs, rawAnswer{k, string(v)})
		}
	}
	for i, k := range cv.QuestionKeys() {
		v, found := "", false
		for j := len(pairs) - 1; j >= 0; j-- { // the last of repeated keys wins, as in encoding/json
			if pairs[j].key == k {
				v, found = pairs[j].val, true
				break
			}
		}
		switch {
		case !found || v == "null":
			cells[i] = ""
		case len(v) >= 2 && v[0] == '"' && !strings.ContainsRune(v, '\\') && utf8.ValidString(v):
			cells[i] = v[1 : len(v)-1] // nothing escaped: the text between the quotes
		case len(v) > 0 && v[0] == '"':
			var s string
			if err := json.Unmarshal([]byte(v), &s); err != nil {
				return pairs, fmt.Errorf("response %s: stored answer %s is corrupt: %w", id, k, err)
			}
			cells[i] = s
		default:
			cells[i] = v // integers and true/false, as stored
		}
		if c := cells[i]; c != "" && (c[0] == '\'' || formulaTrigger(c[0])) && cv.keyTypes[k] == TypeText {
			cells[i] = SpreadsheetSafe(c)
		}
	}
	return pairs, nil
}

// rawAnswer is one key of a stored answers object and its JSON value, as stored.
type rawAnswer struct{ key, val string }

// splitAnswers splits the stored canonical answers object ({"key":value,…} as json.Marshal wrote it: no
// spaces, plain keys) into raw values (appended to out) without a full JSON decode: the hot loop of an export.
// Anything else reports false and the caller decodes it the slow way.
func splitAnswers(s string, out []rawAnswer) ([]rawAnswer, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return out, false
	}
	i := 1
	for i < len(s)-1 {
		if s[i] != '"' {
			return out, false
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return out, false
		}
		key := s[i+1 : i+1+end]
		if key == "" {
			return out, false
		}
		for j := 0; j < len(key); j++ {
			if c := key[j]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return out, false // not a question key: let encoding/json handle it
			}
		}
		i += end + 2
		if i >= len(s) || s[i] != ':' {
			return out, false
		}
		i++
		start := i
		if i < len(s) && s[i] == '"' {
			// a string value: skip to its closing quote, stepping over escapes
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			i++
		} else {
			// numbers and true/false only: anything else (spaces, objects) is not canonical
			for ; i < len(s)-1 && s[i] != ','; i++ {
				if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '.' || c == '+' || c == 'E') {
					return out, false
				}
			}
		}
		if i > len(s)-1 || start == i {
			return out, false
		}
		out = append(out, rawAnswer{key, s[start:i]})
		if s[i] == ',' {
			if i++; i == len(s)-1 {
				return out, false // a trailing comma
			}
		} else if i != len(s)-1 {
			return out, false
		}
	}
	return out, true
}

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

// header appends the header line.
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
	w.buf = appendCSVField(w.buf, SpreadsheetSafe(r.Comment))
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
