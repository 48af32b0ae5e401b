package publishing

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/qiymet/qiymet/survey"
)

// Column is one column of the published ranking CSV with its meaning in az, en and ru (the data dictionary,
// GET /public/data-dictionary).
type Column struct {
	Name    string
	Meaning survey.Names
}

// Columns are the ranking CSV's columns, in order.
var Columns = []Column{
	{"period", survey.Names{AZ: "Dövr (məsələn, 2025-Q3)", EN: "Period (e.g. 2025-Q3)", RU: "Период (например, 2025-Q3)"}},
	{"revision", survey.Names{AZ: "Dərcin redaksiya nömrəsi (1, 2, …)", EN: "Revision of the publication (1, 2, …)", RU: "Номер редакции публикации (1, 2, …)"}},
	{"group", survey.Names{AZ: "Qrupun kodu", EN: "Peer group code", RU: "Код группы"}},
	{"group_name_az", survey.Names{AZ: "Qrupun adı, azərbaycanca", EN: "Peer group name, Azerbaijani", RU: "Название группы, по-азербайджански"}},
	{"group_name_en", survey.Names{AZ: "Qrupun adı, ingiliscə", EN: "Peer group name, English", RU: "Название группы, по-английски"}},
	{"group_name_ru", survey.Names{AZ: "Qrupun adı, rusca", EN: "Peer group name, Russian", RU: "Название группы, по-русски"}},
	{"agency", survey.Names{AZ: "Qurumun kodu", EN: "Agency code", RU: "Код ведомства"}},
	{"name_az", survey.Names{AZ: "Qurumun adı, azərbaycanca", EN: "Agency name, Azerbaijani", RU: "Название ведомства, по-азербайджански"}},
	{"name_en", survey.Names{AZ: "Qurumun adı, ingiliscə", EN: "Agency name, English", RU: "Название ведомства, по-английски"}},
	{"name_ru", survey.Names{AZ: "Qurumun adı, rusca", EN: "Agency name, Russian", RU: "Название ведомства, по-русски"}},
	{"status", survey.Names{AZ: "ranked: reytinqdədir; insufficient: cavablar min_n-dən azdır, heç bir rəqəm verilmir", EN: "ranked; or insufficient: fewer counted responses than min_n, no figure is published", RU: "ranked — в рейтинге; insufficient — учтённых ответов меньше min_n, цифры не публикуются"}},
	{"rank", survey.Names{AZ: "Qrupdakı yer (bərabər qiymətlər eyni yeri bölür)", EN: "Rank in the group (equal values share a rank)", RU: "Место в группе (равные значения делят место)"}},
	{"rank_low", survey.Names{AZ: "Xəta payı nəzərə alınmaqla ən yaxşı mümkün yer", EN: "Best plausible rank allowing for the margin of error", RU: "Лучшее возможное место с учётом погрешности"}},
	{"rank_high", survey.Names{AZ: "Xəta payı nəzərə alınmaqla ən pis mümkün yer", EN: "Worst plausible rank allowing for the margin of error", RU: "Худшее возможное место с учётом погрешности"}},
	{"index", survey.Names{AZ: "Məmnunluq indeksi, 0–100", EN: "Satisfaction index, 0–100", RU: "Индекс удовлетворённости, 0–100"}},
	{"ci_low", survey.Names{AZ: "İndeksin 95% etibarlılıq intervalının aşağı həddi", EN: "Lower bound of the index's 95% confidence interval", RU: "Нижняя граница 95% доверительного интервала индекса"}},
	{"ci_high", survey.Names{AZ: "İndeksin 95% etibarlılıq intervalının yuxarı həddi", EN: "Upper bound of the index's 95% confidence interval", RU: "Верхняя граница 95% доверительного интервала индекса"}},
	{"adjusted", survey.Names{AZ: "Qrupa doğru düzəldilmiş indeks (prior_weight 0 olduqda indeksə bərabərdir); yer bununla verilir", EN: "Index shrunk towards the group (equals index when prior_weight is 0); ranks use it", RU: "Индекс, сглаженный к группе (равен индексу при prior_weight 0); по нему ранжируют"}},
	{"n", survey.Names{AZ: "Hesaba alınmış cavabların sayı", EN: "Number of counted responses", RU: "Число учтённых ответов"}},
	{"csat", survey.Names{AZ: "Əsas sualda ən yaxşı iki cavabı verənlərin payı, %", EN: "Share of top-two answers to the primary question, %", RU: "Доля двух лучших ответов на основной вопрос, %"}},
	{"csat_low", survey.Names{AZ: "CSAT-ın 95% Wilson intervalının aşağı həddi", EN: "Lower bound of the CSAT's 95% Wilson interval", RU: "Нижняя граница 95% интервала Уилсона для CSAT"}},
	{"csat_high", survey.Names{AZ: "CSAT-ın 95% Wilson intervalının yuxarı həddi", EN: "Upper bound of the CSAT's 95% Wilson interval", RU: "Верхняя граница 95% интервала Уилсона для CSAT"}},
	{"change_previous_period", survey.Names{AZ: "Əvvəlki dövrlə müqayisədə dəyişiklik, faiz bəndi (boş: müqayisə mümkün deyil)", EN: "Change against the previous period, percentage points (empty: not comparable)", RU: "Изменение к предыдущему периоду, п. п. (пусто — несравнимо)"}},
	{"change_previous_period_significant", survey.Names{AZ: "Bu dəyişiklik 95% səviyyədə əhəmiyyətlidirmi (true/false)", EN: "Whether that change is significant at 95% (true/false)", RU: "Значимо ли это изменение на уровне 95% (true/false)"}},
	{"change_previous_year", survey.Names{AZ: "Əvvəlki ilin eyni dövrü ilə müqayisədə dəyişiklik, faiz bəndi", EN: "Change against the same period a year earlier, percentage points", RU: "Изменение к тому же периоду год назад, п. п."}},
	{"change_previous_year_significant", survey.Names{AZ: "Bu dəyişiklik 95% səviyyədə əhəmiyyətlidirmi (true/false)", EN: "Whether that change is significant at 95% (true/false)", RU: "Значимо ли это изменение на уровне 95% (true/false)"}},
	{"previous_rank", survey.Names{AZ: "Əvvəlki dövrdəki yer (boş: reytinqdə deyildi)", EN: "Rank in the previous period (empty: not ranked then)", RU: "Место в предыдущем периоде (пусто — не было в рейтинге)"}},
	{"streak", survey.Names{AZ: "Ardıcıl neçə dövr 1-ci yerdədir (xəta payı daxilindəki yerlər də sayılır)", EN: "Periods in a row ranked 1st (counting places within the margin of error)", RU: "Сколько периодов подряд на 1-м месте (включая места в пределах погрешности)"}},
	{"clear_first", survey.Names{AZ: "Xəta payı nəzərə alınsa da 1-cidirmi (true/false)", EN: "Whether 1st even allowing for the margin of error (true/false)", RU: "Первое ли место и с учётом погрешности (true/false)"}},
	{"clear_streak", survey.Names{AZ: "Ardıcıl neçə dövr aydın 1-cidir", EN: "Periods in a row clearly 1st", RU: "Сколько периодов подряд явно первое место"}},
}

// WriteCSV writes the snapshot's ranking rows (ranked ones in rank order, then the insufficient ones, per
// group) as RFC 4180 CSV. Rows below min_n carry only their names and "insufficient". The bytes depend on
// the snapshot alone.
func WriteCSV(w io.Writer, snap *survey.Snapshot) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := make([]string, len(Columns))
	for i, c := range Columns {
		head[i] = c.Name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	safe := survey.SpreadsheetSafe
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	optNum := func(v *float64) string {
		if v == nil {
			return ""
		}
		return num(*v)
	}
	optBool := func(v *bool) string {
		if v == nil {
			return ""
		}
		return strconv.FormatBool(*v)
	}
	optInt := func(v *int) string {
		if v == nil {
			return ""
		}
		return strconv.Itoa(*v)
	}
	for _, g := range snap.Groups {
		lead := []string{snap.Period.Label, strconv.Itoa(snap.Revision), g.Group, safe(g.Name.Get("az")), safe(g.Name.Get("en")), safe(g.Name.Get("ru"))}
		for _, r := range g.Rows {
			rec := append(append([]string{}, lead...), r.Agency, safe(r.Name.Get("az")), safe(r.Name.Get("en")), safe(r.Name.Get("ru")), r.Status,
				strconv.Itoa(r.Rank), strconv.Itoa(r.RankLow), strconv.Itoa(r.RankHigh),
				num(r.Index), num(r.CILow), num(r.CIHigh), num(r.Adjusted), strconv.FormatInt(r.N, 10),
				num(r.CSAT), num(r.CSATLow), num(r.CSATHigh),
				optNum(r.Change.PreviousPeriod), optBool(r.ChangeSignificant.PreviousPeriod),
				optNum(r.Change.PreviousYear), optBool(r.ChangeSignificant.PreviousYear),
				optInt(r.PreviousRank), strconv.Itoa(r.Streak), strconv.FormatBool(r.ClearFirst), strconv.Itoa(r.ClearStreak))
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		for _, r := range g.Insufficient {
			rec := append(append([]string{}, lead...), r.Agency, safe(r.Name.Get("az")), safe(r.Name.Get("en")), safe(r.Name.Get("ru")), survey.Insufficient)
			for len(rec) < len(Columns) {
				rec = append(rec, "")
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
