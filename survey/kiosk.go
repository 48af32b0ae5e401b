package survey

import (
	"time"

	"github.com/uptrace/bun"
)

// Kiosk is a registered tablet.
type Kiosk struct {
	bun.BaseModel    `bun:"table:kiosks"`
	ID               int64  `bun:"id,pk,autoincrement" json:"id"`
	Name             string `bun:"name" json:"name"`
	Center           string `bun:"center_code" json:"center"`
	Agency           string `bun:"agency_code,nullzero" json:"agency,omitempty"`
	TokenHash        string `bun:"token_hash" json:"-"`
	PairingHash      string `bun:"pairing_hash,nullzero" json:"-"`
	PairingExpiresUS int64  `bun:"pairing_expires_us,nullzero" json:"-"`
	CreatedUS        int64  `bun:"created_us" json:"-"`
	RevokedUS        int64  `bun:"revoked_us,nullzero" json:"-"`
	LastSeenUS       int64  `bun:"last_seen_us,nullzero" json:"-"`
	AppVersion       string `bun:"app_version,nullzero" json:"-"`
	QueueLen         int64  `bun:"queue_len,nullzero" json:"-"`
}

// PairingTTL is how long an enrolment code stays valid.
const PairingTTL = 24 * time.Hour

// Heartbeat limits.
const (
	maxAppVersionLen = 40
	maxQueueLen      = 1_000_000
)

// KioskSetup is what a kiosk needs to run: its centre, the agencies it rates and each one's newest survey
// version, with every text in az, en and ru (missing languages filled from az).
type KioskSetup struct {
	Center   KioskCenter   `json:"center"`
	Agencies []KioskAgency `json:"agencies"`
}

// KioskCenter names the kiosk's centre.
type KioskCenter struct {
	Code string `json:"code"`
	Name Names  `json:"name"`
}

// KioskAgency is one agency a kiosk rates, with the survey version it asks.
type KioskAgency struct {
	Code   string `json:"code"`
	Name   Names  `json:"name"`
	Survey Survey `json:"survey"`
}

// fullNames fills missing languages from az, so clients never need the fallback rule.
func fullNames(n Names) Names {
	return Names{AZ: n.AZ, EN: n.Get("en"), RU: n.Get("ru")}
}
