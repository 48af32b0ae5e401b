package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// The demo's composite index (docs/method.md#composite-index): a checklist shaped like the "ASAN xidmət
// indeksi" — its 7 published parameters — with criteria and weights that are INVENTED for the demo and say
// so in their names. The real index's 24 criteria, 143 sub-criteria and weights are not published.

// MethodologyCode is the demo methodology.
const MethodologyCode = "asan-example"

type criterionDef struct {
	code string
	max  float64
	name survey.Names
}

var methodologyParameters = []struct {
	code     string
	weight   float64
	name     survey.Names
	criteria []criterionDef
}{
	{"informing", 15, n("Xidmət haqqında məlumatlandırma", "Informing about the service", "Информирование об услуге"), []criterionDef{
		{"info-website", 3, n("Saytda tam və aktual məlumat", "Complete, current information on the website", "Полная и актуальная информация на сайте")},
		{"info-documents", 2, n("Tələb olunan sənədlərin siyahısı dərc olunub", "List of required documents published", "Опубликован перечень необходимых документов")},
		{"info-fees", 1, n("Rüsum və ödənişlər açıqdır", "Fees and charges disclosed", "Пошлины и платежи раскрыты")},
		{"info-hotline", 2, n("Məlumat xətti cavab verir", "Information line answers", "Справочная линия отвечает")},
	}},
	{"ways-to-apply", 15, n("Müraciət yolları", "Ways to apply", "Способы обращения"), []criterionDef{
		{"apply-centre", 2, n("Xidmət mərkəzində müraciət", "Application at a service centre", "Обращение в центре обслуживания")},
		{"apply-online", 3, n("Elektron müraciət", "Online application", "Электронное обращение")},
		{"apply-mobile", 2, n("Mobil tətbiq və ya səyyar xidmət", "Mobile app or mobile service", "Мобильное приложение или выездная служба")},
		{"apply-proxy", 1, n("Etibarnamə ilə müraciət", "Application by proxy", "Обращение по доверенности")},
	}},
	{"delivery-time", 15, n("Xidmətin göstərilmə müddəti", "Time to deliver", "Срок оказания услуги"), []criterionDef{
		{"time-deadline", 3, n("Qanuni müddətə əməl olunur", "Legal deadline met", "Соблюдается установленный срок")},
		{"time-shorter", 2, n("Müddət qanunidən qısadır", "Faster than the legal deadline", "Срок короче установленного")},
		{"time-tracking", 2, n("Müraciətin statusu izlənilir", "Application status can be tracked", "Статус обращения можно отследить")},
	}},
	{"electronization", 20, n("Elektronlaşma və inteqrasiya", "Electronization and integration", "Электронизация и интеграция"), []criterionDef{
		{"e-registries", 3, n("Dövlət reyestrləri ilə inteqrasiya", "Integration with state registries", "Интеграция с государственными реестрами")},
		{"e-no-copies", 2, n("Kağız surət tələb olunmur", "No paper copies required", "Бумажные копии не требуются")},
		{"e-signature", 2, n("Elektron imza qəbul olunur", "Electronic signature accepted", "Принимается электронная подпись")},
		{"e-payment", 2, n("Elektron ödəniş", "Electronic payment", "Электронная оплата")},
	}},
	{"staff-training", 10, n("Əməkdaşların təlimi", "Staff training", "Обучение сотрудников"), []criterionDef{
		{"staff-annual", 2, n("İllik təlim proqramı", "Annual training programme", "Ежегодная программа обучения")},
		{"staff-ethics", 1, n("Etik davranış qaydaları", "Code of conduct", "Кодекс поведения")},
		{"staff-assessment", 2, n("Bilik və bacarıqların qiymətləndirilməsi", "Assessment of knowledge and skills", "Оценка знаний и навыков")},
	}},
	{"complaints-control", 10, n("Şikayət və nəzarət mexanizmləri", "Complaint and control mechanisms", "Механизмы жалоб и контроля"), []criterionDef{
		{"complaint-channels", 2, n("Şikayət kanalları", "Complaint channels", "Каналы подачи жалоб")},
		{"complaint-deadline", 2, n("Şikayətlərə müddətində cavab", "Complaints answered on time", "Ответ на жалобы в срок")},
		{"internal-control", 2, n("Daxili nəzarət və audit", "Internal control and audit", "Внутренний контроль и аудит")},
	}},
	{"satisfaction", 15, n("Vətəndaş məmnunluğunun ölçülməsi", "Measuring citizen satisfaction", "Измерение удовлетворённости граждан"), []criterionDef{
		{"sat-survey", 2, n("Müntəzəm sorğu aparılır", "Regular survey", "Регулярный опрос")},
		{"sat-published", 2, n("Nəticələr dərc olunur", "Results published", "Результаты публикуются")},
		{"sat-action", 2, n("Nəticələrə görə tədbir planı", "Action plan on the results", "План мер по результатам")},
	}},
}

// Methodology is the demo's ASAN-style methodology: the real index's 7 parameters with invented criteria and
// weights (labelled as such), a citizens' share of 35% and the mean over an agency's services.
func Methodology() survey.Methodology {
	m := survey.Methodology{Code: MethodologyCode, Version: 1, CitizenWeight: 0.35, Aggregate: survey.AggregateMean,
		Name: n("ASAN-tipli nümunə metodologiyası (meyarlar və çəkilər uydurmadır)",
			"ASAN-style example methodology (criteria and weights invented for the demo)",
			"Пример методологии в стиле ASAN (критерии и веса вымышлены для демо)")}
	for _, p := range methodologyParameters {
		mp := survey.MethodologyParameter{Code: p.code, Weight: p.weight, Name: p.name}
		for _, c := range p.criteria {
			mp.Criteria = append(mp.Criteria, survey.Criterion{Code: c.code, Weight: 1, Max: c.max, Name: c.name})
		}
		m.Parameters = append(m.Parameters, mp)
	}
	return m
}

// maturity is an agency's checklist maturity (0..1) at the start of the window; the story: Justice is the
// most mature in "central" although Migration leads the citizens' index, so the composite can reorder them.
var maturity = map[string]float64{
	"migration": 0.70, "justice": 0.86, "internal-affairs": 0.78, "property": 0.80, "tax": 0.66, "labour": 0.58,
	"customs": 0.52, "economy": 0.62, "agriculture": 0.48, "education": 0.55,
}

// assessedQuarters is how many quarters back from the running one the demo assesses (the running one too).
const assessedQuarters = 8

// Assessments are the demo's checklist assessments: every service of every agency for the running quarter
// and the assessedQuarters before it, drawn deterministically from the agency's maturity (improving a
// little each quarter), with a few criteria not applicable and evidence notes.
func Assessments(now time.Time, loc *time.Location, seed uint64) []survey.Assessment {
	if seed == 0 {
		seed = DefaultSeed
	}
	cur := scoring.PeriodContaining(scoring.Quarter, now, loc)
	var out []survey.Assessment
	for k := assessedQuarters; k >= 0; k-- {
		p := cur.Back(k)
		for ai, a := range agencies {
			base, ok := maturity[a.code]
			if !ok {
				base = 0.45 + 0.4*hashUnit(seed, "maturity/"+a.code, 0)
			}
			progress := 0.012 * float64(assessedQuarters-k) // agencies improve a little each quarter
			for si, s := range a.services {
				as := survey.Assessment{Methodology: MethodologyCode, Version: 1, Period: p.Label, Agency: a.code, Service: s.code,
					Scores: map[string]*float64{}, Evidence: map[string]string{}, Assessor: "demo"}
				for pi, prm := range methodologyParameters {
					// Each agency is stronger in some parameters than others.
					tilt := (hashUnit(seed, a.code+"/"+prm.code, 0) - 0.5) * 0.35
					for ci, c := range prm.criteria {
						u := hashUnit(seed, fmt.Sprintf("%s/%s/%s/%d", a.code, s.code, c.code, k), ai*100+si)
						if c.code == "e-payment" && u < 0.25 || c.code == "apply-proxy" && u < 0.15 { // free services, personal presence
							as.Scores[c.code] = nil
							continue
						}
						level := base + progress + tilt + (u-0.5)*0.3
						pts := math.Floor(c.max*min(max(level, 0), 1) + 0.35) // full marks are earned, not rounded up to
						as.Scores[c.code] = &pts
						if (pi+ci)%3 == 0 {
							as.Evidence[c.code] = fmt.Sprintf("https://example.gov.az/%s/%s#%s", a.code, s.code, c.code)
						}
					}
				}
				out = append(out, as)
			}
		}
	}
	return out
}

// loadComposite applies the demo methodology and stores its assessments.
func loadComposite(ctx context.Context, s *survey.Store, seed uint64) (int, error) {
	if _, err := s.ApplyMethodology(ctx, Methodology()); err != nil {
		return 0, fmt.Errorf("demo methodology: %w", err)
	}
	n, err := s.SaveAssessments(ctx, Assessments(s.Now(), s.Location(), seed))
	if err != nil {
		return 0, fmt.Errorf("demo assessments: %w", err)
	}
	return n, nil
}

// EnsureComposite adds the demo methodology and its assessments to a demo database loaded before the
// composite index existed (so `make run` on an old database shows it too). It does nothing unless the
// database holds the demo catalog and no methodology at all; it answers how many assessments it stored.
func EnsureComposite(ctx context.Context, s *survey.Store) (int, error) {
	ms, err := s.Methodologies(ctx)
	if err != nil || len(ms) > 0 {
		return 0, err
	}
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return 0, err
	}
	for _, a := range agencies {
		for _, sv := range a.services {
			if got, ok := cv.Service(sv.code); !ok || got.Agency != a.code {
				return 0, nil // not the demo catalog: leave it alone
			}
		}
	}
	return loadComposite(ctx, s, DefaultSeed)
}
