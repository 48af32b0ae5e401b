package survey

import (
	"context"
	"database/sql"
	"encoding/hex"
	"reflect"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"
)

// tokenSecret is the secret behind invitation tokens: QIYMET_SECRET when set (then a database dump alone
// cannot rebuild any link), otherwise a per-installation secret created once in the database.
func (s *Store) tokenSecret(ctx context.Context, db bun.IDB) ([]byte, error) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	fresh := hex.EncodeToString([]byte(newSecret("", 32)))
	if _, err := db.NewInsert().Model(&metaRow{Key: "token_secret", Value: fresh}).On("CONFLICT (key) DO NOTHING").Exec(ctx); err != nil {
		return nil, err
	}
	var v string
	if err := db.NewSelect().Model((*metaRow)(nil)).Column("value").Where("key = 'token_secret'").Scan(ctx, &v); err != nil {
		return nil, err
	}
	s.secret = []byte(v)
	return s.secret, nil
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
	var err error
	if s.dialect == "pg" {
		err = s.invitationByHashPG(ctx, inv, HashSecret(token))
	} else {
		err = s.db.NewSelect().Model(inv).Where("token_hash = ?", HashSecret(token)).Scan(ctx)
	}
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "token", "unknown link")
	}
	return inv, err
}

// tokenStatement finds an invitation by its token's hash ($1) on PostgreSQL, prepared as the batch statements
// are (ingest_pg.go): every link submission and every opening of a link's page looks its token up.
var tokenStatement = pgStatement{"token", "text", "SELECT " + strings.Join(invitationColumns, ", ") +
	" FROM invitations WHERE token_hash = $1"}

// invitationColumns are the invitations' columns, as the model has them.
var invitationColumns = func() []string {
	var cols []string
	for _, f := range schema.NewTables(pgdialect.New()).Get(reflect.TypeFor[Invitation]()).Fields {
		cols = append(cols, f.Name)
	}
	return cols
}()

// invitationByHashPG reads the invitation whose token has hash into inv (sql.ErrNoRows: none).
func (s *Store) invitationByHashPG(ctx context.Context, inv *Invitation, hash string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	epoch := planEpoch(s.now())
	q := s.db.QueryGen().AppendQuery(nil, "EXECUTE "+tokenStatement.name(epoch)+"(?)", hash)
	rows, err := queryPrepared(ctx, conn, string(q), func() string {
		return preparePrelude(epoch, tokenStatement.name(epoch)) + tokenStatement.prepare(epoch)
	}, false)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	return s.db.ScanRow(ctx, rows, inv)
}

// CreateInvitation issues (or, for the same agency and visit_id, returns again) the one-time link of a visit.
func (s *Store) CreateInvitation(ctx context.Context, req InvitationRequest, key *APIKey) (inv *Invitation, token string, created bool, err error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, "", false, err
	}
	ttl, err := cv.checkInvitationRequest(&req)
	if err != nil {
		return nil, "", false, err
	}
	now := s.now()
	secret, err := s.tokenSecret(ctx, s.db)
	if err != nil {
		return nil, "", false, err
	}
	inv = &Invitation{Agency: req.Agency, Service: req.Service, Center: req.Center, VisitID: req.VisitID,
		Operator: req.Operator, CreatedUS: now.UnixMicro(), ExpiresUS: now.Add(ttl).UnixMicro()}
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
