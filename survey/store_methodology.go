package survey

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/uptrace/bun"
)

// methodologyRow is one stored methodology version; the definition is the whole JSON.
type methodologyRow struct {
	bun.BaseModel `bun:"table:methodologies"`
	Code          string `bun:"code,pk"`
	Version       int    `bun:"version,pk"`
	Definition    string `bun:"definition"`
	CreatedUS     int64  `bun:"created_us"`
}

func (r methodologyRow) methodology() (Methodology, error) {
	var m Methodology
	err := json.Unmarshal([]byte(r.Definition), &m)
	m.Code, m.Version = r.Code, r.Version
	return m, err
}

// ApplyMethodology stores a methodology version: "created", "updated" or "unchanged". A changed version that
// an assessment already uses is refused: publish a new version instead. Audited in the same transaction.
func (s *Store) ApplyMethodology(ctx context.Context, m Methodology) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	def, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	outcome := "created"
	err = s.inTx(ctx, func(tx bun.Tx) error {
		var old methodologyRow
		err := tx.NewSelect().Model(&old).Where("code = ? AND version = ?", m.Code, m.Version).Scan(ctx)
		switch {
		case isNoRows(err):
		case err != nil:
			return err
		default:
			prev, err := old.methodology()
			if err != nil {
				return err
			}
			if reflect.DeepEqual(normMethodology(prev), normMethodology(m)) {
				outcome = "unchanged"
				return nil
			}
			used, err := tx.NewSelect().Table("assessments").
				Where("methodology_code = ? AND methodology_version = ?", m.Code, m.Version).Exists(ctx)
			if err != nil {
				return err
			}
			if used {
				var newest int
				if err := tx.NewSelect().Table("methodologies").ColumnExpr("max(version)").Where("code = ?", m.Code).Scan(ctx, &newest); err != nil {
					return err
				}
				return FieldError("version", "methodology %q version %d is already used by assessments and cannot change; publish version %d instead",
					m.Code, m.Version, newest+1)
			}
			outcome = "updated"
		}
		row := &methodologyRow{Code: m.Code, Version: m.Version, Definition: string(def), CreatedUS: s.now().UnixMicro()}
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (code, version) DO UPDATE").
			Set("definition = EXCLUDED.definition").Exec(ctx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, Change{Action: AuditMethodologyApply, Target: "methodology:" + m.Code + "@" + itoa(m.Version),
			Details: map[string]any{"outcome": outcome, "parameters": len(m.Parameters), "criteria": m.CriteriaCount(),
				"citizen_weight": m.CitizenWeight, "aggregate": m.Aggregate}})
	})
	return outcome, err
}

func normMethodology(m Methodology) Methodology {
	b, _ := json.Marshal(m)
	var out Methodology
	json.Unmarshal(b, &out)
	return out
}

// Methodology is a stored version; version 0 is the newest of the code. Not found: not_found.
func (s *Store) Methodology(ctx context.Context, code string, version int) (*Methodology, error) {
	return methodologyIn(ctx, s.db, code, version)
}

func methodologyIn(ctx context.Context, db bun.IDB, code string, version int) (*Methodology, error) {
	var row methodologyRow
	q := db.NewSelect().Model(&row).Where("code = ?", code)
	if version > 0 {
		q = q.Where("version = ?", version)
	}
	err := q.OrderExpr("version DESC").Limit(1).Scan(ctx)
	if isNoRows(err) {
		if version > 0 {
			return nil, Errorf(CodeNotFound, "version", "no methodology %q version %d", code, version)
		}
		return nil, Errorf(CodeNotFound, "methodology", "no methodology %q", code)
	}
	if err != nil {
		return nil, err
	}
	m, err := row.methodology()
	return &m, err
}

// Methodologies lists every stored version, by code, newest version first.
func (s *Store) Methodologies(ctx context.Context) ([]Methodology, error) {
	return methodologiesIn(ctx, s.db)
}

func methodologiesIn(ctx context.Context, db bun.IDB) ([]Methodology, error) {
	var rows []methodologyRow
	if err := db.NewSelect().Model(&rows).OrderExpr("code, version DESC").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, err
	}
	out := make([]Methodology, 0, len(rows))
	for _, r := range rows {
		m, err := r.methodology()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// lookupIn indexes methodologies for validation: version 0 finds the newest of a code.
func lookupIn(ms []Methodology) methodologyLookup {
	return func(code string, version int) (*Methodology, bool) {
		var best *Methodology
		for i := range ms {
			m := &ms[i]
			if m.Code != code || (version > 0 && m.Version != version) {
				continue
			}
			if best == nil || m.Version > best.Version {
				best = m
			}
		}
		return best, best != nil
	}
}
