package survey

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Import limits: hostile files must fail with a clear message, not exhaust memory.
const (
	MaxCSVFieldBytes  = 10_000     // one cell
	maxCSVRecordBytes = 1 << 20    // one record, however many lines its quoted cells span
	MaxImportRows     = 10_000_000 // the duplicate-id check keeps ~40 bytes per row
)

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
