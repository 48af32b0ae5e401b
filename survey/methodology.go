package survey

import (
	"fmt"
	"io"
	"math"

	"github.com/qiymet/qiymet/scoring"
)

// Methodology is one version of a composite index's checklist (CONTRACT §12, docs/method.md#composite-index):
// the citizens' share, how services aggregate to an agency, and the weighted parameters and criteria. A
// version is immutable once an assessment uses it: publish a new version instead.
type Methodology struct {
	Code          string                 `json:"code"`
	Version       int                    `json:"version"`
	CitizenWeight float64                `json:"citizen_weight"`
	Aggregate     string                 `json:"aggregate"` // "mean" or "pooled"
	Name          Names                  `json:"name,omitzero"`
	Parameters    []MethodologyParameter `json:"parameters"`
}

// MethodologyParameter is one parameter of the checklist.
type MethodologyParameter struct {
	Code     string      `json:"code"`
	Weight   float64     `json:"weight"`
	Name     Names       `json:"name"`
	Criteria []Criterion `json:"criteria"`
}

// Criterion is one checklist item, scored 0..Max points per service.
type Criterion struct {
	Code   string  `json:"code"`
	Weight float64 `json:"weight"`
	Max    float64 `json:"max"`
	Name   Names   `json:"name"`
}

// Aggregations of services to an agency.
const (
	AggregateMean   = "mean"
	AggregatePooled = "pooled"
)

// Methodology limits: hostile files fail clearly instead of exhausting memory.
const (
	maxParameters      = 50
	maxCriteria        = 1000 // in a whole methodology
	MaxMethodologySize = 1 << 20
	maxWeight          = 1e6
)

// DecodeMethodology reads one methodology JSON object strictly (unknown fields refused) and validates it.
func DecodeMethodology(r io.Reader) (Methodology, error) {
	var m Methodology
	body, err := io.ReadAll(io.LimitReader(r, MaxMethodologySize+1))
	if err != nil {
		return m, err
	}
	if len(body) > MaxMethodologySize {
		return m, Errorf(CodePayloadTooLarge, "", "the methodology is larger than %d bytes", MaxMethodologySize)
	}
	if err := checkText(body); err != nil {
		return m, err
	}
	if err := decodeStrict(body, &m); err != nil {
		return m, err
	}
	return m, m.Validate()
}

func badWeight(w float64) bool { return math.IsNaN(w) || w < 0 || w > maxWeight }

// Validate checks a methodology on its own; the first problem is returned with the field at fault.
func (m *Methodology) Validate() error {
	if m.Aggregate == "" {
		m.Aggregate = AggregateMean
	}
	switch {
	case !ValidCode(m.Code):
		return FieldError("code", "code must match ^[a-z0-9][a-z0-9-]{0,62}$")
	case m.Version < 1 || m.Version > 1_000_000:
		return FieldError("version", "version must be a whole number from 1")
	case math.IsNaN(m.CitizenWeight) || m.CitizenWeight < 0 || m.CitizenWeight > 1:
		return FieldError("citizen_weight", "citizen_weight must be between 0 and 1")
	case m.Aggregate != AggregateMean && m.Aggregate != AggregatePooled:
		return FieldError("aggregate", "aggregate must be mean or pooled")
	case len(m.Parameters) == 0:
		return FieldError("parameters", "a methodology needs at least one parameter")
	case len(m.Parameters) > maxParameters:
		return FieldError("parameters", "at most %d parameters", maxParameters)
	}
	if err := checkMethodologyNames("name", m.Name, true); err != nil {
		return err
	}
	params, criteria := map[string]bool{}, map[string]bool{}
	for i, p := range m.Parameters {
		f := fmt.Sprintf("parameters[%d]", i)
		switch {
		case !ValidCode(p.Code):
			return FieldError(f+".code", "parameter code %q must match ^[a-z0-9][a-z0-9-]{0,62}$", truncate(p.Code, 70))
		case params[p.Code]:
			return FieldError(f+".code", "parameter %q appears twice", p.Code)
		case badWeight(p.Weight):
			return FieldError(f+".weight", "parameter %q: weight must be a number from 0 to %g", p.Code, float64(maxWeight))
		case len(p.Criteria) == 0:
			return FieldError(f+".criteria", "parameter %q has no criteria", p.Code)
		}
		params[p.Code] = true
		if err := checkMethodologyNames(f+".name", p.Name, false); err != nil {
			return err
		}
		for j, c := range p.Criteria {
			cf := fmt.Sprintf("%s.criteria[%d]", f, j)
			switch {
			case !ValidCode(c.Code):
				return FieldError(cf+".code", "criterion code %q must match ^[a-z0-9][a-z0-9-]{0,62}$", truncate(c.Code, 70))
			case criteria[c.Code]:
				return FieldError(cf+".code", "criterion %q appears twice: criterion codes are unique in a methodology", c.Code)
			case badWeight(c.Weight):
				return FieldError(cf+".weight", "criterion %q: weight must be a number from 0 to %g", c.Code, float64(maxWeight))
			case math.IsNaN(c.Max) || c.Max <= 0 || c.Max > maxWeight:
				return FieldError(cf+".max", "criterion %q: max must be a number above 0", c.Code)
			}
			criteria[c.Code] = true
			if len(criteria) > maxCriteria {
				return FieldError("parameters", "at most %d criteria", maxCriteria)
			}
			if err := checkMethodologyNames(cf+".name", c.Name, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkMethodologyNames requires az (unless optional and wholly empty) and keeps each name short.
func checkMethodologyNames(field string, n Names, optional bool) error {
	if optional && n == (Names{}) {
		return nil
	}
	if n.AZ == "" {
		return FieldError(field+".az", "%s needs an Azerbaijani name (az)", field)
	}
	for _, s := range []string{n.AZ, n.EN, n.RU} {
		if len([]rune(s)) > 300 {
			return FieldError(field, "%s: a name is at most 300 characters", field)
		}
	}
	return nil
}

// Criterion finds a criterion by code, with its parameter.
func (m *Methodology) Criterion(code string) (*Criterion, *MethodologyParameter, bool) {
	for i := range m.Parameters {
		p := &m.Parameters[i]
		for j := range p.Criteria {
			if p.Criteria[j].Code == code {
				return &p.Criteria[j], p, true
			}
		}
	}
	return nil, nil, false
}

// CriteriaCount is how many criteria the methodology has.
func (m *Methodology) CriteriaCount() int {
	n := 0
	for _, p := range m.Parameters {
		n += len(p.Criteria)
	}
	return n
}

// Checklist is the methodology's weights in scoring's terms.
func (m *Methodology) Checklist() scoring.Checklist {
	c := scoring.Checklist{CitizenWeight: m.CitizenWeight, Pooled: m.Aggregate == AggregatePooled}
	for _, p := range m.Parameters {
		cp := scoring.ChecklistParameter{Code: p.Code, Weight: p.Weight}
		for _, cr := range p.Criteria {
			cp.Criteria = append(cp.Criteria, scoring.ChecklistCriterion{Code: cr.Code, Weight: cr.Weight, Max: cr.Max})
		}
		c.Parameters = append(c.Parameters, cp)
	}
	return c
}
