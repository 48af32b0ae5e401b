package i18n

import (
	"regexp"
	"strconv"
	"strings"
)

// Administration forms (web/admin*.go): labels, and the one mapping from a validation error (its code and field
// path, as survey.Error carries them) to a sentence in the reader's language that names the field. Error paths
// look like `email`, `agencies[0] "migration".group` or `surveys[0] "visit".questions[2] "wait".weight`.

var errPathRE = regexp.MustCompile(`^(groups|agencies|services|centers|surveys)\[\d+\] "([^"]*)"(?:\.questions\[(\d+)\] "([^"]*)")?(?:\.(.+))?$`)

// AdminError is the sentence for a validation error of the admin form `form` (users, kiosks, apikeys, catalog,
// survey): code and field from survey.Error, detail its English message (shown only for JSON syntax errors,
// whose position helps). The field path is also returned reduced to the form field it concerns ("group",
// "q2.weight"), for aria-invalid.
func AdminError(lang, form, code, field, detail string) (sentence, formField string) {
	switch code {
	case "payload_too_large":
		return T(lang, "adm.err.toolarge"), ""
	case "invalid_json":
		return T(lang, "adm.err.json", detail), "json"
	}
	if m := errPathRE.FindStringSubmatch(field); m != nil {
		kind, entry, qi, qkey, attr := m[1], m[2], m[3], m[4], m[5]
		attr = strings.TrimSuffix(attr, ".az")
		what := T(lang, "adm.kind."+kind)
		if entry != "" {
			what += " «" + entry + "»"
		}
		ff := attr
		if qi != "" {
			n, _ := strconv.Atoi(qi)
			what += ", " + T(lang, "adm.q.n", n+1)
			if qkey != "" {
				what += " «" + qkey + "»"
			}
			ff = "q" + qi + "." + attr
			if attr == "" {
				attr, ff = "question", "q"+qi
			}
		} else if attr == "" {
			attr = "dup"
		}
		return what + ": " + firstKey(lang, "adm.err."+kind+"."+attr, "adm.err."+attr, "adm.err.invalid"), ff
	}
	if field == "surveys" { // a used version cannot change
		return T(lang, "adm.err.surveys.used"), ""
	}
	if field == "" {
		return T(lang, "adm.err.invalid"), ""
	}
	return firstKey(lang, "adm.err."+form+"."+field, "adm.err."+field, "adm.err.invalid"), field
}

func firstKey(lang string, keys ...string) string {
	for _, k := range keys {
		if Has(k) {
			return T(lang, k)
		}
	}
	return ""
}

func init() {
	Add(map[string]Text{
		// Generic.
		"adm.err.invalid":  {"Sahələrdən biri düzgün doldurulmayıb; işarələnmiş sahəni yoxlayın.", "A field is not filled in correctly; check the marked field.", "Одно из полей заполнено неверно; проверьте отмеченное поле."},
		"adm.err.toolarge": {"Forma çox böyükdür; mətni qısaldın.", "The form is too large; shorten the text.", "Форма слишком большая; сократите текст."},
		"adm.err.json":     {"JSON oxunmadı: %s", "The JSON could not be read: %s", "Не удалось прочитать JSON: %s"},
		"adm.err.summary":  {"Yadda saxlanmadı.", "Nothing was saved.", "Ничего не сохранено."},
		"adm.choose":       {"— seçin —", "— choose —", "— выберите —"},
		// Users.
		"adm.err.users.email":  {"E-poçt: düzgün ünvan yazın; bu ünvanla başqa istifadəçi olmamalıdır.", "E-mail: enter a valid address that no other user has.", "Эл. почта: введите правильный адрес, которого нет у другого пользователя."},
		"adm.err.users.role":   {"Rol: administrator, analitik və ya rəhbər seçin.", "Role: choose administrator, analyst or manager.", "Роль: выберите администратора, аналитика или руководителя."},
		"adm.err.users.agency": {"Qurum: rəhbər üçün onun işlədiyi qurumu seçin.", "Agency: choose the agency the manager works for.", "Ведомство: выберите ведомство, в котором работает руководитель."},
		// Kiosks.
		"adm.err.kiosks.name":   {"Ad: 1–200 simvol yazın.", "Name: enter 1 to 200 characters.", "Название: введите от 1 до 200 символов."},
		"adm.err.kiosks.center": {"Mərkəz: siyahıdan mərkəz seçin.", "Centre: choose a centre from the list.", "Центр: выберите центр из списка."},
		"adm.err.kiosks.agency": {"Qurum: seçilmiş mərkəzdə olan qurumu seçin və ya «Mərkəzin bütün qurumları».", "Agency: choose an agency the chosen centre hosts, or “Every agency of the centre”.", "Ведомство: выберите ведомство, которое есть в выбранном центре, или «Все ведомства центра»."},
		// API keys.
		"adm.err.apikeys.name": {"Ad: 1–200 simvol yazın.", "Name: enter 1 to 200 characters.", "Название: введите от 1 до 200 символов."},
		// Catalog entries, named in sentences.
		"adm.kind.groups":   {"Qrup", "Group", "Группа"},
		"adm.kind.agencies": {"Qurum", "Agency", "Ведомство"},
		"adm.kind.services": {"Xidmət", "Service", "Услуга"},
		"adm.kind.centers":  {"Mərkəz", "Centre", "Центр"},
		"adm.kind.surveys":  {"Sorğu", "Survey", "Анкета"},
		"adm.q.n":           {"sual №%d", "question %d", "вопрос №%d"},
		"adm.q.N":           {"Sual №%d", "Question %d", "Вопрос №%d"},
		"adm.err.code":      {"kod kiçik latın hərfləri, rəqəmlər və defislə yazılmalıdır (məs. baku-1), 63 simvola qədər", "the code must be lower-case Latin letters, digits and hyphens (e.g. baku-1), up to 63 characters", "код — строчные латинские буквы, цифры и дефисы (например baku-1), до 63 символов"},
		"adm.err.dup":       {"bu kod iki dəfə verilib", "this code is given twice", "этот код указан дважды"},
		"adm.err.name":      {"azərbaycanca ad mütləqdir; hər dildə ən çox 300 simvol, idarəedici simvollar olmadan", "the Azerbaijani name is required; at most 300 characters in each language, no control characters", "название на азербайджанском обязательно; не более 300 символов на каждом языке, без управляющих символов"},
		"adm.err.group":     {"qrupu siyahıdan seçin", "choose the group from the list", "выберите группу из списка"},
		"adm.err.survey":    {"sorğunu siyahıdan seçin", "choose the survey from the list", "выберите анкету из списка"},
		"adm.err.agency":    {"qurumu siyahıdan seçin", "choose the agency from the list", "выберите ведомство из списка"},
		"adm.err.agencies":  {"yalnız siyahıdakı qurumları seçin", "choose only agencies from the list", "выбирайте только ведомства из списка"},
		"adm.err.version":   {"versiya müsbət tam ədəd olmalıdır", "the version must be a positive whole number", "версия должна быть целым положительным числом"},
		"adm.err.questions": {"1–50 sual lazımdır, ən azı biri çəkisi sıfırdan böyük qiymətləndirilən sual olmalıdır", "1 to 50 questions are needed, at least one of them scored (weight above 0)", "нужно от 1 до 50 вопросов, хотя бы один оцениваемый (вес больше 0)"},
		"adm.err.primary":   {"əsas sual sorğunun şkala və ya bəli/xeyr suallarından biri olmalıdır", "the main question must be one of the survey's scale or yes/no questions", "главный вопрос должен быть одним из вопросов анкеты со шкалой или да/нет"},
		"adm.err.key":       {"açar kiçik latın hərfi ilə başlamalı, sonra hərflər, rəqəmlər və _ (məs. waiting_time)", "the key must start with a lower-case Latin letter, then letters, digits and _ (e.g. waiting_time)", "ключ начинается со строчной латинской буквы, далее буквы, цифры и _ (например waiting_time)"},
		"adm.err.type":      {"növ şkala, bəli/xeyr və ya mətn olmalıdır", "the type must be scale, yes/no or text", "тип — шкала, да/нет или текст"},
		"adm.err.weight":    {"çəki 0 ilə 1000 arasında olmalıdır; mətn sualının çəkisi yoxdur", "the weight must be between 0 and 1000; text questions have no weight", "вес — от 0 до 1000; у текстовых вопросов веса нет"},
		"adm.err.text":      {"azərbaycanca mətn mütləqdir; hər dildə ən çox 300 simvol", "the Azerbaijani text is required; at most 300 characters in each language", "текст на азербайджанском обязателен; не более 300 символов на каждом языке"},
		"adm.err.question":  {"şkalada max − min 2 ilə 10 arasında olmalıdır (bəli/xeyr və mətndə sərhəd yoxdur), açar isə təkrarlanmamalıdır", "a scale needs max − min between 2 and 10 (yes/no and text have no bounds), and the key must not repeat", "у шкалы max − min от 2 до 10 (у да/нет и текста границ нет), ключ не должен повторяться"},
		"adm.err.surveys.used": {
			"Bu versiyaya artıq cavab verilib və o dəyişdirilə bilməz; dəyişikliklər yeni versiya kimi dərc olunur.",
			"This version already has responses and cannot change; changes are published as a new version.",
			"На эту версию уже есть ответы, её нельзя изменить; изменения публикуются как новая версия.",
		},
		"adm.err.referenced": {
			"«%s» silinmədi: ona hələ istinad olunur (%s). Əvvəlcə onları dəyişin.",
			"“%s” was not deleted: it is still referred to (%s). Change those first.",
			"«%s» не удалено: на него ещё ссылаются (%s). Сначала измените их.",
		},
		"adm.err.notfound": {"Belə qeyd yoxdur.", "There is no such entry.", "Такой записи нет."},
	})
}

// The kiosk fleet view (web/admin_kiosks.go, admin_fleet.go).
func init() {
	Add(map[string]Text{
		"adm.fleet.lastresponse":  {"Son cavab", "Last response", "Последний ответ"},
		"adm.fleet.lastheartbeat": {"Son siqnal", "Last heartbeat", "Последний сигнал"},
		"adm.fleet.battery":       {"Batareya", "Battery", "Батарея"},
		"adm.fleet.charging":      {"şarj olunur", "charging", "заряжается"},
		"adm.fleet.state.online":  {"onlayn", "online", "в сети"},
		"adm.fleet.state.offline": {"oflayn", "offline", "не в сети"},
		"adm.fleet.state.silent":  {"susur", "silent", "молчит"},
		"adm.fleet.state.waiting": {"hələ əlaqə yoxdur", "not heard from yet", "ещё не выходил на связь"},
		"adm.fleet.state.revoked": {"ləğv edilib", "revoked", "отозван"},
		"adm.fleet.silentcount":   {"Susan köşklər: %d. Onları yoxlayın.", "Silent kiosks: %d. Check them.", "Молчащих киосков: %d. Проверьте их."},
		"adm.fleet.rule": {
			"«Susur»: iş saatlarında (B.e.–Cümə, 09:00–18:00) 2 saat nə cavab, nə siqnal gəlib. «Onlayn»: son 3 dəqiqədə siqnal və ya cavab gəlib.",
			"“Silent”: neither a response nor a heartbeat for 2 hours of opening time (Mon–Fri, 09:00–18:00). “Online”: a heartbeat or response in the last 3 minutes.",
			"«Молчит»: ни ответа, ни сигнала 2 часа рабочего времени (пн–пт, 09:00–18:00). «В сети»: сигнал или ответ за последние 3 минуты.",
		},
	})
}

// Catalog and survey forms (web/admin_catalog_entry.go, admin_survey_form.go).
func init() {
	Add(map[string]Text{
		"adm.catalog.help": {
			"Qeydi dəyişmək üçün «Dəyiş»-i seçin. Hər dəyişiklik əvvəlcə önizləmədə göstərilir, sonra tətbiq olunur; bütün dəyişikliklər audit jurnalına yazılır.",
			"Choose “Edit” to change an entry. Every change is shown in a preview first, then applied; every change goes to the audit log.",
			"Чтобы изменить запись, выберите «Изменить». Каждое изменение сначала показывается в предпросмотре, затем применяется; все изменения попадают в журнал аудита.",
		},
		"adm.new.groups":          {"Yeni qrup", "New group", "Новая группа"},
		"adm.new.agencies":        {"Yeni qurum", "New agency", "Новое ведомство"},
		"adm.new.services":        {"Yeni xidmət", "New service", "Новая услуга"},
		"adm.new.centers":         {"Yeni mərkəz", "New centre", "Новый центр"},
		"adm.edit":                {"Dəyiş", "Edit", "Изменить"},
		"adm.preview":             {"Önizləmə", "Preview", "Предпросмотр"},
		"adm.apply":               {"Dəyişiklikləri tətbiq et", "Apply the changes", "Применить изменения"},
		"adm.delete":              {"Sil", "Delete", "Удалить"},
		"adm.deleted":             {"«%s» silindi.", "“%s” deleted.", "«%s» удалено."},
		"adm.delete.refs":         {"Silmək olmaz: buna hələ istinad edir:", "It cannot be deleted while these refer to it:", "Удалить нельзя, пока на запись ссылаются:"},
		"adm.ref.agencies":        {"qurumlar", "agencies", "ведомства"},
		"adm.ref.services":        {"xidmətlər", "services", "услуги"},
		"adm.ref.center_agencies": {"mərkəzlər", "centres", "центры"},
		"adm.ref.kiosks":          {"köşklər", "kiosks", "киоски"},
		"adm.ref.users":           {"istifadəçilər", "users", "пользователи"},
		"adm.ref.invitations":     {"dəvət keçidləri", "invitation links", "ссылки-приглашения"},
		"adm.ref.responses":       {"cavablar", "responses", "ответы"},
		"adm.preview.title":       {"Nə dəyişəcək", "What will change", "Что изменится"},
		"adm.preview.field":       {"Sahə", "Field", "Поле"},
		"adm.revoked":             {"Ləğv edildi: o artıq qəbul edilmir.", "Revoked: it is no longer accepted.", "Отозван: он больше не принимается."},
		"adm.preview.now":         {"İndi", "Now", "Сейчас"},
		"adm.preview.after":       {"Sonra", "After", "После"},
		"adm.f.codehelp":          {"Kiçik latın hərfləri, rəqəmlər və defis; sonradan dəyişmir.", "Lower-case Latin letters, digits and hyphens; it never changes later.", "Строчные латинские буквы, цифры и дефис; потом не меняется."},
		"adm.f.name_az":           {"Ad (azərbaycanca)", "Name (Azerbaijani)", "Название (азербайджанский)"},
		"adm.f.name_en":           {"Ad (ingiliscə)", "Name (English)", "Название (английский)"},
		"adm.f.name_ru":           {"Ad (rusca)", "Name (Russian)", "Название (русский)"},
		"adm.f.group":             {"Qrup", "Group", "Группа"},
		"adm.f.survey":            {"Sorğu", "Survey", "Анкета"},
		"adm.f.agency":            {"Qurum", "Agency", "Ведомство"},
		"adm.f.agencies":          {"Mərkəzdəki qurumlar", "Agencies in the centre", "Ведомства в центре"},
		"adm.f.hostedhelp":        {"Artıq əlavə olunmuş qurumlar qalır (cavablar onlara istinad edir).", "Agencies already added stay (responses refer to them).", "Уже добавленные ведомства остаются (на них ссылаются ответы)."},
		"adm.err.codetaken":       {"Kod: bu kod artıq var; başqa kod seçin və ya mövcud qeydi dəyişin.", "Code: this code exists already; choose another or edit the existing entry.", "Код: такой код уже есть; выберите другой или измените существующую запись."},
		"adm.err.stale":           {"Bu arada sorğunun yeni versiyası dərc olunub. Formanı yenidən açın.", "A newer version of this survey was published meanwhile. Open the form again.", "Тем временем опубликована более новая версия анкеты. Откройте форму заново."},
		"adm.err.scale":           {"şkalada min və max tam ədədlərdir, max − min 2 ilə 10 arasındadır (məs. 1 və 5)", "a scale needs whole numbers min and max with max − min between 2 and 10 (e.g. 1 and 5)", "у шкалы min и max — целые числа, max − min от 2 до 10 (например 1 и 5)"},
		"adm.err.weightnum":       {"çəki 0 ilə 1000 arasında ədəddir (məs. 1 və ya 0,5)", "the weight is a number from 0 to 1000 (e.g. 1 or 0.5)", "вес — число от 0 до 1000 (например 1 или 0,5)"},
		"adm.survey.new":          {"Yeni sorğu", "New survey", "Новая анкета"},
		"adm.survey.next":         {"%d versiyasını hazırla", "Prepare version %d", "Подготовить версию %d"},
		"adm.survey.title":        {"«%s» sorğusu: %d versiyası", "Survey “%s”: version %d", "Анкета «%s»: версия %d"},
		"adm.survey.help":         {"Forma %d versiyasından qurulub və yeni %d versiyası kimi dərc olunacaq; mövcud versiyalar dəyişmir.", "The form starts from version %d and is published as the new version %d; stored versions never change.", "Форма построена по версии %d и будет опубликована как новая версия %d; сохранённые версии не меняются."},
		"adm.survey.newhelp":      {"Yeni sorğu 1-ci versiya kimi dərc olunur.", "A new survey is published as version 1.", "Новая анкета публикуется как версия 1."},
		"adm.survey.blank":        {"Boş sətirlər nəzərə alınmır; sualı silmək üçün onun açarını və mətnlərini silin.", "Empty rows are ignored; to remove a question, clear its key and texts.", "Пустые строки не учитываются; чтобы убрать вопрос, очистите его ключ и тексты."},
		"adm.survey.first":        {"«%s» sorğusu %d sualla yaradılacaq.", "Survey “%s” will be created with %d questions.", "Анкета «%s» будет создана с %d вопросами."},
		"adm.survey.added":        {"Yeni sual: «%s».", "New question: “%s”.", "Новый вопрос: «%s»."},
		"adm.survey.changed":      {"Dəyişən sual: «%s».", "Changed question: “%s”.", "Изменён вопрос: «%s»."},
		"adm.survey.removed":      {"Çıxarılan sual: «%s».", "Removed question: “%s”.", "Убран вопрос: «%s»."},
		"adm.survey.primary":      {"Əsas sual: «%s» → «%s».", "Main question: “%s” → “%s”.", "Главный вопрос: «%s» → «%s»."},
		"adm.survey.same":         {"Suallar eynidir; yenə də yeni versiya dərc olunacaq.", "The questions are the same; a new version will still be published.", "Вопросы те же; всё равно будет опубликована новая версия."},
		"adm.f.key":               {"Açar", "Key", "Ключ"},
		"adm.f.type":              {"Növ", "Type", "Тип"},
		"adm.f.min":               {"Min", "Min", "Мин."},
		"adm.f.max":               {"Max", "Max", "Макс."},
		"adm.f.weight":            {"Çəki", "Weight", "Вес"},
		"adm.f.required":          {"məcburi", "required", "обязательный"},
		"adm.f.primary":           {"əsas sual", "main question", "главный вопрос"},
		"adm.f.text_az":           {"Mətn (azərbaycanca)", "Text (Azerbaijani)", "Текст (азербайджанский)"},
		"adm.f.text_en":           {"Mətn (ingiliscə)", "Text (English)", "Текст (английский)"},
		"adm.f.text_ru":           {"Mətn (rusca)", "Text (Russian)", "Текст (русский)"},
		"adm.type.scale":          {"şkala", "scale", "шкала"},
		"adm.type.yes_no":         {"bəli/xeyr", "yes/no", "да/нет"},
		"adm.type.text":           {"mətn", "text", "текст"},
		"adm.json.title":          {"JSON idxal və ixrac", "JSON import and export", "Импорт и экспорт JSON"},
		"adm.json.export":         {"Bütün kataloqu JSON kimi yüklə", "Download the whole catalog as JSON", "Скачать весь справочник в JSON"},
		"adm.json.import":         {"JSON idxal et", "Import JSON", "Импортировать JSON"},
		"adm.json.survey":         {"Sorğu versiyası (JSON)", "A survey version (JSON)", "Версия анкеты (JSON)"},
		"adm.json.publish":        {"Versiyanı dərc et", "Publish the version", "Опубликовать версию"},
	})
}
