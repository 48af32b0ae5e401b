package report

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// The report draws every letter with these two embedded fonts (Noto Sans,
// SIL Open Font License 1.1, see fonts/OFL.txt), so the PDF renders the same
// everywhere and every Azerbaijani and Russian letter is present.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	fontRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	fontBold []byte
)

const fontFamily = "noto"

// coverage is a bitset over the Basic Multilingual Plane: a bit is set when
// both embedded fonts have a glyph for the rune. fpdf's UTF-8 font support is
// limited to the BMP anyway.
type coverage [0x10000 / 64]uint64

var loadCoverage = sync.OnceValues(func() (*coverage, error) {
	var c coverage
	fonts := make([]*sfnt.Font, 0, 2)
	for _, b := range [][]byte{fontRegular, fontBold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, err
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := rune(0); r < 0x10000; r++ {
		ok := true
		for _, f := range fonts {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				ok = false
				break
			}
		}
		if ok {
			c[r/64] |= 1 << (uint(r) % 64)
		}
	}
	return &c, nil
})

func (c *coverage) has(r rune) bool {
	if r < 0 || r >= 0x10000 {
		return false
	}
	return c[r/64]&(1<<(uint(r)%64)) != 0
}

// fallbacks replace common typographic characters that Noto Sans lacks, and
// drop invisible ones that would otherwise be drawn (a soft hyphen has a
// visible glyph) or have none.
var fallbacks = map[rune]string{
	'\u2212': "-",  // minus sign
	'\u2264': "<=", // less-than or equal
	'\u2265': ">=", // greater-than or equal
	'\u2190': "<-",
	'\u2192': "->",
	'\u2248': "~",
	'\u00ad': "", // soft hyphen
	'\u200b': "", // zero-width space
	'\u200c': "", // zero-width non-joiner
	'\u200d': "", // zero-width joiner
	'\u200e': "", // left-to-right mark
	'\u200f': "", // right-to-left mark
	'\u2060': "", // word joiner
	'\ufeff': "", // byte order mark
}

// sanitize makes s drawable: NFC-normalised, control characters turned into
// spaces, and runes without a glyph replaced by a close substitute or "?".
// Strings made only of covered runes are returned unchanged, without
// allocating.
func sanitize(s string) string {
	c, err := loadCoverage()
	if err != nil {
		return s
	}
	clean := true
	for _, r := range s {
		if r < 0x80 && r >= 0x20 && r != 0x7f {
			continue
		}
		if _, drop := fallbacks[r]; drop || unicode.IsControl(r) || !c.has(r) {
			clean = false
			break
		}
	}
	if clean && norm.NFC.IsNormalString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		switch {
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			if f, ok := fallbacks[r]; ok {
				b.WriteString(f)
			} else if c.has(r) {
				b.WriteRune(r)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}
