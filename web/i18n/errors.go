package i18n

// Error pages for people (web/errors_page.go): a sentence under each heading and the query fields named in
// the reader's words with what they expect, never the developer's message.
func init() {
	Add(map[string]Text{
		"dash.err.method": {"Bu əməliyyat burada mümkün deyil", "This action is not possible here", "Это действие здесь недоступно"},
		"dash.err.method.text": {
			"Səhifəni ünvan sətrindən və ya menyudan yenidən açın.",
			"Open the page again from the address bar or the menu.",
			"Откройте страницу снова из адресной строки или меню.",
		},
		"dash.err.notfound.text": {
			"Bu ünvanda səhifə yoxdur. Ünvanı yoxlayın və ya reytinqdən başlayın.",
			"There is no page at this address. Check the address or start from the rankings.",
			"По этому адресу нет страницы. Проверьте адрес или начните с рейтинга.",
		},
		"dash.err.forbidden.text": {
			"Hesabınızın bu məlumata baxmaq hüququ yoxdur. Lazımdırsa, administratora müraciət edin.",
			"Your account may not see this information. Ask an administrator if you need it.",
			"У вашей учётной записи нет права видеть эти данные. При необходимости обратитесь к администратору.",
		},
		"dash.err.unauthorized.text": {
			"Bu səhifəni görmək üçün hesabınızla daxil olun.",
			"Sign in with your account to see this page.",
			"Войдите в свою учётную запись, чтобы увидеть эту страницу.",
		},
		"dash.err.invalid.text": {
			"Ünvandakı parametrlərdən biri başa düşülmədi. Səhifəni menyudan yenidən açın.",
			"One of the settings in the address was not understood. Open the page again from the menu.",
			"Один из параметров в адресе не распознан. Откройте страницу снова из меню.",
		},
		"dash.err.internal.text": {
			"Biz artıq xəbərdarıq. Bir az sonra yenidən yoxlayın.",
			"We have been notified. Try again shortly.",
			"Мы уже знаем об ошибке. Повторите чуть позже.",
		},
		// %s: the field in words, %s: what it expects.
		"dash.err.field":    {"«%s» sahəsi düzgün deyil. Gözlənilən: %s.", "The %s is not valid. Expected: %s.", "Поле «%s» заполнено неверно. Ожидается: %s."},
		"dash.field.period": {"dövr", "period", "период"},
		"dash.field.period.want": {
			"rüb, ay, yarımil və ya il, məsələn 2025-Q3, 2025-07, 2025-H2, 2025",
			"a quarter, month, half-year or year, e.g. 2025-Q3, 2025-07, 2025-H2, 2025",
			"квартал, месяц, полугодие или год, например 2025-Q3, 2025-07, 2025-H2, 2025",
		},
		"dash.field.from": {"başlanğıc tarixi", "start date", "дата начала"},
		"dash.field.from.want": {
			"İİİİ-AA-GG formatında tarix, məsələn 2025-07-01",
			"a date as YYYY-MM-DD, e.g. 2025-07-01",
			"дата в формате ГГГГ-ММ-ДД, например 2025-07-01",
		},
		"dash.field.to": {"son tarix", "end date", "дата окончания"},
		"dash.field.to.want": {
			"başlanğıc tarixindən əvvəl olmayan İİİİ-AA-GG formatında tarix, məsələn 2025-09-30",
			"a date as YYYY-MM-DD, not before the start date, e.g. 2025-09-30",
			"дата в формате ГГГГ-ММ-ДД не раньше даты начала, например 2025-09-30",
		},
	})
}
