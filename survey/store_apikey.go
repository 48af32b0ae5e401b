package survey

import (
	"context"
	"strings"

	"github.com/uptrace/bun"
)

// AddAPIKey creates an API key; the key is returned once and stored only as a hash.
func (s *Store) AddAPIKey(ctx context.Context, name string) (*APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, "", FieldError("name", "an API key needs a name of 1 to 200 characters")
	}
	key := newSecret(apiKeyPrefix, 32)
	k := &APIKey{Name: name, KeyHash: HashSecret(key), CreatedUS: s.now().UnixMicro()}
	if err := s.inTx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(k).Exec(ctx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, Change{Action: AuditAPIKeyAdd, Target: apiKeyTarget(k.ID), Details: map[string]any{"name": k.Name}})
	}); err != nil {
		return nil, "", err
	}
	return k, key, nil
}

// AuthAPIKey finds the live API key.
func (s *Store) AuthAPIKey(ctx context.Context, key string) (*APIKey, error) {
	return liveCredential[APIKey](ctx, s, key, apiKeyPrefix, "key_hash", "API key")
}

// ListAPIKeys returns every API key, newest first (revoked ones too, marked).
func (s *Store) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	return allRows[APIKey](ctx, s.db, "id DESC")
}

// RevokeAPIKey revokes a key; revoking twice is a no-op.
func (s *Store) RevokeAPIKey(ctx context.Context, id int64) error {
	defer s.ForgetCredentials() // the old credential must stop working here at once
	return s.inTx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*APIKey)(nil)).Set("revoked_us = ?", s.now().UnixMicro()).
			Where("id = ?", id).Where("revoked_us IS NULL").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if c, err := tx.NewSelect().Model((*APIKey)(nil)).Where("id = ?", id).Count(ctx); err != nil {
				return err
			} else if c == 0 {
				return Errorf(CodeNotFound, "", "no such API key")
			}
			return nil // revoked already: nothing changed
		}
		return s.Audit(ctx, tx, Change{Action: AuditAPIKeyRevoke, Target: apiKeyTarget(id)}) // audit (docs/api.md, "Audit log")
	})
}
