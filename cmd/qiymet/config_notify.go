package main

import (
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/notify"
)

// Delivery settings (docs/api.md, "Webhooks and e-mail"). QIYMET_SMTP_URL, which may hold a password, is read
// from the environment only (serve), like QIYMET_SECRET.
var notifyEnvDefaults = []struct{ flag, env, def, help string }{
	{"mail-from", "QIYMET_MAIL_FROM", "", "sender of case e-mail, e.g. \"Qiymət <noreply@example.az>\" (with QIYMET_SMTP_URL)"},
	{"kiosk-silent", "QIYMET_KIOSK_SILENT", survey.DefaultKioskSilent.String(), "opening time without a response or heartbeat after which a kiosk is silent (e.g. 2h)"},
	{"retry-first", "QIYMET_RETRY_FIRST", notify.FirstRetry.String(), "wait after a delivery's first failed attempt, doubling up to 1h; retries go on for 24h (1s to 1h)"},
	{"opening-hours", "QIYMET_OPENING_HOURS", survey.DefaultOpeningHours.String(), "centres' opening hours, e.g. \"Mon-Fri 09:00-18:00; Sat 10:00-14:00\""},
}

func init() { envDefaults = append(envDefaults, notifyEnvDefaults...) }

type notifyConfig struct {
	MailFrom     string
	KioskSilent  time.Duration
	RetryFirst   time.Duration
	OpeningHours survey.OpeningHours
}

func notifyConfigOf(vals map[string]*string) (notifyConfig, error) {
	c := notifyConfig{MailFrom: *vals["mail-from"]}
	var err error
	if c.KioskSilent, err = time.ParseDuration(*vals["kiosk-silent"]); err != nil || c.KioskSilent < time.Second || c.KioskSilent > 7*24*time.Hour {
		return c, usagef("QIYMET_KIOSK_SILENT: want a duration from 1s to 168h (e.g. 2h or 90m), got %q", *vals["kiosk-silent"])
	}
	if c.RetryFirst, err = time.ParseDuration(*vals["retry-first"]); err != nil || c.RetryFirst < time.Second || c.RetryFirst > time.Hour {
		return c, usagef("QIYMET_RETRY_FIRST: want a duration from 1s to 1h (e.g. 30s), got %q", *vals["retry-first"])
	}
	if c.OpeningHours, err = survey.ParseOpeningHours(*vals["opening-hours"]); err != nil {
		return c, usagef("QIYMET_OPENING_HOURS: %v", err)
	}
	return c, nil
}

// smtpOf reads the e-mail settings of serve: none without QIYMET_SMTP_URL.
func smtpOf(getenv func(string) string, c *config) (*notify.SMTP, error) {
	s, err := notify.ParseSMTP(getenv("QIYMET_SMTP_URL"), c.Notify.MailFrom)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return s, nil
}
