package survey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/uptrace/bun"
)

// Invitation is a one-time link issued for one visit.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations"`
	ID            int64  `bun:"id,pk,autoincrement"`
	TokenHash     string `bun:"token_hash"`
	Agency        string `bun:"agency_code"`
	Service       string `bun:"service_code,nullzero"`
	Center        string `bun:"center_code,nullzero"`
	VisitID       string `bun:"visit_id"`
	Operator      string `bun:"operator,nullzero"`
	APIKeyID      int64  `bun:"api_key_id,nullzero"`
	CreatedUS     int64  `bun:"created_us"`
	ExpiresUS     int64  `bun:"expires_us"`
	UsedUS        int64  `bun:"used_us,nullzero"`
}

// Expired reports whether the invitation can no longer be used at now.
func (inv *Invitation) Expired(now time.Time) bool { return now.UnixMicro() >= inv.ExpiresUS }

// invitationToken derives the token from a server secret so the same visit gets the same link again,
// while only the token's hash is stored.
func invitationToken(secret []byte, agency, visitID string, createdUS int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(agency + "\x00" + visitID + "\x00" + time.UnixMicro(createdUS).UTC().Format(time.RFC3339Nano)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18]) // 144 bits
}

func errTokenUsed() error {
	return Errorf(CodeTokenUsed, "token", "this link has already been used to rate the visit")
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
