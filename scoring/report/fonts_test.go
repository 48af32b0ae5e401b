package report

import (
	"slices"

	"golang.org/x/text/unicode/norm"
)

// missingGlyphs returns the distinct runes of s (after NFC normalisation) for which the embedded fonts have
// no glyph, in order of first appearance. Spaces and line breaks are not reported. Write itself replaces such
// runes (see sanitize); the tests use this to check that nothing a report draws needs replacing.
func missingGlyphs(s string) []rune {
	c, err := loadCoverage()
	if err != nil {
		return []rune(s)
	}
	var missing []rune
	for _, r := range norm.NFC.String(s) {
		if r == '\n' || r == '\t' || c.has(r) {
			continue
		}
		if !slices.Contains(missing, r) {
			missing = append(missing, r)
		}
	}
	return missing
}
