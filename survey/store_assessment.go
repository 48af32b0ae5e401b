package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/uptrace/bun"
)

// assessmentRow is one stored assessment; scores and evidence are JSON text.
type assessmentRow struct {
	bun.BaseModel `bun:"table:assessments"`
	ID            int64  `bun:"id,pk,autoincrement"`
	Methodology   string `bun:"methodology_code"`
	Version       int    `bun:"methodology_version"`
	Period        string `bun:"period"`
	Agency        string `bun:"agency_code"`
	Service       string `bun:"service_code"`
	Scores        string `bun:"scores"`
	Evidence      string `bun:"evidence"`
	Assessor      string `bun:"assessor"`
	CreatedUS     int64  `bun:"created_us"`
}

func itoa(n int) string { return strconv.Itoa(n) }

// SaveAssessment validates and stores one assessment (the API and the admin form); it becomes the one that
// counts for its service and period. The assessor defaults to the acting user. Audited in the same transaction.
func (s *Store) SaveAssessment(ctx context.Context, a Assessment) (Assessment, error) {
	out, err := s.saveAssessments(ctx, func(ms []Methodology, cv *CatalogView) ([]*Assessment, error) {
		return []*Assessment{&a}, a.check(lookupIn(ms), cv, s.loc)
	})
	if err != nil {
		return a, err
	}
	return *out[0], nil
}

// SaveAssessments validates and stores several assessments all-or-nothing in one transaction (the demo);
// the first invalid one is the error, naming its position.
func (s *Store) SaveAssessments(ctx context.Context, list []Assessment) (int, error) {
	out, err := s.saveAssessments(ctx, func(ms []Methodology, cv *CatalogView) ([]*Assessment, error) {
		find := lookupIn(ms)
		as := make([]*Assessment, len(list))
		for i := range list {
			as[i] = &list[i]
			if err := as[i].check(find, cv, s.loc); err != nil {
				return nil, fmt.Errorf("assessment %d (%s, %s): %w", i+1, list[i].Service, list[i].Period, err)
			}
		}
		return as, nil
	})
	return len(out), err
}

// ImportAssessments stores the assessment CSV (AssessmentCSVColumns) all-or-nothing: on any bad line it
// reports every one (OnError, and an *ImportError) and stores nothing. It answers how many assessments
// (services) it stored.
func (s *Store) ImportAssessments(ctx context.Context, src io.Reader, opt ImportOptions) (int, error) {
	ie := &ImportError{}
	bad := func(e LineError) {
		ie.Count++
		if len(ie.Lines) < maxKeptLineErrors {
			ie.Lines = append(ie.Lines, e)
		}
		if opt.OnError != nil {
			opt.OnError(e)
		}
	}
	out, err := s.saveAssessments(ctx, func(ms []Methodology, cv *CatalogView) ([]*Assessment, error) {
		as := decodeAssessmentCSV(src, lookupIn(ms), cv, s.loc, ActorOf(ctx).Name, bad)
		if ie.Count > 0 {
			return nil, ie
		}
		return as, nil
	})
	return len(out), err
}

// saveAssessments has prepare validate the assessments inside the transaction (so that no methodology
// changes under them) and inserts them, each audited.
func (s *Store) saveAssessments(ctx context.Context, prepare func([]Methodology, *CatalogView) ([]*Assessment, error)) ([]*Assessment, error) {
	var as []*Assessment
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx bun.Tx) error {
		ms, err := methodologiesIn(ctx, tx)
		if err != nil {
			return err
		}
		if as, err = prepare(ms, cv); err != nil {
			return err
		}
		now := s.now()
		for _, a := range as {
			if a.Assessor == "" {
				a.Assessor = ActorOf(ctx).Name
			}
			if a.Evidence == nil {
				a.Evidence = map[string]string{}
			}
			scores, _ := json.Marshal(a.Scores)
			evidence, _ := json.Marshal(a.Evidence)
			row := &assessmentRow{Methodology: a.Methodology, Version: a.Version, Period: a.Period, Agency: a.Agency,
				Service: a.Service, Scores: string(scores), Evidence: string(evidence), Assessor: clip(a.Assessor), CreatedUS: now.UnixMicro()}
			if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
				return err
			}
			a.ID = row.ID
			at := now.In(s.loc)
			a.CreatedAt = &at
			applicable := 0
			for _, v := range a.Scores {
				if v != nil {
					applicable++
				}
			}
			if err := s.Audit(ctx, tx, Change{Action: AuditAssessmentSave, Target: "assessment:" + itoa(int(a.ID)),
				Details: map[string]any{"methodology": a.Methodology, "version": a.Version, "period": a.Period,
					"agency": a.Agency, "service": a.Service, "criteria": len(a.Scores), "applicable": applicable}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

// AssessmentFilter narrows LatestAssessments; Agency "" means every agency.
type AssessmentFilter struct {
	Methodology string
	Version     int
	Period      string
	Agency      string
}

// LatestAssessments are the assessments that count: the latest of each service for the period under the
// methodology version, by agency and service.
func (s *Store) LatestAssessments(ctx context.Context, f AssessmentFilter) ([]Assessment, error) {
	var rows []assessmentRow
	q := s.db.NewSelect().Model(&rows).
		Where("methodology_code = ? AND methodology_version = ? AND period = ?", f.Methodology, f.Version, f.Period).
		Where("id = (SELECT max(b.id) FROM assessments AS b WHERE b.methodology_code = assessment_row.methodology_code" +
			" AND b.methodology_version = assessment_row.methodology_version AND b.period = assessment_row.period" +
			" AND b.service_code = assessment_row.service_code)")
	if f.Agency != "" {
		q = q.Where("agency_code = ?", f.Agency)
	}
	if err := q.OrderExpr("agency_code, service_code").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, err
	}
	out := make([]Assessment, 0, len(rows))
	for _, r := range rows {
		a := Assessment{ID: r.ID, Methodology: r.Methodology, Version: r.Version, Period: r.Period, Agency: r.Agency,
			Service: r.Service, Assessor: r.Assessor}
		if err := json.Unmarshal([]byte(r.Scores), &a.Scores); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(r.Evidence), &a.Evidence); err != nil {
			return nil, err
		}
		at := fromUnixMicro(r.CreatedUS, s.loc)
		a.CreatedAt = &at
		out = append(out, a)
	}
	return out, nil
}

// AssessmentPeriods lists the periods that have assessments under a methodology version, newest label first.
func (s *Store) AssessmentPeriods(ctx context.Context, code string, version int) ([]string, error) {
	var out []string
	err := s.db.NewSelect().Table("assessments").ColumnExpr("DISTINCT period").
		Where("methodology_code = ? AND methodology_version = ?", code, version).OrderExpr("period DESC").Scan(ctx, &out)
	if isNoRows(err) {
		err = nil
	}
	return out, err
}
