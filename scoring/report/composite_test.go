package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/scoring/locale"
)

func f64(v float64) *float64 { return &v }

// compositeSample is the sample report with a composite section: 7 ASAN-style parameters, one group with
// a ranked, an insufficient and an unassessed agency, and rank changes of every kind.
func compositeSample(lang string) Input {
	in := sampleInput(lang)
	names := map[string][]string{
		"az": {"Xidmət haqqında məlumatlandırma", "Müraciət yolları", "Xidmətin göstərilmə müddəti", "Elektronlaşma və inteqrasiya",
			"Əməkdaşların təlimi", "Şikayət və nəzarət mexanizmləri", "Vətəndaş məmnunluğunun ölçülməsi"},
		"en": {"Informing about the service", "Ways to apply", "Time to deliver", "Electronization and integration",
			"Staff training", "Complaint and control mechanisms", "Measuring citizen satisfaction"},
		"ru": {"Информирование об услуге", "Способы обращения", "Срок оказания услуги", "Электронизация и интеграция",
			"Обучение сотрудников", "Механизмы жалоб и контроля", "Измерение удовлетворённости граждан"},
	}[lang]
	weights := []float64{15, 15, 15, 20, 10, 10, 15}
	c := Composite{Code: "asan-example", Name: map[string]string{"az": "ASAN-tipli nümunə metodologiyası", "en": "ASAN-style example methodology",
		"ru": "Пример методологии в стиле ASAN"}[lang], Version: 1, CitizenWeight: 0.35}
	for i, n := range names {
		c.Parameters = append(c.Parameters, CompositeParameter{Name: n, Weight: weights[i]})
	}
	ps := func(v ...float64) []*float64 {
		out := make([]*float64, len(v))
		for i, x := range v {
			if x >= 0 {
				out[i] = f64(x)
			}
		}
		return out
	}
	g := in.Groups[0]
	c.Groups = []CompositeGroup{{Name: g.Name, Rows: []CompositeRow{
		{Rank: 1, Name: g.Rows[1].Name, Composite: f64(91.62), Index: 89.61, N: 946, Checklist: f64(92.71), Parameters: ps(90.63, 100, 90.28, 88.89, 100, 75, 100), Status: "ranked"},
		{Rank: 2, Name: g.Rows[0].Name, Composite: f64(77.78), Index: 93.1, N: 988, Checklist: f64(69.53), Parameters: ps(66.67, 82.99, 63.89, -1, 75, 79.17, 58.33), Status: "ranked"},
		{Rank: 2, Name: g.Rows[2].Name, Composite: f64(77.78), Index: 80.12, N: 301, Checklist: f64(76.52), Parameters: ps(70, 80, 75, 72, 80, 75, 83), Status: "ranked"},
		{Name: "Tərcümə bürosu", Index: 87.14, N: 16, Checklist: f64(92.86), Parameters: ps(100, 100, 83.33, 100, 75, 66.67, 100), Status: "insufficient"},
		{Name: g.Rows[3].Name, Index: 70.5, N: 120, Parameters: ps(-1, -1, -1, -1, -1, -1, -1), Status: "unassessed"},
	}}}
	c.Changes = []RankChange{
		{OldWeight: 0.35, Factor: 1.2, Agency: g.Rows[0].Name, Rank: 2, NewRank: 1},
		{OldWeight: 0.35, Factor: 1.2, Agency: g.Rows[1].Name, Rank: 1, NewRank: 2},
		{Weight: names[3], OldWeight: 20, Factor: 0.8, Agency: g.Rows[2].Name, Rank: 2, NewRank: 3},
		{Weight: names[5], OldWeight: 10, Factor: 1.2, Agency: "Tərcümə bürosu", NewRank: 3},
	}
	in.Composites = []Composite{c}
	return in
}

func TestCompositeSection(t *testing.T) {
	for _, lang := range locale.Langs {
		t.Run(lang, func(t *testing.T) {
			in := compositeSample(lang)
			var drawn []string
			var buf bytes.Buffer
			if err := write(&buf, in, func(s string) { drawn = append(drawn, s) }); err != nil {
				t.Fatal(err)
			}
			for _, s := range drawn {
				if m := missingGlyphs(s); len(m) > 0 {
					t.Errorf("no glyph for %q in %q", string(m), s)
				}
			}
			if again := render(t, compositeSample(lang)); !bytes.Equal(again, buf.Bytes()) {
				t.Error("two runs differ")
			}
			if dir := os.Getenv("REPORT_SAMPLES_DIR"); dir != "" {
				os.WriteFile(filepath.Join(dir, "composite_"+lang+".pdf"), buf.Bytes(), 0o644)
			}
			text := pdfText(t, buf.Bytes())
			want := map[string][]string{
				"en": {"Composite index — ASAN-style example methodology", "Composite = 0.35 × citizens' index + 0.65 × checklist score",
					"Electronization and integration", "Sensitivity analysis", "Citizens' weight 0.42 instead of 0.35:",
					"(from rank 2 to 1)", "Weight of “Electronization and integration” 16 instead of 20:", "(from not ranked to rank 3)",
					"OECD/JRC Handbook on Constructing Composite Indicators", "not assessed", "too few responses"},
				"az": {"Kompozit indeks — ASAN-tipli nümunə metodologiyası", "Vətəndaş çəkisi 0,35 deyil, 0,42 olsaydı:", "(2. yerdən 1. yerə)",
					"Həssaslıq təhlili", "Şikayət və nəzarət mexanizmləri", "qiymətləndirilməyib"},
				"ru": {"Композитный индекс — Пример методологии в стиле ASAN", "Вес граждан 0,42 вместо 0,35:", "(с 2-го места на 1-е)",
					"Анализ чувствительности", "Измерение удовлетворённости граждан", "не оценено", "(без места — на 3-е место)"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("the PDF text lacks %q", w)
				}
			}
		})
	}
	// Without composites, no section.
	if text := pdfText(t, render(t, sampleInput("en"))); strings.Contains(text, "Composite index") {
		t.Error("a composite section without composites")
	}
}
