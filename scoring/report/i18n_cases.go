package report

// Strings of the case figures (CONTRACT §11) in each agency section. Merged into messages.
func init() {
	for lang, m := range caseMessages {
		for k, v := range m {
			if _, dup := messages[lang][k]; dup {
				panic("report: message " + k + " defined twice")
			}
			messages[lang][k] = v
		}
	}
}

var caseMessages = map[string]map[string]string{
	"en": {
		"cases_line":    "Cases from low ratings opened in the period: {opened}; resolved within the SLA: {pct}.",
		"cases_pending": "none decided yet",
	},
	"az": {
		"cases_line":    "Dövr ərzində aşağı qiymətlər üzrə açılmış müraciətlər: {opened}; SLA müddətində həll edilib: {pct}.",
		"cases_pending": "hələ heç biri yekunlaşmayıb",
	},
	"ru": {
		"cases_line":    "Обращений по низким оценкам, открытых за период: {opened}; решено в срок SLA: {pct}.",
		"cases_pending": "пока ни одно не завершено",
	},
}

// casesLine states an agency's case figures.
func (l loc) casesLine(c *CaseFigures) string {
	pct := l.t("cases_pending")
	if c.ResolvedInSLA != nil {
		pct = l.Number(*c.ResolvedInSLA, 2) + " %"
	}
	return l.t("cases_line", "opened", l.Integer(c.Opened), "pct", pct)
}
