// Package locale is the one home of Qiymət's languages and of the way each of them writes numbers. It is a
// leaf: the pages, the PDF report and the domain all take the language list and the number formatting from
// here, so a figure reads the same wherever it is shown.
package locale

import "strings"

// Langs are the supported languages, az first: az is the fallback wherever a reader's language is unknown.
var Langs = []string{"az", "en", "ru"}

// Name is a language's name in that language, for language switchers: Azərbaycanca, English, Русский.
func Name(l string) string {
	switch l {
	case "az":
		return "Azərbaycanca"
	case "en":
		return "English"
	case "ru":
		return "Русский"
	}
	return l
}

// Valid reports whether l is one of Langs.
func Valid(l string) bool { return l == "az" || l == "en" || l == "ru" }

// Parse reads a language a person or a link wrote: "ru", "RU", "ru-RU" or "ru_RU" are all Russian. ok is false
// for anything that is not az, en or ru.
func Parse(s string) (lang string, ok bool) {
	if len(s) > 35 { // the longest language tag BCP 47 bothers with
		return "", false
	}
	l, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(s), "_", "-"), "-")
	return l, Valid(l)
}

// Plural is the CLDR plural category of an integer count: az and en have "one" and "other", ru has "one"
// (1, 21, …), "few" (2–4, 22–24, …) and "many" (the rest, 11–14 included).
func Plural(lang string, n int64) string {
	if n < 0 {
		n = -n
	}
	if lang != "ru" {
		if n == 1 {
			return "one"
		}
		return "other"
	}
	m10, m100 := n%10, n%100
	switch {
	case m10 == 1 && m100 != 11:
		return "one"
	case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
		return "few"
	}
	return "many"
}
