// Package i18n holds every user-facing string in az, en and ru, picks the reader's language, and formats
// numbers the way each language writes them.
package i18n

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Langs are the supported languages, az first (the fallback).
var Langs = []string{"az", "en", "ru"}

// Text is one message in the three languages.
type Text struct{ AZ, EN, RU string }

var (
	mu       sync.RWMutex
	messages = map[string]Text{}
)

// Add registers messages; each feature calls it from an init() in its own file. A key added twice panics,
// so two features cannot silently overwrite each other's text.
func Add(m map[string]Text) {
	mu.Lock()
	defer mu.Unlock()
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("i18n: message " + k + " registered twice")
		}
		messages[k] = v
	}
}

// T returns the message key in lang, formatted with args (fmt verbs). A missing key shows itself, loudly.
func T(lang, key string, args ...any) string {
	mu.RLock()
	m, ok := messages[key]
	mu.RUnlock()
	if !ok {
		return "!" + key + "!"
	}
	s := m.AZ
	switch lang {
	case "en":
		s = m.EN
	case "ru":
		s = m.RU
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Keys lists every registered key (for the completeness test).
func Keys() []string {
	mu.RLock()
	defer mu.RUnlock()
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Lookup returns the raw message.
func Lookup(key string) (Text, bool) {
	mu.RLock()
	defer mu.RUnlock()
	m, ok := messages[key]
	return m, ok
}

// Valid reports whether l is a supported language.
func Valid(l string) bool { return l == "az" || l == "en" || l == "ru" }

var matcher = language.NewMatcher([]language.Tag{language.Azerbaijani, language.English, language.Russian})

// CookieName remembers the reader's choice.
const CookieName = "lang"

// Negotiate picks the language: ?lang=, then the lang cookie, then Accept-Language, then az.
func Negotiate(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); Valid(l) {
		return l
	}
	if c, err := r.Cookie(CookieName); err == nil && Valid(c.Value) {
		return c.Value
	}
	return FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// FromAcceptLanguage matches an Accept-Language header against az/en/ru (az when nothing matches).
func FromAcceptLanguage(h string) string {
	if h == "" || len(h) > 512 {
		return "az"
	}
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return "az"
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return "az"
	}
	return Langs[idx]
}

// Number formats v with the given decimals: "92.78" in en, "92,78" in az and ru; thousands are grouped
// with a thin no-break space in az/ru and a comma in en.
func Number(lang string, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	sep, dec := ",", "."
	if lang != "en" {
		sep, dec = "\u202f", ","
	}
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 && len(intPart) > 4 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// Int formats a count with grouping.
func Int(lang string, n int64) string { return Number(lang, float64(n), 0) }

// PluralRU picks the Russian form for n: one (1, 21…), few (2–4, 22–24…), many (the rest).
func PluralRU(n int64, one, few, many string) string {
	n = n % 100
	if n < 0 {
		n = -n
	}
	switch {
	case n%10 == 1 && n != 11:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n < 12 || n > 14):
		return few
	}
	return many
}
