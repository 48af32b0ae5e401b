package figures

import (
	"context"
	"slices"
	"strconv"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Breakdown splits one agency's figures in p by service, center, channel, question or month. Rows without
// the attribute (no service, no centre) are left out; so are keys with no counted responses.
func (f *Figures) Breakdown(ctx context.Context, agency string, p scoring.Period, by, lang string) (*Breakdown, error) {
	lang, err := checkLang(lang)
	if err != nil {
		return nil, err
	}
	if !ValidBy(by) {
		return nil, survey.FieldError("by", "by must be service, center, channel, question or month")
	}
	cv, err := f.store.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	ag, ok := cv.Agency(agency)
	if !ok {
		return nil, survey.Errorf(survey.CodeNotFound, "agency", "no agency %q", agency)
	}
	if err := f.rollup(ctx); err != nil {
		return nil, err
	}
	out := &Breakdown{Agency: ag.Code, Period: InfoOf(p), By: by, Rows: []BreakdownRow{}}
	var rows []keyed
	switch by {
	case ByService, ByCenter, ByChannel:
		rows, err = f.byAttribute(ctx, ag.Code, p, by)
	case ByMonth:
		rows, err = f.byMonth(ctx, ag.Code, p)
	case ByQuestion:
		rows, err = f.byQuestion(ctx, cv, ag, p)
	}
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		e := r.stats.Estimate()
		out.Rows = append(out.Rows, BreakdownRow{Key: r.key, Name: f.nameOf(cv, by, r.key, ag, lang),
			Index: scoring.Round2(e.Index), CILow: scoring.Round2(e.CILow), CIHigh: scoring.Round2(e.CIHigh), N: e.N})
	}
	return out, nil
}

type keyed struct {
	key   string
	stats scoring.Stats
}

// byAttribute sums agg_day over p's days per service, centre or channel, ordered by key.
func (f *Figures) byAttribute(ctx context.Context, agency string, p scoring.Period, by string) ([]keyed, error) {
	col := map[string]string{ByService: "service_code", ByCenter: "center_code", ByChannel: "channel"}[by]
	d := daySpan(p)
	rows, err := f.store.DB().QueryContext(ctx, `SELECT `+col+`, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day
		WHERE agency_code = ? AND day >= ? AND day < ? AND `+col+` <> ''
		GROUP BY `+col+` ORDER BY `+col, agency, d.from, d.to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []keyed
	for rows.Next() {
		var k keyed
		if err := rows.Scan(&k.key, &k.stats.N, &k.stats.SumR, &k.stats.SumR2, &k.stats.NTop2); err != nil {
			return nil, err
		}
		if k.stats.N > 0 {
			out = append(out, k)
		}
	}
	return out, rows.Err()
}

// byMonth is one row per calendar month (YYYY-MM in the service's zone) in p, oldest first: agg_month for
// whole-month periods, agg_day otherwise (a custom range may cut months).
func (f *Figures) byMonth(ctx context.Context, agency string, p scoring.Period) ([]keyed, error) {
	var cells []cell
	var err error
	if m, whole := monthSpan(p); whole {
		cells, err = f.query(ctx, `SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month
			WHERE agency_code = ? AND month >= ? AND month < ?`, agency, m.from, m.to)
	} else {
		d := daySpan(p)
		cells, err = f.query(ctx, `SELECT day, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day
			WHERE agency_code = ? AND day >= ? AND day < ? GROUP BY day, agency_code`, agency, d.from, d.to)
		for i := range cells { // YYYYMMDD → month index
			day := cells[i].key
			cells[i].key = (day/10000)*12 + (day/100)%100 - 1
		}
	}
	if err != nil {
		return nil, err
	}
	sums := map[int]*scoring.Stats{}
	var months []int
	for _, c := range cells {
		s := sums[c.key]
		if s == nil {
			s = &scoring.Stats{}
			sums[c.key] = s
			months = append(months, c.key)
		}
		s.Add(c.stats)
	}
	slices.Sort(months)
	out := make([]keyed, 0, len(months))
	for _, m := range months {
		if sums[m].N > 0 {
			out = append(out, keyed{key: scoring.MonthLabel(m), stats: *sums[m]})
		}
	}
	return out, nil
}

// byQuestion is the mean item score of each question over the responses that answered it (weight-0
// questions included, text questions never), from agg_answer's value counts. Rows follow the agency's
// survey (newest version first), then any other question by key.
func (f *Figures) byQuestion(ctx context.Context, cv *survey.CatalogView, ag *survey.Agency, p scoring.Period) ([]keyed, error) {
	d := daySpan(p)
	rows, err := f.store.DB().QueryContext(ctx, `SELECT survey_code, survey_version, question, value, CAST(SUM(n) AS BIGINT) FROM agg_answer
		WHERE agency_code = ? AND day >= ? AND day < ?
		GROUP BY survey_code, survey_version, question, value`, ag.Code, d.from, d.to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sums := map[string]*scoring.Stats{}
	for rows.Next() {
		var code, question string
		var version, value int
		var n int64
		if err := rows.Scan(&code, &version, &question, &value, &n); err != nil {
			return nil, err
		}
		sv, ok := cv.Survey(code, version)
		if !ok || n == 0 {
			continue
		}
		q, ok := sv.Question(question)
		if !ok {
			continue
		}
		var score float64
		switch q.Type {
		case survey.TypeScale:
			score = scoring.ItemScaleScore(value, q.Min, q.Max)
		case survey.TypeYesNo:
			score = scoring.ItemYesNoScore(value != 0)
		default:
			continue
		}
		s := sums[question]
		if s == nil {
			s = &scoring.Stats{}
			sums[question] = s
		}
		s.N += n
		s.SumR += float64(n) * score
		s.SumR2 += float64(n) * score * score
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var order []string
	seen := map[string]bool{}
	if sv, ok := cv.Survey(ag.Survey, 0); ok {
		for v := sv.Version; v >= 1; v-- {
			if sv, ok := cv.Survey(ag.Survey, v); ok {
				for _, q := range sv.Questions {
					if !seen[q.Key] {
						seen[q.Key] = true
						order = append(order, q.Key)
					}
				}
			}
		}
	}
	var rest []string
	for k := range sums {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	order = append(order, rest...)
	var out []keyed
	for _, k := range order {
		if s := sums[k]; s != nil && s.N > 0 {
			out = append(out, keyed{key: k, stats: *s})
		}
	}
	return out, nil
}

var channelNames = map[string]survey.Names{
	survey.ChannelKiosk: {AZ: "Kiosk", EN: "Kiosk", RU: "Киоск"},
	survey.ChannelLink:  {AZ: "Keçid", EN: "Link", RU: "Ссылка"},
	survey.ChannelAPI:   {AZ: "API", EN: "API", RU: "API"},
}

var monthNames = map[string][12]string{
	"az": {"Yanvar", "Fevral", "Mart", "Aprel", "May", "İyun", "İyul", "Avqust", "Sentyabr", "Oktyabr", "Noyabr", "Dekabr"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"ru": {"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"},
}

// nameOf names a breakdown key in lang (az fallback); unknown keys are named by themselves.
func (f *Figures) nameOf(cv *survey.CatalogView, by, key string, ag *survey.Agency, lang string) string {
	switch by {
	case ByService:
		if s, ok := cv.Service(key); ok {
			return s.Name.Get(lang)
		}
	case ByCenter:
		if c, ok := cv.Center(key); ok {
			return c.Name.Get(lang)
		}
	case ByChannel:
		if n, ok := channelNames[key]; ok {
			return n.Get(lang)
		}
	case ByMonth:
		if len(key) == 7 {
			if m, err := strconv.Atoi(key[5:]); err == nil && m >= 1 && m <= 12 {
				return monthNames[lang][m-1] + " " + key[:4]
			}
		}
	case ByQuestion:
		if sv, ok := cv.Survey(ag.Survey, 0); ok {
			for v := sv.Version; v >= 1; v-- {
				if sv, ok := cv.Survey(ag.Survey, v); ok {
					if q, ok := sv.Question(key); ok {
						return q.Text.Get(lang)
					}
				}
			}
		}
		for _, sv := range cv.Surveys {
			if q, ok := sv.Question(key); ok {
				return q.Text.Get(lang)
			}
		}
	}
	return key
}
