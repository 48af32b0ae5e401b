package survey

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// BurstWindow is QIYMET_BURST_SECONDS: kiosks show it to staff and space their own submissions by it.
func (s *Store) BurstWindow() time.Duration { return s.burst }

// AddKiosk registers a kiosk in a centre (optionally bound to one agency it hosts) and returns its device token,
// which is shown once and stored only as a hash.
func (s *Store) AddKiosk(ctx context.Context, center, name, agency string) (*Kiosk, string, error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, "", err
	}
	if name, err = cv.checkNewKiosk(center, name, agency); err != nil {
		return nil, "", err
	}
	token := newSecret(kioskPrefix, 32)
	k := &Kiosk{Name: name, Center: center, Agency: agency, TokenHash: HashSecret(token), CreatedUS: s.now().UnixMicro()}
	if err := s.inTx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(k).Exec(ctx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, Change{Action: AuditKioskAdd, Target: kioskTarget(k.ID), // audit (docs/api.md, "Audit log")
			Details: map[string]any{"name": k.Name, "center": k.Center, "agency": k.Agency}})
	}); err != nil {
		return nil, "", err
	}
	return k, token, nil
}

// AuthKiosk finds the live kiosk holding token.
func (s *Store) AuthKiosk(ctx context.Context, token string) (*Kiosk, error) {
	return liveCredential[Kiosk](ctx, s, token, kioskPrefix, "token_hash", "kiosk token")
}

// NewPairingCode issues a one-time enrolment code for a live kiosk, replacing any earlier unused code.
func (s *Store) NewPairingCode(ctx context.Context, kioskID int64) (string, error) {
	code := newSecret(pairingPrefix, 32)
	err := s.inTx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Kiosk)(nil)).
			Set("pairing_hash = ?", HashSecret(code)).
			Set("pairing_expires_us = ?", s.now().Add(PairingTTL).UnixMicro()).
			Where("id = ? AND revoked_us IS NULL", kioskID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "kiosk", "no live kiosk with id %d", kioskID)
		}
		return s.Audit(ctx, tx, Change{Action: AuditKioskPairCode, Target: kioskTarget(kioskID)}) // audit (docs/api.md, "Audit log")
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// PairKiosk exchanges an enrolment code for a new device token. The kiosk's previous token stops working
// (the tablet that enrols becomes the kiosk), and the code cannot be used again. An unknown, used or revoked
// code is not_found; an expired one token_expired.
func (s *Store) PairKiosk(ctx context.Context, code string) (*Kiosk, string, error) {
	defer s.ForgetCredentials() // the old credential must stop working here at once
	code = strings.TrimSpace(code)
	if !strings.HasPrefix(code, pairingPrefix) || len(code) > 100 {
		return nil, "", Errorf(CodeNotFound, "code", "unknown or already used enrolment code")
	}
	hash := HashSecret(code)
	now := s.now()
	var k *Kiosk
	token := newSecret(kioskPrefix, 32)
	err := s.inTx(ctx, func(tx bun.Tx) error {
		k = new(Kiosk)
		err := tx.NewSelect().Model(k).Where("pairing_hash = ?", hash).Where("revoked_us IS NULL").Scan(ctx)
		if isNoRows(err) {
			return Errorf(CodeNotFound, "code", "unknown or already used enrolment code")
		}
		if err != nil {
			return err
		}
		if now.UnixMicro() >= k.PairingExpiresUS {
			return Errorf(CodeTokenExpired, "code", "this enrolment code has expired; ask an administrator for a new one")
		}
		res, err := tx.NewUpdate().Model((*Kiosk)(nil)).
			Set("token_hash = ?", HashSecret(token)).
			Set("pairing_hash = NULL").
			Set("pairing_expires_us = NULL").
			Where("id = ? AND pairing_hash = ?", k.ID, hash).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "code", "unknown or already used enrolment code")
		}
		k.TokenHash, k.PairingHash, k.PairingExpiresUS = HashSecret(token), "", 0
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return k, token, nil
}

// Heartbeat records that a kiosk is alive, which app version it runs and how many ratings wait in its queue.
func (s *Store) Heartbeat(ctx context.Context, kioskID int64, version string, queueLen int64) error {
	return s.Report(ctx, kioskID, KioskReport{Version: version, QueueLength: queueLen})
}

// Report records a kiosk's heartbeat with everything it knows about itself; battery fields it leaves out are
// kept as they were (a browser that knew the level once still had it a minute ago).
func (s *Store) Report(ctx context.Context, kioskID int64, r KioskReport) error {
	r, pct, err := r.Check()
	if err != nil {
		return err
	}
	q := s.db.NewUpdate().Model((*Kiosk)(nil)).
		Set("last_seen_us = ?", s.now().UnixMicro()).
		Set("app_version = ?", r.Version).
		Set("queue_len = ?", r.QueueLength)
	if pct != nil {
		q = q.Set("battery_pct = ?", *pct)
	}
	if r.Charging != nil {
		q = q.Set("charging = ?", *r.Charging)
	}
	res, err := q.Where("id = ? AND revoked_us IS NULL", kioskID).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Errorf(CodeUnauthorized, "", "unknown or revoked kiosk")
	}
	return nil
}

// ListKiosks returns every kiosk, revoked ones included, by id (for the admin pages).
func (s *Store) ListKiosks(ctx context.Context) ([]Kiosk, error) {
	return allRows[Kiosk](ctx, s.db, "id")
}

// KioskStatus is a kiosk with the time of its newest response (0: none), for the fleet view.
type KioskStatus struct {
	Kiosk
	LastResponseUS int64 `bun:"last_response_us"`
}

// KioskFleet returns every kiosk by id with its newest response; the subquery walks the (kiosk_id, submitted_us)
// index once per kiosk, so it stays cheap whatever the number of responses.
func (s *Store) KioskFleet(ctx context.Context) ([]KioskStatus, error) {
	var out []KioskStatus
	err := s.db.NewSelect().Model(&out).ModelTableExpr("kiosks AS kiosk").ColumnExpr("kiosk.*").
		ColumnExpr("(SELECT MAX(r.submitted_us) FROM responses AS r WHERE r.kiosk_id = kiosk.id) AS last_response_us").
		OrderExpr("kiosk.id").Scan(ctx)
	return out, err
}

// KioskByID returns one kiosk, revoked or not.
func (s *Store) KioskByID(ctx context.Context, id int64) (*Kiosk, error) {
	return rowByID[Kiosk](ctx, s.db, id, Errorf(CodeNotFound, "kiosk", "no kiosk with id %d", id))
}

// RevokeKiosk stops a kiosk's token and any pending enrolment code at once. Revoking twice is fine.
func (s *Store) RevokeKiosk(ctx context.Context, id int64) error {
	defer s.ForgetCredentials() // the old credential must stop working here at once
	return s.inTx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Kiosk)(nil)).
			Set("revoked_us = COALESCE(revoked_us, ?)", s.now().UnixMicro()).
			Set("pairing_hash = NULL").
			Set("pairing_expires_us = NULL").
			Where("id = ?", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "kiosk", "no kiosk with id %d", id)
		}
		return s.Audit(ctx, tx, Change{Action: AuditKioskRevoke, Target: kioskTarget(id)}) // audit (docs/api.md, "Audit log")
	})
}

// KioskSetup builds the configuration of kiosk k from the current catalog.
func (s *Store) KioskSetup(ctx context.Context, k *Kiosk) (*KioskSetup, error) {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	return cv.kioskSetup(k)
}
