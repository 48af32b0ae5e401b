package survey

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiymet/qiymet/scoring"
)

// Assessment scores one service of an agency for a period against a methodology version (CONTRACT §12).
// Scores maps criterion codes to points 0..max, or to null: not applicable. A criterion left out is not
// applicable too. The latest assessment of a service and period counts; earlier ones stay as history.
type Assessment struct {
	ID          int64               `json:"id,omitempty"`
	Methodology string              `json:"methodology"`
	Version     int                 `json:"version"`
	Period      string              `json:"period"`
	Agency      string              `json:"agency"`
	Service     string              `json:"service"`
	Scores      map[string]*float64 `json:"scores"`
	Evidence    map[string]string   `json:"evidence,omitempty"`
	Assessor    string              `json:"assessor"`
	CreatedAt   *time.Time          `json:"created_at,omitempty"`
}

// Assessment limits.
const (
	MaxEvidenceRunes   = 2000
	maxAssessorRunes   = 200
	MaxAssessmentBytes = 256 << 10
)

// AssessmentCSVColumns are the columns of `qiymet assessment import` (one row per criterion; an empty points
// cell = not applicable). An optional `assessor` column may follow.
var AssessmentCSVColumns = []string{"methodology", "version", "period", "agency", "service", "criterion", "points", "evidence"}

// DecodeAssessment reads one assessment JSON object strictly (POST /api/v1/assessments); it is checked
// against the methodology and catalog when saved.
func DecodeAssessment(body []byte) (Assessment, error) {
	var a Assessment
	if len(body) > MaxAssessmentBytes {
		return a, Errorf(CodePayloadTooLarge, "", "the assessment is larger than %d bytes", MaxAssessmentBytes)
	}
	if err := checkText(body); err != nil {
		return a, err
	}
	if err := decodeStrict(body, &a); err != nil {
		return a, err
	}
	a.ID, a.CreatedAt = 0, nil // the store sets them
	return a, nil
}

// assessmentKey is what makes assessments the same service's in the same period.
type assessmentKey struct {
	methodology string
	version     int
	period      string
	agency      string
	service     string
}

func (a *Assessment) key() assessmentKey {
	return assessmentKey{a.Methodology, a.Version, a.Period, a.Agency, a.Service}
}

// methodologies finds a methodology version (0 = newest of its code).
type methodologyLookup func(code string, version int) (*Methodology, bool)

// checkHead checks what every row of an assessment shares: the methodology version, the period, the agency
// and its service. It normalises the period label.
func checkHead(a *Assessment, find methodologyLookup, cv *CatalogView, loc *time.Location) (*Methodology, error) {
	if !ValidCode(a.Methodology) {
		return nil, FieldError("methodology", "methodology must be a methodology code")
	}
	m, ok := find(a.Methodology, a.Version)
	if !ok {
		if a.Version == 0 {
			return nil, Errorf(CodeNotFound, "methodology", "no methodology %q", a.Methodology)
		}
		return nil, Errorf(CodeNotFound, "version", "no methodology %q version %d", a.Methodology, a.Version)
	}
	a.Version = m.Version
	p, err := scoring.ParsePeriod(a.Period, loc)
	if err != nil {
		return nil, FieldError("period", "period %q: use YYYY, YYYY-H1|H2, YYYY-Q1..Q4 or YYYY-MM", truncate(a.Period, 40))
	}
	a.Period = p.Label
	if _, ok := cv.Agency(a.Agency); !ok {
		return nil, Errorf(CodeUnknownAgency, "agency", "no agency %q", truncate(a.Agency, 70))
	}
	sv, ok := cv.Service(a.Service)
	if !ok {
		return nil, FieldError("service", "no service %q", truncate(a.Service, 70))
	}
	if sv.Agency != a.Agency {
		return nil, FieldError("service", "service %q belongs to agency %q, not %q", a.Service, sv.Agency, a.Agency)
	}
	return m, nil
}

// checkScore checks one criterion's points (nil = not applicable) and evidence.
func checkScore(m *Methodology, criterion string, points *float64, evidence string) error {
	c, _, ok := m.Criterion(criterion)
	if !ok {
		return FieldError("criterion", "no criterion %q in methodology %s version %d", truncate(criterion, 70), m.Code, m.Version)
	}
	if points != nil {
		switch v := *points; {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return FieldError("points", "criterion %q: points must be a number", criterion)
		case v < 0:
			return FieldError("points", "criterion %q: points must not be negative (got %g)", criterion, v)
		case v > c.Max:
			return FieldError("points", "criterion %q: points %g are more than its max %g", criterion, v, c.Max)
		}
	}
	if !utf8.ValidString(evidence) || strings.ContainsRune(evidence, 0) {
		return FieldError("evidence", "criterion %q: evidence must be valid text", criterion)
	}
	if utf8.RuneCountInString(evidence) > MaxEvidenceRunes {
		return FieldError("evidence", "criterion %q: evidence is at most %d characters", criterion, MaxEvidenceRunes)
	}
	return nil
}

// check validates a whole assessment (the API and the admin form); the error names the field at fault.
func (a *Assessment) check(find methodologyLookup, cv *CatalogView, loc *time.Location) error {
	m, err := checkHead(a, find, cv, loc)
	if err != nil {
		return err
	}
	if len(a.Scores) == 0 {
		return FieldError("scores", "an assessment needs at least one criterion's score")
	}
	for code, v := range a.Scores {
		if err := checkScore(m, code, v, a.Evidence[code]); err != nil {
			if e, ok := AsError(err); ok { // name the JSON field: scores, scores.<criterion>, evidence.<criterion>
				e.Field = map[string]string{"criterion": "scores", "points": "scores." + code, "evidence": "evidence." + code}[e.Field]
			}
			return err
		}
	}
	for code := range a.Evidence {
		if _, ok := a.Scores[code]; !ok {
			return FieldError("evidence", "evidence for %q, which has no score (give null for not applicable)", truncate(code, 70))
		}
	}
	a.Assessor = strings.TrimSpace(a.Assessor)
	if utf8.RuneCountInString(a.Assessor) > maxAssessorRunes || strings.ContainsRune(a.Assessor, 0) {
		return FieldError("assessor", "assessor is at most %d characters", maxAssessorRunes)
	}
	return nil
}

// decodeAssessmentCSV reads the import file: one row per criterion, grouped into one assessment per
// methodology, version, period, agency and service. Every bad line is reported through bad; assessments are
// returned only when there is none.
func decodeAssessmentCSV(src io.Reader, find methodologyLookup, cv *CatalogView, loc *time.Location, assessor string, bad func(LineError)) []*Assessment {
	in := newCSVSource(src)
	header, _, err := in.next()
	if err == io.EOF {
		bad(LineError{Line: 1, Message: "the file is empty; expected a header row: " + strings.Join(AssessmentCSVColumns, ",")})
		return nil
	}
	if err != nil {
		bad(LineError{Line: 1, Message: err.Error()})
		return nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; dup {
			bad(LineError{Line: 1, Column: h, Message: "column appears twice"})
		}
		col[h] = i
	}
	for _, want := range AssessmentCSVColumns {
		if _, ok := col[want]; !ok {
			bad(LineError{Line: 1, Column: want, Message: "missing column; the header must name " + strings.Join(AssessmentCSVColumns, ",")})
			return nil
		}
	}
	for h := range col {
		if !slices.Contains(AssessmentCSVColumns, h) && h != "assessor" {
			bad(LineError{Line: 1, Column: h, Message: "unknown column"})
			return nil
		}
	}
	var (
		out    []*Assessment
		byKey  = map[assessmentKey]*Assessment{}
		seenAt = map[assessmentKey]map[string]int{} // criterion → line, to report repeats
		failed bool
	)
	fail := func(le LineError) { failed = true; bad(le) }
	for {
		rec, line, err := in.next()
		if err == io.EOF {
			break
		}
		if le, ok := err.(*LineError); ok {
			fail(*le)
			continue
		}
		if err != nil {
			fail(LineError{Line: line, Message: err.Error()})
			break
		}
		if len(rec) != len(header) {
			fail(LineError{Line: line, Message: fmt.Sprintf("%d cells, the header has %d", len(rec), len(header))})
			continue
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		a := &Assessment{Methodology: cell("methodology"), Period: cell("period"), Agency: cell("agency"),
			Service: cell("service"), Assessor: cmpOr(cell("assessor"), assessor)}
		if v := cell("version"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				fail(LineError{Line: line, Column: "version", Message: fmt.Sprintf("version %q must be a whole number from 1 (or empty: the newest)", truncate(v, 20))})
				continue
			}
			a.Version = n
		}
		m, err := checkHead(a, find, cv, loc)
		if err != nil {
			fail(lineError(line, err))
			continue
		}
		var points *float64
		if v := cell("points"); v != "" {
			f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil {
				fail(LineError{Line: line, Column: "points", Message: fmt.Sprintf("points %q must be a number (or empty: not applicable)", truncate(v, 20))})
				continue
			}
			points = &f
		}
		criterion := cell("criterion")
		evidence := FromSpreadsheetSafe(rec[col["evidence"]])
		if err := checkScore(m, criterion, points, evidence); err != nil {
			fail(lineError(line, err))
			continue
		}
		if utf8.RuneCountInString(a.Assessor) > maxAssessorRunes {
			fail(LineError{Line: line, Column: "assessor", Message: fmt.Sprintf("assessor is at most %d characters", maxAssessorRunes)})
			continue
		}
		k := a.key()
		if first, dup := seenAt[k][criterion]; dup {
			fail(LineError{Line: line, Column: "criterion", Message: fmt.Sprintf("criterion %q of this service and period is already on line %d", criterion, first)})
			continue
		}
		if seenAt[k] == nil {
			seenAt[k] = map[string]int{}
		}
		seenAt[k][criterion] = line
		got := byKey[k]
		if got == nil {
			got = a
			got.Scores, got.Evidence = map[string]*float64{}, map[string]string{}
			byKey[k] = got
			out = append(out, got)
		}
		got.Scores[criterion] = points
		if evidence != "" {
			got.Evidence[criterion] = evidence
		}
	}
	if failed {
		return nil
	}
	if len(out) == 0 {
		bad(LineError{Line: 2, Message: "the file has no rows"})
	}
	return out
}

// lineError turns a domain error into a bad line naming the column at fault.
func lineError(line int, err error) LineError {
	if e, ok := AsError(err); ok {
		return LineError{Line: line, Column: e.Field, Message: e.Message}
	}
	return LineError{Line: line, Message: err.Error()}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
