package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
)

// messages holds the report's own UI strings. A key ending in "#one", "#few",
// "#many" or "#other" is a plural form (see plural); placeholders are written
// {name}. Every language must define the same keys (tested).
var messages = map[string]map[string]string{
	"en": {
		"groups_h":             "Groups",
		"col_group":            "Group",
		"col_ranked":           "Agencies ranked",
		"title":                "Public Service Satisfaction Index",
		"subtitle":             "Period report",
		"period":               "Period",
		"dates":                "Dates",
		"generated":            "Generated",
		"group":                "Group",
		"all_groups":           "All groups",
		"cover_note":           "Citizens' ratings of their visits to public service providers, turned into a satisfaction index per agency and ranked within peer groups. Every figure is shown with its sample size and {conf} confidence interval; the method is set out in the appendix.",
		"footer_page":          "Page {p} / {n}",
		"summary":              "Summary",
		"overall_index":        "Overall index",
		"counted#one":          "counted response",
		"counted#other":        "counted responses",
		"agencies_ranked":      "Agencies ranked: {r} of {t}",
		"ci_short":             "{conf} CI",
		"min_n_note":           "Agencies with fewer than min_n = {min_n} counted responses are not ranked.",
		"leaders":              "Leaders by group",
		"no_ranked":            "No agency reached min_n = {min_n} counted responses.",
		"no_groups":            "No group has counted responses in this period.",
		"group_index":          "Group index",
		"streak_many":          "{rank} for the {times} time in a row",
		"streak_one":           "{rank}",
		"rankings":             "Rankings",
		"continued":            "(continued)",
		"col_rank":             "Rank",
		"col_agency":           "Agency",
		"col_index":            "Index",
		"col_n":                "n",
		"col_csat":             "CSAT",
		"col_adjusted":         "Adjusted index",
		"col_change_prev":      "Δ previous period",
		"col_change_year":      "Δ previous year",
		"col_rank_change":      "Rank change",
		"not_ranked":           "not ranked",
		"table_note":           "Index and CSAT in %, changes in percentage points. Rank change: positive means the agency moved up. “—”: not enough data to compare.",
		"chart_title":          "Index by agency",
		"chart_note":           "Bar: index; whiskers: {conf} confidence interval; dashed line: group index. Grey: fewer than min_n counted responses (not ranked).",
		"agencies":             "Agencies",
		"rank_of":              "{rank} of {total}",
		"trend_title#one":      "Trend over the last {k} period",
		"trend_title#other":    "Trend over the last {k} periods",
		"trend_note":           "Periods of the same kind; band: {conf} confidence interval; hollow point: n < min_n.",
		"no_trend":             "No data for the trend.",
		"by_question":          "By question",
		"by_service":           "By service",
		"by_channel":           "By channel",
		"col_question":         "Question",
		"col_service":          "Service",
		"col_channel":          "Channel",
		"no_data":              "No data.",
		"question_note":        "Question index: the mean item score over the responses that answered the question (weight-0 questions included).",
		"channel_kiosk":        "Kiosk",
		"channel_link":         "Link (SMS/QR)",
		"channel_api":          "API (integration)",
		"meth_title":           "Appendix: methodology",
		"meth_intro":           "Every figure in this report is computed from counted responses only; excluded responses never count anywhere. The rules below are exact: anyone with the responses can re-derive every number.",
		"meth_item_h":          "1. Item score",
		"meth_item":            "Each answer to a scored question becomes an item score between 0 and 100. For a scale question min..max answered with v:",
		"meth_item2":           "A yes/no answer scores 100 for yes and 0 for no. Free-text questions are never scored.",
		"meth_resp_h":          "2. Response score",
		"meth_resp":            "The response score R is the weighted mean of the item scores s of the answered questions whose weight w is greater than 0:",
		"meth_index_h":         "3. Index",
		"meth_index":           "A unit's index (agency, service, group, …) is the mean response score over its n counted responses in the period; a group's index pools the responses of all its agencies:",
		"meth_ci_h":            "4. Confidence interval",
		"meth_ci":              "The {conf} confidence interval uses Student's t distribution with n – 1 degrees of freedom; s_R is the sample standard deviation of R. The interval is clipped to [0, 100]; with n = 1 it is [0, 100]:",
		"meth_csat_h":          "5. CSAT",
		"meth_csat":            "CSAT is the percentage of counted responses whose answer to the survey's primary question is in its top two points (scale: max or max – 1; yes/no: yes). Its interval is the 95% Wilson score interval with z = {z}, where k is the number of such responses and p = k / n:",
		"meth_adj_h":           "6. Adjusted index (shrinkage)",
		"meth_adj":             "To temper small samples, the adjusted index pulls an agency's index towards its group's index C with the prior weight m. With m = 0 the adjusted index equals the index. In this report m = {m}.",
		"meth_rank_h":          "7. Ranking",
		"meth_rank":            "Within each group, agencies with at least min_n = {min_n} counted responses are ranked by the adjusted index rounded to 2 decimals, highest first. Equal values share a rank and the next rank is skipped (1, 2, 2, 4). Agencies with fewer responses are listed as not ranked.",
		"meth_change_h":        "8. Change",
		"meth_change":          "Change is the difference of indices in percentage points against the previous period of the same kind and against the same period one year earlier. It is left empty when either side has fewer than min_n counted responses. Rank change compares with the rank in the previous period.",
		"meth_streak_h":        "9. Streak",
		"meth_streak":          "The streak counts the consecutive periods of the same kind, ending with this one, in which the agency ranked 1st in its group (at most 40 periods are looked back; 0 when not 1st now; custom date ranges have no streak). A streak of 4 reads “{example}”.",
		"meth_round_h":         "10. Rounding",
		"meth_round":           "Values are rounded half away from zero to 2 decimals, only when shown; ranks use the rounded adjusted index.",
		"params_h":             "Parameters of this report",
		"param_min_n":          "Minimum counted responses for ranking (min_n)",
		"param_m":              "Prior weight (m)",
		"param_off":            "off",
		"param_conf":           "Confidence level",
		"param_z":              "Wilson z",
		"param_counted":        "Counted responses",
		"param_excluded":       "Excluded responses",
		"excl_h":               "Excluded responses by reason",
		"col_reason":           "Reason",
		"col_count":            "Responses",
		"excl_none":            "No responses were excluded in this period.",
		"reason_burst":         "Burst: sent sooner than the minimum interval after the previous submission from the same kiosk",
		"total":                "Total",
		"formula_yes_no":       "s(yes) = 100,   s(no) = 0",
		"formula_wilson_label": "Wilson interval:",
	},
	"az": {
		"groups_h":             "Qruplar",
		"col_group":            "Qrup",
		"col_ranked":           "Reytinqdəki qurumlar",
		"title":                "Dövlət xidmətlərindən məmnunluq indeksi",
		"subtitle":             "Dövr üzrə hesabat",
		"period":               "Dövr",
		"dates":                "Tarixlər",
		"generated":            "Hazırlanma tarixi",
		"group":                "Qrup",
		"all_groups":           "Bütün qruplar",
		"cover_note":           "Vətəndaşların dövlət xidmətlərinə müraciətdən sonra verdikləri qiymətlər hər qurum üzrə məmnunluq indeksinə çevrilir və qurumlar öz qrupları daxilində sıralanır. Hər göstərici seçmənin həcmi və {conf} etibarlılıq intervalı ilə verilir; metodologiya əlavədə şərh olunur.",
		"footer_page":          "Səhifə {p} / {n}",
		"summary":              "Xülasə",
		"overall_index":        "Ümumi indeks",
		"counted#one":          "hesaba alınmış cavab",
		"counted#other":        "hesaba alınmış cavab",
		"agencies_ranked":      "Reytinqə daxil olan qurumlar: {r} / {t}",
		"ci_short":             "{conf} Eİ",
		"min_n_note":           "Hesaba alınmış cavablarının sayı min_n = {min_n} həddindən az olan qurumlar reytinqə daxil edilmir.",
		"leaders":              "Qruplar üzrə liderlər",
		"no_ranked":            "Heç bir qurum min_n = {min_n} həddinə çatmayıb.",
		"no_groups":            "Bu dövrdə heç bir qrupda hesaba alınmış cavab yoxdur.",
		"group_index":          "Qrup indeksi",
		"streak_many":          "ardıcıl {times} dəfə {rank} yer",
		"streak_one":           "{rank} yer",
		"rankings":             "Reytinq cədvəli",
		"continued":            "(davamı)",
		"col_rank":             "Yer",
		"col_agency":           "Qurum",
		"col_index":            "İndeks",
		"col_n":                "n",
		"col_csat":             "CSAT",
		"col_adjusted":         "Düzəldilmiş indeks",
		"col_change_prev":      "Δ əvvəlki dövr",
		"col_change_year":      "Δ əvvəlki il",
		"col_rank_change":      "Yer dəyişikliyi",
		"not_ranked":           "reytinqdən kənar",
		"table_note":           "İndeks və CSAT faizlə, dəyişikliklər faiz bəndi ilə verilir. Yer dəyişikliyi: müsbət qiymət qurumun yuxarı qalxdığını göstərir. «—»: müqayisə üçün məlumat kifayət deyil.",
		"chart_title":          "Qurumlar üzrə indeks",
		"chart_note":           "Zolaq: indeks; bığlar: {conf} etibarlılıq intervalı; qırıq xətt: qrup indeksi. Boz: hesaba alınmış cavabların sayı min_n həddindən azdır (reytinqdən kənar).",
		"agencies":             "Qurumlar",
		"rank_of":              "{rank} / {total}",
		"trend_title#one":      "Dinamika: son {k} dövr",
		"trend_title#other":    "Dinamika: son {k} dövr",
		"trend_note":           "Eyni növ dövrlər; zolaq: {conf} etibarlılıq intervalı; içi boş nöqtə: n < min_n.",
		"no_trend":             "Dinamika üçün məlumat yoxdur.",
		"by_question":          "Suallar üzrə",
		"by_service":           "Xidmətlər üzrə",
		"by_channel":           "Kanallar üzrə",
		"col_question":         "Sual",
		"col_service":          "Xidmət",
		"col_channel":          "Kanal",
		"no_data":              "Məlumat yoxdur.",
		"question_note":        "Sual indeksi: həmin suala cavab vermiş cavabların orta sual balı (çəkisi 0 olan suallar da daxil olmaqla).",
		"channel_kiosk":        "Kiosk",
		"channel_link":         "Keçid (SMS/QR)",
		"channel_api":          "API (inteqrasiya)",
		"meth_title":           "Əlavə: metodologiya",
		"meth_intro":           "Bu hesabatdakı bütün göstəricilər yalnız hesaba alınmış cavablardan hesablanır; kənarlaşdırılmış cavablar heç yerdə nəzərə alınmır. Aşağıdakı qaydalar dəqiqdir: cavablara çıxışı olan hər kəs hər rəqəmi yenidən hesablaya bilər.",
		"meth_item_h":          "1. Sual balı",
		"meth_item":            "Qiymətləndirilən suala verilən hər cavab 0 ilə 100 arasında bala çevrilir. min..max şkalalı sualda v cavabı üçün:",
		"meth_item2":           "Bəli/xeyr sualında «bəli» 100, «xeyr» 0 bal alır. Sərbəst mətnli suallar qiymətləndirilmir.",
		"meth_resp_h":          "2. Cavab balı",
		"meth_resp":            "Cavab balı R cavablandırılmış və çəkisi (w) sıfırdan böyük olan sualların s ballarının çəkili ortasıdır:",
		"meth_index_h":         "3. İndeks",
		"meth_index":           "Vahidin (qurum, xidmət, qrup və s.) indeksi onun dövr ərzində hesaba alınmış n cavabının R ballarının orta qiymətidir; qrupun indeksi bütün qurumlarının cavablarını birləşdirir:",
		"meth_ci_h":            "4. Etibarlılıq intervalı",
		"meth_ci":              "{conf} etibarlılıq intervalı n – 1 sərbəstlik dərəcəli Styudent t-paylanmasına əsaslanır; s_R — R ballarının seçmə standart kənarlaşmasıdır. İnterval [0, 100] hüdudları ilə məhdudlaşdırılır; n = 1 olduqda [0, 100] götürülür:",
		"meth_csat_h":          "5. CSAT",
		"meth_csat":            "CSAT sorğunun əsas sualına cavabı ən yüksək iki bala düşən hesaba alınmış cavabların faizlə payıdır (şkala: max və ya max – 1; bəli/xeyr: bəli). Onun intervalı z = {z} ilə 95% Uilson intervalıdır; burada k belə cavabların sayı, p = k / n:",
		"meth_adj_h":           "6. Düzəldilmiş indeks (büzülmə)",
		"meth_adj":             "Kiçik seçmələrin təsirini yumşaltmaq üçün düzəldilmiş indeks qurumun indeksini m apriori çəkisi ilə qrupun C indeksinə yaxınlaşdırır. m = 0 olduqda düzəldilmiş indeks indeksə bərabərdir. Bu hesabatda m = {m}.",
		"meth_rank_h":          "7. Reytinq",
		"meth_rank":            "Hər qrup daxilində ən azı min_n = {min_n} hesaba alınmış cavabı olan qurumlar 2 onluq rəqəmədək yuvarlaqlaşdırılmış düzəldilmiş indeksə görə azalan sıra ilə düzülür. Bərabər qiymətlər eyni yeri bölüşür, növbəti yer buraxılır (1, 2, 2, 4). Cavabı az olan qurumlar reytinqdən kənar göstərilir.",
		"meth_change_h":        "8. Dəyişiklik",
		"meth_change":          "Dəyişiklik indeksin eyni növ əvvəlki dövrlə və bir il əvvəlki eyni dövrlə müqayisədə faiz bəndi ilə fərqidir. Tərəflərdən birində hesaba alınmış cavabların sayı min_n həddindən az olduqda göstərilmir. Yer dəyişikliyi əvvəlki dövrdəki yerlə müqayisə edilir.",
		"meth_streak_h":        "9. Ardıcıllıq",
		"meth_streak":          "Ardıcıllıq bu dövrlə bitən və qurumun öz qrupunda 1-ci yeri tutduğu eyni növ ardıcıl dövrlərin sayıdır (geriyə ən çox 40 dövrə baxılır; hazırda 1-ci deyilsə 0; ixtiyari tarix aralıqları üçün hesablanmır). 4 dövrlük ardıcıllıq belə oxunur: «{example}».",
		"meth_round_h":         "10. Yuvarlaqlaşdırma",
		"meth_round":           "Qiymətlər yalnız göstərilərkən 2 onluq rəqəmədək yuvarlaqlaşdırılır (yarım sıfırdan uzağa doğru); reytinq yuvarlaqlaşdırılmış düzəldilmiş indeksdən istifadə edir.",
		"params_h":             "Hesabatın parametrləri",
		"param_min_n":          "Reytinq üçün minimum cavab sayı (min_n)",
		"param_m":              "Apriori çəki (m)",
		"param_off":            "söndürülüb",
		"param_conf":           "Etibarlılıq səviyyəsi",
		"param_z":              "Uilson z",
		"param_counted":        "Hesaba alınmış cavablar",
		"param_excluded":       "Kənarlaşdırılmış cavablar",
		"excl_h":               "Səbəblər üzrə kənarlaşdırılmış cavablar",
		"col_reason":           "Səbəb",
		"col_count":            "Cavab sayı",
		"excl_none":            "Bu dövrdə heç bir cavab kənarlaşdırılmayıb.",
		"reason_burst":         "Sıx göndəriş (burst): eyni kioskdan əvvəlki göndərişdən minimum intervaldan tez göndərilib",
		"total":                "Cəmi",
		"formula_yes_no":       "s(bəli) = 100,   s(xeyr) = 0",
		"formula_wilson_label": "Uilson intervalı:",
	},
	"ru": {
		"groups_h":             "Группы",
		"col_group":            "Группа",
		"col_ranked":           "Ведомств в рейтинге",
		"title":                "Индекс удовлетворённости государственными услугами",
		"subtitle":             "Отчёт за период",
		"period":               "Период",
		"dates":                "Даты",
		"generated":            "Дата формирования",
		"group":                "Группа",
		"all_groups":           "Все группы",
		"cover_note":           "Оценки, которые граждане ставят после обращения за государственными услугами, сводятся в индекс удовлетворённости каждого ведомства, а ведомства ранжируются внутри своих групп. Каждый показатель приводится с размером выборки и {conf} доверительным интервалом; методика изложена в приложении.",
		"footer_page":          "Страница {p} / {n}",
		"summary":              "Сводка",
		"overall_index":        "Общий индекс",
		"counted#one":          "учтённый ответ",
		"counted#few":          "учтённых ответа",
		"counted#many":         "учтённых ответов",
		"counted#other":        "учтённого ответа",
		"agencies_ranked":      "Ведомств в рейтинге: {r} из {t}",
		"ci_short":             "{conf} ДИ",
		"min_n_note":           "Ведомства, у которых число учтённых ответов меньше min_n = {min_n}, в рейтинг не включаются.",
		"leaders":              "Лидеры групп",
		"no_ranked":            "Ни одно ведомство не набрало min_n = {min_n} учтённых ответов.",
		"no_groups":            "Ни в одной группе нет учтённых ответов за этот период.",
		"group_index":          "Индекс группы",
		"streak_many":          "{times} раз подряд на {rank} месте",
		"streak_one":           "на {rank} месте",
		"rankings":             "Рейтинг",
		"continued":            "(продолжение)",
		"col_rank":             "Место",
		"col_agency":           "Ведомство",
		"col_index":            "Индекс",
		"col_n":                "n",
		"col_csat":             "CSAT",
		"col_adjusted":         "Скорректир. индекс",
		"col_change_prev":      "Δ к пред. периоду",
		"col_change_year":      "Δ к пред. году",
		"col_rank_change":      "Изменение места",
		"not_ranked":           "вне рейтинга",
		"table_note":           "Индекс и CSAT в %, изменения в процентных пунктах. Изменение места: плюс означает, что ведомство поднялось. «—»: недостаточно данных для сравнения.",
		"chart_title":          "Индекс по ведомствам",
		"chart_note":           "Столбец: индекс; усы: {conf} доверительный интервал; пунктир: индекс группы. Серым: меньше min_n учтённых ответов (вне рейтинга).",
		"agencies":             "Ведомства",
		"rank_of":              "{rank} из {total}",
		"trend_title#one":      "Динамика за последний {k} период",
		"trend_title#few":      "Динамика за последние {k} периода",
		"trend_title#many":     "Динамика за последние {k} периодов",
		"trend_title#other":    "Динамика за последние {k} периода",
		"trend_note":           "Периоды одного вида; полоса: {conf} доверительный интервал; полая точка: n < min_n.",
		"no_trend":             "Нет данных для динамики.",
		"by_question":          "По вопросам",
		"by_service":           "По услугам",
		"by_channel":           "По каналам",
		"col_question":         "Вопрос",
		"col_service":          "Услуга",
		"col_channel":          "Канал",
		"no_data":              "Нет данных.",
		"question_note":        "Индекс вопроса: средний балл за вопрос среди ответов, в которых на него ответили (включая вопросы с весом 0).",
		"channel_kiosk":        "Киоск",
		"channel_link":         "Ссылка (SMS/QR)",
		"channel_api":          "API (интеграция)",
		"meth_title":           "Приложение: методика",
		"meth_intro":           "Все показатели отчёта рассчитаны только по учтённым ответам; исключённые ответы нигде не учитываются. Правила ниже точные: любой, у кого есть ответы, может заново получить каждое число.",
		"meth_item_h":          "1. Балл за вопрос",
		"meth_item":            "Каждый ответ на оцениваемый вопрос превращается в балл от 0 до 100. Для вопроса со шкалой min..max и ответом v:",
		"meth_item2":           "Ответ «да» на вопрос «да/нет» даёт 100 баллов, «нет» — 0. Вопросы со свободным текстом не оцениваются.",
		"meth_resp_h":          "2. Балл ответа",
		"meth_resp":            "Балл ответа R — взвешенное среднее баллов s за те вопросы, на которые дан ответ и вес w которых больше 0:",
		"meth_index_h":         "3. Индекс",
		"meth_index":           "Индекс единицы (ведомства, услуги, группы…) — среднее значение R по её n учтённым ответам за период; индекс группы объединяет ответы всех её ведомств:",
		"meth_ci_h":            "4. Доверительный интервал",
		"meth_ci":              "{conf} доверительный интервал строится по распределению Стьюдента с n – 1 степенями свободы; s_R — выборочное стандартное отклонение R. Интервал ограничивается отрезком [0, 100]; при n = 1 он равен [0, 100]:",
		"meth_csat_h":          "5. CSAT",
		"meth_csat":            "CSAT — доля (в процентах) учтённых ответов, в которых ответ на главный вопрос анкеты попадает в два верхних балла (шкала: max или max – 1; да/нет: да). Интервал — 95% интервал Уилсона с z = {z}, где k — число таких ответов, p = k / n:",
		"meth_adj_h":           "6. Скорректированный индекс (сжатие)",
		"meth_adj":             "Чтобы смягчить влияние малых выборок, скорректированный индекс приближает индекс ведомства к индексу его группы C с априорным весом m. При m = 0 скорректированный индекс равен индексу. В этом отчёте m = {m}.",
		"meth_rank_h":          "7. Ранжирование",
		"meth_rank":            "Внутри каждой группы ведомства, у которых не меньше min_n = {min_n} учтённых ответов, упорядочиваются по убыванию скорректированного индекса, округлённого до 2 знаков. Равные значения делят место, следующее место пропускается (1, 2, 2, 4). Ведомства с меньшим числом ответов показаны вне рейтинга.",
		"meth_change_h":        "8. Изменение",
		"meth_change":          "Изменение — разность индексов в процентных пунктах по сравнению с предыдущим периодом того же вида и с тем же периодом годом ранее. Не указывается, если у одной из сторон меньше min_n учтённых ответов. Изменение места сравнивается с местом в предыдущем периоде.",
		"meth_streak_h":        "9. Серия",
		"meth_streak":          "Серия — число идущих подряд периодов того же вида, заканчивая текущим, в которых ведомство было на 1-м месте в своей группе (просматривается не более 40 периодов; 0, если сейчас ведомство не первое; для произвольных интервалов дат не считается). Серия из 4 периодов читается так: «{example}».",
		"meth_round_h":         "10. Округление",
		"meth_round":           "Значения округляются до 2 знаков после запятой (половина — от нуля) только при выводе; ранжирование использует округлённый скорректированный индекс.",
		"params_h":             "Параметры отчёта",
		"param_min_n":          "Минимум учтённых ответов для рейтинга (min_n)",
		"param_m":              "Априорный вес (m)",
		"param_off":            "выкл.",
		"param_conf":           "Доверительный уровень",
		"param_z":              "z Уилсона",
		"param_counted":        "Учтённые ответы",
		"param_excluded":       "Исключённые ответы",
		"excl_h":               "Исключённые ответы по причинам",
		"col_reason":           "Причина",
		"col_count":            "Ответов",
		"excl_none":            "В этом периоде исключённых ответов нет.",
		"reason_burst":         "Частая отправка (burst): отправлен раньше минимального интервала после предыдущего ответа с того же киоска",
		"total":                "Итого",
		"formula_yes_no":       "s(да) = 100,   s(нет) = 0",
		"formula_wilson_label": "Интервал Уилсона:",
	},
}

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"az": {"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr"},
	// Russian dates use the genitive: "1 июля 2025 г."
	"ru": {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
}

// loc formats text, numbers and dates in one report language. Numbers are written by the shared formatter
// of package locale in its print style (Number, Integer, Signed, Percent, Trimmed).
type loc struct {
	locale.Style
	lang string
	msgs map[string]string
}

func newLoc(lang string) (loc, bool) {
	m, ok := messages[lang]
	if !ok || !locale.Valid(lang) {
		return loc{}, false
	}
	return loc{Style: locale.Print(lang), lang: lang, msgs: m}, true
}

// t returns the message key with the {name} placeholders replaced by the
// pairs in kv (name, value, name, value, …).
func (l loc) t(key string, kv ...string) string {
	s, ok := l.msgs[key]
	if !ok {
		s = key
	}
	return fill(s, kv...)
}

// tPlural returns the plural form of key for count n.
func (l loc) tPlural(key string, n int64, kv ...string) string {
	s, ok := l.msgs[key+"#"+locale.Plural(l.lang, n)]
	if !ok {
		s = l.msgs[key+"#other"]
	}
	return fill(s, kv...)
}

func fill(s string, kv ...string) string {
	if len(kv) == 0 || !strings.Contains(s, "{") {
		return s
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// ci formats an interval: 92,10–93,43.
func (l loc) ci(lo, hi float64) string {
	return l.Number(lo, 2) + "–" + l.Number(hi, 2)
}

// date formats a calendar date: "1 July 2025", "1 iyul 2025",
// "1 июля 2025 г.".
func (l loc) date(t time.Time) string {
	m := monthNames[l.lang][t.Month()-1]
	s := strconv.Itoa(t.Day()) + " " + m + " " + strconv.Itoa(t.Year())
	if l.lang == "ru" {
		s += "\u00a0г."
	}
	return s
}

// ordinal writes n as an ordinal number in the grammatical slot that the
// streak sentences need: en 1st, 2nd, 3rd, 4th, 11th, 21st; az 1-ci, 3-cü,
// 6-cı, 9-cu (vowel harmony of the spoken numeral); ru "4-й" (case "nom",
// masculine nominative: 4-й раз) or "1-м" (case "prep", prepositional:
// на 1-м месте).
func (l loc) ordinal(n int, ruCase string) string {
	s := strconv.Itoa(n)
	switch l.lang {
	case "az":
		return s + "-" + azOrdinalSuffix(n)
	case "ru":
		if ruCase == "prep" {
			return s + "-м"
		}
		return s + "-й"
	default:
		return s + enOrdinalSuffix(n)
	}
}

func enOrdinalSuffix(n int) string {
	if n < 0 {
		n = -n
	}
	if m := n % 100; m >= 11 && m <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// azOrdinalSuffix picks -cı/-ci/-cu/-cü by the last vowel of the Azerbaijani
// numeral as it is read aloud: bir, iki, üç, dörd, beş, altı, yeddi, səkkiz,
// doqquz; on, iyirmi, otuz, qırx, əlli, altmış, yetmiş, səksən, doxsan; yüz,
// min, milyon, milyard.
func azOrdinalSuffix(n int) string {
	if n < 0 {
		n = -n
	}
	// The last vowel of each numeral word.
	units := [10]rune{'ı', 'i', 'i', 'ü', 'ö', 'e', 'ı', 'i', 'i', 'u'} // sıfır, bir … doqquz
	tens := [10]rune{0, 'o', 'i', 'u', 'ı', 'i', 'ı', 'i', 'ə', 'a'}    // –, on, iyirmi … doxsan
	var v rune
	switch {
	case n == 0:
		v = units[0]
	case n%10 != 0:
		v = units[n%10]
	case n%100 != 0:
		v = tens[(n/10)%10]
	case n%1000 != 0:
		v = 'ü' // yüz
	case n%1000000 != 0:
		v = 'i' // min
	case n%1000000000 != 0:
		v = 'o' // milyon
	default:
		v = 'a' // milyard
	}
	switch v {
	case 'a', 'ı':
		return "cı"
	case 'o', 'u':
		return "cu"
	case 'ö', 'ü':
		return "cü"
	default: // e, ə, i
		return "ci"
	}
}

// streakPhrase is the short sentence for an agency that ranked rank in its
// group for streak consecutive periods: "1st for the 4th time in a row",
// "ardıcıl 4-cü dəfə 1-ci yer", "4-й раз подряд на 1-м месте". A streak of 0
// or 1 gives just the place ("1st", "1-ci yer", "на 1-м месте").
func (l loc) streakPhrase(rank, streak int) string {
	r := l.ordinal(rank, "prep")
	if streak < 2 {
		return l.t("streak_one", "rank", r)
	}
	return l.t("streak_many", "rank", r, "times", l.ordinal(streak, "nom"))
}
