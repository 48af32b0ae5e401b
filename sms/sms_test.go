package sms

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestCountText(t *testing.T) {
	a, e, z := strings.Repeat, "€", "ə"
	cases := []struct {
		name, text string
		enc        string
		units, seg int
	}{
		{"empty", "", GSM7, 0, 0},
		{"one GSM-7 segment", a("a", 160), GSM7, 160, 1},
		{"two GSM-7 segments", a("a", 161), GSM7, 161, 2},
		{"two full GSM-7 segments", a("a", 306), GSM7, 306, 2},
		{"three GSM-7 segments", a("a", 307), GSM7, 307, 3},
		{"extension chars take two septets", a(e, 80), GSM7, 160, 1},
		{"one more extension char", a(e, 81), GSM7, 162, 2},
		{"every extension char", "^{}\\[~]|€\f", GSM7, 20, 1},
		{"basic letters with accents", "ÄÖÑÜäöñüàèéùìòÇØøÅåÆæßÉ£$¥§¿¡ΔΦΓΛΩΠΨΣΘΞ@_\n\r", GSM7, 43, 1},
		// 152 + [€ does not fit in 153] → 2 + 151, then 1 more: the escape never straddles segments.
		{"escape not split", a("a", 152) + e + a("a", 152), GSM7, 306, 3},
		{"Azerbaijani ə is UCS-2", "Əla", UCS2, 3, 1},
		{"lower-case ç is not GSM-7", "ç", UCS2, 1, 1},
		{"Cyrillic", "Привет", UCS2, 6, 1},
		{"one UCS-2 segment", a(z, 70), UCS2, 70, 1},
		{"two UCS-2 segments", a(z, 71), UCS2, 71, 2},
		{"two full UCS-2 segments", a(z, 134), UCS2, 134, 2},
		{"three UCS-2 segments", a(z, 135), UCS2, 135, 3},
		{"a surrogate pair is two units", a(z, 68) + "😀", UCS2, 70, 1},
		// 66 + [😀 does not fit in 67] → 2 + 65, then 1 more: a surrogate pair is never split.
		{"surrogate pair not split", a(z, 66) + "😀" + a(z, 66), UCS2, 134, 3},
		{"one non-GSM char makes it all UCS-2", a("a", 100) + "ş", UCS2, 101, 2},
	}
	for _, c := range cases {
		got := CountText(c.text)
		if got.Encoding != c.enc || got.Units != c.units || got.Segments != c.seg {
			t.Errorf("%s: %+v, want %s %d units %d segments", c.name, got, c.enc, c.units, c.seg)
		}
	}
}

func TestRender(t *testing.T) {
	got := Render("{sender}: {agency} {url} {other}", "Qiymet", "DMX {url}", "https://x/r/1")
	if got != "Qiymet: DMX {url} https://x/r/1 {other}" {
		t.Fatalf("Render: %q", got)
	}
}

// FuzzCountText checks the counter's invariants on any text: the encoding is GSM-7 exactly when every
// character is in its alphabets; UCS-2 units are UTF-16 code units; segments hold what they must.
func FuzzCountText(f *testing.F) {
	for _, s := range []string{"", "hello", "Xidmətimizi qiymətləndirin", "Оцените", "€€€{}", "😀😀", strings.Repeat("a", 153) + "€", "\xff\xfe", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CountText(s)
		n := utf8.RuneCountInString(s)
		if c.Chars != n {
			t.Fatalf("%q: %d chars, want %d", s, c.Chars, n)
		}
		gsm := true
		for _, r := range s {
			if _, ok := septets[r]; !ok {
				gsm = false
			}
		}
		single, multi := GSM7Single, GSM7Multi
		if gsm {
			if c.Encoding != GSM7 || c.Units < n || c.Units > 2*n {
				t.Fatalf("%q: %+v", s, c)
			}
		} else {
			single, multi = UCS2Single, UCS2Multi
			if want := len(utf16.Encode([]rune(s))); c.Encoding != UCS2 || c.Units != want {
				t.Fatalf("%q: %+v, want UCS-2 with %d units", s, c, want)
			}
		}
		switch {
		case c.Units == 0 && c.Segments != 0, c.Units > 0 && c.Units <= single && c.Segments != 1:
			t.Fatalf("%q: %+v", s, c)
		case c.Units > single && (c.Segments < (c.Units+multi-1)/multi || c.Segments > (c.Units+multi-2)/(multi-1)+1):
			// at least the naive count, and at most one wasted unit per segment more
			t.Fatalf("%q: %+v", s, c)
		}
	})
}
