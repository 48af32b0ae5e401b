package i18n

// Honest figures on the dashboard (docs/method.md#honest-figures): running periods, significance of a
// change, rank intervals, clear first, the control chart and the "Explained" page (web/dash_*.go).
func init() {
	Add(map[string]Text{
		// Running and future periods.
		"dash.provisional": {"İlkin nəticələr", "Provisional", "Предварительные данные"},
		"dash.provisional.text": {
			"Dövr hələ bitməyib: rəqəmlər %s tarixinə olan vəziyyəti göstərir və dəyişə bilər. Dövrün keçən hissəsi: %s%% (dövr %s tarixində bitir).",
			"This period is still running: figures are as of %s and will change. %s%% of the period elapsed (it ends on %s).",
			"Период ещё идёт: данные на %s и будут меняться. Прошло %s%% периода (он заканчивается %s).",
		},
		"dash.err.notstarted.title": {"Dövr hələ başlamayıb", "The period has not started", "Период ещё не начался"},
		"dash.err.notstarted": {
			"%s dövrü hələ başlamayıb (%s tarixində başlayır): onun üçün rəqəm yoxdur.",
			"The period %s has not started yet (it begins on %s): there are no figures for it.",
			"Период %s ещё не начался (начнётся %s): данных за него нет.",
		},

		// Significance of a change.
		"dash.change.ns":       {"əhəmiyyətli dəyişiklik yoxdur", "no significant change", "нет значимого изменения"},
		"dash.change.ns.short": {"fərq yoxdur", "no sig. change", "нет знач. изм."},
		"dash.change.sigup":    {"əhəmiyyətli artım", "significant increase", "значимый рост"},
		"dash.change.sigdown":  {"əhəmiyyətli azalma", "significant decrease", "значимое снижение"},
		"dash.change.ns.title": {
			"%s bənd: fərq təsadüfi ola bilər (95%% səviyyədə əhəmiyyətli deyil)",
			"%s pp: the difference may be chance (not significant at 95%%)",
			"%s п. п.: разница может быть случайной (незначима на уровне 95%%)",
		},

		// Rank interval.
		"dash.rank.interval": {
			"yer %s; xəta payı nəzərə alınmaqla %s–%s",
			"rank %s; allowing for the margin of error %s–%s",
			"место %s; с учётом погрешности %s–%s",
		},
		"dash.rank.exact": {"yer %s, xəta payından kənarda", "rank %s, beyond the margin of error", "место %s, вне пределов погрешности"},

		// Clear first and streaks.
		"dash.first.clear":  {"aydın 1-ci", "clearly 1st", "явно 1-е"},
		"dash.first.margin": {"1-ci, xəta payı daxilində", "1st, within the margin of error", "1-е, в пределах погрешности"},
		"dash.streak.clear": {
			"Aydın 1-ci yer (xəta payından kənarda); ardıcıl aydın 1-ci olduğu dövrlər: %d; xəta payı daxilindəki yerlər də sayılmaqla: %d.",
			"Clearly 1st (beyond the margin of error); periods in a row clearly 1st: %d; counting places within the margin of error: %d.",
			"Явно 1-е место (вне пределов погрешности); периодов подряд явно первым: %d; с учётом мест в пределах погрешности: %d.",
		},
		"dash.streak.margin": {
			"1-ci yer xəta payı daxilindədir (başqa qurum da 1-ci ola bilər); xəta payı daxilində ardıcıl 1-ci olduğu dövrlər: %d.",
			"1st within the margin of error (another agency may be 1st); periods in a row 1st, counting places within the margin of error: %d.",
			"1-е место в пределах погрешности (первым может быть и другое ведомство); периодов подряд на 1-м месте с учётом погрешности: %d.",
		},
		"dash.lead.clear": {
			"%s aydın 1-cidir: xəta payı nəzərə alınsa da birincidir (ardıcıl dövrlər: %d).",
			"%s is clearly 1st: first even allowing for the margin of error (periods in a row: %d).",
			"%s — явно на 1-м месте: первое и с учётом погрешности (периодов подряд: %d).",
		},
		// The same on a custom range, which has no sequence of periods to count a streak in.
		"dash.streak.clear.none": {
			"Aydın 1-ci yer (xəta payından kənarda).",
			"Clearly 1st (beyond the margin of error).",
			"Явно 1-е место (вне пределов погрешности).",
		},
		"dash.streak.margin.none": {
			"1-ci yer xəta payı daxilindədir (başqa qurum da 1-ci ola bilər).",
			"1st within the margin of error (another agency may be 1st).",
			"1-е место в пределах погрешности (первым может быть и другое ведомство).",
		},
		"dash.lead.clear.none": {
			"%s aydın 1-cidir: xəta payı nəzərə alınsa da birincidir.",
			"%s is clearly 1st: first even allowing for the margin of error.",
			"%s — явно на 1-м месте: первое и с учётом погрешности.",
		},
		"dash.lead.margin": {
			"%s 1-cidir, lakin xəta payı daxilində: mümkün yerləri %s–%s.",
			"%s is 1st, but within the margin of error: its plausible ranks are %s–%s.",
			"%s — на 1-м месте, но в пределах погрешности: возможные места %s–%s.",
		},
		"dash.col.first": {"1-ci yer", "1st place", "1-е место"},

		// Fixed axis of bar charts.
		"dash.chart.bars.axis": {"Ox 0–100, bütün qrafiklərdə eyni.", "Axis 0–100, the same in every chart.", "Шкала 0–100, одинаковая во всех диаграммах."},

		// Control chart.
		"dash.control":       {"Nəzarət xəritəsi (aylar üzrə)", "Control chart (by month)", "Контрольная карта (по месяцам)"},
		"dash.control.title": {"%s: aylıq indeks və nəzarət hədləri", "%s: monthly index and control limits", "%s: индекс по месяцам и контрольные границы"},
		"dash.control.desc": {
			"Son %d ayın indeksi nöqtələrlə; üfüqi xətt bütün ayların orta göstəricisi (%s), zolaq gözlənilən təsadüfi tərəddüd hədləridir.",
			"The index of the last %d months as points; the horizontal line is the mean over all months (%s), the band the limits of expected chance variation.",
			"Индекс за последние %d месяцев точками; горизонтальная линия — среднее за все месяцы (%s), полоса — границы ожидаемых случайных колебаний.",
		},
		"dash.control.none":          {"Bu dövrə qədər aylıq məlumat yoxdur.", "No monthly data up to this period.", "Нет помесячных данных до этого периода."},
		"dash.control.legend":        {"İşarələr", "Legend", "Условные обозначения"},
		"dash.control.cl":            {"orta xətt (bütün ayların ortası)", "centre line (mean of all months)", "средняя линия (среднее за все месяцы)"},
		"dash.control.band":          {"nəzarət hədləri (±3 standart xəta)", "control limits (±3 standard errors)", "контрольные границы (±3 стандартные ошибки)"},
		"dash.control.point":         {"adi ay", "ordinary month", "обычный месяц"},
		"dash.control.sig.above":     {"yuxarı həddən yuxarı", "above the upper limit", "выше верхней границы"},
		"dash.control.sig.below":     {"aşağı həddən aşağı", "below the lower limit", "ниже нижней границы"},
		"dash.control.sig.run_above": {"ardıcıl 7 ay orta xəttdən yuxarı", "7 months in a row above the centre line", "7 месяцев подряд выше средней линии"},
		"dash.control.sig.run_below": {"ardıcıl 7 ay orta xəttdən aşağı", "7 months in a row below the centre line", "7 месяцев подряд ниже средней линии"},
		"dash.control.sig.run":       {"ardıcıl 7 ay orta xəttin eyni tərəfində", "7 months in a row on one side of the centre line", "7 месяцев подряд по одну сторону средней линии"},
		"dash.control.signals":       {"Siqnallar", "Signals", "Сигналы"},
		"dash.control.nosignal":      {"Siqnal yoxdur: aylar arasındakı fərqlər təsadüfi tərəddüd çərçivəsindədir.", "No signals: month-to-month differences are within chance variation.", "Сигналов нет: различия между месяцами в пределах случайных колебаний."},
		"dash.control.signal":        {"%s: %s (indeks %s, hədlər %s–%s).", "%s: %s (index %s, limits %s–%s).", "%s: %s (индекс %s, границы %s–%s)."},
		"dash.control.col.month":     {"Ay", "Month", "Месяц"},
		"dash.control.col.limits":    {"Hədlər", "Limits", "Границы"},
		"dash.control.col.signal":    {"Siqnal", "Signal", "Сигнал"},

		// Month names for the control chart's sentences ("March 2025: below the lower limit").
		"dash.month.01": {"yanvar", "January", "январь"},
		"dash.month.02": {"fevral", "February", "февраль"},
		"dash.month.03": {"mart", "March", "март"},
		"dash.month.04": {"aprel", "April", "апрель"},
		"dash.month.05": {"may", "May", "май"},
		"dash.month.06": {"iyun", "June", "июнь"},
		"dash.month.07": {"iyul", "July", "июль"},
		"dash.month.08": {"avqust", "August", "август"},
		"dash.month.09": {"sentyabr", "September", "сентябрь"},
		"dash.month.10": {"oktyabr", "October", "октябрь"},
		"dash.month.11": {"noyabr", "November", "ноябрь"},
		"dash.month.12": {"dekabr", "December", "декабрь"},

		// The "Explained" page and its links.
		"dash.help":       {"İzah", "Explained", "Пояснения"},
		"dash.help.link":  {"Bu rəqəm nə deməkdir: %s", "What this figure means: %s", "Что означает этот показатель: %s"},
		"dash.help.title": {"Rəqəmlər necə oxunur", "How to read the figures", "Как читать показатели"},
		"dash.help.intro": {
			"Bu səhifə idarə panelində və PDF hesabatında göstərilən hər rəqəmi sadə dillə izah edir. Dəqiq düsturlar metodologiya sənədindədir.",
			"This page explains in plain words every figure on the dashboard and in the PDF report. The exact formulas are in the methodology.",
			"Здесь простыми словами объяснён каждый показатель панели и PDF-отчёта. Точные формулы — в методике.",
		},
		"dash.help.index.h": {"İndeks", "Index", "Индекс"},
		"dash.help.index": {
			"Hər cavab 0-dan 100-ə qədər bal alır (suallar çəkiləri ilə nəzərə alınır). Qurumun indeksi dövrdə sayılmış cavabların orta balıdır: 100 — hamı tam razıdır, 0 — heç kim razı deyil.",
			"Each response gets a score from 0 to 100 (questions count with their weights). An agency's index is the mean score of its counted responses in the period: 100 means everyone fully satisfied, 0 nobody.",
			"Каждый ответ получает балл от 0 до 100 (вопросы учитываются с весами). Индекс ведомства — средний балл его учтённых ответов за период: 100 — все полностью довольны, 0 — никто.",
		},
		"dash.help.ci.h": {"95% interval", "95% confidence interval", "95% доверительный интервал"},
		"dash.help.ci": {
			"İndeks cavab verənlərin seçməsindən hesablanır, ona görə dəqiq deyil. İnterval həqiqi dəyərin 95% ehtimalla yerləşdiyi aralıqdır. Cavab az olduqca interval genişdir.",
			"The index comes from a sample of the people who answered, so it is not exact. The interval is the range that contains the true value with 95% confidence. Fewer responses give a wider interval.",
			"Индекс рассчитан по выборке ответивших, поэтому он неточен. Интервал — диапазон, в котором истинное значение лежит с вероятностью 95%. Чем меньше ответов, тем он шире.",
		},
		"dash.help.n.h": {"n", "n", "n"},
		"dash.help.n": {
			"Dövrdə sayılmış cavabların sayı. Çox tez-tez göndərilən və ya başqa səbəbdən çıxarılan cavablar sayılmır. Cavabı minimumdan az olan qurumlar reytinqə düşmür.",
			"The number of counted responses in the period. Responses excluded as too frequent or for another reason do not count. Agencies below the minimum are not ranked.",
			"Число учтённых ответов за период. Ответы, исключённые как слишком частые или по другой причине, не считаются. Ведомства с числом ответов ниже минимума в рейтинг не входят.",
		},
		"dash.help.csat.h": {"Məmnunluq payı", "CSAT (customer satisfaction)", "Доля довольных"},
		"dash.help.csat": {
			"Əsas suala ən yüksək iki qiymətdən birini (və ya «bəli») verənlərin payı, faizlə.",
			"The share of responses that gave the main question one of its two best marks (or “yes”), in per cent.",
			"Доля ответов, в которых на главный вопрос дана одна из двух лучших оценок (или «да»), в процентах.",
		},
		"dash.help.sig.h": {"Əhəmiyyətli dəyişiklik", "Significant change", "Значимое изменение"},
		"dash.help.sig": {
			"Dəyişiklik (bəndlərlə) yalnız təsadüfi tərəddüddən böyük olduqda əhəmiyyətli sayılır və ▲ və ya ▼ ilə göstərilir. Əks halda «əhəmiyyətli dəyişiklik yoxdur» yazılır: fərq sadəcə şans ola bilər.",
			"A change (in percentage points) is significant only when it is larger than chance variation; it is then shown with ▲ or ▼. Otherwise it reads “no significant change”: the difference may be mere chance.",
			"Изменение (в процентных пунктах) значимо, только если оно больше случайных колебаний; тогда оно показано ▲ или ▼. Иначе написано «нет значимого изменения»: разница может быть случайной.",
		},
		"dash.help.rank.h": {"Yer və yer intervalı", "Rank and rank interval", "Место и интервал мест"},
		"dash.help.rank": {
			"Yer qrup daxilində indeksə görədir. Mötərizədəki aralıq, məsələn «2 (1–3)», statistik xəta nəzərə alındıqda qurumun tuta biləcəyi yerlərdir. «Aydın 1-ci» o deməkdir ki, xəta nəzərə alınsa da qurum birincidir; «xəta payı daxilində 1-ci» — başqa qurum da birinci ola bilər. Ardıcıllıq hər iki mənada göstərilir.",
			"The rank is by index within the group. The range in brackets, e.g. “2 (1–3)”, is the places the agency could hold allowing for the margin of error. “Clearly 1st” means first even allowing for that error; “1st, within the margin of error” means another agency may be first. Streaks are given in both senses.",
			"Место — по индексу внутри группы. Диапазон в скобках, например «2 (1–3)», — места, которые ведомство может занимать с учётом погрешности. «Явно 1-е» — первое и с учётом погрешности; «1-е, в пределах погрешности» — первым может быть и другое ведомство. Серии указаны в обоих смыслах.",
		},
		"dash.help.control.h": {"Nəzarət xəritəsi", "Control chart", "Контрольная карта"},
		"dash.help.control": {
			"Qurumun aylıq indeksi orta xətt və nəzarət hədləri ilə. Hədlərin daxilindəki tərəddüd adidir. Hədlərdən kənar nöqtə və ya orta xəttin eyni tərəfində ardıcıl 7 ay siqnaldır: ehtimal ki, nəsə həqiqətən dəyişib. Siqnallar forma və rənglə işarələnir və sözlə yazılır.",
			"The agency's monthly index with a centre line and control limits. Variation inside the limits is ordinary. A point outside the limits, or 7 months in a row on the same side of the centre line, is a signal: something has probably really changed. Signals are marked by shape and colour and written out in words.",
			"Индекс ведомства по месяцам со средней линией и контрольными границами. Колебания внутри границ обычны. Точка за границей или 7 месяцев подряд по одну сторону средней линии — сигнал: вероятно, что-то действительно изменилось. Сигналы отмечены формой и цветом и описаны словами.",
		},
		"dash.help.provisional.h": {"İlkin nəticələr", "Provisional figures", "Предварительные данные"},
		"dash.help.provisional": {
			"Hələ bitməmiş dövrün rəqəmləri ilkindir: göstərilən tarixə qədər gələn cavablara əsaslanır və dövr bitənə qədər dəyişəcək. Panel standart olaraq son tamamlanmış dövrü açır.",
			"Figures of a period that has not ended are provisional: they rest on the responses received up to the date shown and will change until the period ends. The dashboard opens on the latest complete period by default.",
			"Показатели незавершённого периода предварительные: они основаны на ответах, полученных до указанной даты, и будут меняться до конца периода. По умолчанию панель открывает последний завершённый период.",
		},
	})
}
