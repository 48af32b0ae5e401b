package survey

import (
	"strings"
	"time"
	"unicode"

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
	BatteryPct       *int   `bun:"battery_pct" json:"-"` // nil: the tablet's browser never said
	Charging         *bool  `bun:"charging" json:"-"`
}

// KioskReport is what a kiosk says about itself in a heartbeat (docs/api.md, "Kiosk heartbeat"). The battery
// fields are optional: only browsers with the Battery Status API know them.
type KioskReport struct {
	Version      string   `json:"version"`
	QueueLength  int64    `json:"queue_length"`
	BatteryLevel *float64 `json:"battery_level,omitempty"` // 0..1
	Charging     *bool    `json:"charging,omitempty"`
}

// Kiosk enrolment: an admin registers a kiosk and hands the tablet a one-time pairing code (as a URL or a QR
// code); the tablet exchanges it for a fresh device token. Codes carry 256 bits, are stored only as hashes,
// expire after PairingTTL and work once.

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

// checkNewKiosk checks a new kiosk's centre, agency and name against the catalog and returns the name trimmed.
func (cv *CatalogView) checkNewKiosk(center, name, agency string) (string, error) {
	if _, ok := cv.Center(center); !ok {
		return "", FieldError("center", "unknown centre %q", center)
	}
	if agency != "" && !cv.Hosts(center, agency) {
		return "", FieldError("agency", "centre %q does not host agency %q", center, agency)
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", FieldError("name", "a kiosk needs a name of 1 to 200 characters")
	}
	return name, nil
}

// Check validates a report and returns it with the version trimmed and the battery level as a whole percentage.
func (r KioskReport) Check() (KioskReport, *int, error) {
	v, err := checkHeartbeat(r.Version, r.QueueLength)
	if err != nil {
		return r, nil, err
	}
	r.Version = v
	var pct *int
	if r.BatteryLevel != nil {
		l := *r.BatteryLevel
		if !(l >= 0 && l <= 1) { // NaN fails too
			return r, nil, FieldError("battery_level", "battery_level must be between 0 and 1")
		}
		p := int(l*100 + 0.5)
		pct = &p
	}
	return r, pct, nil
}

// checkHeartbeat checks what a kiosk reports about itself and returns the version trimmed.
func checkHeartbeat(version string, queueLen int64) (string, error) {
	version = strings.TrimSpace(version)
	if version == "" || len(version) > maxAppVersionLen {
		return "", FieldError("version", "version must be 1 to %d characters", maxAppVersionLen)
	}
	for _, r := range version {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return "", FieldError("version", "version must be printable ASCII")
		}
	}
	if queueLen < 0 || queueLen > maxQueueLen {
		return "", FieldError("queue_length", "queue_length must be between 0 and %d", maxQueueLen)
	}
	return version, nil
}

// kioskSetup builds the configuration of kiosk k from the catalog.
func (cv *CatalogView) kioskSetup(k *Kiosk) (*KioskSetup, error) {
	ce, ok := cv.Center(k.Center)
	if !ok {
		return nil, Errorf(CodeNotFound, "center", "the kiosk's centre %q no longer exists", k.Center)
	}
	out := &KioskSetup{Center: KioskCenter{Code: ce.Code, Name: fullNames(ce.Name)}, Agencies: []KioskAgency{}}
	codes := ce.Agencies
	if k.Agency != "" {
		codes = []string{k.Agency}
	}
	for _, code := range codes {
		ag, ok := cv.Agency(code)
		if !ok || !cv.Hosts(ce.Code, code) {
			continue
		}
		sv, ok := cv.Survey(ag.Survey, 0)
		if !ok {
			continue
		}
		cp := *sv
		cp.Questions = make([]Question, len(sv.Questions))
		for i, q := range sv.Questions {
			q.Text = fullNames(q.Text)
			cp.Questions[i] = q
		}
		out.Agencies = append(out.Agencies, KioskAgency{Code: ag.Code, Name: fullNames(ag.Name), Survey: cp})
	}
	return out, nil
}

// fullNames fills missing languages from az, so clients never need the fallback rule.
func fullNames(n Names) Names {
	return Names{AZ: n.AZ, EN: n.Get("en"), RU: n.Get("ru")}
}
