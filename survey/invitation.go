package survey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
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

// checkInvitationRequest checks a request against the catalog (trimming its visit_id) and returns the link's
// lifetime.
func (cv *CatalogView) checkInvitationRequest(req *InvitationRequest) (time.Duration, error) {
	if req.Agency == "" {
		return 0, FieldError("agency", "agency is required")
	}
	if _, ok := cv.Agency(req.Agency); !ok {
		return 0, Errorf(CodeUnknownAgency, "agency", "unknown agency %q", truncate(req.Agency, 64))
	}
	if req.Service != "" {
		sv, ok := cv.Service(req.Service)
		if !ok || sv.Agency != req.Agency {
			return 0, FieldError("service", "service %q is not a service of agency %q", truncate(req.Service, 64), req.Agency)
		}
	}
	if req.Center != "" && !cv.Hosts(req.Center, req.Agency) {
		return 0, FieldError("center", "centre %q does not host agency %q", truncate(req.Center, 64), req.Agency)
	}
	req.VisitID = strings.TrimSpace(req.VisitID)
	if req.VisitID == "" || len(req.VisitID) > 100 {
		return 0, FieldError("visit_id", "visit_id is required (at most 100 characters)")
	}
	if len(req.Operator) > 200 {
		return 0, FieldError("operator", "operator is at most 200 characters")
	}
	ttl := int64(DefaultInvitationTTL)
	if req.ExpiresIn != nil {
		ttl = *req.ExpiresIn
		if ttl < 60 || ttl > MaxInvitationTTL {
			return 0, FieldError("expires_in", "expires_in must be between 60 and %d seconds", MaxInvitationTTL)
		}
	}
	return time.Duration(ttl) * time.Second, nil
}
