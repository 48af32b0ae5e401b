package survey

// The response CSV of CONTRACT §5: the header, one row per response, and a hardened reader for imports.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// CSVColumns are the §5 columns that come before the q.<key> ones, in export order.
var CSVColumns = []string{"id", "submitted_at", "agency", "service", "center", "channel", "survey",
	"survey_version", "lang", "status", "reason", "comment"}

// Column positions within CSVColumns.
const (
	colID = iota
	colSubmittedAt
	colAgency
	colService
	colCenter
	colChannel
	colSurvey
	colSurveyVersion
	colLang
	colStatus
	colReason
	colComment
	numFixedCols
)

// Import limits: hostile files must fail with a clear message, not exhaust memory.
const (
	MaxCSVFieldBytes  = 10_000     // one cell
	maxCSVRecordBytes = 1 << 20    // one record, however many lines its quoted cells span
	MaxImportRows     = 10_000_000 // the duplicate-id check keeps ~40 bytes per row
	questionPrefix    = "q."
	// ReasonManual is the reason of an excluded row whose reason cell is empty.
	ReasonManual = "manual"
)

var reasonRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// CSVHeader is the export header for this catalog.
func (cv *CatalogView) CSVHeader() []string {
	h := append([]string(nil), CSVColumns...)
	for _, k := range cv.QuestionKeys() {
		h = append(h, questionPrefix+k)
	}
	return h
}

// LineError is one bad line of an import file.
type LineError struct {
	Line    int    // 1-based line where the record starts; the header is line 1
	Column  string // the column at fault, if one is
	Message string
}

func (e LineError) Error() string { return e.String() }

func (e LineError) String() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

// csvLayout says where each column sits in an import file's header.
type csvLayout struct {
	names []string // header names by position
	fixed [numFixedCols]int
	qs    []qColumn
}

type qColumn struct {
	key, typ string
	pos      int
}

// parseCSVHeader accepts the columns in any order; unknown and duplicate columns are errors.
func (cv *CatalogView) parseCSVHeader(rec []string) (*csvLayout, []LineError) {
	l := &csvLayout{names: make([]string, len(rec))}
	for i := range l.fixed {
		l.fixed[i] = -1
	}
	var errs []LineError
	seen := map[string]bool{}
	for pos, raw := range rec {
		if err := checkCell(raw); err != "" {
			errs = append(errs, LineError{Line: 1, Message: fmt.Sprintf("column %d: %s", pos+1, err)})
			continue
		}
		name := strings.TrimSpace(raw)
		l.names[pos] = name
		if seen[name] {
			errs = append(errs, LineError{Line: 1, Column: name, Message: "duplicate column"})
			continue
		}
		seen[name] = true
		if i := fixedIndex(name); i >= 0 {
			l.fixed[i] = pos
			continue
		}
		if key, ok := strings.CutPrefix(name, questionPrefix); ok {
			if typ, known := cv.keyTypes[key]; known {
				l.qs = append(l.qs, qColumn{key: key, typ: typ, pos: pos})
				continue
			}
		}
		if name == "" {
			errs = append(errs, LineError{Line: 1, Message: fmt.Sprintf("column %d has no name", pos+1)})
			continue
		}
		errs = append(errs, LineError{Line: 1, Column: truncate(name, 64), Message: "unknown column (expected " +
			strings.Join(CSVColumns, ", ") + " or q.<question key> of the catalog)"})
	}
	if len(errs) == 0 && l.fixed[colAgency] < 0 {
		errs = append(errs, LineError{Line: 1, Column: "agency", Message: "the required column is missing"})
	}
	return l, errs
}

func fixedIndex(name string) int {
	for i, c := range CSVColumns {
		if c == name {
			return i
		}
	}
	return -1
}

// checkCell rejects what no cell may hold; "" means fine.
func checkCell(v string) string {
	switch {
	case len(v) > MaxCSVFieldBytes:
		return fmt.Sprintf("longer than %d bytes", MaxCSVFieldBytes)
	case !utf8.ValidString(v):
		return "not valid UTF-8"
	case strings.IndexByte(v, 0) >= 0:
		return "contains a NUL byte"
	}
	return ""
}

// importNamespace makes the generated ids of id-less rows depend only on the line and its content, so
// importing the same file twice is still a no-op.
var importNamespace = uuid.MustParse("6f1d1c0e-3a52-4c55-9d6f-2b8f4e0a9c31")

// decodeRow validates one record exactly like the API would (Index.Prepare, historic), then applies the
// row's channel, status and reason.
func (cv *CatalogView) decodeRow(l *csvLayout, rec []string, line int, now time.Time) (*Response, *LineError) {
	fail := func(col, format string, args ...any) (*Response, *LineError) {
		return nil, &LineError{Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
	}
	if len(rec) != len(l.names) {
		return fail("", "has %s; the header has %d", plural(len(rec), "field"), len(l.names))
	}
	for pos, v := range rec {
		if msg := checkCell(v); msg != "" {
			return fail(l.names[pos], "%s", msg)
		}
	}
	cell := func(i int) string {
		if p := l.fixed[i]; p >= 0 {
			if i == colComment {
				return rec[p] // Prepare trims it; its length limit counts what was written
			}
			return strings.TrimSpace(rec[p])
		}
		return ""
	}
	sub := &Submission{ID: cell(colID), Agency: cell(colAgency), Service: cell(colService), Center: cell(colCenter),
		Survey: cell(colSurvey), Comment: cell(colComment), Lang: cell(colLang), SubmittedAt: cell(colSubmittedAt)}
	if sub.ID == "" {
		sub.ID = uuid.NewSHA1(importNamespace, []byte(strconv.Itoa(line)+"\x00"+strings.Join(rec, "\x1f"))).String()
	}
	channel := cell(colChannel)
	switch channel {
	case "":
		channel = ChannelAPI
	case ChannelKiosk, ChannelLink, ChannelAPI:
	default:
		return fail("channel", "must be kiosk, link or api")
	}
	if v := cell(colSurveyVersion); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return fail("survey_version", "must be a whole number from 1")
		}
		sub.SurveyVersion = n
	}
	status, reason := cell(colStatus), cell(colReason)
	switch status {
	case "":
		status = StatusCounted
	case StatusCounted, StatusExcluded:
	default:
		return fail("status", "must be counted or excluded")
	}
	switch {
	case status == StatusCounted && reason != "":
		return fail("reason", "only an excluded response has a reason")
	case status == StatusExcluded && reason == "":
		reason = ReasonManual
	case status == StatusExcluded && !reasonRE.MatchString(reason):
		return fail("reason", "must be a short code such as burst or manual (a-z, 0-9, _ and -)")
	}
	sub.Answers = map[string]json.RawMessage{}
	for _, q := range l.qs {
		v := strings.TrimSpace(rec[q.pos])
		if v == "" {
			continue // no answer
		}
		sub.Answers[q.key] = answerJSON(q.typ, v)
	}
	r, err := cv.Prepare(sub, Target{Channel: channel, Historic: true}, now)
	if err != nil {
		col, msg := "", err.Error()
		if e, ok := AsError(err); ok {
			col, msg = csvColumnOf(e.Field), e.Message
			// "line 7: q.overall: must be …" rather than "… q.overall: overall must be …"
			if rest, ok := strings.CutPrefix(msg, strings.TrimPrefix(col, questionPrefix)+" "); ok &&
				(strings.HasPrefix(rest, "must ") || strings.HasPrefix(rest, "is ")) {
				msg = rest
			}
			if col == "submitted_at" && msg == "is out of range" {
				msg = "must be within the years 2000 to 2100"
			}
		}
		return fail(col, "%s", msg)
	}
	r.Status, r.Reason = status, ""
	if status == StatusExcluded {
		r.Reason = reason
	}
	return r, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// answerJSON turns a cell into the JSON value the API would have received; anything that is not a clean
// number or boolean becomes a string so Prepare rejects it with its usual message.
func answerJSON(typ, v string) json.RawMessage {
	switch {
	case typ == TypeScale && intRE.MatchString(v):
		return json.RawMessage(v)
	case typ == TypeYesNo && (v == "true" || v == "false"):
		return json.RawMessage(v)
	}
	b, _ := json.Marshal(v)
	return b
}

// csvColumnOf names the CSV column of a Prepare error field.
func csvColumnOf(field string) string {
	if key, ok := strings.CutPrefix(field, "answers."); ok {
		return questionPrefix + key
	}
	if field == "answers" {
		return "q.*"
	}
	return field
}

// encodeRow writes a stored response as one CSV record into rec (len(header)): the reference the export's
// byte-level writer (exportRow) is tested against.
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
	rec[colComment] = r.Comment
	_, err := cv.answerCells(r.ID, r.Answers, rec[numFixedCols:], nil)
	return err
}

// answerCells fills cells (one per question, catalog order) from stored answers JSON. pairs is scratch space,
// returned for reuse.
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
	}
	return pairs, nil
}

// csvSource reads import records with the limits above: a UTF-8 BOM is skipped, each record's size is capped
// while it is read (not after), and the row count is bounded.
type csvSource struct {
	lim  *limitedReader
	r    *csv.Reader
	bom  int64
	rows int
	last int // first line of the last record read
}

var errRecordTooLong = errors.New("record too long")

type limitedReader struct {
	r           io.Reader
	total, base int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.total-l.base > maxCSVRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.total += int64(n)
	return n, err
}

func newCSVSource(r io.Reader) *csvSource {
	lim := &limitedReader{r: r}
	br := bufio.NewReaderSize(lim, 64<<10)
	src := &csvSource{lim: lim}
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		src.bom = 3
	}
	src.r = csv.NewReader(br)
	src.r.FieldsPerRecord = -1 // ragged rows are reported per line, not as a fatal error
	return src
}

// next returns the next record and its first line. A *LineError is a bad record the caller may skip past;
// any other error ends the file.
func (s *csvSource) next() ([]string, int, error) {
	before := s.r.InputOffset()
	rec, err := s.r.Read()
	s.lim.base = s.r.InputOffset() + s.bom
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.Err != nil && !errors.Is(pe.Err, errRecordTooLong) {
		if s.r.InputOffset() == before {
			return nil, 0, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
		}
		s.last = pe.StartLine
		return nil, pe.StartLine, &LineError{Line: pe.StartLine, Message: "malformed CSV: " + pe.Err.Error()}
	}
	if err != nil {
		if errors.Is(err, errRecordTooLong) {
			return nil, 0, fmt.Errorf("the record after line %d is longer than %d bytes; stopping", s.last, maxCSVRecordBytes)
		}
		return nil, 0, err
	}
	s.rows++
	if s.rows > MaxImportRows+1 {
		return nil, 0, fmt.Errorf("the file has more than %d rows; split it", MaxImportRows)
	}
	line, _ := s.r.FieldPos(0)
	s.last = line
	return rec, line, nil
}

// decodedRow is one data record after decodeRow: a row or the reason it is bad.
type decodedRow struct {
	line int
	rec  []string
	r    *Response
	bad  *LineError
}

type rowChunk struct {
	rows  []decodedRow
	fatal error // a reader error after rows: the file ends here
	done  chan struct{}
}

const decodeChunkRows = 256

// decodeRows reads every data record of src and validates them on all cores, handing them to fn in file
// order. fn's error, a fatal reader error or ctx's cancellation stops it.
func (cv *CatalogView) decodeRows(ctx context.Context, src *csvSource, layout *csvLayout, now time.Time, fn func(d *decodedRow) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(runtime.GOMAXPROCS(0), 1)
	work := make(chan *rowChunk)
	ordered := make(chan *rowChunk, 2*workers) // bounds the chunks in flight: memory stays flat
	go func() {
		defer close(ordered)
		defer close(work)
		for {
			c := &rowChunk{done: make(chan struct{})}
			for len(c.rows) < decodeChunkRows {
				rec, line, err := src.next()
				if err == io.EOF {
					break
				}
				var le *LineError
				if errors.As(err, &le) {
					c.rows = append(c.rows, decodedRow{line: line, bad: le})
					continue
				}
				if err != nil {
					c.fatal = err
					break
				}
				c.rows = append(c.rows, decodedRow{line: line, rec: rec})
			}
			last := len(c.rows) < decodeChunkRows
			for _, ch := range []chan *rowChunk{ordered, work} {
				select {
				case ch <- c:
				case <-ctx.Done():
					return
				}
			}
			if last {
				return
			}
		}
	}()
	for range workers {
		go func() {
			for c := range work {
				for i := range c.rows {
					d := &c.rows[i]
					if d.bad == nil {
						d.r, d.bad = cv.decodeRow(layout, d.rec, d.line, now)
					}
				}
				close(c.done)
			}
		}()
	}
	for c := range ordered {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for i := range c.rows {
			if err := fn(&c.rows[i]); err != nil {
				return err
			}
		}
		if c.fatal != nil {
			return c.fatal
		}
	}
	return ctx.Err()
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
