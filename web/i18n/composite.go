package i18n

// The composite index (docs/method.md#composite-index): the dashboard's composite view with its
// parameter chart and sensitivity sentences, and the admin pages for methodologies and assessments
// (web/dash_composite.go, web/admin_composite.go).
func init() {
	Add(map[string]Text{
		"comp.title":            {"Kompozit indeks", "Composite index", "Композитный индекс"},
		"comp.switch":           {"Göstərici", "Index", "Показатель"},
		"comp.switch.citizen":   {"Vətəndaş indeksi", "Citizens' index", "Индекс граждан"},
		"comp.switch.composite": {"Kompozit indeks", "Composite index", "Композитный индекс"},
		"comp.methodology":      {"Metodologiya", "Methodology", "Методология"},
		"comp.formula": {
			"Kompozit = %s × vətəndaş indeksi + %s × yoxlama siyahısının balı (%s).",
			"Composite = %s × citizens' index + %s × checklist score (%s).",
			"Композит = %s × индекс граждан + %s × балл по чек-листу (%s).",
		},
		"comp.agg.mean":            {"xidmətlərin ballarının ortası", "the mean of the services' scores", "среднее баллов услуг"},
		"comp.agg.pooled":          {"bütün xidmətlərin meyarları birlikdə", "all services' criteria pooled", "критерии всех услуг вместе"},
		"comp.col.composite":       {"Kompozit", "Composite", "Композит"},
		"comp.col.index":           {"Vətəndaş indeksi", "Citizens' index", "Индекс граждан"},
		"comp.col.checklist":       {"Yoxlama siyahısı", "Checklist", "Чек-лист"},
		"comp.col.services":        {"Qiymətləndirilmiş xidmətlər", "Services assessed", "Оценено услуг"},
		"comp.col.status":          {"Vəziyyət", "Status", "Статус"},
		"comp.status.insufficient": {"az cavab (n < %s)", "too few responses (n < %s)", "мало ответов (n < %s)"},
		"comp.status.unassessed":   {"qiymətləndirilməyib", "not assessed", "не оценено"},
		"comp.unranked": {
			"Sıralanmır: vətəndaş cavabları azdır və ya qiymətləndirmə yoxdur",
			"Not ranked: too few citizens' responses or no assessment",
			"Без места: мало ответов граждан или нет оценки",
		},
		"comp.params.title": {"Parametrlər üzrə ballar", "Scores by parameter", "Баллы по параметрам"},
		"comp.params.desc": {
			"Hər panel bir qurumun yoxlama siyahısı balını parametrlər üzrə göstərir (0–100 sabit şkala; nömrələr cədvəlin sütunlarıdır). Eyni rəqəmlər aşağıdakı cədvəldədir.",
			"Each panel shows one agency's checklist score per parameter (fixed 0–100 scale; the numbers are the table's columns). The same numbers are in the table below.",
			"Каждая панель показывает баллы одной организации по параметрам (постоянная шкала 0–100; номера — столбцы таблицы). Те же числа — в таблице ниже.",
		},
		"comp.chart.title":  {"%s: parametrlər üzrə ballar", "%s: scores by parameter", "%s: баллы по параметрам"},
		"comp.chart.value":  {"%d. %s: %s", "%d. %s: %s", "%d. %s: %s"},
		"comp.na":           {"tətbiq olunmur", "not applicable", "не применимо"},
		"comp.table.params": {"Parametrlər üzrə ballar, cədvəl", "Scores by parameter, table", "Баллы по параметрам, таблица"},

		"comp.sens.title": {"Həssaslıq təhlili", "Sensitivity analysis", "Анализ чувствительности"},
		"comp.sens.intro": {
			"Vətəndaş çəkisi və hər parametrin çəkisi ayrıca 20% azaldılıb və 20% artırılıb (digərləri dəyişmədən). Yeri dəyişən hər qurum aşağıda göstərilir.",
			"The citizens' weight and each parameter's weight were in turn lowered and raised by 20% (the others unchanged). Every agency whose rank changes is listed below.",
			"Вес граждан и вес каждого параметра поочерёдно уменьшены и увеличены на 20% (остальные без изменений). Ниже — каждая организация, чьё место меняется.",
		},
		"comp.sens.none": {
			"Heç bir çəkinin ±20% dəyişməsi heç bir qurumun yerini dəyişmir: bu dövrün sıralaması seçilmiş çəkilərə həssas deyil.",
			"No ±20% change of any weight changes any agency's rank: this period's ranking does not hinge on the chosen weights.",
			"Никакое изменение веса на ±20% не меняет ничьего места: рейтинг этого периода не зависит от выбранных весов.",
		},
		"comp.sens.depends": {
			"Yeri çəkilərdən asılı olan qurumlar: %s.",
			"Agencies whose rank depends on the weights: %s.",
			"Организации, чьё место зависит от весов: %s.",
		},
		"comp.sens.citizen": {
			"Vətəndaş çəkisi %s deyil, %s olsaydı: %s.",
			"With the citizens' weight at %[2]s instead of %[1]s: %[3]s.",
			"Если бы вес граждан был не %s, а %s: %s.",
		},
		"comp.sens.param": {
			"“%s” parametrinin çəkisi %s deyil, %s olsaydı: %s.",
			"With the weight of “%s” at %[3]s instead of %[2]s: %[4]s.",
			"Если бы вес параметра «%s» был не %s, а %s: %s.",
		},
		"comp.sens.move": {"%s (yer %d → %d)", "%s (rank %d → %d)", "%s (место %d → %d)"},
		"comp.sens.out":  {"%s (yer %d → sıralanmır)", "%s (rank %d → not ranked)", "%s (место %d → без места)"},
		"comp.sens.in":   {"%s (sıralanmırdı → yer %d)", "%s (not ranked → rank %d)", "%s (без места → место %d)"},
		"comp.sens.why": {
			"Niyə: OECD və Aİ-nin Birgə Tədqiqat Mərkəzinin kompozit göstəricilər üzrə təlimatı tələb edir ki, kompozit indeks qeyri-müəyyənlik və həssaslıq təhlili ilə birlikdə dərc olunsun, çünki onun yerləri subyektiv çəki seçimlərindən asılı ola bilər.",
			"Why: the OECD/JRC Handbook on Constructing Composite Indicators asks that a composite index be published together with an uncertainty and sensitivity analysis, because its ranks can depend on subjective choices of weights.",
			"Зачем: руководство ОЭСР и Объединённого исследовательского центра ЕС по построению композитных индикаторов требует публиковать композитный индекс вместе с анализом неопределённости и чувствительности, поскольку места в нём могут зависеть от субъективного выбора весов.",
		},
		"comp.nomethod": {
			"Hələ heç bir metodologiya yoxdur: admin onu “Metodologiyalar” səhifəsində və ya qiymet methodology apply əmri ilə əlavə edir.",
			"There is no methodology yet: an admin adds one on the Methodologies page or with qiymet methodology apply.",
			"Методологий пока нет: администратор добавляет её на странице «Методологии» или командой qiymet methodology apply.",
		},
		"comp.noassess": {
			"%s dövrü üçün qiymətləndirmə yoxdur, ona görə kompozit indeks hesablanmır.",
			"There are no assessments for %s, so no composite index can be computed.",
			"За %s оценок нет, поэтому композитный индекс не рассчитывается.",
		},
		"comp.custom": {
			"Kompozit indeks təqvim dövrləri (ay, rüb, yarımil, il) üçün hesablanır, çünki qiymətləndirmələr bu dövrlər üçün aparılır; ixtiyari aralıq üçün deyil.",
			"The composite index is computed for calendar periods (month, quarter, half-year, year), as assessments are made for them; not for a custom range.",
			"Композитный индекс рассчитывается для календарных периодов (месяц, квартал, полугодие, год), так как оценки проводятся за них; не для произвольного интервала.",
		},
		"comp.pick": {"Göstər", "Show", "Показать"},

		// The "Explained" page's section (web/dash_help.go).
		"dash.help.composite.h": {"Kompozit indeks və həssaslıq", "Composite index and sensitivity", "Композитный индекс и чувствительность"},
		"dash.help.composite": {
			"Kompozit indeks ASAN xidmət indeksinə bənzər ekspert yoxlama siyahısını vətəndaşların rəyi ilə birləşdirir. Ekspertlər hər xidməti meyarlar üzrə ballarla qiymətləndirir (tətbiq olunmayan meyar nəzərə alınmır); ballar parametr və meyar çəkiləri ilə 0–100 arası yoxlama siyahısı balına çevrilir, qurumun balı isə xidmətlərinin ballarının ortasıdır (və ya bütün meyarlar birlikdə). Kompozit = vətəndaş çəkisi × vətəndaş indeksi + (1 − vətəndaş çəkisi) × yoxlama siyahısı balı; qiymətləndirməsi olmayan və ya cavabları min_n-dən az olan qurum sıralanmır. Çəkilər subyektiv seçimdir: OECD və Aİ-nin Birgə Tədqiqat Mərkəzinin kompozit göstəricilər üzrə təlimatına görə kompozit indeks qeyri-müəyyənlik və həssaslıq təhlili ilə birlikdə dərc olunmalıdır, çünki onun yerləri çəki seçimindən asılı ola bilər. Ona görə hər çəki ayrıca 20% azaldılır və artırılır, yeri dəyişən hər qurum göstərilir.",
			"The composite index combines an expert checklist, like the one behind the ASAN service index, with the citizens' ratings. Assessors score each service on criteria (a criterion that does not apply is left out); the points become a 0–100 checklist score through the parameter and criterion weights, and an agency's score is the mean of its services' scores (or all their criteria pooled). Composite = citizens' weight × citizens' index + (1 − citizens' weight) × checklist score; an agency without an assessment or with fewer responses than min_n is not ranked. Weights are a subjective choice: the OECD/JRC Handbook on Constructing Composite Indicators asks that a composite index come with an uncertainty and sensitivity analysis, because its ranks can depend on the choice of weights. So each weight in turn is lowered and raised by 20%, and every agency whose rank changes is shown.",
			"Композитный индекс объединяет экспертный чек-лист, подобный тому, на котором строится индекс ASAN, с оценками граждан. Эксперты оценивают каждую услугу баллами по критериям (неприменимый критерий не учитывается); через веса параметров и критериев баллы дают оценку по чек-листу от 0 до 100, а оценка организации — среднее оценок её услуг (или все критерии вместе). Композит = вес граждан × индекс граждан + (1 − вес граждан) × оценка по чек-листу; организация без оценки или с числом ответов меньше min_n места не получает. Веса — субъективный выбор: руководство ОЭСР и ОИЦ ЕС по построению композитных индикаторов требует сопровождать композитный индекс анализом неопределённости и чувствительности, поскольку места в нём могут зависеть от выбора весов. Поэтому каждый вес поочерёдно уменьшается и увеличивается на 20%, и показывается каждая организация, чьё место меняется.",
		},

		// Admin pages.
		"comp.admin.methodologies": {"Metodologiyalar", "Methodologies", "Методологии"},
		"comp.admin.assessments":   {"Qiymətləndirmələr", "Assessments", "Оценки"},
		"comp.admin.version":       {"versiya %d", "version %d", "версия %d"},
		"comp.admin.citizenweight": {"Vətəndaş çəkisi", "Citizens' weight", "Вес граждан"},
		"comp.admin.aggregate":     {"Xidmətlərin birləşdirilməsi", "Services combined as", "Объединение услуг"},
		"comp.admin.weight":        {"Çəki", "Weight", "Вес"},
		"comp.admin.share":         {"Pay", "Share", "Доля"},
		"comp.admin.max":           {"Maks. bal", "Max points", "Макс. балл"},
		"comp.admin.criterion":     {"Meyar", "Criterion", "Критерий"},
		"comp.admin.parameter":     {"Parametr", "Parameter", "Параметр"},
		"comp.admin.used": {
			"Qiymətləndirmələrdə istifadə olunur: bu versiya dəyişdirilə bilməz, yeni versiya dərc edin.",
			"Used by assessments: this version cannot change; publish a new version.",
			"Используется в оценках: эту версию изменить нельзя, опубликуйте новую.",
		},
		"comp.admin.apply": {"Metodologiya tətbiq etmək (JSON)", "Apply a methodology (JSON)", "Применить методологию (JSON)"},
		"comp.admin.applyhelp": {
			"JSON: code, version, citizen_weight (0–1), aggregate (mean və ya pooled), parameters[code, weight, name, criteria[code, weight, max, name]].",
			"JSON: code, version, citizen_weight (0–1), aggregate (mean or pooled), parameters[code, weight, name, criteria[code, weight, max, name]].",
			"JSON: code, version, citizen_weight (0–1), aggregate (mean или pooled), parameters[code, weight, name, criteria[code, weight, max, name]].",
		},
		"comp.admin.applybtn":    {"Tətbiq et", "Apply", "Применить"},
		"comp.admin.applied":     {"Metodologiya %s, versiya %d: %s.", "Methodology %s, version %d: %s.", "Методология %s, версия %d: %s."},
		"comp.outcome.created":   {"yaradıldı", "created", "создана"},
		"comp.outcome.updated":   {"yeniləndi", "updated", "обновлена"},
		"comp.outcome.unchanged": {"dəyişməyib", "unchanged", "без изменений"},
		"comp.admin.form":        {"Xidmətin qiymətləndirilməsi", "Assess a service", "Оценка услуги"},
		"comp.admin.service":     {"Xidmət", "Service", "Услуга"},
		"comp.admin.period":      {"Dövr", "Period", "Период"},
		"comp.admin.points":      {"Bal (0–%s)", "Points (0–%s)", "Балл (0–%s)"},
		"comp.admin.pointshelp": {
			"Boş bal = meyar bu xidmətə tətbiq olunmur (hesablamaya daxil edilmir).",
			"An empty points field means the criterion does not apply to this service (it is left out of the score).",
			"Пустой балл означает, что критерий к услуге не применим (он не учитывается).",
		},
		"comp.admin.evidence": {"Sübut (mətn və ya URL)", "Evidence (text or URL)", "Подтверждение (текст или URL)"},
		"comp.admin.assessor": {"Qiymətləndirən", "Assessor", "Оценщик"},
		"comp.admin.save":     {"Qiymətləndirməni yadda saxla", "Save the assessment", "Сохранить оценку"},
		"comp.admin.saved": {
			"Qiymətləndirmə yadda saxlanıldı: %s, %s. Bu xidmət və dövr üçün indi bu qiymətləndirmə hesablanır.",
			"Assessment saved: %s, %s. It is now the one that counts for this service and period.",
			"Оценка сохранена: %s, %s. Теперь учитывается именно она для этой услуги и периода.",
		},
		"comp.admin.latest": {"%s üçün hesablanan qiymətləndirmələr", "Assessments that count for %s", "Учитываемые оценки за %s"},
		"comp.admin.none":   {"Hələ qiymətləndirmə yoxdur.", "No assessments yet.", "Оценок пока нет."},
		"comp.admin.when":   {"Vaxt", "When", "Когда"},
		"comp.admin.edit":   {"Redaktə et", "Edit", "Изменить"},
		"comp.admin.import": {
			"Çox qiymətləndirməni CSV ilə idxal edin: qiymet assessment import FAYL.csv (sütunlar: methodology, version, period, agency, service, criterion, points, evidence).",
			"Import many assessments as CSV: qiymet assessment import FILE.csv (columns: methodology, version, period, agency, service, criterion, points, evidence).",
			"Много оценок можно импортировать из CSV: qiymet assessment import ФАЙЛ.csv (столбцы: methodology, version, period, agency, service, criterion, points, evidence).",
		},

		// Errors of the assessment form, in the reader's language.
		"comp.err.points":   {"“%s”: bal 0 ilə %s arasında rəqəm olmalıdır.", "“%s”: points must be a number from 0 to %s.", "«%s»: балл должен быть числом от 0 до %s."},
		"comp.err.evidence": {"“%s”: sübut ən çox %d simvol ola bilər.", "“%s”: evidence is at most %d characters.", "«%s»: подтверждение не длиннее %d символов."},
		"comp.err.service":  {"Qurumun xidmətini seçin.", "Choose one of the agency's services.", "Выберите услугу организации."},
		"comp.err.period": {
			"Dövr düzgün deyil: İİİİ, İİİİ-H1|H2, İİİİ-Q1…Q4 və ya İİİİ-AA yazın.",
			"The period is not valid: write YYYY, YYYY-H1|H2, YYYY-Q1…Q4 or YYYY-MM.",
			"Неверный период: укажите ГГГГ, ГГГГ-H1|H2, ГГГГ-Q1…Q4 или ГГГГ-ММ.",
		},
		"comp.err.assessor":    {"Qiymətləndirənin adı çox uzundur.", "The assessor's name is too long.", "Имя оценщика слишком длинное."},
		"comp.err.methodology": {"Belə metodologiya və ya versiya yoxdur.", "There is no such methodology or version.", "Такой методологии или версии нет."},
		"comp.err.json":        {"Metodologiya qəbul edilmədi: %s", "The methodology was not accepted: %s", "Методология не принята: %s"},
	})
}
