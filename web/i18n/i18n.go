// Package i18n holds every user-facing string in az, en and ru and picks the reader's language. The
// languages themselves and number formatting are package locale's.
package i18n

import (
	"fmt"
	"net/http"
	"sort"
	"sync"

	"github.com/qiymet/qiymet/scoring/locale"
	"golang.org/x/text/language"
)

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

// Has reports whether key is registered (an optional sentence, such as an error page's body).
func Has(key string) bool {
	mu.RLock()
	defer mu.RUnlock()
	_, ok := messages[key]
	return ok
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

// matcher knows the supported languages in the order of locale.Langs.
var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(locale.Langs))
	for i, l := range locale.Langs {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags)
}()

// CookieName remembers the reader's choice.
const CookieName = "lang"

// Negotiate picks the language: ?lang=, then the lang cookie, then Accept-Language, then az.
func Negotiate(r *http.Request) string {
	if l, ok := locale.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(CookieName); err == nil && locale.Valid(c.Value) {
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
	return locale.Langs[idx]
}
