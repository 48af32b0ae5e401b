package survey

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/sms"
	"github.com/uptrace/bun"
)

// SMSTexts are what an invitation's ready SMS says (POST /api/v1/invitations answers it as "sms"): who sends
// it and which agency asks, so that it does not look like phishing. Admins edit them on /admin/sms.
type SMSTexts struct {
	Sender    string            // the name the text signs with, e.g. "Qiymet" or "ASAN xidmət"
	Templates map[string]string // per language; {sender}, {agency} and {url} are filled in
	Short     map[string]Names  // agency code → its short name for SMS; none: the agency's name
}

// DefaultSMSTexts fit one GSM-7 segment (en) or two UCS-2 segments (az, ru) with a 53-character https link and
// an agency name of up to 30 characters (survey/sms_test.go). The sender is ASCII like an SMS sender ID.
func DefaultSMSTexts() *SMSTexts {
	return &SMSTexts{
		Sender: "Qiymet",
		Templates: map[string]string{
			"az": "{sender}: {agency} - gəlişinizi qiymətləndirin (anonim): {url}",
			"en": "{sender}: {agency} - please rate your visit (anonymous): {url}",
			"ru": "{sender}: {agency} - оцените ваш визит (анонимно): {url}",
		},
		Short: map[string]Names{},
	}
}

// Limits of the texts.
const (
	MaxSMSSender   = 40
	MaxSMSTemplate = 480 // characters: enough for three UCS-2 segments and then some
	MaxShortName   = 40
)

// Render is the SMS for an invitation of agency (its names from the catalog) in lang with the link url.
func (t *SMSTexts) Render(lang string, agency string, names Names, url string) string {
	name := names.Get(lang)
	// The short name of this very language only: an Azerbaijani short name in an English text would cost it
	// its GSM-7 encoding.
	if sh := map[string]string{"az": t.Short[agency].AZ, "en": t.Short[agency].EN, "ru": t.Short[agency].RU}[lang]; sh != "" {
		name = sh
	}
	return sms.Render(t.Templates[lang], t.Sender, name, url)
}

// SMSProblem is one thing wrong with SMSTexts: the form field and a reason the page translates
// ("sms.error.<reason>").
type SMSProblem struct{ Field, Reason string }

// SMS problem reasons.
const (
	SMSSenderLength   = "sender_length"
	SMSTemplateLength = "template_length"
	SMSTemplateURL    = "template_url"
	SMSPlaceholder    = "placeholder"
	SMSControl        = "control"
	SMSShortLength    = "short_length"
	SMSUnknownAgency  = "unknown_agency"
)

// Check lists what is wrong with t (trimmed in place), against the catalog cv.
func (t *SMSTexts) Check(cv *CatalogView) []SMSProblem {
	var out []SMSProblem
	bad := func(field, reason string) { out = append(out, SMSProblem{field, reason}) }
	t.Sender = strings.TrimSpace(t.Sender)
	if n := utf8.RuneCountInString(t.Sender); n == 0 || n > MaxSMSSender {
		bad("sender", SMSSenderLength)
	} else if !printable(t.Sender) {
		bad("sender", SMSControl)
	}
	for _, l := range locale.Langs {
		f, tpl := "template_"+l, strings.TrimSpace(t.Templates[l])
		t.Templates[l] = tpl
		switch {
		case tpl == "" || utf8.RuneCountInString(tpl) > MaxSMSTemplate:
			bad(f, SMSTemplateLength)
		case !printable(tpl):
			bad(f, SMSControl)
		case strings.Count(tpl, sms.URL) != 1:
			bad(f, SMSTemplateURL)
		case strings.Contains(strings.NewReplacer(sms.URL, "", sms.Sender, "", sms.Agency, "").Replace(tpl), "{"):
			bad(f, SMSPlaceholder)
		}
	}
	codes := make([]string, 0, len(t.Short))
	for c := range t.Short {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		n := t.Short[c]
		if _, ok := cv.Agency(c); !ok {
			bad("short_"+c, SMSUnknownAgency)
			continue
		}
		n = Names{AZ: strings.TrimSpace(n.AZ), EN: strings.TrimSpace(n.EN), RU: strings.TrimSpace(n.RU)}
		t.Short[c] = n
		for _, l := range locale.Langs {
			v := map[string]string{"az": n.AZ, "en": n.EN, "ru": n.RU}[l]
			switch {
			case utf8.RuneCountInString(v) > MaxShortName:
				bad("short_"+c+"_"+l, SMSShortLength)
			case !printable(v):
				bad("short_"+c+"_"+l, SMSControl)
			}
		}
	}
	return out
}

// printable: valid UTF-8 without control characters (an SMS has no use for them, a terminal might).
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\uFFFD' {
			return false
		}
	}
	return true
}

type smsSetting struct {
	bun.BaseModel `bun:"table:sms_settings"`
	Key           string `bun:"key,pk"`
	Value         string `bun:"value"`
}

type agencyShortName struct {
	bun.BaseModel `bun:"table:agency_short_names"`
	Agency        string `bun:"agency_code,pk"`
	Names         Names  `bun:"names,type:text"`
}

// SMSTexts are the stored texts over the defaults.
func (s *Store) SMSTexts(ctx context.Context) (*SMSTexts, error) {
	t := DefaultSMSTexts()
	var rows []smsSetting
	if err := s.db.NewSelect().Model(&rows).Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rows {
		switch {
		case r.Key == "sender":
			t.Sender = r.Value
		case strings.HasPrefix(r.Key, "template."):
			if l := strings.TrimPrefix(r.Key, "template."); locale.Valid(l) {
				t.Templates[l] = r.Value
			}
		}
	}
	var short []agencyShortName
	if err := s.db.NewSelect().Model(&short).Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range short {
		t.Short[r.Agency] = r.Names
	}
	return t, nil
}

// CachedSMSTexts is SMSTexts as every invitation needs it: read from the database at most once a smsRecheck. The
// two queries it saves were 15% of the CPU of issuing links under load (2026-12-07). A change saved through this
// store is seen at once; one saved through another instance, within smsRecheck. Shared: not to be changed.
func (s *Store) CachedSMSTexts(ctx context.Context) (*SMSTexts, error) {
	s.smsMu.Lock()
	t, at, gen := s.sms, s.smsAt, s.smsGen
	s.smsMu.Unlock()
	if t != nil && time.Since(at) < smsRecheck {
		return t, nil
	}
	t, err := s.SMSTexts(ctx)
	if err != nil {
		return nil, err
	}
	s.smsMu.Lock()
	if s.smsGen == gen {
		s.sms, s.smsAt = t, time.Now()
	}
	s.smsMu.Unlock()
	return t, nil
}

// smsRecheck is how long CachedSMSTexts keeps what it read: as the catalog's, since the short names follow the
// agencies.
const smsRecheck = catalogRecheck

// forgetSMSTexts makes the next CachedSMSTexts read the database.
func (s *Store) forgetSMSTexts() {
	s.smsMu.Lock()
	s.sms = nil
	s.smsGen++
	s.smsMu.Unlock()
}

// SaveSMSTexts stores t in full (short names left empty are removed) and audits it, or refuses it whole with
// the first problem Check finds.
func (s *Store) SaveSMSTexts(ctx context.Context, t *SMSTexts) error {
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return err
	}
	if p := t.Check(cv); len(p) > 0 {
		return FieldError(p[0].Field, "SMS texts: %s is invalid (%s)", p[0].Field, p[0].Reason)
	}
	defer s.forgetSMSTexts() // also after a failure: what is stored is then unknown
	return s.inTx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*smsSetting)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return err
		}
		rows := []smsSetting{{Key: "sender", Value: t.Sender}}
		for _, l := range locale.Langs {
			rows = append(rows, smsSetting{Key: "template." + l, Value: t.Templates[l]})
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*agencyShortName)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return err
		}
		var short []agencyShortName
		for c, n := range t.Short {
			if n != (Names{}) {
				short = append(short, agencyShortName{Agency: c, Names: n})
			}
		}
		sort.Slice(short, func(i, j int) bool { return short[i].Agency < short[j].Agency })
		if len(short) > 0 {
			if _, err := tx.NewInsert().Model(&short).Exec(ctx); err != nil {
				return err
			}
		}
		details := map[string]any{"sender": t.Sender, "templates": t.Templates, "short_names": len(short)}
		return s.Audit(ctx, tx, Change{Action: AuditSMSUpdate, Target: "sms", Details: details})
	})
}
