package report

import (
	"strconv"

	"github.com/qiymet/qiymet/scoring/locale"
)

// Strings of the honest figures (docs/method.md#honest-figures): data as of, provisional periods,
// significance of changes, rank intervals, clear first and the control chart. Merged into messages.
func init() {
	for lang, m := range honestMessages {
		for k, v := range m {
			if _, dup := messages[lang][k]; dup {
				panic("report: message " + k + " defined twice")
			}
			messages[lang][k] = v
		}
	}
}

var honestMessages = map[string]map[string]string{
	"en": {
		"data_as_of":          "Data as of",
		"no_counted":          "no counted responses",
		"provisional":         "PROVISIONAL",
		"provisional_banner":  "Provisional: this period is still running. The figures are as of {asof}, when {pct} of the period had elapsed, and will change until it ends.",
		"clear_many":          "clearly {rank} for the {times} time in a row",
		"clear_one":           "clearly {rank}",
		"margin_first":        "{rank} within the margin of error (possible ranks {lo}–{hi})",
		"streak_within":       "{phrase}, counting places within the margin of error",
		"sig_yes":             "significant",
		"sig_no":              "not significant",
		"sig_note":            "Changes in bold with a triangle are significant (beyond the 95% margin); “~” in grey: not significant, the difference may be chance. Rank with a range, e.g. 2 (1–3): the places the agency could hold allowing for the margin of error.",
		"control_title":       "Control chart: monthly index, last {k} months",
		"control_legend_pt":   "month",
		"control_legend_cl":   "centre line {cl}",
		"control_legend_band": "control limits (±3 standard errors)",
		"signal_above":        "above the upper limit",
		"signal_below":        "below the lower limit",
		"signal_run_above":    "7 months in a row above the centre line",
		"signal_run_below":    "7 months in a row below the centre line",
		"signal_run":          "7 months in a row on one side",
		"signal_line":         "{month}: {signal} (index {index}, limits {lo}–{hi}).",
		"no_signals":          "No signals: month-to-month differences are within chance variation.",
		"signals_h":           "Signals",
		"meth_sig_h":          "11. Significance of a change",
		"meth_sig":            "A change c = I(P) – I(Q) is significant when it exceeds 1.959964 standard errors, where s is each period's sample standard deviation of R and n its count (with se = 0: whenever c is not 0):",
		"meth_rankint_h":      "12. Rank interval and clear first",
		"meth_rankint":        "Among the K ranked agencies of a group, agency j is above i when index_j – index_i > z_K · se (se as above, Bonferroni z_K = Φ⁻¹(1 – 0.05 / (2(K – 1)))). The rank interval runs from 1 + the number of agencies above to K – the number below, widened to contain the rank. An agency is clearly 1st when its rank is 1 and its interval is [1, 1]; otherwise a 1st place is within the margin of error. Streaks are stated in both senses.",
		"meth_control_h":      "13. Control chart",
		"meth_control":        "The monthly control chart has centre line CL = the pooled mean of R over the listed months and σ their pooled standard deviation; a month with n responses has the limits below (clipped to [0, 100]). A signal is a month outside its limits, or the 7th of 7 listed months in a row strictly on one side of CL.",
	},
	"az": {
		"data_as_of":          "Məlumatların tarixi",
		"no_counted":          "hesaba alınmış cavab yoxdur",
		"provisional":         "İLKİN",
		"provisional_banner":  "İlkin nəticələr: dövr hələ bitməyib. Rəqəmlər dövrün {pct}-i keçdiyi {asof} tarixinə olan vəziyyəti göstərir və dövr bitənə qədər dəyişəcək.",
		"clear_many":          "ardıcıl {times} dəfə aydın şəkildə {rank} yer",
		"clear_one":           "aydın şəkildə {rank} yer",
		"margin_first":        "xəta payı daxilində {rank} yer (mümkün yerlər {lo}–{hi})",
		"streak_within":       "{phrase} (xəta payı daxilindəki yerlər də sayılmaqla)",
		"sig_yes":             "əhəmiyyətli",
		"sig_no":              "əhəmiyyətli deyil",
		"sig_note":            "Qalın şriftlə və üçbucaqla verilən dəyişikliklər əhəmiyyətlidir (95% xəta payından böyükdür); boz «~»: əhəmiyyətli deyil, fərq təsadüfi ola bilər. Aralıqla verilən yer, məsələn 2 (1–3): xəta payı nəzərə alınmaqla qurumun tuta biləcəyi yerlər.",
		"control_title":       "Nəzarət xəritəsi: son {k} ayın aylıq indeksi",
		"control_legend_pt":   "ay",
		"control_legend_cl":   "orta xətt {cl}",
		"control_legend_band": "nəzarət hədləri (±3 standart xəta)",
		"signal_above":        "yuxarı həddən yuxarı",
		"signal_below":        "aşağı həddən aşağı",
		"signal_run_above":    "ardıcıl 7 ay orta xəttdən yuxarı",
		"signal_run_below":    "ardıcıl 7 ay orta xəttdən aşağı",
		"signal_run":          "ardıcıl 7 ay bir tərəfdə",
		"signal_line":         "{month}: {signal} (indeks {index}, hədlər {lo}–{hi}).",
		"no_signals":          "Siqnal yoxdur: aylar arasındakı fərqlər təsadüfi tərəddüd çərçivəsindədir.",
		"signals_h":           "Siqnallar",
		"meth_sig_h":          "11. Dəyişikliyin əhəmiyyətliliyi",
		"meth_sig":            "c = I(P) – I(Q) dəyişikliyi 1,959964 standart xətadan böyük olduqda əhəmiyyətlidir; burada s hər dövrdə R ballarının seçmə standart kənarlaşması, n isə cavabların sayıdır (se = 0 olduqda: c sıfır deyilsə):",
		"meth_rankint_h":      "12. Yer intervalı və aydın birincilik",
		"meth_rankint":        "Qrupun K reytinqli qurumu arasında index_j – index_i > z_K · se olduqda j qurumu i-dən yuxarıdır (se yuxarıdakı kimi, Bonferroni z_K = Φ⁻¹(1 – 0,05 / (2(K – 1)))). Yer intervalı 1 + yuxarıdakıların sayından K – aşağıdakıların sayına qədərdir və yeri əhatə edəcək qədər genişləndirilir. Yeri 1 və intervalı [1, 1] olan qurum aydın 1-cidir; əks halda 1-ci yer xəta payı daxilindədir. Ardıcıllıq hər iki mənada göstərilir.",
		"meth_control_h":      "13. Nəzarət xəritəsi",
		"meth_control":        "Aylıq nəzarət xəritəsində orta xətt CL göstərilən ayların bütün R ballarının ortası, σ isə onların birgə standart kənarlaşmasıdır; n cavablı ayın hədləri aşağıdakı kimidir ([0, 100] ilə məhdud). Siqnal — hədlərdən kənar ay və ya CL-in bir tərəfində ciddi şəkildə qalan ardıcıl 7 ayın 7-cisidir.",
	},
	"ru": {
		"data_as_of":          "Данные на",
		"no_counted":          "учтённых ответов нет",
		"provisional":         "ПРЕДВАРИТЕЛЬНО",
		"provisional_banner":  "Предварительные данные: период ещё идёт. Показатели приведены на {asof}, когда прошло {pct} периода, и будут меняться до его окончания.",
		"clear_many":          "{times} раз подряд явно на {rank} месте",
		"clear_one":           "явно на {rank} месте",
		"margin_first":        "на {rank} месте в пределах погрешности (возможные места {lo}–{hi})",
		"streak_within":       "{phrase} с учётом мест в пределах погрешности",
		"sig_yes":             "значимо",
		"sig_no":              "незначимо",
		"sig_note":            "Изменения жирным шрифтом с треугольником значимы (больше 95-процентной погрешности); серый «~»: незначимо, разница может быть случайной. Место с диапазоном, например 2 (1–3): места, которые ведомство может занимать с учётом погрешности.",
		"control_title":       "Контрольная карта: индекс по месяцам, последние {k} мес.",
		"control_legend_pt":   "месяц",
		"control_legend_cl":   "средняя линия {cl}",
		"control_legend_band": "контрольные границы (±3 стандартные ошибки)",
		"signal_above":        "выше верхней границы",
		"signal_below":        "ниже нижней границы",
		"signal_run_above":    "7 месяцев подряд выше средней линии",
		"signal_run_below":    "7 месяцев подряд ниже средней линии",
		"signal_run":          "7 месяцев подряд по одну сторону",
		"signal_line":         "{month}: {signal} (индекс {index}, границы {lo}–{hi}).",
		"no_signals":          "Сигналов нет: различия между месяцами в пределах случайных колебаний.",
		"signals_h":           "Сигналы",
		"meth_sig_h":          "11. Значимость изменения",
		"meth_sig":            "Изменение c = I(P) – I(Q) значимо, если превышает 1,959964 стандартной ошибки, где s — выборочное стандартное отклонение R в каждом периоде, n — число ответов (при se = 0 — если c не равно 0):",
		"meth_rankint_h":      "12. Интервал мест и явное первенство",
		"meth_rankint":        "Среди K ведомств группы в рейтинге ведомство j выше i, если index_j – index_i > z_K · se (se как выше, поправка Бонферрони z_K = Φ⁻¹(1 – 0,05 / (2(K – 1)))). Интервал мест — от 1 + числа ведомств выше до K – числа ниже, расширенный так, чтобы содержать место. Ведомство явно на 1-м месте, если его место 1 и интервал [1, 1]; иначе 1-е место — в пределах погрешности. Серии указаны в обоих смыслах.",
		"meth_control_h":      "13. Контрольная карта",
		"meth_control":        "На помесячной контрольной карте средняя линия CL — среднее R по всем ответам показанных месяцев, σ — их общее стандартное отклонение; границы месяца с n ответами приведены ниже (в пределах [0, 100]). Сигнал — месяц за границами или 7-й из 7 показанных месяцев подряд строго по одну сторону CL.",
	},
}

// monthNominative names a month on its own ("March 2025", "Mart 2025", "Март 2025").
var monthNominative = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"az": {"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr"},
	"ru": {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
}

// month writes "2025-03" as "March 2025" (capitalised: it starts a sentence).
func (l loc) month(ym string) string {
	if len(ym) != 7 {
		return ym
	}
	m, err := strconv.Atoi(ym[5:])
	if err != nil || m < 1 || m > 12 {
		return ym
	}
	return locale.UpperFirst(l.lang, monthNominative[l.lang][m-1]) + " " + ym[:4]
}

// firstShort is firstPhrase without the streak in the other sense (the key-figure box is small).
func (l loc) firstShort(r Row) string {
	if r.RankLow == 0 || r.RankHigh == 0 {
		return l.streakPhrase(r.Rank, r.Streak)
	}
	if r.ClearFirst {
		if r.ClearStreak >= 2 {
			return l.t("clear_many", "rank", l.ordinal(1, "prep"), "times", l.ordinal(r.ClearStreak, "nom"))
		}
		return l.t("clear_one", "rank", l.ordinal(1, "prep"))
	}
	return l.t("margin_first", "rank", l.ordinal(1, "prep"), "lo", strconv.Itoa(r.RankLow), "hi", strconv.Itoa(r.RankHigh))
}

// firstPhrase says how an agency ranked 1st holds its place: "clearly 1st for the 4th time in a row", or
// "1st within the margin of error (possible ranks 1–3), 1st for the 5th time in a row, counting places
// within the margin of error". Without an interval (unknown) it is the plain streak phrase.
func (l loc) firstPhrase(r Row) string {
	if r.RankLow == 0 || r.RankHigh == 0 {
		return l.streakPhrase(r.Rank, r.Streak)
	}
	if r.ClearFirst {
		s := l.t("clear_one", "rank", l.ordinal(1, "prep"))
		if r.ClearStreak >= 2 {
			s = l.t("clear_many", "rank", l.ordinal(1, "prep"), "times", l.ordinal(r.ClearStreak, "nom"))
		}
		if r.Streak > r.ClearStreak {
			s += "; " + l.t("streak_within", "phrase", l.streakPhrase(1, r.Streak))
		}
		return s
	}
	s := l.t("margin_first", "rank", l.ordinal(1, "prep"), "lo", strconv.Itoa(r.RankLow), "hi", strconv.Itoa(r.RankHigh))
	if r.Streak >= 2 {
		s += "; " + l.t("streak_within", "phrase", l.streakPhrase(1, r.Streak))
	}
	return s
}
