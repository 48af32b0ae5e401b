package demo

// Comments citizens leave, by language and tone. A few use every Azerbaijani letter in both cases, so the
// pages, CSV and PDF are exercised with ə ş ç ğ ı İ ö ü (and Ə Ş Ç Ğ I Ö Ü).
var comments = map[string]map[tone][]string{
	"az": {
		positive: {
			"Çox sağ olun, hər şey tez və rahat oldu.",
			"Əməkdaşlar çox nəzakətli idi.",
			"Növbə gözləmədən xidmət göstərildi, təşəkkür edirəm.",
			"Şəxsiyyət vəsiqəmi cəmi 15 dəqiqəyə aldım, əla!",
			"Mərkəz təmiz və rahatdır, könüllülər çox köməkçi oldular.",
			"Doğrusu, işçilər çox gözəl və diqqətli idi, növbə də az idi — yaxşı xidmət, çox şükür! İstədiyim arayışı tez aldım.",
			"ƏLA XİDMƏT! ÇOX SAĞ OLUN, ŞİKAYƏTİM YOXDUR. ÖZÜM GÖRDÜM: İŞ ÜÇ DƏQİQƏYƏ BİTDİ, HƏR ŞEY YAXŞI İDİ.",
			"Hər şeyi ətraflı izah etdilər, sənədlərim elə həmin gün hazır oldu.",
		},
		neutral: {
			"Orta səviyyədə idi.",
			"Elektron növbə sistemi bir az qarışıqdır.",
			"Xidmət normal idi, amma gözləmə zalında oturacaq azdır.",
			"Məlumat lövhəsi daha aydın olsa yaxşı olardı.",
		},
		negative: {
			"Növbə çox uzun çəkdi, iki saat gözlədim.",
			"Sistem işləmirdi, sabah yenidən gəlməli oldum.",
			"Lazım olan sənədlər barədə əvvəlcədən məlumat verilmədi.",
			"Əməkdaş kobud davrandı, sualıma cavab vermədi.",
			"Parkinq yeri tapmaq çox çətin idi.",
			"Üç dəfə gəlməli oldum, məsələm hələ də həll olunmayıb. Çox gözlədim, işçi də diqqətsiz idi.",
		},
	},
	"ru": {
		positive: {
			"Всё быстро и вежливо, спасибо!",
			"Очень удобно, что все услуги в одном месте.",
			"Сотрудник всё подробно объяснил.",
			"Получил справку за десять минут, отличная работа.",
		},
		neutral: {
			"В целом нормально.",
			"Не сразу понял, к какому окну подходить.",
		},
		negative: {
			"Очень долго ждал в очереди.",
			"Не работал терминал оплаты.",
			"Попросили прийти ещё раз за справкой.",
			"Сотрудник был невнимателен, пришлось переделывать документы.",
		},
	},
	"en": {
		positive: {
			"Quick and friendly service, thank you.",
			"Very well organised centre.",
			"The volunteer helped me fill in the form, great help.",
		},
		neutral: {
			"It was fine, nothing special.",
			"The queue screen was hard to follow.",
		},
		negative: {
			"Waited over an hour.",
			"The staff could not answer my question.",
			"I was sent to another centre for the same document.",
		},
	},
}

type tone int

const (
	negative tone = iota
	neutral
	positive
)

// toneOf matches a comment to the overall answer.
func toneOf(overall int) tone {
	switch {
	case overall >= 4:
		return positive
	case overall == 3:
		return neutral
	}
	return negative
}

// commentChance: unhappy citizens write more often; about 8% of all responses carry a comment.
func commentChance(t tone) float64 {
	switch t {
	case negative:
		return 0.22
	case neutral:
		return 0.12
	}
	return 0.065
}
