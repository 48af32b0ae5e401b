package report

import (
	"strings"
	"testing"
)

// TestCaseFiguresInAgencySections: each agency section states its cases (CONTRACT §11) in the report's
// language, "none decided yet" while no case is decided, and nothing when the input has no case figures.
func TestCaseFiguresInAgencySections(t *testing.T) {
	for _, c := range []struct {
		lang  string
		wants []string
	}{
		{"az", []string{"Dövr ərzində aşağı qiymətlər üzrə açılmış müraciətlər: 12; SLA müddətində həll edilib: 83,33 %.",
			"açılmış müraciətlər: 0; SLA müddətində həll edilib: hələ heç biri yekunlaşmayıb."}},
		{"ru", []string{"Обращений по низким оценкам, открытых за период: 12; решено в срок SLA: 83,33 %.",
			"открытых за период: 0; решено в срок SLA: пока ни одно не завершено."}},
		{"en", []string{"Cases from low ratings opened in the period: 12; resolved within the SLA: 83.33 %."}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			in := sampleInput(c.lang)
			if len(in.Agencies) < 2 {
				t.Fatal("the sample needs two agencies")
			}
			pct := 83.333
			in.Agencies[0].Cases = &CaseFigures{Opened: 12, ResolvedInSLA: &pct}
			in.Agencies[1].Cases = &CaseFigures{}
			text := strings.Join(strings.Fields(pdfText(t, render(t, in))), " ")
			for _, want := range c.wants {
				if !strings.Contains(text, want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			without := strings.Join(strings.Fields(pdfText(t, render(t, sampleInput(c.lang)))), " ")
			if strings.Contains(without, "SLA") {
				t.Error("a report without case figures mentions the SLA")
			}
		})
	}
}
