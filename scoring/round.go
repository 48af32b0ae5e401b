package scoring

import (
	"math"
	"strconv"
)

// roundDigits is how many significant decimal digits Round2 trusts.
//
// A float64 carries ~16 digits, but the figures we round are means and ratios
// whose last few bits are noise from summation order and binary representation:
// 2.675 is stored as 2.67499999999999982…, and a mean that is exactly 92.775 on
// paper may come out as 92.77499999999999. Reading the value at 12 significant
// digits first (a relative tolerance of 5e-12, i.e. 5e-10 at 100) treats such
// values as the decimal tie they stand for, while any genuinely different mean of
// real responses lies many orders of magnitude further from the tie.
const roundDigits = 12

// Round2 rounds x to 2 decimals, half away from zero, on its decimal
// representation at roundDigits significant digits (see roundDigits):
// 2.675 → 2.68, -1.005 → -1.01, 92.77499999999999 → 92.78, 92.774999999 → 92.77.
// A zero result is +0 (never "-0" in JSON). NaN and ±Inf are returned as is.
func Round2(x float64) float64 {
	// Fast path (a ranking rounds every row's key of every period its streak walk visits): away from a
	// decimal tie, reading x at roundDigits digits moves |x|·100 by far less than its distance to the tie,
	// so rounding the binary value directly gives the same q. Ties and near-ties take the decimal path.
	if y := math.Abs(x) * 100; y < 1e9 {
		fl := math.Floor(y)
		if f := y - fl; math.Abs(f-0.5) > 1e-9*(y+1) {
			if f > 0.5 {
				fl++
			}
			if fl == 0 {
				return 0
			}
			return math.Copysign(fl/100, x)
		}
	}
	return round2Decimal(x)
}

// round2Decimal is Round2 on x's decimal representation at roundDigits significant digits.
func round2Decimal(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	// "d.ddddddddddde±XX": roundDigits significant digits, then the exponent.
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], math.Abs(x), 'e', roundDigits-1, 64)
	var m int64
	i := 0
	for ; s[i] != 'e'; i++ {
		if s[i] != '.' {
			m = m*10 + int64(s[i]-'0')
		}
	}
	e := 0
	for _, c := range s[i+2:] {
		e = e*10 + int(c-'0')
	}
	if s[i+1] == '-' {
		e = -e
	}
	// |x| = m · 10^(e-(roundDigits-1)); we want q = round(|x|·100) = round(m / 10^shift).
	shift := roundDigits - 3 - e
	var q int64
	switch {
	case shift <= 0: // already no finer than 0.01 at this precision
		return x
	case shift > roundDigits: // |x| < 0.001: rounds to 0
		q = 0
	default:
		p := int64(math.Pow10(shift))
		q = m / p
		if 2*(m%p) >= p {
			q++
		}
	}
	if q == 0 {
		return 0
	}
	// q and 100 are exact, so the division yields the double nearest q/100.
	return math.Copysign(float64(q)/100, x)
}
