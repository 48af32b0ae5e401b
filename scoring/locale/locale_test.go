package locale

import (
	"math"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	for _, l := range Langs {
		if !Valid(l) {
			t.Errorf("Valid(%q) = false", l)
		}
	}
	for _, l := range []string{"", "de", "AZ", "az-AZ"} {
		if Valid(l) {
			t.Errorf("Valid(%q) = true", l)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int64]string{1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many", 21: "one", 22: "few", 25: "many", 111: "many", 112: "many", 0: "many"} {
		if got := Plural("ru", n); got != want {
			t.Errorf("Plural(ru, %d) = %s, want %s", n, got, want)
		}
	}
	for n, want := range map[int64]string{0: "other", 1: "one", 2: "other", 21: "other"} {
		for _, lang := range []string{"az", "en"} {
			if got := Plural(lang, n); got != want {
				t.Errorf("Plural(%s, %d) = %s, want %s", lang, n, got, want)
			}
		}
	}
}

func TestPageNumbers(t *testing.T) {
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
		// Half away from zero on the shortest decimal form, as in the PDF (the pages used to print 92.77
		// and 92.8: the binary value of 92.775 is slightly below it, and 92.85 slightly below too).
		{"en", 92.775, 2, "92.78"},
		{"en", 92.85, 1, "92.9"},
		{"en", 0.125, 2, "0.13"},
	}
	for _, c := range cases {
		if got := Page(c.lang).Number(c.v, c.d); got != c.want {
			t.Errorf("Page(%s).Number(%v, %d) = %q, want %q", c.lang, c.v, c.d, got, c.want)
		}
	}
	if got := Page("ru").Integer(-51234); got != "−51\u202f234" {
		t.Errorf("Page(ru).Integer(-51234) = %q", got)
	}
}

func TestPrintNumbers(t *testing.T) {
	az, en, ru := Print("az"), Print("en"), Print("ru")
	for _, c := range []struct {
		s    Style
		x    float64
		want string
	}{
		{az, 92.775, "92,78"}, {en, 92.775, "92.78"}, {ru, 92.775, "92,78"},
		{en, 1.005, "1.01"}, {en, 2.675, "2.68"}, {en, -2.675, "-2.68"}, {en, -0.001, "0.00"},
		{en, 99.995, "100.00"}, {en, 9.999, "10.00"}, {en, 0, "0.00"}, {en, 100, "100.00"},
		{az, 1234.5, "1.234,50"}, {ru, 1234.5, "1\u00a0234,50"}, {en, 1234567.891, "1,234,567.89"},
	} {
		if got := c.s.Number(c.x, 2); got != c.want {
			t.Errorf("%+v Number(%v) = %q, want %q", c.s, c.x, got, c.want)
		}
	}
	for _, c := range []struct{ got, want string }{
		{en.Signed(1.234, 2), "+1.23"}, {en.Signed(-0.001, 2), "0.00"}, {en.Signed(-1.5, 1), "-1.5"},
		{az.Integer(51234), "51.234"}, {en.Integer(512), "512"}, {en.Integer(1234), "1,234"},
		{en.Percent(0.95), "95%"}, {az.Percent(0.975), "97,5%"},
		{en.Trimmed(25), "25"}, {az.Trimmed(12.5), "12,5"}, {az.Trimmed(1234.25), "1.234,25"},
		{en.Number(math.NaN(), 2), "—"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"ru", "ru", true}, {"RU", "ru", true}, {"ru-RU", "ru", true}, {"az_Latn_AZ", "az", true}, {"en-GB", "en", true},
		{"", "", false}, {"de", "de", false}, {"-ru", "", false}, {"r", "r", false}, {strings.Repeat("ru-", 20), "", false},
	} {
		if got, ok := Parse(c.in); ok != c.ok || (ok && got != c.want) {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
