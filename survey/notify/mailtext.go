package notify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// The e-mail to a manager about a case (case.opened, case.overdue), in the manager's language (az, en, ru;
// az when the user has none). The texts live here, beside the only code that sends them.

type mailText struct{ AZ, EN, RU string }

func (t mailText) in(lang string) string {
	switch lang {
	case "en":
		return t.EN
	case "ru":
		return t.RU
	}
	return t.AZ
}

var mailTexts = map[string]mailText{
	"subject." + survey.EventCaseOpened:  {"Aşağı qiymət: yeni hal açıldı — %s", "Low rating: a new case was opened — %s", "Низкая оценка: открыто новое обращение — %s"},
	"subject." + survey.EventCaseOverdue: {"Halın cavab müddəti keçib — %s", "A case is overdue — %s", "Срок ответа по обращению истёк — %s"},
	"intro." + survey.EventCaseOpened: {"Vətəndaş xidmətə aşağı qiymət verdi. Hal açıldı və cavabınızı gözləyir.",
		"A citizen gave the service a low rating. A case was opened and awaits your response.",
		"Гражданин поставил услуге низкую оценку. Открыто обращение, оно ждёт вашего ответа."},
	"intro." + survey.EventCaseOverdue: {"Bu halın cavab müddəti keçib, amma o hələ həll olunmayıb.",
		"This case has passed its due time and is not resolved yet.",
		"Срок ответа по этому обращению истёк, а оно ещё не решено."},
	"case":    {"Hal", "Case", "Обращение"},
	"agency":  {"Qurum", "Agency", "Ведомство"},
	"center":  {"Mərkəz", "Centre", "Центр"},
	"service": {"Xidmət", "Service", "Услуга"},
	"score":   {"Qiymət", "Rating", "Оценка"},
	"comment": {"Şərh", "Comment", "Комментарий"},
	"opened":  {"Açılıb", "Opened", "Открыто"},
	"due":     {"Cavab müddəti", "Due", "Ответить до"},
	"open":    {"Halı açmaq üçün", "Open the case", "Открыть обращение"},
	"footer": {"Bu məktubu Qiymət avtomatik göndərib, çünki siz bu qurumun menecerisiniz.",
		"Qiymət sent this e-mail automatically because you are a manager of this agency.",
		"Это письмо Qiymət отправил автоматически, потому что вы менеджер этого ведомства."},
}

func tr(lang, key string) string { return mailTexts[key].in(lang) }

// caseData is what case events carry (CONTRACT §11); every field is optional here, so that an e-mail goes out
// with what there is.
type caseData struct {
	ID       json.RawMessage `json:"id"`
	Agency   string          `json:"agency"`
	Center   string          `json:"center"`
	Service  string          `json:"service"`
	Score    *float64        `json:"score"`
	Comment  string          `json:"comment"`
	OpenedAt string          `json:"opened_at"`
	DueAt    string          `json:"due_at"`
}

// composeMail writes the e-mail about event ev to a manager reading lang.
func composeMail(ev *survey.Event, lang string, cv *survey.CatalogView, loc *time.Location, baseURL string) (subject, text string) {
	var d caseData
	_ = json.Unmarshal([]byte(ev.Data), &d) // a malformed payload still gets an e-mail naming the agency
	agency := ev.Agency
	if agency == "" {
		agency = d.Agency
	}
	agencyName := agency
	if cv != nil {
		if a, ok := cv.Agency(agency); ok {
			agencyName = a.Name.Get(lang)
		}
	}
	subject = fmt.Sprintf(tr(lang, "subject."+ev.Type), agencyName)
	var b strings.Builder
	b.WriteString(tr(lang, "intro."+ev.Type) + "\n\n")
	line := func(key, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", tr(lang, key), v)
		}
	}
	line("case", strings.Trim(string(d.ID), `"`))
	line("agency", agencyName)
	center, service := d.Center, d.Service
	if cv != nil {
		if c, ok := cv.Center(center); ok {
			center = c.Name.Get(lang)
		}
		if s, ok := cv.Service(service); ok {
			service = s.Name.Get(lang)
		}
	}
	line("center", center)
	line("service", service)
	if d.Score != nil {
		line("score", strconv.FormatFloat(*d.Score, 'f', -1, 64))
	}
	if c := strings.TrimSpace(d.Comment); c != "" {
		line("comment", "«"+c+"»")
	}
	line("opened", localTime(d.OpenedAt, loc))
	line("due", localTime(d.DueAt, loc))
	if baseURL != "" {
		link := strings.TrimRight(baseURL, "/") + "/cases"
		if agency != "" {
			link += "?agency=" + agency
		}
		fmt.Fprintf(&b, "\n%s: %s\n", tr(lang, "open"), link)
	}
	b.WriteString("\n-- \n" + tr(lang, "footer") + "\n")
	return subject, b.String()
}

// localTime shows an RFC 3339 time in the installation's zone; anything else as it is.
func localTime(s string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || loc == nil {
		return s
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
