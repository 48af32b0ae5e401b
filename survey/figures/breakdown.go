package figures

import (
	"context"
	"slices"
	"strconv"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Breakdown splits one agency's figures in p by service, center, channel, question or month. Rows without
// the attribute (no service, no centre) are left out; so are keys with no counted responses. A period that
// has not started is invalid_field (CheckStarted).
func (f *Figures) Breakdown(ctx context.Context, agency string, p scoring.Period, by, lang string) (*Breakdown, error) {
	lang, err := checkLang(lang)
	if err != nil {
		return nil, err
	}
	if !ValidBy(by) {
		return nil, survey.FieldError("by", "by must be service, center, channel, question or month")
	}
	if err := f.CheckStarted(p); err != nil {
		return nil, err
	}
	cv, ag, err := f.agency(ctx, agency)
	if err != nil {
		return nil, err
	}
	if err := f.store.AwaitCells(ctx); err != nil {
		return nil, err
	}
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
	return f.publishBreakdown(cv, ag, p, by, lang, rows), nil
}

// AttributeBreakdowns is Breakdown by service, by center and by channel at once, from one read of the day
// cells: for a page that shows all three.
func (f *Figures) AttributeBreakdowns(ctx context.Context, agency string, p scoring.Period, lang string) (svc, ctr, chn *Breakdown, err error) {
	if lang, err = checkLang(lang); err != nil {
		return nil, nil, nil, err
	}
	if err := f.CheckStarted(p); err != nil {
		return nil, nil, nil, err
	}
	cv, ag, err := f.agency(ctx, agency)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := f.store.AwaitCells(ctx); err != nil {
		return nil, nil, nil, err
	}
	cells, err := f.store.AttributeCells(ctx, ag.Code, daySpan(p).days())
	if err != nil {
		return nil, nil, nil, err
	}
	// Each attribute's rows in key order; cells without the attribute left out.
	fold := func(by string) *Breakdown {
		sums := map[string]*scoring.Stats{}
		var keys []string
		for _, c := range cells {
			k := c.Attr(attrOf[by])
			if k == "" {
				continue
			}
			if sums[k] == nil {
				sums[k] = &scoring.Stats{}
				keys = append(keys, k)
			}
			sums[k].Add(c.Stats)
		}
		slices.Sort(keys)
		rows := make([]keyed, 0, len(keys))
		for _, k := range keys {
			if sums[k].N > 0 {
				rows = append(rows, keyed{key: k, stats: *sums[k]})
			}
		}
		return f.publishBreakdown(cv, ag, p, by, lang, rows)
	}
	return fold(ByService), fold(ByCenter), fold(ByChannel), nil
}

// agency is the catalog and a known agency of it; an unknown one is not_found.
func (f *Figures) agency(ctx context.Context, code string) (*survey.CatalogView, *survey.Agency, error) {
	cv, err := f.store.CatalogView(ctx)
	if err != nil {
		return nil, nil, err
	}
	ag, ok := cv.Agency(code)
	if !ok {
		return nil, nil, survey.Errorf(survey.CodeNotFound, "agency", "no agency %q", code)
	}
	return cv, ag, nil
}

// publishBreakdown rounds and names a breakdown's rows.
func (f *Figures) publishBreakdown(cv *survey.CatalogView, ag *survey.Agency, p scoring.Period, by, lang string, rows []keyed) *Breakdown {
	out := &Breakdown{Agency: ag.Code, Period: f.Info(p), By: by, Rows: []BreakdownRow{}}
	for _, r := range rows {
		e := r.stats.Estimate()
		out.Rows = append(out.Rows, BreakdownRow{Key: r.key, Name: f.nameOf(cv, by, r.key, ag, lang),
			Index: scoring.Round2(e.Index), CILow: scoring.Round2(e.CILow), CIHigh: scoring.Round2(e.CIHigh), N: e.N})
	}
	return out
}

type keyed struct {
	key   string
	stats scoring.Stats
}

// attrOf is the day cells' attribute of a breakdown dimension.
var attrOf = map[string]string{ByService: survey.AttrService, ByCenter: survey.AttrCenter, ByChannel: survey.AttrChannel}

// byAttribute sums the day cells over p's days per service, centre or channel, ordered by key.
func (f *Figures) byAttribute(ctx context.Context, agency string, p scoring.Period, by string) ([]keyed, error) {
	cells, err := f.store.AttributeCellsBy(ctx, agency, daySpan(p).days(), attrOf[by])
	if err != nil {
		return nil, err
	}
	out := make([]keyed, 0, len(cells))
	for _, c := range cells {
		out = append(out, keyed{key: c.Attr(attrOf[by]), stats: c.Stats})
	}
	return out, nil
}

// byMonth is one row per calendar month (YYYY-MM in the service's zone) in p, oldest first: month cells for
// whole-month periods, day cells otherwise (a custom range may cut months).
func (f *Figures) byMonth(ctx context.Context, agency string, p scoring.Period) ([]keyed, error) {
	var cells []survey.AgencySums
	var err error
	if m, whole := monthSpan(p); whole {
		cells, err = f.store.MonthCells(ctx, agency, m.from, m.to)
	} else {
		cells, err = f.store.DaySums(ctx, agency, daySpan(p).days())
		for i := range cells {
			cells[i].Key = scoring.MonthOfDay(cells[i].Key)
		}
	}
	if err != nil {
		return nil, err
	}
	sums := map[int]*scoring.Stats{}
	var months []int
	for _, c := range cells {
		s := sums[c.Key]
		if s == nil {
			s = &scoring.Stats{}
			sums[c.Key] = s
			months = append(months, c.Key)
		}
		s.Add(c.Stats)
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
	counts, err := f.store.AnswerCounts(ctx, ag.Code, daySpan(p).days())
	if err != nil {
		return nil, err
	}
	sums := map[string]*scoring.Stats{}
	for _, c := range counts {
		sv, ok := cv.Survey(c.Survey, c.SurveyVersion)
		if !ok || c.N == 0 {
			continue
		}
		q, ok := sv.Question(c.Question)
		if !ok {
			continue
		}
		var score float64
		switch q.Type {
		case survey.TypeScale:
			score = scoring.ItemScaleScore(c.Value, q.Min, q.Max)
		case survey.TypeYesNo:
			score = scoring.ItemYesNoScore(c.Value != 0)
		default:
			continue
		}
		s := sums[c.Question]
		if s == nil {
			s = &scoring.Stats{}
			sums[c.Question] = s
		}
		s.N += c.N
		s.SumR += float64(c.N) * score
		s.SumR2 += float64(c.N) * score * score
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
