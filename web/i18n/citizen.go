package i18n

// Citizen-facing texts: the kiosk app and the one-time link pages.
func init() {
	Add(map[string]Text{
		// Shared by kiosk and link pages.
		"citizen.app":          {"Qiymət", "Qiymət", "Qiymət"},
		"citizen.lang.label":   {"Dil", "Language", "Язык"},
		"citizen.scale.1":      {"Çox pis", "Very bad", "Очень плохо"},
		"citizen.scale.2":      {"Pis", "Bad", "Плохо"},
		"citizen.scale.3":      {"Orta", "Okay", "Нормально"},
		"citizen.scale.4":      {"Yaxşı", "Good", "Хорошо"},
		"citizen.scale.5":      {"Əla", "Excellent", "Отлично"},
		"citizen.scale.of":     {"%d / %d", "%d of %d", "%d из %d"},
		"citizen.yes":          {"Bəli", "Yes", "Да"},
		"citizen.no":           {"Xeyr", "No", "Нет"},
		"citizen.thanks.title": {"Təşəkkür edirik!", "Thank you!", "Спасибо!"},
		"citizen.thanks.body": {
			"Rəyiniz qeydə alındı. O, xidmətləri yaxşılaşdırmağa kömək edir.",
			"Your feedback has been recorded. It helps to improve the services.",
			"Ваш отзыв записан. Он помогает улучшать обслуживание.",
		},

		"citizen.thanks.bad.title": {"Təşəkkür edirik — bunu araşdıracağıq", "Thank you — we will look into it", "Спасибо — мы в этом разберёмся"},
		"citizen.thanks.bad.body": {
			"Rəyiniz qeydə alındı və xidmətin rəhbərliyinə çatacaq.",
			"Your feedback has been recorded and will reach the service's managers.",
			"Ваш отзыв записан и дойдёт до руководства службы.",
		},

		// Link pages (/r/{token}).
		"link.asks": {"%s sizdən gəlişinizi qiymətləndirməyi xahiş edir.", "%s asks you to rate your visit.", "%s просит вас оценить ваш визит."},
		"link.anonymous": {
			"Anonimdir: cavabınız adınız və telefon nömrəniz olmadan saxlanılır, qurumun məmnunluq indeksinə daxil olur və xidməti yaxşılaşdırmağa kömək edir.",
			"Anonymous: your answer is stored without your name or phone number, counts towards the agency's satisfaction index and helps improve the service.",
			"Анонимно: ответ хранится без вашего имени и телефона, учитывается в индексе удовлетворённости ведомства и помогает улучшить обслуживание.",
		},
		"link.title":    {"Xidməti qiymətləndirin", "Rate the service", "Оцените обслуживание"},
		"link.intro":    {"Gəlişiniz haqqında bir neçə sual. Yalnız birinci sual məcburidir.", "A few questions about your visit. Only the first one is required.", "Несколько вопросов о вашем визите. Обязателен только первый."},
		"link.service":  {"Xidmət", "Service", "Услуга"},
		"link.center":   {"Mərkəz", "Centre", "Центр"},
		"link.required": {"(məcburi)", "(required)", "(обязательно)"},
		"link.optional": {"(istəyə bağlı)", "(optional)", "(необязательно)"},
		"link.comment":  {"Şərhiniz", "Your comment", "Ваш комментарий"},
		"link.comment.hint": {
			"Ən çox 2000 simvol. Şəxsi məlumatlarınızı yazmayın.",
			"Up to 2,000 characters. Please do not include personal data.",
			"До 2000 символов. Не указывайте личные данные.",
		},
		"link.submit":        {"Göndər", "Send", "Отправить"},
		"link.expires":       {"Keçid %s tarixinədək etibarlıdır.", "This link is valid until %s.", "Ссылка действительна до %s."},
		"link.error.summary": {"Zəhmət olmasa, aşağıdakını düzəldin:", "Please correct the following:", "Пожалуйста, исправьте следующее:"},
		"link.error.required": {
			"Birinci suala cavab seçin.",
			"Please choose an answer to the first question.",
			"Выберите ответ на первый вопрос.",
		},
		"link.error.invalid": {
			"Bu cavab qəbul edilmədi. Yoxlayıb yenidən göndərin.",
			"This answer could not be accepted. Please check it and send again.",
			"Этот ответ не принят. Проверьте его и отправьте снова.",
		},
		"link.error.comment": {
			"Şərh 2000 simvoldan uzun olmamalıdır.",
			"The comment must be at most 2,000 characters.",
			"Комментарий должен быть не длиннее 2000 символов.",
		},
		"link.used.title": {"Bu gəliş artıq qiymətləndirilib", "This visit has already been rated", "Этот визит уже оценён"},
		"link.used.body": {
			"Hər keçiddən yalnız bir dəfə istifadə etmək olar. Rəyiniz üçün təşəkkür edirik.",
			"Each link can be used only once. Thank you for your feedback.",
			"Каждой ссылкой можно воспользоваться только один раз. Спасибо за ваш отзыв.",
		},
		"link.expired.title": {"Keçidin müddəti bitib", "This link has expired", "Срок действия ссылки истёк"},
		"link.expired.body": {
			"Qiymətləndirmə keçidləri məhdud müddət ərzində etibarlıdır. Növbəti gəlişinizdə yeni keçid alacaqsınız.",
			"Rating links are valid for a limited time. You will receive a new link after your next visit.",
			"Ссылки для оценки действуют ограниченное время. После следующего визита вы получите новую ссылку.",
		},
		"link.unknown.title": {"Keçid tapılmadı", "Link not found", "Ссылка не найдена"},
		"link.unknown.body": {
			"Ünvanın mesajdakı ünvanla tam eyni olduğunu yoxlayın.",
			"Please check that the address is exactly the one in your message.",
			"Проверьте, что адрес точно совпадает с адресом из сообщения.",
		},
		"link.limited.title": {"Sorğular çox tez-tez göndərilir", "Too many requests", "Слишком много запросов"},
		"link.limited.body": {
			"Bir az gözləyin və yenidən cəhd edin.",
			"Please wait a moment and try again.",
			"Подождите немного и попробуйте снова.",
		},
		"link.forbidden.title": {"Sorğu rədd edildi", "Request refused", "Запрос отклонён"},
		"link.forbidden.body": {
			"Formu bu səhifənin özündən yenidən göndərin.",
			"Please send the form again from this page itself.",
			"Отправьте форму ещё раз с этой же страницы.",
		},
		"link.unavailable.title": {"Xidmət müvəqqəti əlçatan deyil", "The service is temporarily unavailable", "Сервис временно недоступен"},
		"link.unavailable.body": {
			"Bir neçə dəqiqədən sonra yenidən cəhd edin. Keçidiniz etibarlı qalır.",
			"Please try again in a few minutes. Your link stays valid.",
			"Попробуйте ещё раз через несколько минут. Ваша ссылка остаётся действительной.",
		},

		// Kiosk app (/kiosk/).
		"kiosk.attract.title":     {"Xidmətimizi qiymətləndirin", "Rate our service", "Оцените наше обслуживание"},
		"kiosk.attract.body":      {"Bir toxunuşla, anonim.", "One touch, anonymous.", "Одно касание, анонимно."},
		"kiosk.choose":            {"Hansı quruma müraciət etdiniz?", "Which agency did you visit?", "В какое ведомство вы обращались?"},
		"kiosk.anonymous":         {"Anonim — adınızı soruşmuruq.", "Anonymous — we never ask your name.", "Анонимно — мы не спрашиваем ваше имя."},
		"kiosk.more":              {"Aşağıda daha çox", "More below", "Ещё ниже"},
		"kiosk.large":             {"Böyük yazı", "Large text", "Крупный текст"},
		"kiosk.staff.notenrolled": {"Qeydiyyatsız", "Not enrolled", "Не зарегистрирован"},
		"kiosk.followup":          {"Daha bir neçə sual (istəyə bağlı)", "A few more questions (optional)", "Ещё несколько вопросов (необязательно)"},
		"kiosk.send":              {"Göndər", "Send", "Отправить"},
		"kiosk.skip":              {"Keç", "Skip", "Пропустить"},
		"kiosk.back":              {"Geri", "Back", "Назад"},
		"kiosk.loading":           {"Yüklənir…", "Loading…", "Загрузка…"},
		"kiosk.staff.label":       {"Cihazın vəziyyəti", "Device status", "Состояние устройства"},
		"kiosk.staff.online":      {"Onlayn", "Online", "В сети"},
		"kiosk.staff.offline":     {"Oflayn", "Offline", "Нет связи"},
		"kiosk.staff.pending":     {"Növbədə: %d", "Queued: %d", "В очереди: %d"},
		"kiosk.staff.synced":      {"Son sinxronizasiya: %s", "Last sync: %s", "Последняя синхронизация: %s"},
		"kiosk.staff.never":       {"hələ olmayıb", "not yet", "ещё не было"},
		"kiosk.staff.dropped":     {"Rədd edilib: %d", "Rejected: %d", "Отклонено: %d"},
		"kiosk.staff.unauthorized": {
			"Cihazın icazəsi yoxdur — yenidən qeydiyyat lazımdır",
			"Device not authorised — enrol it again",
			"Устройство не авторизовано — зарегистрируйте заново",
		},
		"kiosk.notenrolled.title": {"Bu planşet qeydiyyatdan keçməyib", "This tablet is not enrolled", "Этот планшет не зарегистрирован"},
		"kiosk.notenrolled.body": {
			"Administratordan qeydiyyat keçidini və ya QR kodunu alın və onu bu planşetdə açın.",
			"Ask an administrator for the enrolment link or QR code and open it on this tablet.",
			"Попросите у администратора ссылку или QR-код для регистрации и откройте их на этом планшете.",
		},
		"kiosk.enrol.working": {"Planşet qeydiyyatdan keçirilir…", "Enrolling this tablet…", "Регистрация планшета…"},
		"kiosk.enrol.notfound": {
			"Bu qeydiyyat kodu naməlumdur və ya artıq istifadə olunub. Administratordan yenisini istəyin.",
			"This enrolment code is unknown or has already been used. Ask an administrator for a new one.",
			"Этот код регистрации неизвестен или уже использован. Попросите у администратора новый.",
		},
		"kiosk.enrol.expired": {
			"Bu qeydiyyat kodunun müddəti bitib. Administratordan yenisini istəyin.",
			"This enrolment code has expired. Ask an administrator for a new one.",
			"Срок действия этого кода регистрации истёк. Попросите у администратора новый.",
		},
		"kiosk.enrol.network": {
			"Serverə qoşulmaq alınmadı. Şəbəkəni yoxlayıb yenidən cəhd edin.",
			"Could not reach the server. Check the network and try again.",
			"Не удалось связаться с сервером. Проверьте сеть и повторите попытку.",
		},
		"kiosk.enrol.retry":  {"Yenidən cəhd edin", "Try again", "Повторить"},
		"kiosk.enrol.failed": {"Qeydiyyat alınmadı", "Enrolment failed", "Регистрация не удалась"},
		"kiosk.enrol.open":   {"Tətbiqi açın", "Open the app", "Открыть приложение"},
	})
}
