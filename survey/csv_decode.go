package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
)

// ReasonManual is the reason of an excluded row whose reason cell is empty.
const ReasonManual = "manual"

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

// importNamespace makes the generated ids of id-less rows depend only on the line and its content, so
// importing the same file twice is still a no-op.
var importNamespace = uuid.MustParse("6f1d1c0e-3a52-4c55-9d6f-2b8f4e0a9c31")

// decodeRow validates one record exactly like the API would (CatalogView.Prepare, historic), then applies the
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
				// Prepare trims it; its length limit counts what was written, less a spreadsheet-safe '
				v := rec[p]
				lead := len(v) - len(strings.TrimLeftFunc(v, unicode.IsSpace))
				return v[:lead] + FromSpreadsheetSafe(v[lead:])
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
		if q.typ == TypeText {
			v = FromSpreadsheetSafe(v)
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
	case typ == TypeScale && isSmallInt(v):
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
