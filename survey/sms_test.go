package survey_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/sms"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// realisticURL is an invitation link as a ministry would host it: a 29-character base and the 24-character token.
const realisticURL = "https://qiymet.asan.gov.az/r/AbCdEfGhIjKlMnOpQrStUvWx"

// TestDefaultSMSFits: with a realistic link and any agency name of up to 30 characters (the test catalog's,
// and 30 of the language's widest letters), the default English text is one GSM-7 segment and the
// Azerbaijani and Russian ones at most two UCS-2 segments; each names the sender and the agency.
func TestDefaultSMSFits(t *testing.T) {
	if len(realisticURL) != 53 {
		t.Fatalf("URL of %d characters", len(realisticURL))
	}
	d := survey.DefaultSMSTexts()
	names := map[string][]string{
		"az": {"Dövlət Miqrasiya Xidməti", "Ədliyyə Nazirliyi", strings.Repeat("ş", 30)},
		"en": {"State Migration Service", "Ministry of Justice", strings.Repeat("W", 30)},
		"ru": {"Министерство юстиции", "Государственная служба", strings.Repeat("Щ", 30)},
	}
	for lang, list := range names {
		for _, n := range list {
			text := d.Render(lang, "x", survey.Names{AZ: n, EN: n, RU: n}, realisticURL)
			c := sms.CountText(text)
			ok := c.Segments <= 2 && c.Encoding == sms.UCS2
			if lang == "en" {
				ok = c.Segments == 1 && c.Encoding == sms.GSM7
			}
			if !ok || !strings.Contains(text, d.Sender) || !strings.Contains(text, n) || !strings.HasSuffix(text, realisticURL) {
				t.Errorf("%s %q: %q is %+v", lang, n, text, c)
			}
		}
	}
}

// TestCachedSMSTexts: the texts every invitation renders are read once and kept; a change saved through the
// same store shows at once, one saved through another instance on the same database within a few seconds.
func TestCachedSMSTexts(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.SharedDSN(t, d)
			a := storetest.Open(t, dsn, survey.Options{})
			b := storetest.Open(t, dsn, survey.Options{})
			storetest.ApplyCatalog(t, a)
			cached := func(s *survey.Store) *survey.SMSTexts {
				t.Helper()
				got, err := s.CachedSMSTexts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			sender := func(s *survey.Store) string { t.Helper(); return cached(s).Sender }
			if got := sender(b); got != survey.DefaultSMSTexts().Sender {
				t.Fatalf("fresh: sender %q", got)
			}
			if first, again := cached(b), cached(b); again != first {
				t.Fatal("read again at once instead of kept")
			}
			for i, s := range []*survey.Store{a, b} {
				texts := survey.DefaultSMSTexts()
				texts.Sender = fmt.Sprintf("Xidmət %d", i)
				if err := s.SaveSMSTexts(ctx, texts); err != nil {
					t.Fatal(err)
				}
				if got := sender(s); got != texts.Sender {
					t.Fatalf("saved through the same store: sender %q, want %q at once", got, texts.Sender)
				}
				other := []*survey.Store{b, a}[i]
				deadline := time.Now().Add(5 * time.Second)
				for sender(other) != texts.Sender {
					if time.Now().After(deadline) {
						t.Fatalf("saved through another instance: still %q after 5 s", sender(other))
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
		})
	}
}

func TestSMSTexts(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		got, err := s.SMSTexts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, survey.DefaultSMSTexts()) {
			t.Fatalf("fresh store: %+v", got)
		}
		want := &survey.SMSTexts{Sender: " ASAN xidmət ", Templates: map[string]string{
			"az": "{sender}: {agency} gəlişinizi qiymətləndirin {url}", "en": "{agency} ({sender}): rate us {url}", "ru": "{url} — {agency}"},
			Short: map[string]survey.Names{"migration": {AZ: "DMX", EN: "SMS", RU: "ГМС"}, "justice": {}}}
		if err := s.SaveSMSTexts(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err = s.SMSTexts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Sender != "ASAN xidmət" || got.Templates["ru"] != "{url} — {agency}" || len(got.Short) != 1 || got.Short["migration"].RU != "ГМС" {
			t.Fatalf("stored %+v", got)
		}
		ag := survey.Names{AZ: "Dövlət Miqrasiya Xidməti", EN: "State Migration Service"}
		if r := got.Render("en", "migration", ag, "https://x/r/1"); r != "SMS (ASAN xidmət): rate us https://x/r/1" {
			t.Fatalf("render: %q", r)
		}
		if r := got.Render("en", "justice", survey.Names{AZ: "Ədliyyə Nazirliyi", EN: "Ministry of Justice"}, "u"); r != "Ministry of Justice (ASAN xidmət): rate us u" {
			t.Fatalf("render without a short name: %q", r)
		}
		entries, _, err := s.ListAudit(ctx, survey.AuditFilter{Action: survey.AuditSMSUpdate})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Details, "ASAN xidmət") {
			t.Fatalf("audit: %+v %v", entries, err)
		}

		// Bad texts are refused whole, naming the field, and store nothing.
		long := strings.Repeat("ə", survey.MaxSMSTemplate) + "{url}"
		bad := []struct {
			field string
			edit  func(*survey.SMSTexts)
		}{
			{"sender", func(x *survey.SMSTexts) { x.Sender = "  " }},
			{"sender", func(x *survey.SMSTexts) { x.Sender = strings.Repeat("a", 41) }},
			{"sender", func(x *survey.SMSTexts) { x.Sender = "a\x00b" }},
			{"template_az", func(x *survey.SMSTexts) { x.Templates["az"] = "no link" }},
			{"template_en", func(x *survey.SMSTexts) { x.Templates["en"] = "{url} {url}" }},
			{"template_ru", func(x *survey.SMSTexts) { x.Templates["ru"] = "{url} {phone}" }},
			{"template_ru", func(x *survey.SMSTexts) { x.Templates["ru"] = "{url} \x1b[31m" }},
			{"template_az", func(x *survey.SMSTexts) { x.Templates["az"] = long }},
			{"template_en", func(x *survey.SMSTexts) { delete(x.Templates, "en") }},
			{"template_az", func(x *survey.SMSTexts) { x.Templates["az"] = "\xff{url}" }},
			{"short_nope", func(x *survey.SMSTexts) { x.Short["nope"] = survey.Names{AZ: "X"} }},
			{"short_migration_en", func(x *survey.SMSTexts) { x.Short["migration"] = survey.Names{EN: strings.Repeat("x", 41)} }},
		}
		for _, b := range bad {
			x := survey.DefaultSMSTexts()
			b.edit(x)
			err := s.SaveSMSTexts(ctx, x)
			if e, ok := survey.AsError(err); !ok || e.Code != survey.CodeInvalidField || e.Field != b.field {
				t.Errorf("%s: %v", b.field, err)
			}
		}
		again, err := s.SMSTexts(ctx)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("a refused save changed the texts: %+v %v", again, err)
		}
	})
}
