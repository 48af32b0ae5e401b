// Package sms counts how many message segments a text takes (GSM 03.38 / 3GPP TS 23.038) and fills the
// invitation text templates. Operators bill per segment, so the admin page shows the count as one types.
package sms

import (
	"strings"
	"unicode/utf16"
)

// Encodings of a message.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// gsmBasic is the GSM-7 default alphabet (one septet each); gsmExtension the characters reached through the
// escape (two septets each).
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

var septets = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Count is the size of a text as an SMS.
type Count struct {
	Encoding string `json:"encoding"` // GSM7 when every character is in the GSM-7 alphabets, else UCS2
	Units    int    `json:"units"`    // septets (GSM-7) or UTF-16 code units (UCS-2)
	Segments int    `json:"segments"` // 0 for an empty text
	Chars    int    `json:"chars"`    // characters (runes)
}

// Single-message and per-segment capacities: a long message's segments carry a 6-byte header (UDH), which
// costs 7 septets or 3 UTF-16 units each.
const (
	GSM7Single, GSM7Multi = 160, 153
	UCS2Single, UCS2Multi = 70, 67
)

// CountText counts s. A character never straddles two segments: an escaped GSM-7 character or a UTF-16
// surrogate pair that would not fit in a segment's remainder starts the next one, as phones split them.
func CountText(s string) Count {
	sizes := make([]int, 0, len(s))
	enc := GSM7
	for _, r := range s {
		n, ok := septets[r]
		if !ok {
			enc = UCS2
			break
		}
		sizes = append(sizes, n)
	}
	single, multi := GSM7Single, GSM7Multi
	if enc == UCS2 {
		single, multi = UCS2Single, UCS2Multi
		sizes = sizes[:0]
		for _, r := range s {
			sizes = append(sizes, len(utf16.Encode([]rune{r})))
		}
	}
	c := Count{Encoding: enc, Chars: len(sizes)}
	for _, n := range sizes {
		c.Units += n
	}
	switch {
	case c.Units == 0:
		c.Segments = 0
	case c.Units <= single:
		c.Segments = 1
	default:
		c.Segments, c.Units = 1, 0
		used := 0
		for _, n := range sizes {
			if used+n > multi {
				c.Segments++
				used = 0
			}
			used += n
			c.Units += n
		}
	}
	return c
}

// Placeholders of a template: the sender's name, the agency's (short) name and the link.
const (
	Sender = "{sender}"
	Agency = "{agency}"
	URL    = "{url}"
)

// Render fills a template.
func Render(template, sender, agency, url string) string {
	return strings.NewReplacer(Sender, sender, Agency, agency, URL, url).Replace(template)
}
