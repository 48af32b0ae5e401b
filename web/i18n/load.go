package i18n

// Answers of an instance under load, short of storage or without a database that answers in time (web/load.go,
// web/errors.go).
func init() {
	Add(map[string]Text{
		"api.busy.export": {
			"Hazırda çox sayda yükləmə gedir. Bir azdan yenidən cəhd edin.",
			"Too many downloads are in progress. Try again shortly.",
			"Сейчас выполняется слишком много выгрузок. Повторите чуть позже.",
		},
		"dash.err.busy": {
			"Hazırda çox sayda hesabat hazırlanır. Bir azdan yenidən cəhd edin.",
			"Too many reports are being prepared. Try again shortly.",
			"Сейчас готовится слишком много отчётов. Повторите чуть позже.",
		},
		"api.unavailable": {
			"Xidmət müvəqqəti əlçatan deyil; bir azdan yenidən cəhd edin.",
			"The service is temporarily unavailable; retry shortly.",
			"Сервис временно недоступен; повторите чуть позже.",
		},
		"api.storage": {
			"Verilənlər bazası hazırda məlumat yaza bilmir. Cavab saxlanmayıb; bir azdan yenidən göndərin.",
			"The database cannot store data right now. Nothing was stored; send it again shortly.",
			"База данных сейчас не может сохранять данные. Ничего не сохранено; отправьте повторно чуть позже.",
		},
	})
}
