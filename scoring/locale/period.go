package locale

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Period names for people. The functions take a period's contract label ("2026", "2026-H2", "2026-Q3",
// "2026-08", "2026-01-05..2026-02-10") rather than a scoring.Period, so this package stays a leaf that the
// pages, the PDF report and the domain can all use. A label they do not recognise is returned unchanged.

var monthNames = map[string][12]string{
	"az": {"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"ru": {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
}

// monthsGenitive is the form after a day number ("5 декабря"); az and en do not change.
var ruMonthsGenitive = [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

var roman = [5]string{"", "I", "II", "III", "IV"}

// azOrdinal is the written ordinal suffix of a number in Azerbaijani ("2026-cı", "2024-cü", "2030-cu"): it
// follows the vowel harmony of the number's last spoken word.
func azOrdinal(n int) string {
	word := n
	switch {
	case n%10 != 0:
		word = n % 10
	case n%100 != 0:
		word = n % 100
	case n%1000 != 0:
		return strconv.Itoa(n) + "-cü" // yüz
	default:
		return strconv.Itoa(n) + "-ci" // min
	}
	suffix := map[int]string{1: "-ci", 2: "-ci", 3: "-cü", 4: "-cü", 5: "-ci", 6: "-cı", 7: "-ci", 8: "-ci", 9: "-cu",
		10: "-cu", 20: "-ci", 30: "-cu", 40: "-cı", 50: "-ci", 60: "-cı", 70: "-ci", 80: "-ci", 90: "-cı"}
	return strconv.Itoa(n) + suffix[word]
}

// parsedLabel is a label taken apart: kind is "year", "half", "quarter", "month", "custom" or "".
type parsedLabel struct {
	kind     string
	year, n  int
	from, to time.Time
}

func parseLabel(label string) parsedLabel {
	if a, b, ok := strings.Cut(label, ".."); ok {
		f, err1 := time.Parse(time.DateOnly, a)
		t, err2 := time.Parse(time.DateOnly, b)
		if err1 != nil || err2 != nil {
			return parsedLabel{}
		}
		return parsedLabel{kind: "custom", from: f, to: t}
	}
	ys, rest, _ := strings.Cut(label, "-")
	y, err := strconv.Atoi(ys)
	if err != nil || len(ys) != 4 {
		return parsedLabel{}
	}
	switch {
	case rest == "":
		return parsedLabel{kind: "year", year: y}
	case len(rest) == 2 && rest[0] == 'H' && (rest[1] == '1' || rest[1] == '2'):
		return parsedLabel{kind: "half", year: y, n: int(rest[1] - '0')}
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return parsedLabel{kind: "quarter", year: y, n: int(rest[1] - '0')}
	case len(rest) == 2:
		if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
			return parsedLabel{kind: "month", year: y, n: m}
		}
	}
	return parsedLabel{}
}

// PeriodName is a period's name in lang: "2026-cı ilin III rübü", "III квартал 2026 г.", "Q3 2026"; halves,
// months, years and custom ranges likewise.
func PeriodName(lang, label string) string {
	p := parseLabel(label)
	y := strconv.Itoa(p.year)
	switch lang {
	case "az":
		switch p.kind {
		case "year":
			return azOrdinal(p.year) + " il"
		case "half":
			return azOrdinal(p.year) + " ilin " + roman[p.n] + " yarımili"
		case "quarter":
			return azOrdinal(p.year) + " ilin " + roman[p.n] + " rübü"
		case "month":
			return UpperFirst("az", monthNames["az"][p.n-1]) + " " + y
		}
	case "ru":
		switch p.kind {
		case "year":
			return y + " г."
		case "half":
			return roman[p.n] + " полугодие " + y + " г."
		case "quarter":
			return roman[p.n] + " квартал " + y + " г."
		case "month":
			return UpperFirst("ru", monthNames["ru"][p.n-1]) + " " + y + " г."
		}
	default:
		switch p.kind {
		case "year":
			return y
		case "half":
			return "H" + strconv.Itoa(p.n) + " " + y
		case "quarter":
			return "Q" + strconv.Itoa(p.n) + " " + y
		case "month":
			return monthNames["en"][p.n-1] + " " + y
		}
	}
	if p.kind == "custom" {
		return Date(lang, p.from) + " – " + Date(lang, p.to)
	}
	return label
}

// PeriodShort is the compact name of a chart axis: "III rüb 2026", "III кв. 2026", "Q3 2026", "dek 2026".
func PeriodShort(lang, label string) string {
	p := parseLabel(label)
	y := strconv.Itoa(p.year)
	switch p.kind {
	case "quarter":
		switch lang {
		case "az":
			return roman[p.n] + " rüb " + y
		case "ru":
			return roman[p.n] + " кв. " + y
		}
	case "half":
		switch lang {
		case "az":
			return roman[p.n] + " yarımil " + y
		case "ru":
			return roman[p.n] + " пол. " + y
		}
	case "month":
		m := []rune(monthNames[langOrEn(lang)][p.n-1])
		return string(m[:3]) + " " + y
	case "year":
		return y
	case "custom":
		return DateNumeric(lang, p.from) + "–" + DateNumeric(lang, p.to)
	}
	return PeriodName(lang, label)
}

func langOrEn(lang string) string {
	if Valid(lang) {
		return lang
	}
	return "en"
}

// UpperFirst capitalises the first letter of s by the rules of lang: in Azerbaijani (as in Turkish) the capital of
// i is İ, where unicode.ToUpper gives I ("Iyul" for "İyul").
func UpperFirst(lang, s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if lang == "az" && r == 'i' {
		return "İ" + s[n:]
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Date writes a day in lang: "5 dekabr 2026", "5 декабря 2026 г.", "5 December 2026".
func Date(lang string, t time.Time) string {
	d, y := strconv.Itoa(t.Day()), strconv.Itoa(t.Year())
	switch lang {
	case "az":
		return d + " " + monthNames["az"][t.Month()-1] + " " + y
	case "ru":
		return d + " " + ruMonthsGenitive[t.Month()-1] + " " + y + " г."
	}
	return d + " " + monthNames["en"][t.Month()-1] + " " + y
}

// DateNumeric is the short numeric form: 05.12.2026 in az and ru, 2026-12-05 in en.
func DateNumeric(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format(time.DateOnly)
	}
	return t.Format("02.01.2006")
}

// DateTime is a numeric date with the time of day: "05.12.2026 14:03" (az, ru), "2026-12-05 14:03" (en).
func DateTime(lang string, t time.Time) string { return DateNumeric(lang, t) + " " + t.Format("15:04") }
