package i18n

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Every registered message must exist in all three languages.
func TestEveryMessageHasThreeLanguages(t *testing.T) {
	for _, k := range Keys() {
		m := messages[k]
		if strings.TrimSpace(m.AZ) == "" || strings.TrimSpace(m.EN) == "" || strings.TrimSpace(m.RU) == "" {
			t.Errorf("message %q lacks a language: %+v", k, m)
		}
	}
}

// Every dashboard message has the same format verbs in az, en and ru, so no language shows a
// "%!d(MISSING)" (that each has all three is TestEveryMessageHasThreeLanguages).
func TestDashboardMessages(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+#0-9.]*[a-zA-Z]`)
	n := 0
	for _, k := range Keys() {
		if !strings.HasPrefix(k, "dash.") {
			continue
		}
		n++
		m := messages[k]
		az, en, ru := verbs.FindAllString(m.AZ, -1), verbs.FindAllString(m.EN, -1), verbs.FindAllString(m.RU, -1)
		if strings.Join(az, " ") != strings.Join(en, " ") || strings.Join(en, " ") != strings.Join(ru, " ") {
			t.Errorf("%s: format verbs differ: %v %v %v", k, az, en, ru)
		}
	}
	if n < 100 {
		t.Fatalf("only %d dashboard messages", n)
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ name, url, cookie, accept, want string }{
		{"query wins", "/?lang=ru", "en", "en", "ru"},
		{"bad query falls through to cookie", "/?lang=xx", "en", "ru", "en"},
		{"accept-language", "/", "", "ru-RU,ru;q=0.9,en;q=0.5", "ru"},
		{"accept english", "/", "", "en-GB", "en"},
		{"nothing matches", "/", "", "de-DE", "az"},
		{"empty", "/", "", "", "az"},
		{"garbage header", "/", "", ";;;q=x", "az"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", c.url, nil)
			if c.cookie != "" {
				r.Header.Set("Cookie", CookieName+"="+c.cookie)
			}
			if c.accept != "" {
				r.Header.Set("Accept-Language", c.accept)
			}
			if got := Negotiate(r); got != c.want {
				t.Fatalf("got %s want %s", got, c.want)
			}
		})
	}
}
