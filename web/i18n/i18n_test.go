package i18n

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// Every registered message must exist in all three languages.
func TestEveryMessageHasThreeLanguages(t *testing.T) {
	for _, k := range Keys() {
		m, _ := Lookup(k)
		if strings.TrimSpace(m.AZ) == "" || strings.TrimSpace(m.EN) == "" || strings.TrimSpace(m.RU) == "" {
			t.Errorf("message %q lacks a language: %+v", k, m)
		}
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
