package survey_test

import (
	"testing"

	"github.com/qiymet/qiymet/survey"
)

func TestFoldAZ(t *testing.T) {
	for in, want := range map[string]string{
		"İŞ YERİ":      "iş yeri",
		"QIZ":          "qız",
		"ÇOX GÖZLƏDİM": "çox gözlədim",
		"ОЧЕНЬ ДОЛГО":  "очень долго",
		"I\u0307ş":     "iş", // I + combining dot above, as some keyboards type İ
		"":             "",
	} {
		if got := survey.FoldAZ(in); got != want {
			t.Errorf("FoldAZ(%q) = %q, want %q", in, got, want)
		}
	}
}
