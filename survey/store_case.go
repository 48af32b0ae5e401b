package survey

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// The store side of cases (case.go). A case is opened in the transaction that stores its response: the SQLite
// batch and the import call openCases; PostgreSQL's one-round-trip batch inserts the same rows from CTEs
// (appendCaseCTEs). Either way the unique response_id makes a second case for one response impossible.

// openCases stores cs (cases of responses this transaction stores), skipping any whose response already has
// a case, and writes the case.opened event of each one stored. The opening is the first step of the trail
// without a row of its own (Case.Trail): one row less on the ingest path.
func openCases(ctx context.Context, db bun.IDB, cs []*Case) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	var ids []string
	err := db.NewInsert().Model(&cs).On("CONFLICT (response_id) DO NOTHING").Returning("id").Scan(ctx, &ids)
	if err != nil && !isNoRows(err) {
		return 0, err
	}
	opened := setOf(ids)
	evs := make([]*Event, 0, len(opened)) // one INSERT for the batch's events, not one per case
	for _, c := range cs {
		if !opened[c.ID] {
			continue
		}
		e, err := newEvent(EventCaseOpened, c.Agency, c.OpenedAt(), c.JSON(nil))
		if err != nil {
			return 0, err
		}
		evs = append(evs, e)
	}
	if len(evs) > 0 {
		if _, err := db.NewInsert().Model(&evs).Exec(ctx); err != nil {
			return 0, err
		}
	}
	return len(opened), nil
}

// newCaseFor builds the case r opens (not stored): opened when the response was received, due after its
// agency's SLA.
func newCaseFor(r *Response) *Case {
	at := time.UnixMicro(r.ReceivedUS)
	return &Case{ID: newCaseID(), ResponseID: r.ID, Agency: r.Agency, Center: r.Center, Service: r.Service,
		Score: r.Score, Comment: r.Comment, OpenedUS: r.ReceivedUS, DueUS: at.Add(r.sla).UnixMicro(), Status: CaseOpen}
}

// batchCases is the JSON array of the cases a PostgreSQL batch's rows would open ($5 of its statement,
// ingest_pg.go), built exactly as openCases builds them; nil when none would. caseCTEs stores only those of rows
// the ins CTE inserted as counted (a replay inserts nothing; the burst rule may exclude), with their case.opened
// events.
func batchCases(rows []*Response) ([]byte, error) {
	type caseJSON struct {
		ID         string  `json:"id"`
		ResponseID string  `json:"response_id"`
		Agency     string  `json:"agency_code"`
		Center     *string `json:"center_code"`
		Service    *string `json:"service_code"`
		Score      float64 `json:"score"`
		Comment    *string `json:"comment"`
		OpenedUS   int64   `json:"opened_us"`
		DueUS      int64   `json:"due_us"`
		EventID    string  `json:"event_id"`
		Data       string  `json:"data"`
	}
	var cands []caseJSON
	for _, r := range rows {
		if !r.opensCase() {
			continue
		}
		c := newCaseFor(r)
		data, err := json.Marshal(c.JSON(nil))
		if err != nil {
			return nil, err
		}
		cands = append(cands, caseJSON{c.ID, c.ResponseID, c.Agency, optString(c.Center), optString(c.Service), c.Score,
			optString(c.Comment), c.OpenedUS, c.DueUS, newEventID(), string(data)})
	}
	if len(cands) == 0 {
		return nil, nil
	}
	return json.Marshal(cands)
}

// caseCTEs open the cases of $5 (batchCases) whose rows the ins CTE inserted as counted.
const caseCTEs = ", cv AS (SELECT * FROM json_to_recordset($5) AS cv(id text, response_id text, agency_code text, center_code text, " +
	"service_code text, score double precision, comment text, opened_us bigint, due_us bigint, event_id text, data text))" +
	", cins AS (INSERT INTO cases (id, response_id, agency_code, center_code, service_code, score, comment, opened_us, due_us, status) " +
	"SELECT cv.id, cv.response_id, cv.agency_code, cv.center_code, cv.service_code, cv.score, cv.comment, cv.opened_us, cv.due_us, '" + CaseOpen + "' " +
	"FROM cv JOIN ins ON ins.id = cv.response_id AND ins.status = '" + StatusCounted + "' ORDER BY cv.response_id " +
	"ON CONFLICT (response_id) DO NOTHING RETURNING id)" +
	", cevents AS (INSERT INTO events (id, type, created_us, agency, data) SELECT cv.event_id, '" + EventCaseOpened + "', cv.opened_us, cv.agency_code, cv.data " +
	"FROM cv JOIN cins ON cins.id = cv.id)"

func newCaseID() string  { return newSecret("case_", 12) }
func newEventID() string { return newSecret("evt_", 16) }

// CaseFilter selects cases: Agency "" is every agency, Status "" every status; From/To bound opened_at
// (zero: unbounded; To exclusive).
type CaseFilter struct {
	Agency   string
	Agencies []string // when set, only these (a manager's own agency)
	Status   string
	From, To time.Time
	Limit    int
}

// CaseRow is a case with what the Cases page shows of its response.
type CaseRow struct {
	Case
	SubmittedUS   int64  `bun:"submitted_us"`
	Channel       string `bun:"channel"`
	Answers       string `bun:"answers"`
	Survey        string `bun:"survey_code"`
	SurveyVersion int    `bun:"survey_version"`
}

// MaxCaseList bounds one listing.
const MaxCaseList = 1000

// ListCases returns the cases f selects: overdue first (the most overdue first), then the rest by due time.
func (s *Store) ListCases(ctx context.Context, f CaseFilter) ([]CaseRow, error) {
	if f.Limit <= 0 || f.Limit > MaxCaseList {
		f.Limit = MaxCaseList
	}
	var out []CaseRow
	q := s.db.NewSelect().TableExpr("cases AS c").
		ColumnExpr("c.*, r.submitted_us, r.channel, r.answers, r.survey_code, r.survey_version").
		Join(s.joinResponse("c.response_id"))
	q = caseWhere(q, f)
	now := s.now().UnixMicro()
	err := q.OrderExpr("CASE WHEN c.status <> 'resolved' AND c.due_us < ? THEN 0 WHEN c.status <> 'resolved' THEN 1 ELSE 2 END", now).
		OrderExpr("CASE WHEN c.status = 'resolved' THEN -c.resolved_us ELSE c.due_us END, c.id").
		Limit(int64(f.Limit)).Scan(ctx, &out)
	if isNoRows(err) {
		err = nil
	}
	return out, err
}

func caseWhere(q *bun.SelectQuery, f CaseFilter) *bun.SelectQuery {
	if f.Agency != "" {
		q = q.Where("c.agency_code = ?", f.Agency)
	}
	if f.Agencies != nil {
		q = q.Where("c.agency_code IN (?)", bun.List(append(f.Agencies, "")))
	}
	if f.Status != "" {
		q = q.Where("c.status = ?", f.Status)
	}
	if !f.From.IsZero() {
		q = q.Where("c.opened_us >= ?", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		q = q.Where("c.opened_us < ?", f.To.UnixMicro())
	}
	return q
}

// CaseByID returns a case and its whole trail (Case.Trail, oldest first); not_found when there is none.
func (s *Store) CaseByID(ctx context.Context, id string) (*Case, []CaseEvent, error) {
	c := new(Case)
	if err := s.db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		if isNoRows(err) {
			return nil, nil, Errorf(CodeNotFound, "id", "no case with id %s", truncate(id, 64))
		}
		return nil, nil, err
	}
	trail, err := s.CaseTrails(ctx, []string{id})
	return c, c.Trail(trail[id]), err
}

// CaseTrails returns the stored steps of the cases ids, oldest first (Case.Trail adds the opening).
func (s *Store) CaseTrails(ctx context.Context, ids []string) (map[string][]CaseEvent, error) {
	out := map[string][]CaseEvent{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		var evs []CaseEvent
		if err := s.db.NewSelect().Model(&evs).Where("case_id IN (?)", bun.List(chunk)).OrderExpr("id").Scan(ctx); err != nil && !isNoRows(err) {
			return nil, err
		}
		for _, e := range evs {
			out[e.CaseID] = append(out[e.CaseID], e)
		}
	}
	return out, nil
}

// ActOnCase applies a (validated) action to case id as ctx's actor: the status change, the trail step and,
// for a resolution, the case.resolved event, in one transaction. allowed says whether the actor may act on
// the case's agency (a manager only on their own): forbidden otherwise.
func (s *Store) ActOnCase(ctx context.Context, id string, a CaseAction, allowed func(agency string) bool) (*Case, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	actor := ActorOf(ctx)
	var out *Case
	err := s.inTx(ctx, func(tx bun.Tx) error {
		c := new(Case)
		q := tx.NewSelect().Model(c).Where("id = ?", id)
		if s.dialect == "pg" {
			q = q.For("UPDATE") // two managers acting at once take turns; the second sees the first's status
		}
		if err := q.Scan(ctx); err != nil {
			if isNoRows(err) {
				return Errorf(CodeNotFound, "id", "no case with id %s", truncate(id, 64))
			}
			return err
		}
		if allowed != nil && !allowed(c.Agency) {
			return Errorf(CodeForbidden, "agency", "you may act only on your own agency's cases")
		}
		next, err := nextStatus(c.Status, a.Action)
		if err != nil {
			return err
		}
		now := s.now().UnixMicro()
		switch a.Action {
		case CaseActionResolve:
			c.Resolution, c.Note, c.ResolvedUS = a.Resolution, a.Note, now
		case CaseActionReopen:
			c.Resolution, c.Note, c.ResolvedUS = "", "", 0
		}
		c.Status = next
		if _, err := tx.NewUpdate().Model(c).Column("status", "resolution", "note", "resolved_us").WherePK().Exec(ctx); err != nil {
			return err
		}
		step := &CaseEvent{CaseID: c.ID, AtUS: now, ActorID: actor.UserID, Actor: actor.Name, Action: a.Action,
			Resolution: a.Resolution, Note: a.Note}
		if _, err := tx.NewInsert().Model(step).Exec(ctx); err != nil {
			return err
		}
		if a.Action == CaseActionResolve {
			if _, err := emitEvent(ctx, tx, EventCaseResolved, c.Agency, time.UnixMicro(now), c.JSON(nil)); err != nil {
				return err
			}
		}
		out = c
		return nil
	})
	return out, err
}

// EmitOverdue emits case.overdue once for every unresolved case past its due time at now, marking each in the
// same transaction (overdue_us) so that no instance, and no later run, emits it again. It returns how many.
func (s *Store) EmitOverdue(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		n, err := s.emitOverdueBatch(ctx, now, 200)
		total += n
		if err != nil || n < 200 {
			return total, err
		}
	}
}

func (s *Store) emitOverdueBatch(ctx context.Context, now time.Time, limit int) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx bun.Tx) error {
		n = 0
		var cs []*Case
		q := tx.NewSelect().Model(&cs).Where("overdue_us IS NULL AND status <> 'resolved' AND due_us < ?", now.UnixMicro()).
			OrderExpr("due_us, id").Limit(int64(limit))
		if s.dialect == "pg" {
			q = q.For("UPDATE SKIP LOCKED") // another instance's run takes other cases, never the same
		}
		if err := q.Scan(ctx); err != nil && !isNoRows(err) {
			return err
		}
		for _, c := range cs {
			res, err := tx.NewUpdate().Model(c).Set("overdue_us = ?", now.UnixMicro()).WherePK().Where("overdue_us IS NULL").Exec(ctx)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			c.OverdueUS = now.UnixMicro()
			if _, err := emitEvent(ctx, tx, EventCaseOverdue, c.Agency, now, c.JSON(nil)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// SetAgencySLA sets an agency's case SLA in hours (0: back to the default), audited. Cases opened later are
// due after it; open cases keep their due time.
func (s *Store) SetAgencySLA(ctx context.Context, agency string, hours int) error {
	if hours < 0 || hours > MaxSLAHours {
		return FieldError("sla_hours", "sla_hours must be from 1 to %d, or 0 for the default of 72", MaxSLAHours)
	}
	err := s.inTx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Table("agencies").Set("sla_hours = ?", nullIfZero(hours)).Where("code = ?", agency).Exec(ctx)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return Errorf(CodeUnknownAgency, "agency", "unknown agency %q", truncate(agency, 64))
		}
		if err := bumpCatalogRev(ctx, tx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, Change{Action: AuditAgencySLA, Target: "agency:" + agency, Details: map[string]any{"sla_hours": hours}})
	})
	if err == nil {
		s.forgetCatalog()
	}
	return err
}

func nullIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// CaseCounts are an agency's case figures for a period: cases opened in it, and of those whose outcome is
// known (resolved, or past due), how many were resolved by their due time.
type CaseCounts struct {
	Opened, Decided, ResolvedInSLA int64
}

// ResolvedInSLAPercent is the share resolved within the SLA of the decided cases, or nil when none is decided.
func (c CaseCounts) ResolvedInSLAPercent() *float64 {
	if c.Decided == 0 {
		return nil
	}
	p := float64(c.ResolvedInSLA) / float64(c.Decided) * 100
	return &p
}

// CaseFigures returns per agency the case figures of the cases opened in [from, to) at now.
func (s *Store) CaseFigures(ctx context.Context, from, to, now time.Time) (map[string]CaseCounts, error) {
	var rows []struct {
		Agency        string `bun:"agency_code"`
		Opened        int64  `bun:"opened"`
		Decided       int64  `bun:"decided"`
		ResolvedInSLA int64  `bun:"in_sla"`
	}
	err := s.db.NewSelect().TableExpr("cases").
		ColumnExpr("agency_code, COUNT(*) AS opened").
		ColumnExpr("SUM(CASE WHEN status = 'resolved' OR due_us < ? THEN 1 ELSE 0 END) AS decided", now.UnixMicro()).
		ColumnExpr("SUM(CASE WHEN status = 'resolved' AND resolved_us <= due_us THEN 1 ELSE 0 END) AS in_sla").
		Where("opened_us >= ? AND opened_us < ?", from.UnixMicro(), to.UnixMicro()).
		GroupExpr("agency_code").Scan(ctx, &rows)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	out := make(map[string]CaseCounts, len(rows))
	for _, r := range rows {
		out[r.Agency] = CaseCounts{Opened: r.Opened, Decided: r.Decided, ResolvedInSLA: r.ResolvedInSLA}
	}
	return out, nil
}

// ValidCaseStatus reports whether s is a case status ("" is every status).
func ValidCaseStatus(s string) bool { return s == "" || slices.Contains(CaseStatuses, s) }
