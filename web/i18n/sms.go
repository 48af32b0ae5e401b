package i18n

// The SMS texts page (/admin/sms, web/admin_sms.go).
func init() {
	Add(map[string]Text{
		"sms.nav":   {"SMS mətnləri", "SMS texts", "Тексты SMS"},
		"sms.title": {"Dəvət SMS-lərinin mətnləri", "Invitation SMS texts", "Тексты SMS-приглашений"},
		"sms.intro": {
			"İnteqrasiyalar dəvət yaradanda API hər dil üçün hazır SMS mətni qaytarır. Mətn göndərəni və qurumu adlandırır ki, fişinqə oxşamasın.",
			"When an integration creates an invitation, the API answers a ready SMS text per language. It names the sender and the agency so that it does not look like phishing.",
			"Когда интеграция создаёт приглашение, API возвращает готовый текст SMS на каждом языке. В нём названы отправитель и ведомство, чтобы сообщение не походило на фишинг.",
		},
		"sms.sender": {"Göndərən", "Sender", "Отправитель"},
		"sms.sender.hint": {
			"{sender} yerinə yazılır. SMS göndərən adı kimi latın hərfləri ilə yazın (məs. Qiymet): ə, ş kimi hərflər bütün mesajı UCS-2-yə keçirir.",
			"Fills {sender}. Write it as an SMS sender ID, in plain Latin letters (e.g. Qiymet): letters such as ə or ş switch the whole message to UCS-2.",
			"Подставляется вместо {sender}. Пишите как имя отправителя SMS, простыми латинскими буквами (напр. Qiymet): буквы вроде ə или ş переводят всё сообщение в UCS-2.",
		},
		"sms.templates": {"Şablonlar", "Templates", "Шаблоны"},
		"sms.template":  {"Şablon (%s)", "Template (%s)", "Шаблон (%s)"},
		"sms.template.hint": {
			"{sender} — göndərən, {agency} — qurumun qısa adı, {url} — keçid (məcburi, bir dəfə).",
			"{sender} — the sender, {agency} — the agency's short name, {url} — the link (required, once).",
			"{sender} — отправитель, {agency} — краткое название ведомства, {url} — ссылка (обязательно, один раз).",
		},
		"sms.preview":  {"Ən uzun adlı qurumla nümunə (%s):", "Sample with the longest agency name (%s):", "Пример с самым длинным названием ведомства (%s):"},
		"sms.count":    {"Simvollar: %d · %s · seqmentlər: %d", "Characters: %d · %s · segments: %d", "Символы: %d · %s · сегменты: %d"},
		"sms.segments": {"Seqmentlər", "Segments", "Сегменты"},
		"sms.over": {
			"hədəfdən uzundur (1 GSM-7 və ya 2 UCS-2 seqment): şablonu qısaldın və ya qısa ad verin",
			"longer than the target (1 GSM-7 or 2 UCS-2 segments): shorten the template or set a short name",
			"длиннее цели (1 сегмент GSM-7 или 2 UCS-2): сократите шаблон или задайте краткое название",
		},
		"sms.short": {"Qurumların qısa adları", "Agencies' short names", "Краткие названия ведомств"},
		"sms.short.hint": {
			"Boş qalsa, qurumun tam adı yazılır. Hər dil öz qısa adını işlədir.",
			"Left empty, the agency's full name is used. Each language uses its own short name.",
			"Если пусто, используется полное название ведомства. Каждый язык использует своё краткое название.",
		},
		"sms.short.label":    {"%s qısa adı (%s)", "Short name of %s (%s)", "Краткое название: %s (%s)"},
		"sms.save":           {"Yadda saxla", "Save", "Сохранить"},
		"sms.preview.button": {"Saxlamadan say", "Count without saving", "Посчитать без сохранения"},
		"sms.previewed": {
			"Yazdıqlarınızın sayları aşağıdadır. Hələ heç nə yadda saxlanılmayıb.",
			"Below are the counts of what you typed. Nothing has been saved yet.",
			"Ниже — подсчёт введённого. Пока ничего не сохранено.",
		},
		"sms.saved": {"SMS mətnləri yadda saxlanıldı.", "The SMS texts have been saved.", "Тексты SMS сохранены."},
		"sms.error.summary": {
			"Heç nə yadda saxlanılmadı. Aşağıdakıları düzəldin:",
			"Nothing was saved. Please correct the following:",
			"Ничего не сохранено. Исправьте следующее:",
		},
		"sms.error.sender_length":   {"1–40 simvol olmalıdır.", "must be 1 to 40 characters.", "должно содержать от 1 до 40 символов."},
		"sms.error.template_length": {"boş ola bilməz və 480 simvoldan uzun olmamalıdır.", "must not be empty or longer than 480 characters.", "не может быть пустым или длиннее 480 символов."},
		"sms.error.template_url":    {"{url} düz bir dəfə olmalıdır.", "must contain {url} exactly once.", "должен содержать {url} ровно один раз."},
		"sms.error.placeholder": {
			"yalnız {sender}, {agency} və {url} işlədilə bilər.",
			"may only use {sender}, {agency} and {url}.",
			"может использовать только {sender}, {agency} и {url}.",
		},
		"sms.error.control":        {"idarəedici simvollar və ya yanlış UTF-8 var.", "contains control characters or invalid UTF-8.", "содержит управляющие символы или неверный UTF-8."},
		"sms.error.short_length":   {"40 simvoldan uzun olmamalıdır.", "must be at most 40 characters.", "должно быть не длиннее 40 символов."},
		"sms.error.unknown_agency": {"belə qurum yoxdur.", "no such agency.", "такого ведомства нет."},
	})
}
