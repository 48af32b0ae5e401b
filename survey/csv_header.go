package survey

import (
	"fmt"
	"strings"
)

// questionPrefix starts the name of an answer column: q.<question key>.
const questionPrefix = "q."

// CSVColumns are the columns of the response CSV (docs/api.md) that come before the q.<key> ones, in export order.
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

// CSVHeader is the export header for this catalog.
func (cv *CatalogView) CSVHeader() []string {
	h := append([]string(nil), CSVColumns...)
	for _, k := range cv.QuestionKeys() {
		h = append(h, questionPrefix+k)
	}
	return h
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
