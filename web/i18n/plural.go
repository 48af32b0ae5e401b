package i18n

import "github.com/qiymet/qiymet/scoring/locale"

// TN is the message key+"."+plural category of n in lang (one/other in az and en; one/few/many in ru),
// formatted with n written the way the language writes counts. A missing category falls back to ".other",
// then ".many".
func TN(lang, key string, n int64, args ...any) string {
	k := key + "." + locale.Plural(lang, n)
	if !Has(k) {
		k = key + ".other"
		if !Has(k) {
			k = key + ".many"
		}
	}
	return T(lang, k, append([]any{locale.Page(lang).Integer(n)}, args...)...)
}
