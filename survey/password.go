package survey

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// MinPasswordLen is the shortest password accepted (docs/api.md, users).
const MinPasswordLen = 12

// commonPasswordsText is the 10,000 most common passwords, most common first, one a line: the first 10,000
// entries of passwords.json in the npm package @zxcvbn-ts/language-common 4.1.3 (MIT, see
// common_passwords.LICENSE.txt), a frequency-ranked list of passwords seen in public breaches. Regenerate with
// `npm pack @zxcvbn-ts/language-common` and the first 10,000 entries of src/passwords.json.
//
//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 10000)
	for _, p := range strings.Split(strings.TrimRight(commonPasswordsText, "\n"), "\n") {
		m[p] = struct{}{}
	}
	return m
})

// The two ways a new password is refused; web translates them by identity.
var (
	ErrPasswordLength = FieldError("password", "a password needs at least %d characters and at most 72 bytes", MinPasswordLen)
	ErrPasswordCommon = FieldError("password", "this password is among the 10,000 most common; choose another")
)

// CheckPassword applies the rule for every password that is set (user add, reset, the admin forms): at least
// MinPasswordLen characters, at most 72 bytes (bcrypt reads no more), and not among the most common
// passwords, compared case-insensitively (the list is lower-case).
func CheckPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLen || len(p) > 72 {
		return ErrPasswordLength
	}
	if IsCommonPassword(p) {
		return ErrPasswordCommon
	}
	return nil
}

// IsCommonPassword reports whether p, lower-cased, is among the 10,000 most common passwords.
func IsCommonPassword(p string) bool {
	_, ok := commonPasswords()[strings.ToLower(p)]
	return ok
}
