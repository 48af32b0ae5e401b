package survey

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Credential says who submits: exactly one of the fields is set (a link submission carries its token in the body).
type Credential struct {
	Kiosk  *Kiosk
	APIKey *APIKey
}

// Submit validates and stores one response. created is false for an idempotent replay (same id, same content),
// which returns the first answer. The response is committed before Submit returns.
func (s *Store) Submit(ctx context.Context, sub *Submission, cred Credential) (res Result, created bool, err error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return res, false, err
	}
	now := s.now()
	var t Target
	switch {
	case sub.Token != "":
		if cred.Kiosk != nil {
			return res, false, FieldError("token", "a kiosk cannot submit with an invitation token")
		}
		inv, err := s.InvitationByToken(ctx, sub.Token)
		// A used token may still be an idempotent retry of the submission that used it (same id): the
		// transaction below answers that with the first result, and anything else with token_used.
		if err != nil && !(ErrorCode(err) == CodeTokenUsed && sub.ID != "" && inv != nil) {
			return res, false, err
		}
		t = Target{Channel: ChannelLink, InvitationID: inv.ID, Invitation: inv}
	case cred.Kiosk != nil:
		t = Target{Channel: ChannelKiosk, KioskID: cred.Kiosk.ID, KioskCenter: cred.Kiosk.Center, KioskAgency: cred.Kiosk.Agency}
	case cred.APIKey != nil:
		t = Target{Channel: ChannelAPI}
	default:
		return res, false, Errorf(CodeUnauthorized, "", "a kiosk token, an API key or an invitation token is required")
	}
	r, err := cv.Prepare(sub, t, now)
	if err != nil {
		return res, false, err
	}
	// Every channel goes through the batch committer: the unique id decides between a new row and a replay,
	// and a link's invitation is claimed in the same transaction.
	inserted, err := s.insertBatched(ctx, r)
	switch {
	case ErrorCode(err) == CodeTokenUsed && sub.ID != "":
		// A used token may be the idempotent retry of the submission that used it (same id).
		return s.replayOf(ctx, r, err)
	case err != nil:
		return res, false, err
	case !inserted:
		return s.replayOf(ctx, r, errIDTaken)
	}
	return ResultOf(r), true, nil
}

var errIDTaken = errors.New("a response with this id exists")

// replayOf answers a submission whose id is already stored: the first answer when the content is the same,
// id_conflict otherwise. Without a stored row it returns cause (e.g. token_used).
func (s *Store) replayOf(ctx context.Context, r *Response, cause error) (Result, bool, error) {
	prev, err := responseByID(ctx, s.db, r.ID)
	if err != nil {
		return Result{}, false, err
	}
	if prev == nil {
		if cause == nil || cause == errIDTaken {
			cause = Errorf(CodeUnavailable, "", "the response could not be stored; retry")
		}
		return Result{}, false, cause
	}
	if prev.ContentHash != r.ContentHash {
		return Result{}, false, Errorf(CodeIDConflict, "id", "a different response with id %s is already stored", r.ID)
	}
	return ResultOf(prev), false, nil
}

func responseByID(ctx context.Context, db bun.IDB, id string) (*Response, error) {
	r := new(Response)
	err := db.NewSelect().Model(r).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, nil
	}
	return r, err
}

func errTokenUsed() error {
	return Errorf(CodeTokenUsed, "token", "this link has already been used to rate the visit")
}

// InvitationByToken finds a usable invitation: unknown → not_found, used → token_used, expired → token_expired.
func (s *Store) InvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	inv, err := s.LookupInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	if inv.UsedUS != 0 {
		return inv, errTokenUsed()
	}
	if inv.Expired(s.now()) {
		return inv, Errorf(CodeTokenExpired, "token", "this link has expired")
	}
	return inv, nil
}

// LookupInvitation finds an invitation by token whatever its state.
func (s *Store) LookupInvitation(ctx context.Context, token string) (*Invitation, error) {
	if token == "" || len(token) > 100 || strings.ContainsAny(token, "/?#") {
		return nil, Errorf(CodeNotFound, "token", "unknown link")
	}
	inv := new(Invitation)
	err := s.db.NewSelect().Model(inv).Where("token_hash = ?", HashSecret(token)).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "token", "unknown link")
	}
	return inv, err
}

// InvitationRequest is the body of POST /api/v1/invitations.
type InvitationRequest struct {
	Agency    string `json:"agency"`
	Service   string `json:"service"`
	Center    string `json:"center"`
	VisitID   string `json:"visit_id"`
	Operator  string `json:"operator"`
	ExpiresIn *int64 `json:"expires_in"`
}

// Invitation lifetimes (seconds).
const (
	DefaultInvitationTTL = 7 * 24 * 3600
	MaxInvitationTTL     = 30 * 24 * 3600
)

// CreateInvitation issues (or, for the same agency and visit_id, returns again) the one-time link of a visit.
func (s *Store) CreateInvitation(ctx context.Context, req InvitationRequest, key *APIKey) (inv *Invitation, token string, created bool, err error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, "", false, err
	}
	if req.Agency == "" {
		return nil, "", false, FieldError("agency", "agency is required")
	}
	if _, ok := cv.Agency(req.Agency); !ok {
		return nil, "", false, Errorf(CodeUnknownAgency, "agency", "unknown agency %q", truncate(req.Agency, 64))
	}
	if req.Service != "" {
		sv, ok := cv.Service(req.Service)
		if !ok || sv.Agency != req.Agency {
			return nil, "", false, FieldError("service", "service %q is not a service of agency %q", truncate(req.Service, 64), req.Agency)
		}
	}
	if req.Center != "" && !cv.Hosts(req.Center, req.Agency) {
		return nil, "", false, FieldError("center", "centre %q does not host agency %q", truncate(req.Center, 64), req.Agency)
	}
	req.VisitID = strings.TrimSpace(req.VisitID)
	if req.VisitID == "" || len(req.VisitID) > 100 {
		return nil, "", false, FieldError("visit_id", "visit_id is required (at most 100 characters)")
	}
	if len(req.Operator) > 200 {
		return nil, "", false, FieldError("operator", "operator is at most 200 characters")
	}
	ttl := int64(DefaultInvitationTTL)
	if req.ExpiresIn != nil {
		ttl = *req.ExpiresIn
		if ttl < 60 || ttl > MaxInvitationTTL {
			return nil, "", false, FieldError("expires_in", "expires_in must be between 60 and %d seconds", MaxInvitationTTL)
		}
	}
	now := s.now()
	secret, err := s.tokenSecret(ctx, s.db)
	if err != nil {
		return nil, "", false, err
	}
	inv = &Invitation{Agency: req.Agency, Service: req.Service, Center: req.Center, VisitID: req.VisitID,
		Operator: req.Operator, CreatedUS: now.UnixMicro(), ExpiresUS: now.Add(time.Duration(ttl) * time.Second).UnixMicro()}
	if key != nil {
		inv.APIKeyID = key.ID
	}
	token = invitationToken(secret, inv.Agency, inv.VisitID, inv.CreatedUS)
	inv.TokenHash = HashSecret(token)
	// A new visit is stored in a batch with the other invitations of the moment (the unique agency + visit_id
	// decides); the same visit again returns its invitation.
	if created, err := s.invitations.do(ctx, inv); err != nil || created {
		return inv, token, created, err
	}
	existing := new(Invitation)
	if err := s.db.NewSelect().Model(existing).Where("agency_code = ? AND visit_id = ?", req.Agency, req.VisitID).Scan(ctx); err != nil {
		return nil, "", false, err
	}
	inv, token = existing, invitationToken(secret, existing.Agency, existing.VisitID, existing.CreatedUS)
	if HashSecret(token) != existing.TokenHash {
		// The secret changed (QIYMET_SECRET set or rotated) since the link was issued: the old token cannot be
		// rebuilt, so the visit gets a new one and the old link stops working.
		existing.TokenHash = HashSecret(token)
		_, err = s.db.NewUpdate().Model(existing).Column("token_hash").WherePK().Exec(ctx)
	}
	return inv, token, created, err
}

// commitInvitations stores a batch of new invitations with one INSERT (atomic on its own) and answers, for each,
// whether it was stored (its ID is then set). One for a visit already stored, or already in the batch, is not.
func (s *Store) commitInvitations(ctx context.Context, batch []*Invitation) ([]bool, error) {
	defer s.takeWriteTurn()()
	type visit struct{ agency, id string }
	rows := make([]*Invitation, 0, len(batch))
	seen := make(map[visit]bool, len(batch))
	for _, inv := range batch {
		if v := (visit{inv.Agency, inv.VisitID}); !seen[v] {
			seen[v] = true
			rows = append(rows, inv)
		}
	}
	var stored []struct {
		ID      int64  `bun:"id"`
		Agency  string `bun:"agency_code"`
		VisitID string `bun:"visit_id"`
	}
	err := s.db.NewInsert().Model(&rows).ExcludeColumn("id").On("CONFLICT (agency_code, visit_id) DO NOTHING").
		Returning("id, agency_code, visit_id").Scan(ctx, &stored)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	ids := make(map[visit]int64, len(stored))
	for _, st := range stored {
		ids[visit{st.Agency, st.VisitID}] = st.ID
	}
	created := make([]bool, len(batch))
	for i, inv := range batch {
		v := visit{inv.Agency, inv.VisitID}
		if id, ok := ids[v]; ok {
			inv.ID, created[i] = id, true
			delete(ids, v) // a second request for the visit in the batch finds the first's row
		}
	}
	return created, nil
}
