package survey

import (
	"sync"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Comment is one free-text comment with the rating it came with.
type Comment struct {
	ID          string
	SubmittedAt time.Time
	Service     string
	Center      string
	Channel     string
	Lang        string
	Status      string
	Reason      string
	Score       float64
	Answers     map[string]any
	Text        string
}

// azCasers pools Casers: one keeps state, so goroutines must not share it, and making one per call is slow.
var azCasers = sync.Pool{New: func() any { c := cases.Lower(language.Azerbaijani); return &c }}

// FoldAZ folds text for case-insensitive search the Azerbaijani way: NFC first (so "İ" typed as I + dot
// matches), then Azerbaijani lower-casing (İ→i, I→ı); Cyrillic and Latin fold as usual.
func FoldAZ(s string) string {
	if s == "" {
		return ""
	}
	c := azCasers.Get().(*cases.Caser)
	defer azCasers.Put(c)
	return c.String(norm.NFC.String(s))
}
