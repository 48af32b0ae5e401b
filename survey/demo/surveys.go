package demo

import "github.com/qiymet/qiymet/survey"

func weight(w float64) *float64 { return &w }

// Question texts, shared by both versions (keys are stable across versions).
var (
	qOverall = survey.Question{Key: "overall", Type: survey.TypeScale, Min: 1, Max: 5, Weight: weight(2), Required: true,
		Text: n("Xidmətdən ümumilikdə nə dərəcədə razı qaldınız?", "Overall, how satisfied are you with the service?",
			"Насколько вы в целом довольны обслуживанием?")}
	qWaiting = survey.Question{Key: "waiting", Type: survey.TypeScale, Min: 1, Max: 5, Weight: weight(1),
		Text: n("Gözləmə müddətini necə qiymətləndirirsiniz?", "How do you rate the waiting time?",
			"Как вы оцениваете время ожидания?")}
	qCourtesy = survey.Question{Key: "courtesy", Type: survey.TypeScale, Min: 1, Max: 5, Weight: weight(1),
		Text: n("Əməkdaşın nəzakətini necə qiymətləndirirsiniz?", "How courteous was the staff member?",
			"Насколько вежлив был сотрудник?")}
	qResolved = survey.Question{Key: "resolved", Type: survey.TypeYesNo, Weight: weight(1),
		Text: n("Müraciətiniz həll olundumu?", "Was your issue resolved?", "Ваш вопрос решён?")}
	qClarity = survey.Question{Key: "clarity", Type: survey.TypeScale, Min: 1, Max: 5, Weight: weight(1),
		Text: n("Sizə verilən izahat aydın idimi?", "Was the information you were given clear?",
			"Понятно ли вам всё объяснили?")}
	qComment = survey.Question{Key: "comment", Type: survey.TypeText,
		Text: n("Əlavə etmək istədiyiniz fikir varmı?", "Is there anything you would like to add?",
			"Хотите что-нибудь добавить?")}
)

// Surveys are the two published versions of the visit survey. Version 2 adds the clarity question; the
// overall answer counts double in R in both, because it is the headline question.
func Surveys() []survey.Survey {
	return []survey.Survey{
		{Code: SurveyCode, Version: 1, Primary: "overall",
			Questions: []survey.Question{qOverall, qWaiting, qCourtesy, qResolved, qComment}},
		{Code: SurveyCode, Version: 2, Primary: "overall",
			Questions: []survey.Question{qOverall, qWaiting, qCourtesy, qClarity, qResolved, qComment}},
	}
}
