package survey

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"unicode/utf8"
)

// Catalog is the catalog file (docs/api.md): everything a response refers to.
type Catalog struct {
	Groups   []Group   `json:"groups"`
	Agencies []Agency  `json:"agencies"`
	Services []Service `json:"services"`
	Centers  []Center  `json:"centers"`
	Surveys  []Survey  `json:"surveys"`
}

// Group is a peer group: agencies are ranked within their group.
type Group struct {
	Code string `json:"code" bun:"code,pk"`
	Name Names  `json:"name" bun:"name,type:text"`
}

// Agency is a rated organisation.
type Agency struct {
	Code   string `json:"code" bun:"code,pk"`
	Group  string `json:"group" bun:"group_code"`
	Survey string `json:"survey" bun:"survey_code"`
	Name   Names  `json:"name" bun:"name,type:text"`
	// SLAHours is how long the agency has to resolve a case (CONTRACT §11); 0 means the default, 72 h.
	SLAHours int `json:"sla_hours,omitempty" bun:"sla_hours,nullzero"`
}

// Service is one service an agency provides.
type Service struct {
	Code   string `json:"code" bun:"code,pk"`
	Agency string `json:"agency" bun:"agency_code"`
	Name   Names  `json:"name" bun:"name,type:text"`
}

// Center is a service centre hosting one or more agencies.
type Center struct {
	Code     string   `json:"code" bun:"code,pk"`
	Agencies []string `json:"agencies" bun:"-"`
	Name     Names    `json:"name" bun:"name,type:text"`
}

// Question types.
const (
	TypeScale = "scale"
	TypeYesNo = "yes_no"
	TypeText  = "text"
)

// Question is one item of a survey version. Keys are stable across versions.
type Question struct {
	Key      string   `json:"key"`
	Type     string   `json:"type"`
	Min      int      `json:"min,omitempty"`
	Max      int      `json:"max,omitempty"`
	Weight   *float64 `json:"weight,omitempty"`
	Required bool     `json:"required,omitempty"`
	Text     Names    `json:"text"`
}

// ScoreWeight is the question's weight in R (default 1; text questions never count).
func (q Question) ScoreWeight() float64 {
	if q.Type == TypeText {
		return 0
	}
	if q.Weight == nil {
		return 1
	}
	return *q.Weight
}

// Survey is one immutable version of a questionnaire.
type Survey struct {
	Code      string     `json:"code"`
	Version   int        `json:"version"`
	Primary   string     `json:"primary"`
	Questions []Question `json:"questions"`
}

// Question returns the question with key k.
func (s *Survey) Question(k string) (Question, bool) {
	for _, q := range s.Questions {
		if q.Key == k {
			return q, true
		}
	}
	return Question{}, false
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidCode reports whether c is a catalog code.
func ValidCode(c string) bool { return codeRE.MatchString(c) }

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// maxNameLen bounds names and question texts (characters).
const maxNameLen = 300

func checkNames(where string, n Names) error {
	if n.AZ == "" {
		return FieldError(where+".az", "%s: the az text is required", where)
	}
	for _, s := range []string{n.AZ, n.EN, n.RU} {
		if utf8.RuneCountInString(s) > maxNameLen {
			return FieldError(where, "%s: longer than %d characters", where, maxNameLen)
		}
		if !utf8.ValidString(s) {
			return FieldError(where, "%s: invalid UTF-8", where)
		}
		for _, r := range s {
			if r == 0 || (r < 0x20 && r != '\t') {
				return FieldError(where, "%s: contains a control character", where)
			}
		}
	}
	return nil
}

// Validate checks the catalog file on its own and against what is already stored (existing may be empty).
// Every error names the offending entry, e.g. `agencies[3] "migration": unknown group "centrl"`.
func (c *Catalog) Validate(existing *Catalog) error {
	groups := map[string]bool{}
	agencies := map[string]bool{}
	surveys := map[string]bool{}
	if existing != nil {
		for _, g := range existing.Groups {
			groups[g.Code] = true
		}
		for _, a := range existing.Agencies {
			agencies[a.Code] = true
		}
		for _, s := range existing.Surveys {
			surveys[s.Code] = true
		}
	}
	seen := map[string]bool{}
	dup := func(kind, code string) bool {
		k := kind + "\x00" + code
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	}
	for i, s := range c.Surveys {
		where := fmt.Sprintf("surveys[%d] %q", i, s.Code)
		if err := s.Validate(where); err != nil {
			return err
		}
		if dup("survey", fmt.Sprint(s.Code, "@", s.Version)) {
			return FieldError(where, "%s: version %d appears twice", where, s.Version)
		}
		surveys[s.Code] = true
	}
	for i, g := range c.Groups {
		where := fmt.Sprintf("groups[%d] %q", i, g.Code)
		if !ValidCode(g.Code) {
			return FieldError(where+".code", "%s: code must match ^[a-z0-9][a-z0-9-]{0,62}$", where)
		}
		if dup("group", g.Code) {
			return FieldError(where, "%s: appears twice", where)
		}
		if err := checkNames(where+".name", g.Name); err != nil {
			return err
		}
		groups[g.Code] = true
	}
	for i, a := range c.Agencies {
		where := fmt.Sprintf("agencies[%d] %q", i, a.Code)
		if !ValidCode(a.Code) {
			return FieldError(where+".code", "%s: code must match ^[a-z0-9][a-z0-9-]{0,62}$", where)
		}
		if dup("agency", a.Code) {
			return FieldError(where, "%s: appears twice", where)
		}
		if !groups[a.Group] {
			return FieldError(where+".group", "%s: unknown group %q", where, a.Group)
		}
		if !surveys[a.Survey] {
			return FieldError(where+".survey", "%s: unknown survey %q", where, a.Survey)
		}
		if err := checkNames(where+".name", a.Name); err != nil {
			return err
		}
		if a.SLAHours < 0 || a.SLAHours > MaxSLAHours {
			return FieldError(where+".sla_hours", "%s: sla_hours must be from 1 to %d (omit it for the default of 72)", where, MaxSLAHours)
		}
		agencies[a.Code] = true
	}
	for i, s := range c.Services {
		where := fmt.Sprintf("services[%d] %q", i, s.Code)
		if !ValidCode(s.Code) {
			return FieldError(where+".code", "%s: code must match ^[a-z0-9][a-z0-9-]{0,62}$", where)
		}
		if dup("service", s.Code) {
			return FieldError(where, "%s: appears twice", where)
		}
		if !agencies[s.Agency] {
			return FieldError(where+".agency", "%s: unknown agency %q", where, s.Agency)
		}
		if err := checkNames(where+".name", s.Name); err != nil {
			return err
		}
	}
	for i, ce := range c.Centers {
		where := fmt.Sprintf("centers[%d] %q", i, ce.Code)
		if !ValidCode(ce.Code) {
			return FieldError(where+".code", "%s: code must match ^[a-z0-9][a-z0-9-]{0,62}$", where)
		}
		if dup("center", ce.Code) {
			return FieldError(where, "%s: appears twice", where)
		}
		for _, a := range ce.Agencies {
			if !agencies[a] {
				return FieldError(where+".agencies", "%s: unknown agency %q", where, a)
			}
		}
		if err := checkNames(where+".name", ce.Name); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks one survey version.
func (s *Survey) Validate(where string) error {
	if !ValidCode(s.Code) {
		return FieldError(where+".code", "%s: code must match ^[a-z0-9][a-z0-9-]{0,62}$", where)
	}
	if s.Version < 1 || s.Version > 1_000_000 {
		return FieldError(where+".version", "%s: version must be a positive integer", where)
	}
	if len(s.Questions) == 0 || len(s.Questions) > 50 {
		return FieldError(where+".questions", "%s: needs 1 to 50 questions", where)
	}
	keys := map[string]bool{}
	scored := false
	for j, q := range s.Questions {
		qw := fmt.Sprintf("%s.questions[%d] %q", where, j, q.Key)
		if !keyRE.MatchString(q.Key) {
			return FieldError(qw+".key", "%s: key must match ^[a-z][a-z0-9_]{0,62}$", qw)
		}
		if keys[q.Key] {
			return FieldError(qw, "%s: key appears twice", qw)
		}
		keys[q.Key] = true
		switch q.Type {
		case TypeScale:
			if d := q.Max - q.Min; d < 2 || d > 10 {
				return FieldError(qw, "%s: a scale needs 2 <= max-min <= 10", qw)
			}
		case TypeYesNo, TypeText:
			if q.Min != 0 || q.Max != 0 {
				return FieldError(qw, "%s: min/max only apply to scale questions", qw)
			}
		default:
			return FieldError(qw+".type", "%s: type must be scale, yes_no or text", qw)
		}
		if q.Weight != nil && (*q.Weight < 0 || *q.Weight > 1000 || *q.Weight != *q.Weight) {
			return FieldError(qw+".weight", "%s: weight must be between 0 and 1000", qw)
		}
		if q.Type == TypeText && q.Weight != nil && *q.Weight != 0 {
			return FieldError(qw+".weight", "%s: text questions are never scored", qw)
		}
		if q.ScoreWeight() > 0 {
			scored = true
		}
		if err := checkNames(qw+".text", q.Text); err != nil {
			return err
		}
	}
	if !scored {
		return FieldError(where+".questions", "%s: needs at least one scored question (weight > 0)", where)
	}
	p, ok := s.Question(s.Primary)
	if !ok {
		return FieldError(where+".primary", "%s: primary %q is not one of its questions", where, s.Primary)
	}
	if p.Type == TypeText {
		return FieldError(where+".primary", "%s: the primary question cannot be text", where)
	}
	return nil
}

// Sort puts every list in code order so exports and reports are stable.
func (c *Catalog) Sort() {
	sort.Slice(c.Groups, func(i, j int) bool { return c.Groups[i].Code < c.Groups[j].Code })
	sort.Slice(c.Agencies, func(i, j int) bool { return c.Agencies[i].Code < c.Agencies[j].Code })
	sort.Slice(c.Services, func(i, j int) bool { return c.Services[i].Code < c.Services[j].Code })
	sort.Slice(c.Centers, func(i, j int) bool { return c.Centers[i].Code < c.Centers[j].Code })
	for i := range c.Centers {
		sort.Strings(c.Centers[i].Agencies)
	}
	sort.Slice(c.Surveys, func(i, j int) bool {
		if c.Surveys[i].Code != c.Surveys[j].Code {
			return c.Surveys[i].Code < c.Surveys[j].Code
		}
		return c.Surveys[i].Version < c.Surveys[j].Version
	})
}

// MaxCatalogBytes bounds a catalog file.
const MaxCatalogBytes = 16 << 20

// DecodeCatalog strictly decodes a catalog file (unknown fields are errors, so typos are caught).
func DecodeCatalog(r io.Reader) (*Catalog, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxCatalogBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxCatalogBytes {
		return nil, Errorf(CodePayloadTooLarge, "", "the catalog is larger than %d bytes", MaxCatalogBytes)
	}
	if err := checkText(body); err != nil {
		return nil, err
	}
	var c Catalog
	if err := decodeStrict(body, &c); err != nil {
		return nil, err
	}
	// Re-checked against the stored catalog on apply; here only what the file alone can tell: a well-formed
	// code it refers to but does not define may be stored already. (Matching "unknown" in the first error
	// instead let later errors through, e.g. an invalid code after an entry with a missing group.)
	if err := c.Validate(c.references()); err != nil {
		return nil, err
	}
	return &c, nil
}

// references is a catalog holding every well-formed group, agency and survey code c refers to.
func (c *Catalog) references() *Catalog {
	refs := &Catalog{}
	for _, a := range c.Agencies {
		if ValidCode(a.Group) {
			refs.Groups = append(refs.Groups, Group{Code: a.Group})
		}
		if ValidCode(a.Survey) {
			refs.Surveys = append(refs.Surveys, Survey{Code: a.Survey})
		}
	}
	for _, s := range c.Services {
		if ValidCode(s.Agency) {
			refs.Agencies = append(refs.Agencies, Agency{Code: s.Agency})
		}
	}
	for _, ce := range c.Centers {
		for _, a := range ce.Agencies {
			if ValidCode(a) {
				refs.Agencies = append(refs.Agencies, Agency{Code: a})
			}
		}
	}
	return refs
}
