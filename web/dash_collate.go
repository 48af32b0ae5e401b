package web

import (
	"sort"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// collateTags name the languages' alphabetical orders (Azerbaijani: … c ç d e ə f g ğ h x ı i …; Russian: ё
// with е). A collate.Collator is not safe for concurrent use, so each sort makes its own (cheap: the tables
// are shared).
var collateTags = map[string]language.Tag{"az": language.Azerbaijani, "en": language.English, "ru": language.Russian}

// sortByName orders items by name(item) in lang's alphabetical order; equal names keep their order.
func sortByName[T any](lang string, items []T, name func(T) string) {
	tag, ok := collateTags[lang]
	if !ok {
		tag = language.Azerbaijani
	}
	c := collate.New(tag)
	sort.SliceStable(items, func(i, j int) bool { return c.CompareString(name(items[i]), name(items[j])) < 0 })
}
