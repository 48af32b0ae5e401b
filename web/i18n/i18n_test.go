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

func TestNumber(t *testing.T) {
	cases := []struct {
		lang string
		v    float64
		d    int
		want string
	}{
		{"en", 92.78, 2, "92.78"},
		{"az", 92.78, 2, "92,78"},
		{"ru", 92.78, 2, "92,78"},
		{"en", 51234, 0, "51,234"},
		{"az", 51234, 0, "51\u202f234"},
		{"en", 1234, 0, "1234"},
		{"en", -1.5, 2, "−1.50"},
		{"en", -0.001, 2, "0.00"},
	}
	for _, c := range cases {
		if got := Number(c.lang, c.v, c.d); got != c.want {
			t.Errorf("Number(%s, %v, %d) = %q, want %q", c.lang, c.v, c.d, got, c.want)
		}
	}
}

func TestPluralRU(t *testing.T) {
	for n, want := range map[int64]string{1: "раз", 2: "раза", 5: "раз_", 11: "раз_", 21: "раз", 22: "раза", 112: "раз_"} {
		if got := PluralRU(n, "раз", "раза", "раз_"); got != want {
			t.Errorf("PluralRU(%d) = %s, want %s", n, got, want)
		}
	}
}
