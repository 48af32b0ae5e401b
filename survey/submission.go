package survey

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits of a submission (docs/api.md).
const (
	MaxBodyBytes   = 64 << 10
	MaxCommentLen  = 2000
	FutureSkew     = 5 * time.Minute
	MaxAge         = 30 * 24 * time.Hour
	maxTextLen     = 2000
	maxAnswerCount = 100
)

// Submission is the body of POST /api/v1/responses as the client sent it.
type Submission struct {
	ID            string                     `json:"id"`
	Token         string                     `json:"token"`
	Agency        string                     `json:"agency"`
	Service       string                     `json:"service"`
	Center        string                     `json:"center"`
	Survey        string                     `json:"survey"`
	SurveyVersion int                        `json:"survey_version"`
	Answers       map[string]json.RawMessage `json:"answers"`
	Comment       string                     `json:"comment"`
	Lang          string                     `json:"lang"`
	SubmittedAt   string                     `json:"submitted_at"`
}

// DecodeSubmission parses a request body strictly: invalid UTF-8, NUL and malformed JSON are invalid_json (400);
// wrong types and unknown fields are invalid_field (422).
func DecodeSubmission(body []byte) (*Submission, error) {
	if len(body) > MaxBodyBytes {
		return nil, Errorf(CodePayloadTooLarge, "", "the body is larger than %d bytes", MaxBodyBytes)
	}
	if err := checkText(body); err != nil {
		return nil, err
	}
	var sub Submission
	if err := decodeStrict(body, &sub); err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"id": sub.ID, "token": sub.Token, "agency": sub.Agency, "service": sub.Service,
		"center": sub.Center, "survey": sub.Survey, "comment": sub.Comment, "lang": sub.Lang, "submitted_at": sub.SubmittedAt} {
		if strings.ContainsRune(v, 0) {
			return nil, Errorf(CodeInvalidJSON, field, "%s contains a NUL character", field)
		}
	}
	return &sub, nil
}

// Target says where a response goes; it comes from the credential and the catalog.
type Target struct {
	Channel      string
	KioskID      int64
	KioskCenter  string
	KioskAgency  string
	InvitationID int64
	Invitation   *Invitation
	// Historic skips the time window (CSV import of past responses).
	Historic bool
}

// NewResponseID is the id of a submission that came without one: time-ordered (UUIDv7), as the kiosks make
// theirs, so that new ids go to the recent end of the ids' unique index (response_keys on PostgreSQL).
func NewResponseID() string {
	if id, err := uuid.NewV7(); err == nil {
		return id.String()
	}
	return uuid.NewString() // no clock reading: a random one is as unique
}

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 text form, hex digits of either case. (A regexp did
// the same at a twentieth of an import's time.)
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Prepare validates a submission against the catalog and turns it into a response row (not yet stored).
func (cv *CatalogView) Prepare(sub *Submission, t Target, now time.Time) (*Response, error) {
	r := &Response{Channel: t.Channel, KioskID: t.KioskID, InvitationID: t.InvitationID,
		ReceivedUS: now.UnixMicro(), Status: StatusCounted}
	if sub.ID == "" {
		r.ID = NewResponseID()
	} else if !IsUUID(sub.ID) {
		return nil, FieldError("id", "id must be a UUID")
	} else {
		r.ID = strings.ToLower(sub.ID)
	}
	if inv := t.Invitation; inv != nil {
		for field, v := range map[string]string{"agency": sub.Agency, "service": sub.Service, "center": sub.Center} {
			if v != "" {
				return nil, FieldError(field, "%s comes from the invitation and cannot be given", field)
			}
		}
		sub.Agency, sub.Service, sub.Center = inv.Agency, inv.Service, inv.Center
	}
	if sub.Agency == "" {
		sub.Agency = t.KioskAgency
	}
	if sub.Center == "" {
		sub.Center = t.KioskCenter
	}
	if sub.Agency == "" {
		return nil, FieldError("agency", "agency is required")
	}
	ag, ok := cv.Agency(sub.Agency)
	if !ok {
		return nil, Errorf(CodeUnknownAgency, "agency", "unknown agency %q", truncate(sub.Agency, 64))
	}
	if t.KioskAgency != "" && sub.Agency != t.KioskAgency {
		return nil, FieldError("agency", "this kiosk rates agency %q only", t.KioskAgency)
	}
	if t.KioskCenter != "" && sub.Center != t.KioskCenter {
		return nil, FieldError("center", "this kiosk stands in centre %q", t.KioskCenter)
	}
	r.Agency, r.sla = ag.Code, ag.SLA()
	if sub.Service != "" {
		sv, ok := cv.Service(sub.Service)
		if !ok {
			return nil, FieldError("service", "unknown service %q", truncate(sub.Service, 64))
		}
		if sv.Agency != ag.Code {
			return nil, FieldError("service", "service %q does not belong to agency %q", sv.Code, ag.Code)
		}
		r.Service = sv.Code
	}
	if sub.Center != "" {
		if _, ok := cv.Center(sub.Center); !ok {
			return nil, FieldError("center", "unknown centre %q", truncate(sub.Center, 64))
		}
		if !cv.Hosts(sub.Center, ag.Code) {
			return nil, FieldError("center", "centre %q does not host agency %q", sub.Center, ag.Code)
		}
		r.Center = sub.Center
	}
	code := sub.Survey
	if code == "" {
		code = ag.Survey
	}
	if sub.SurveyVersion < 0 {
		return nil, FieldError("survey_version", "survey_version must be positive")
	}
	sv, ok := cv.Survey(code, sub.SurveyVersion)
	if !ok {
		if _, known := cv.Survey(code, 0); !known {
			return nil, FieldError("survey", "unknown survey %q", truncate(code, 64))
		}
		return nil, FieldError("survey_version", "survey %q has no version %d", code, sub.SurveyVersion)
	}
	r.Survey, r.SurveyVersion = sv.Code, sv.Version
	if sub.Lang == "" {
		sub.Lang = "az"
	}
	if !ValidLang(sub.Lang) {
		return nil, FieldError("lang", "lang must be az, en or ru")
	}
	r.Lang = sub.Lang
	if n := utf8.RuneCountInString(sub.Comment); n > MaxCommentLen {
		return nil, FieldError("comment", "comment is %d characters; at most %d", n, MaxCommentLen)
	}
	r.Comment = strings.TrimSpace(sub.Comment)
	if sub.SubmittedAt == "" {
		r.SubmittedUS = r.ReceivedUS
	} else {
		at, err := time.Parse(time.RFC3339Nano, sub.SubmittedAt)
		if err != nil {
			return nil, FieldError("submitted_at", "submitted_at must be an RFC 3339 time, e.g. 2025-08-14T10:21:07+04:00")
		}
		if !t.Historic {
			if at.After(now.Add(FutureSkew)) {
				return nil, FieldError("submitted_at", "submitted_at is more than 5 minutes in the future")
			}
			if at.Before(now.Add(-MaxAge)) {
				return nil, FieldError("submitted_at", "submitted_at is more than 30 days in the past")
			}
		} else if at.Year() < 2000 || at.Year() > 2100 {
			return nil, FieldError("submitted_at", "submitted_at is out of range")
		}
		r.SubmittedUS = at.UnixMicro()
	}
	answers, err := sv.ParseAnswers(sub.Answers)
	if err != nil {
		return nil, err
	}
	r.Score, r.Top2, r.Bottom2, err = sv.scoreAndBottom(answers)
	if err != nil {
		return nil, err
	}
	r.Answers = canonicalAnswers(answers)
	r.ContentHash = contentHash(r, sub.SubmittedAt != "")
	return r, nil
}

// Credential says who submits: exactly one of the fields is set (a link submission carries its token in the body).
type Credential struct {
	Kiosk  *Kiosk
	APIKey *APIKey
}

// isSmallInt reports whether s is an integer of at most 9 digits, with an optional minus (it fits an int32).
func isSmallInt(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if len(s) < 1 || len(s) > 9 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// canonicalAnswers is json.Marshal(answers) (keys sorted), written directly for the values ParseAnswers gives:
// encoding/json's reflection was a tenth of an import's time. Anything unusual goes to encoding/json.
func canonicalAnswers(answers map[string]any) string {
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 16*len(keys)+2)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendJSONString(b, k), ':')
		switch v := answers[k].(type) {
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case bool:
			b = strconv.AppendBool(b, v)
		case string:
			b = appendJSONString(b, v)
		default:
			canon, _ := json.Marshal(answers)
			return string(canon)
		}
	}
	return string(append(b, '}'))
}

// appendJSONString appends s as encoding/json writes it: plain ASCII as is, anything it would escape or check
// (control characters, quotes, backslashes, <, >, &, non-ASCII) through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// ParseAnswers checks every answer against its question and returns typed values (int, bool, string).
// null means "not answered".
func (s *Survey) ParseAnswers(raw map[string]json.RawMessage) (map[string]any, error) {
	if len(raw) > maxAnswerCount {
		return nil, FieldError("answers", "too many answers")
	}
	out := map[string]any{}
	for key, v := range raw {
		field := "answers." + truncate(key, 64)
		q, ok := s.Question(key)
		if !ok {
			return nil, FieldError(field, "unknown question %q in survey %s version %d", truncate(key, 64), s.Code, s.Version)
		}
		txt := strings.TrimSpace(string(v))
		if txt == "null" || txt == "" {
			continue
		}
		switch q.Type {
		case TypeScale:
			if !isSmallInt(txt) {
				return nil, FieldError(field, "%s must be an integer from %d to %d", key, q.Min, q.Max)
			}
			n, _ := strconv.Atoi(txt)
			if n < q.Min || n > q.Max {
				return nil, FieldError(field, "%s must be an integer from %d to %d", key, q.Min, q.Max)
			}
			out[key] = n
		case TypeYesNo:
			switch txt {
			case "true":
				out[key] = true
			case "false":
				out[key] = false
			default:
				return nil, FieldError(field, "%s must be true or false", key)
			}
		case TypeText:
			var str string
			if err := json.Unmarshal(v, &str); err != nil {
				return nil, FieldError(field, "%s must be a string", key)
			}
			if strings.ContainsRune(str, 0) {
				return nil, Errorf(CodeInvalidJSON, field, "%s contains a NUL character", key)
			}
			if utf8.RuneCountInString(str) > maxTextLen {
				return nil, FieldError(field, "%s is longer than %d characters", key, maxTextLen)
			}
			if str = strings.TrimSpace(str); str != "" {
				out[key] = str
			}
		}
	}
	for _, q := range s.Questions {
		if _, ok := out[q.Key]; q.Required && !ok {
			return nil, FieldError("answers."+q.Key, "%s is required", q.Key)
		}
	}
	return out, nil
}
