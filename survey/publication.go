package survey

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// A publication (CONTRACT §10, docs/publishing.md) is an immutable snapshot of a complete period's figures:
// what was announced, stored once and served as stored, never recomputed. Each revision of a period is a new
// snapshot with a reason and its changes against the one before. Nothing public holds a comment, a text answer
// or a figure below min_n: such a figure is published only as the word "insufficient".

// Insufficient is the one word a published figure below min_n is reduced to.
const Insufficient = "insufficient"

// MaxReasonRunes bounds a publication's reason.
const MaxReasonRunes = 500

// Snapshot is a published period. Field order is irrelevant: the stored form is canonical JSON (RFC 8785).
type Snapshot struct {
	Period      SnapshotPeriod      `json:"period"`
	Revision    int                 `json:"revision"`
	PublishedAt string              `json:"published_at"` // RFC 3339 in QIYMET_TIMEZONE, whole seconds
	Reason      string              `json:"reason"`
	DataAsOf    string              `json:"data_as_of,omitempty"` // the last counted response in the period
	Methodology SnapshotMethodology `json:"methodology"`
	Overall     Estimate            `json:"overall"`
	Groups      []SnapshotGroup     `json:"groups"`
	Agencies    []SnapshotAgency    `json:"agencies"`
	Excluded    map[string]int64    `json:"excluded"` // excluded responses in the period by reason
	Changes     []FieldChange       `json:"changes"`  // against the previous revision; empty for revision 1
	SHA256      string              `json:"sha256,omitempty"`
}

// SnapshotPeriod is the period as published.
type SnapshotPeriod struct {
	Label string `json:"label"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// SnapshotMethodology is what the figures were computed with.
type SnapshotMethodology struct {
	MinN        int64            `json:"min_n"`
	PriorWeight float64          `json:"prior_weight"`
	Confidence  float64          `json:"confidence"`
	TimeZone    string           `json:"time_zone"`
	Surveys     []SnapshotSurvey `json:"surveys"`
}

// SnapshotSurvey is one survey version and its questions' weights.
type SnapshotSurvey struct {
	Code      string             `json:"code"`
	Version   int                `json:"version"`
	Primary   string             `json:"primary"`
	Questions []SnapshotQuestion `json:"questions"`
}

// SnapshotQuestion is a question as scored: text questions have weight 0 and are never scored.
type SnapshotQuestion struct {
	Key    string  `json:"key"`
	Type   string  `json:"type"`
	Min    *int    `json:"min,omitempty"`
	Max    *int    `json:"max,omitempty"`
	Weight float64 `json:"weight"`
	Text   Names   `json:"text"`
}

// Estimate is an index with its confidence interval and n, or, below min_n, only Status "insufficient".
type Estimate struct {
	Index  *float64 `json:"index,omitempty"`
	CILow  *float64 `json:"ci_low,omitempty"`
	CIHigh *float64 `json:"ci_high,omitempty"`
	N      *int64   `json:"n,omitempty"`
	Status string   `json:"status,omitempty"`
}

// NewEstimate publishes a figure (already rounded): in full from min_n responses on, else as "insufficient".
func NewEstimate(index, lo, hi float64, n, minN int64) Estimate {
	if n < minN || n == 0 {
		return Estimate{Status: Insufficient}
	}
	return Estimate{Index: &index, CILow: &lo, CIHigh: &hi, N: &n}
}

// Sufficient reports whether e carries figures.
func (e Estimate) Sufficient() bool { return e.Status != Insufficient && e.Index != nil }

// SnapshotGroup is one peer group's table: ranked rows in rank order, then the agencies below min_n by code.
type SnapshotGroup struct {
	Group string `json:"group"`
	Name  Names  `json:"name"`
	Estimate
	Rows         []SnapshotRow      `json:"rows"`
	Insufficient []SnapshotUnranked `json:"insufficient"`
}

// SnapshotRow is a ranked agency with every field of the rankings API (CONTRACT §4, §9), names in az, en, ru.
type SnapshotRow struct {
	Rank              int        `json:"rank"`
	Agency            string     `json:"agency"`
	Name              Names      `json:"name"`
	Index             float64    `json:"index"`
	CILow             float64    `json:"ci_low"`
	CIHigh            float64    `json:"ci_high"`
	Adjusted          float64    `json:"adjusted"`
	N                 int64      `json:"n"`
	CSAT              float64    `json:"csat"`
	CSATLow           float64    `json:"csat_low"`
	CSATHigh          float64    `json:"csat_high"`
	PreviousRank      *int       `json:"previous_rank"`
	Change            ChangePair `json:"change"`
	ChangeSignificant SignifPair `json:"change_significant"`
	Streak            int        `json:"streak"`
	RankLow           int        `json:"rank_low"`
	RankHigh          int        `json:"rank_high"`
	ClearFirst        bool       `json:"clear_first"`
	ClearStreak       int        `json:"clear_streak"`
	Status            string     `json:"status"` // "ranked"
}

// ChangePair is a change in percentage points against the previous period and year; nil where not comparable.
type ChangePair struct {
	PreviousPeriod *float64 `json:"previous_period"`
	PreviousYear   *float64 `json:"previous_year"`
}

// SignifPair says whether each change is beyond its 95% margin; nil where the change is nil.
type SignifPair struct {
	PreviousPeriod *bool `json:"previous_period"`
	PreviousYear   *bool `json:"previous_year"`
}

// SnapshotUnranked is an agency below min_n: its name and the word "insufficient", nothing else.
type SnapshotUnranked struct {
	Agency string `json:"agency"`
	Name   Names  `json:"name"`
	Status string `json:"status"`
}

// SnapshotAgency holds a ranked agency's breakdowns, trend and control chart.
type SnapshotAgency struct {
	Agency     string             `json:"agency"`
	Group      string             `json:"group"`
	Name       Names              `json:"name"`
	Breakdowns SnapshotBreakdowns `json:"breakdowns"`
	Trend      []SnapshotTrend    `json:"trend"`
	Control    *SnapshotControl   `json:"control"`
}

// SnapshotBreakdowns are an agency's rows by service, center, channel and question (CONTRACT §4).
type SnapshotBreakdowns struct {
	Service  []BreakdownEstimate `json:"service"`
	Center   []BreakdownEstimate `json:"center"`
	Channel  []BreakdownEstimate `json:"channel"`
	Question []BreakdownEstimate `json:"question"`
}

// BreakdownEstimate is one breakdown row.
type BreakdownEstimate struct {
	Key  string `json:"key"`
	Name Names  `json:"name"`
	Estimate
}

// SnapshotTrend is one period of an agency's trend (the period and the ones of its kind before it).
type SnapshotTrend struct {
	Label string `json:"label"`
	Estimate
}

// SnapshotControl is an agency's monthly control chart up to the period's end.
type SnapshotControl struct {
	CL     float64                `json:"cl"`
	Sigma  float64                `json:"sigma"`
	Points []SnapshotControlPoint `json:"points"`
}

// SnapshotControlPoint is a month; below min_n only its label and "insufficient".
type SnapshotControlPoint struct {
	Month  string   `json:"month"`
	Index  *float64 `json:"index,omitempty"`
	N      *int64   `json:"n,omitempty"`
	LCL    *float64 `json:"lcl,omitempty"`
	UCL    *float64 `json:"ucl,omitempty"`
	Signal *string  `json:"signal,omitempty"`
	Status string   `json:"status,omitempty"`
}

// FieldChange is one difference of a revision against the one before: an agency's field, old and new value
// (null where absent). Nested fields are named with a dot, e.g. "change.previous_period" or "name.en".
type FieldChange struct {
	Agency string `json:"agency"`
	Field  string `json:"field"`
	Old    any    `json:"old"`
	New    any    `json:"new"`
}

// Canonical is the RFC 8785 (JSON Canonicalization Scheme) form of a JSON document.
func Canonical(doc []byte) ([]byte, error) {
	if !utf8.Valid(doc) {
		return nil, fmt.Errorf("canonical JSON: not valid UTF-8")
	}
	return jcs.Transform(doc)
}

// SnapshotHash is the hex SHA-256 of the canonical JSON of doc without its top-level "sha256" key, and the
// hash doc claims ("" when none). doc must be a JSON object.
func SnapshotHash(doc []byte) (computed, claimed string, err error) {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return "", "", fmt.Errorf("snapshot: not a JSON object: %w", err)
	}
	if dec.More() {
		return "", "", fmt.Errorf("snapshot: trailing data after the JSON object")
	}
	if raw, ok := obj["sha256"]; ok {
		if err := json.Unmarshal(raw, &claimed); err != nil {
			return "", "", fmt.Errorf("snapshot: sha256 is not a string")
		}
		delete(obj, "sha256")
	}
	// Re-serialise the rest and canonicalise it; RawMessage values are kept byte for byte, and jcs then
	// normalises every number, string and key order.
	rest, err := json.Marshal(obj)
	if err != nil {
		return "", "", fmt.Errorf("snapshot: %w", err)
	}
	c, err := Canonical(rest)
	if err != nil {
		return "", "", fmt.Errorf("snapshot: %w", err)
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), claimed, nil
}

// VerifySnapshot reports whether doc's sha256 matches its content.
func VerifySnapshot(doc []byte) (bool, error) {
	computed, claimed, err := SnapshotHash(doc)
	if err != nil {
		return false, err
	}
	return claimed != "" && computed == claimed, nil
}

// Seal sets snap's SHA256 and returns the document as stored: canonical JSON including the sha256 key.
func (snap *Snapshot) Seal() ([]byte, error) {
	snap.SHA256 = ""
	b, err := json.Marshal(snap)
	if err != nil {
		return nil, err
	}
	c, err := Canonical(b)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(c)
	snap.SHA256 = hex.EncodeToString(sum[:])
	if b, err = json.Marshal(snap); err != nil {
		return nil, err
	}
	return Canonical(b)
}

// ParseSnapshot reads a stored document.
func ParseSnapshot(doc []byte) (*Snapshot, error) {
	var s Snapshot
	if err := json.Unmarshal(doc, &s); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return &s, nil
}

// CheckReason validates a publication's reason: required (trimmed), at most MaxReasonRunes, no control
// characters but newlines (a form's CRLF line breaks become LF).
func CheckReason(reason string) (string, error) {
	r := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(reason, "\r\n", "\n"), "\r", "\n"))
	if r == "" {
		return "", FieldError("reason", "a reason is required")
	}
	if !utf8.ValidString(r) || utf8.RuneCountInString(r) > MaxReasonRunes {
		return "", FieldError("reason", "the reason must be valid text of at most %d characters", MaxReasonRunes)
	}
	for _, c := range r {
		if c < 0x20 && c != '\n' || c == 0x7f {
			return "", FieldError("reason", "the reason must not contain control characters")
		}
	}
	return r, nil
}

// DiffSnapshots lists every field of an agency's ranking line that differs between old and new, by agency
// then field. An agency present on one side only differs in every field the other side lacks.
func DiffSnapshots(old, new *Snapshot) []FieldChange {
	a, b := agencyFields(old), agencyFields(new)
	agencies := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			agencies = append(agencies, k)
		}
	}
	slices.Sort(agencies)
	out := []FieldChange{}
	for _, ag := range agencies {
		fa, fb := a[ag], b[ag]
		fields := slices.Sorted(maps.Keys(fa))
		for f := range fb {
			if _, ok := fa[f]; !ok {
				fields = append(fields, f)
			}
		}
		slices.Sort(fields)
		for _, f := range fields {
			ov, nv := fa[f], fb[f]
			if !sameJSON(ov, nv) {
				out = append(out, FieldChange{Agency: ag, Field: f, Old: ov, New: nv})
			}
		}
	}
	return out
}

// agencyFields flattens each agency's ranking line (ranked or insufficient) plus its group to field → value.
func agencyFields(s *Snapshot) map[string]map[string]any {
	out := map[string]map[string]any{}
	if s == nil {
		return out
	}
	add := func(group string, row any, agency string) {
		b, _ := json.Marshal(row)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		flat := map[string]any{"group": group}
		flatten("", m, flat)
		delete(flat, "agency")
		out[agency] = flat
	}
	for _, g := range s.Groups {
		for _, r := range g.Rows {
			add(g.Group, r, r.Agency)
		}
		for _, r := range g.Insufficient {
			add(g.Group, r, r.Agency)
		}
	}
	return out
}

func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flatten(prefix+k+".", sub, out)
			continue
		}
		out[prefix+k] = v
	}
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
