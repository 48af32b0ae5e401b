package i18n

// Audit log and two-factor sign-in texts (web/admin_audit.go, web/login_2fa.go).
func init() {
	Add(map[string]Text{
		"dash.admin.audit":     {"Audit jurnalı", "Audit log", "Журнал аудита"},
		"dash.audit.filter":    {"Süzgəc", "Filter", "Фильтр"},
		"dash.audit.actor":     {"Kim", "Who", "Кто"},
		"dash.audit.action":    {"Əməliyyat", "Action", "Действие"},
		"dash.audit.anyaction": {"Hamısı", "All", "Все"},
		"dash.audit.when":      {"Nə vaxt", "When", "Когда"},
		"dash.audit.target":    {"Obyekt", "Target", "Объект"},
		"dash.audit.details":   {"Dəyişiklik", "What changed", "Что изменилось"},
		"dash.audit.from":      {"Haradan", "From where", "Откуда"},
		"dash.audit.older":     {"Daha köhnə qeydlər →", "Older entries →", "Более ранние записи →"},
		"dash.audit.download":  {"CSV kimi yüklə", "Download as CSV", "Скачать CSV"},
		"dash.audit.badfilter": {"Süzgəc düzgün deyil: tarixləri İİİİ-AA-GG kimi yazın.", "The filter is not valid: write dates as YYYY-MM-DD.", "Фильтр задан неверно: даты пишите как ГГГГ-ММ-ДД."},

		"dash.2fa.nav":          {"İki mərhələli giriş", "Two-factor sign-in", "Двухэтапный вход"},
		"dash.2fa.title":        {"Təsdiq kodu", "Verification code", "Код подтверждения"},
		"dash.2fa.ask":          {"Autentifikator tətbiqindəki 6 rəqəmli kodu daxil edin.", "Enter the 6-digit code from your authenticator app.", "Введите 6-значный код из приложения-аутентификатора."},
		"dash.2fa.code":         {"Kod", "Code", "Код"},
		"dash.2fa.verify":       {"Təsdiqlə", "Verify", "Подтвердить"},
		"dash.2fa.recoveryhint": {"Telefonunuz yanınızda deyilsə, bərpa kodlarından birini daxil edin.", "No phone at hand? Enter one of your recovery codes instead.", "Нет телефона под рукой? Введите один из кодов восстановления."},
		"dash.2fa.badcode":      {"Kod yanlışdır və ya artıq istifadə olunub. Növbəti kodu gözləyin.", "The code is wrong or was already used. Wait for the next one.", "Код неверен или уже использован. Дождитесь следующего."},
		"dash.2fa.expired":      {"Girişin vaxtı bitdi. Şifrəni yenidən daxil edin.", "The sign-in has expired. Enter your password again.", "Время входа истекло. Введите пароль ещё раз."},
		"dash.2fa.required":     {"Davam etmək üçün iki mərhələli girişi aktivləşdirin.", "Turn on two-factor sign-in to continue.", "Чтобы продолжить, включите двухэтапный вход."},
		"dash.2fa.mustenrol":    {"Administratorlar üçün iki mərhələli giriş məcburidir. Davam etmək üçün onu indi aktivləşdirin.", "Administrators must use two-factor sign-in. Turn it on now to continue.", "Для администраторов двухэтапный вход обязателен. Включите его сейчас, чтобы продолжить."},
		"dash.2fa.step1":        {"Telefonunuza autentifikator tətbiqi quraşdırın (məsələn, FreeOTP, Aegis, Google Authenticator).", "Install an authenticator app on your phone (FreeOTP, Aegis, Google Authenticator, …).", "Установите на телефон приложение-аутентификатор (FreeOTP, Aegis, Google Authenticator и т. п.)."},
		"dash.2fa.step2":        {"Bu QR kodu tətbiqlə skan edin.", "Scan this QR code with the app.", "Отсканируйте этот QR-код приложением."},
		"dash.2fa.orkey":        {"Və ya bu açarı əl ilə daxil edin:", "Or type this key by hand:", "Или введите этот ключ вручную:"},
		"dash.2fa.step3":        {"Tətbiqin göstərdiyi kodu aşağıya yazın.", "Enter the code the app shows below.", "Введите ниже код, который показывает приложение."},
		"dash.2fa.qralt":        {"İki mərhələli giriş üçün QR kod", "QR code for two-factor sign-in", "QR-код для двухэтапного входа"},
		"dash.2fa.confirm":      {"Aktivləşdir", "Turn on", "Включить"},
		"dash.2fa.turnedon":     {"İki mərhələli giriş aktivləşdirildi.", "Two-factor sign-in is now on.", "Двухэтапный вход включён."},
		"dash.2fa.recovery":     {"Bərpa kodları", "Recovery codes", "Коды восстановления"},
		"dash.2fa.recoveryonce": {"Bu kodları indi yazın və ya çap edin: onlar yalnız bir dəfə göstərilir. Hər kod telefon əvəzinə bir dəfə işləyir.", "Write these codes down or print them now: they are shown only once. Each works once instead of your phone.", "Запишите или распечатайте эти коды сейчас: они показываются только один раз. Каждый код можно один раз использовать вместо телефона."},
		"dash.2fa.continue":     {"Davam et", "Continue", "Продолжить"},
		"dash.2fa.ison":         {"İki mərhələli giriş aktivdir.", "Two-factor sign-in is on.", "Двухэтапный вход включён."},
		"dash.2fa.codesleft":    {"İstifadə olunmamış bərpa kodları: %d.", "Unused recovery codes: %d.", "Неиспользованных кодов восстановления: %d."},
		"dash.2fa.lost":         {"Telefonu itirmisinizsə və bərpa kodlarınız qalmayıbsa, administrator onu sıfırlaya bilər (qiymet user reset-2fa).", "Lost your phone and out of recovery codes? An administrator can reset it (qiymet user reset-2fa).", "Потеряли телефон и закончились коды восстановления? Администратор может сбросить вход (qiymet user reset-2fa)."},
	})
}
