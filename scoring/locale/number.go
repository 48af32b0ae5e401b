package locale

import (
	"math"
	"strconv"
	"strings"
)

// Style is how one language writes numbers in one medium. Pages and the PDF report share the digits and the
// rounding (Digits) and differ only in typography: pages use the typographic minus and a narrow no-break
// space between thousands from five digits on; the PDF, set in Noto Sans, keeps its print conventions
// (hyphen-minus, az 1.234, ru 1 234 with a no-break space, grouping from four digits).
type Style struct {
	Decimal   string // decimal separator
	Group     string // thousands separator
	Minus     string // sign of negative numbers
	GroupFrom int    // thousands are grouped when the integer part has at least this many digits
}

// Page is the style of the web pages: 92,78 in az and ru, 92.78 in en.
func Page(lang string) Style {
	if lang == "en" {
		return Style{Decimal: ".", Group: ",", Minus: "−", GroupFrom: 5}
	}
	return Style{Decimal: ",", Group: "\u202f", Minus: "−", GroupFrom: 5}
}

// Print is the style of the PDF report: 1.234,50 (az), 1 234,50 (ru), 1,234.50 (en).
func Print(lang string) Style {
	switch lang {
	case "az":
		return Style{Decimal: ",", Group: ".", Minus: "-", GroupFrom: 4}
	case "ru":
		return Style{Decimal: ",", Group: "\u00a0", Minus: "-", GroupFrom: 4}
	}
	return Style{Decimal: ".", Group: ",", Minus: "-", GroupFrom: 4}
}

// Digits rounds x to d decimals, half away from zero, and returns its sign and digits. The rounding is done
// on the shortest decimal representation of x, so 92.775 becomes 92.78 although the float is slightly below
// it, and values the caller has already rounded are printed unchanged. A result of zero is never negative.
// NaN and infinities give ok false.
func Digits(x float64, d int) (neg bool, intPart, frac string, ok bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return false, "", "", false
	}
	neg = x < 0
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	ip, fp, _ := strings.Cut(s, ".")
	roundUp := len(fp) > d && fp[d] >= '5'
	if len(fp) > d {
		fp = fp[:d]
	}
	for len(fp) < d {
		fp += "0"
	}
	digits := []byte(ip + fp)
	if roundUp {
		i := len(digits) - 1
		for ; i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			break
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		}
	}
	ip, fp = string(digits[:len(digits)-d]), string(digits[len(digits)-d:])
	if strings.Trim(ip+fp, "0") == "" {
		neg = false
	}
	return neg, ip, fp, true
}

// Number formats x with d decimals. NaN and infinities print as an em dash.
func (s Style) Number(x float64, d int) string {
	neg, ip, fp, ok := Digits(x, d)
	if !ok {
		return "—"
	}
	out := s.group(ip)
	if d > 0 {
		out += s.Decimal + fp
	}
	if neg {
		out = s.Minus + out
	}
	return out
}

// Trimmed is Number with up to 2 decimals and no trailing zeros: 25, 12,5.
func (s Style) Trimmed(x float64) string {
	out := s.Number(x, 2)
	if out != "—" && strings.Contains(out, s.Decimal) {
		out = strings.TrimSuffix(strings.TrimRight(out, "0"), s.Decimal)
	}
	return out
}

// Signed is Number with an explicit "+" on values that do not round to zero.
func (s Style) Signed(x float64, d int) string {
	out := s.Number(x, d)
	if out != "—" && !strings.HasPrefix(out, s.Minus) && strings.Trim(out, "0.,") != "" {
		out = "+" + out
	}
	return out
}

// Integer formats a count with thousands grouped.
func (s Style) Integer(n int64) string {
	digits := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(digits, "-")
	out := s.group(strings.TrimPrefix(digits, "-"))
	if neg {
		out = s.Minus + out
	}
	return out
}

// Percent formats a share such as 0.95 as "95%", with one decimal when the percentage is not whole (97,5%).
func (s Style) Percent(share float64) string {
	x := share * 100
	d := 0
	if math.Abs(x-math.Round(x)) > 1e-9 {
		d = 1
	}
	return s.Number(x, d) + "%"
}

// group inserts the thousands separator into a run of digits.
func (s Style) group(digits string) string {
	if len(digits) < max(s.GroupFrom, 4) {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(s.Group)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
