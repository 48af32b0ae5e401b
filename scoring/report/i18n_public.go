package report

// Strings of the public edition (Input.Withhold, CONTRACT §10): figures below min_n are printed only as the
// word "insufficient". Merged into messages.
func init() {
	for lang, m := range publicMessages {
		for k, v := range m {
			if _, dup := messages[lang][k]; dup {
				panic("report: message " + k + " defined twice")
			}
			messages[lang][k] = v
		}
	}
}

var publicMessages = map[string]map[string]string{
	"en": {"insufficient": "insufficient"},
	"az": {"insufficient": "kifayət deyil"},
	"ru": {"insufficient": "недостаточно"},
}
