package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/uptrace/bun"
)

// Channels, derived from the credential.
const (
	ChannelKiosk = "kiosk"
	ChannelLink  = "link"
	ChannelAPI   = "api"
)

// Statuses and reasons.
const (
	StatusCounted  = "counted"
	StatusExcluded = "excluded"
	ReasonBurst    = "burst"
)

// Response is one stored rating.
type Response struct {
	bun.BaseModel `bun:"table:responses"`
	Seq           int64   `bun:"seq,pk,autoincrement"`
	ID            string  `bun:"id"`
	SubmittedUS   int64   `bun:"submitted_us"`
	ReceivedUS    int64   `bun:"received_us"`
	Agency        string  `bun:"agency_code"`
	Service       string  `bun:"service_code,nullzero"`
	Center        string  `bun:"center_code,nullzero"`
	Channel       string  `bun:"channel"`
	KioskID       int64   `bun:"kiosk_id,nullzero"`
	InvitationID  int64   `bun:"invitation_id,nullzero"`
	Survey        string  `bun:"survey_code"`
	SurveyVersion int     `bun:"survey_version"`
	Lang          string  `bun:"lang"`
	Status        string  `bun:"status"`
	Reason        string  `bun:"reason,nullzero"`
	Comment       string  `bun:"comment,nullzero"`
	Answers       string  `bun:"answers"` // canonical JSON {"key": int|bool|string}
	Score         float64 `bun:"score"`   // R, the response score (docs/method.md)
	Top2          bool    `bun:"top2"`    // primary answer in its top two points
	ContentHash   string  `bun:"content_hash"`
	// Bottom2: the primary answer is in its bottom two points, so the response opens a case if counted
	// (CONTRACT §11). Not stored: the case is.
	Bottom2 bool          `bun:"-"`
	sla     time.Duration // the agency's case SLA when prepared
}

// Result is what the API answers for a stored response.
type Result struct {
	ID     string  `json:"id"`
	Status string  `json:"status"`
	Reason *string `json:"reason"`
	Score  float64 `json:"score"`
	// Bottom2: the primary answer is in its bottom two points (Response.Bottom2), for the citizen's thank-you
	// page, which must not smile at a bad rating. Not part of the API's answer.
	Bottom2 bool `json:"-"`
}

// ResultOf builds the API answer of a stored response.
func ResultOf(r *Response) Result {
	res := Result{ID: r.ID, Status: r.Status, Score: scoring.Round2(r.Score), Bottom2: r.Bottom2}
	if r.Reason != "" {
		reason := r.Reason
		res.Reason = &reason
	}
	return res
}

// contentHash identifies what the client said, so a replay of the same id can be told from a conflict.
func contentHash(r *Response, hasTime bool) string {
	at := int64(0)
	if hasTime {
		at = r.SubmittedUS
	}
	// The fields NUL-separated, numbers in decimal (as fmt's %s and %d wrote them before: stored hashes stay valid).
	b := make([]byte, 0, 256)
	for _, f := range []string{r.ID, r.Agency, r.Service, r.Center, r.Survey} {
		b = append(append(b, f...), 0)
	}
	b = append(strconv.AppendInt(b, int64(r.SurveyVersion), 10), 0)
	for _, f := range []string{r.Answers, r.Comment, r.Lang} {
		b = append(append(b, f...), 0)
	}
	sum := sha256.Sum256(strconv.AppendInt(b, at, 10))
	return hex.EncodeToString(sum[:16])
}

// reasonRE is what an exclusion reason looks like: a short code such as burst, test or duplicate.
var reasonRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
