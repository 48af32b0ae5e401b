package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP is where e-mail goes: QIYMET_SMTP_URL (smtp://user:pass@host:port, STARTTLS whenever the server offers
// it; smtps:// for TLS from the first byte) and QIYMET_MAIL_FROM.
type SMTP struct {
	Host       string
	Port       int
	User, Pass string
	Implicit   bool // smtps://
	From       string
	// TLS overrides the TLS settings (tests trust their own certificate); nil = the system's roots.
	TLS *tls.Config
}

const mailTimeout = 15 * time.Second

// ParseSMTP reads QIYMET_SMTP_URL and QIYMET_MAIL_FROM. An empty URL means no e-mail (nil, nil).
func ParseSMTP(rawURL, from string) (*SMTP, error) {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		if strings.TrimSpace(from) != "" {
			return nil, errors.New("QIYMET_MAIL_FROM is set but QIYMET_SMTP_URL is not: set both to send e-mail")
		}
		return nil, nil
	}
	if len(rawURL) > 2000 {
		return nil, errors.New("QIYMET_SMTP_URL: too long")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("QIYMET_SMTP_URL: want smtp://user:pass@host:port") // err would echo the password
	}
	s := &SMTP{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.Implicit = 465, true
	default:
		return nil, errors.New("QIYMET_SMTP_URL: want smtp://user:pass@host:port (or smtps:// for TLS from the start)")
	}
	if s.Host == "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("QIYMET_SMTP_URL: want smtp://user:pass@host:port, nothing after the port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, errors.New("QIYMET_SMTP_URL: the port must be 1 to 65535")
		}
		s.Port = n
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Pass, _ = u.User.Password()
	}
	a, err := mail.ParseAddress(strings.TrimSpace(from))
	if err != nil {
		return nil, fmt.Errorf("QIYMET_MAIL_FROM: want an e-mail address (optionally with a name: Qiymət <noreply@example.az>), got %q", from)
	}
	s.From = a.String()
	return s, nil
}

// Redacted is the URL without its password, for logs.
func (s *SMTP) Redacted() string {
	scheme := "smtp"
	if s.Implicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: s.Host + ":" + strconv.Itoa(s.Port)}
	if s.User != "" {
		u.User = url.User(s.User)
	}
	return u.String()
}

// message is one e-mail ready to send.
type message struct {
	To, Subject, Text, MessageID string
}

// send delivers m through the server in one connection.
func (s *SMTP) send(ctx context.Context, m message) error {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(mailTimeout), gomail.WithTLSPolicy(gomail.TLSOpportunistic)}
	if s.Implicit {
		opts = append(opts, gomail.WithSSL())
	}
	if s.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLS))
	} else {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}))
	}
	if s.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.User), gomail.WithPassword(s.Pass))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return err
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(s.From); err != nil {
		return err
	}
	if err := msg.To(m.To); err != nil {
		return err
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no out-of-office replies
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return c.DialAndSendWithContext(ctx, msg)
}
