package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
)

func TestParseSMTP(t *testing.T) {
	s, err := ParseSMTP("smtp://user%40x:p%40ss%20w@mail.example.az:2525", "Qiymət <noreply@example.az>")
	if err != nil || s.Host != "mail.example.az" || s.Port != 2525 || s.User != "user@x" || s.Pass != "p@ss w" || s.Implicit {
		t.Fatalf("%+v, %v", s, err)
	}
	if !strings.Contains(s.From, "noreply@example.az") || strings.Contains(s.Redacted(), "ss") {
		t.Fatalf("from %q, redacted %q", s.From, s.Redacted())
	}
	if s, _ := ParseSMTP("smtps://mail.example.az", "a@b.az"); s == nil || s.Port != 465 || !s.Implicit {
		t.Fatalf("smtps: %+v", s)
	}
	if s, _ := ParseSMTP("smtp://mail.example.az", "a@b.az"); s == nil || s.Port != 587 {
		t.Fatalf("default port: %+v", s)
	}
	if s, err := ParseSMTP("", ""); s != nil || err != nil {
		t.Fatal("no URL should mean no e-mail")
	}
	for _, bad := range [][2]string{{"", "a@b.az"}, {"http://x", "a@b.az"}, {"smtp://", "a@b.az"}, {"smtp://x:0", "a@b.az"},
		{"smtp://x:70000", "a@b.az"}, {"smtp://x/path", "a@b.az"}, {"smtp://x?q=1", "a@b.az"}, {"smtp://x", ""}, {"smtp://x", "not an address"},
		{"smtp://u:secretpw@x:bad", "a@b.az"}} {
		_, err := ParseSMTP(bad[0], bad[1])
		if err == nil {
			t.Errorf("ParseSMTP(%q, %q) accepted", bad[0], bad[1])
		} else if strings.Contains(err.Error(), "secretpw") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func FuzzParseSMTP(f *testing.F) {
	f.Add("smtp://user:pass@host:25", "a@b.az")
	f.Add("smtps://h", "Qiymət <a@b.az>")
	f.Add("smtp://[::1]:2525", "x")
	f.Fuzz(func(t *testing.T, u, from string) {
		s, err := ParseSMTP(u, from)
		if err != nil || s == nil {
			return
		}
		if s.Host == "" || s.Port < 1 || s.Port > 65535 || s.From == "" {
			t.Fatalf("accepted %q as %+v", u, s)
		}
		if s.Pass != "" && strings.Contains(s.Redacted(), s.Pass) && !strings.Contains(s.Host+s.User, s.Pass) {
			t.Fatalf("redacted URL shows the password: %s", s.Redacted())
		}
	})
}

func TestComposeMailWithoutCatalogOrData(t *testing.T) {
	ev := &survey.Event{ID: "evt_x", Type: survey.EventCaseOverdue, Agency: "migration", Data: "not json"}
	subject, text := composeMail(ev, "ru", nil, time.UTC, "")
	if subject != "Срок ответа по обращению истёк — migration" || !strings.Contains(text, "Ведомство: migration") {
		t.Fatalf("%q\n%s", subject, text)
	}
	subject, _ = composeMail(ev, "az", nil, time.UTC, "")
	if subject != "Halın cavab müddəti keçib — migration" {
		t.Fatal(subject)
	}
}
