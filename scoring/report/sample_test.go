package report

import (
	"fmt"
	"math"
	"time"
)

// Realistic sample data for the tests: Azerbaijani agencies with names in
// the three languages, as the catalog would translate them.

type tr struct{ az, en, ru string }

func (t tr) in(lang string) string {
	switch lang {
	case "en":
		return t.en
	case "ru":
		return t.ru
	}
	return t.az
}

// baku is Asia/Baku (UTC+4, no DST since 2016), fixed so the goldens do not
// depend on the machine's time zone database.
var baku = time.FixedZone("+04", 4*3600)

func fp(v float64) *float64 { return &v }
func ip(v int) *int         { return &v }

var (
	grpCentral  = tr{"Mərkəzi icra hakimiyyəti orqanları", "Central executive authorities", "Центральные органы исполнительной власти"}
	grpRegional = tr{"Regional ASAN xidmət mərkəzləri", "Regional ASAN service centres", "Региональные центры «ASAN xidmət»"}

	agMigration = tr{"Dövlət Miqrasiya Xidməti", "State Migration Service", "Государственная миграционная служба"}
	agProperty  = tr{"Əmlak Məsələləri Dövlət Xidməti", "State Service on Property Issues", "Государственная служба по имущественным вопросам"}
	agEconomy   = tr{"İqtisadiyyat Nazirliyi", "Ministry of Economy", "Министерство экономики"}
	agJustice   = tr{"Ədliyyə Nazirliyi", "Ministry of Justice", "Министерство юстиции"}
	agLabour    = tr{"Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi yanında Dövlət Sosial Müdafiə Fondu", "State Social Protection Fund under the Ministry of Labour and Social Protection of Population", "Государственный фонд социальной защиты при Министерстве труда и социальной защиты населения"}
	agSheki     = tr{"Şəki ASAN xidmət mərkəzi", "Shaki ASAN service centre", "Центр «ASAN xidmət» в Шеки"}
	agGanja     = tr{"Gəncə ASAN xidmət mərkəzi", "Ganja ASAN service centre", "Центр «ASAN xidmət» в Гяндже"}
	agQuba      = tr{"Quba ASAN xidmət mərkəzi", "Guba ASAN service centre", "Центр «ASAN xidmət» в Губе"}

	questions = []struct {
		key string
		t   tr
	}{
		{"overall", tr{"Xidmətdən ümumilikdə nə dərəcədə razı qaldınız?", "Overall, how satisfied were you with the service?", "Насколько вы в целом довольны обслуживанием?"}},
		{"waiting", tr{"Növbədə gözləmə müddəti sizi qane etdimi?", "Were you satisfied with the waiting time?", "Устроило ли вас время ожидания в очереди?"}},
		{"staff", tr{"Əməkdaşlar nəzakətli və səriştəli idimi?", "Were the staff polite and competent?", "Были ли сотрудники вежливы и компетентны?"}},
		{"resolved", tr{"Məsələniz həll olundu?", "Was your issue resolved?", "Был ли решён ваш вопрос?"}},
	}
	services = map[string][]tr{
		"migration": {
			{"Müvəqqəti yaşamaya icazənin verilməsi", "Temporary residence permit", "Разрешение на временное проживание"},
			{"Daimi yaşamaya icazənin verilməsi", "Permanent residence permit", "Разрешение на постоянное проживание"},
			{"Əcnəbilərin və vətəndaşlığı olmayan şəxslərin yaşayış yeri üzrə qeydiyyatı", "Registration of foreigners and stateless persons at their place of residence", "Регистрация иностранцев и лиц без гражданства по месту жительства"},
			{"Azərbaycan Respublikası vətəndaşlığına qəbul", "Admission to citizenship of the Republic of Azerbaijan", "Приём в гражданство Азербайджанской Республики"},
		},
		"property": {
			{"Daşınmaz əmlakın dövlət reyestrindən çıxarış", "Extract from the state real-estate register", "Выписка из государственного реестра недвижимости"},
			{"Mülkiyyət hüququnun qeydiyyatı", "Registration of ownership", "Регистрация права собственности"},
		},
		"sheki": {
			{"Şəxsiyyət vəsiqəsinin verilməsi", "Identity card", "Выдача удостоверения личности"},
			{"Nikahın qeydiyyatı", "Marriage registration", "Регистрация брака"},
		},
		"ganja": {
			{"Şəxsiyyət vəsiqəsinin verilməsi", "Identity card", "Выдача удостоверения личности"},
			{"Sürücülük vəsiqəsinin dəyişdirilməsi", "Replacement of a driving licence", "Замена водительского удостоверения"},
		},
	}
)

// fig makes a plausible figure: a CI whose half-width shrinks with n.
func fig(index float64, n int64) Figure {
	if n <= 0 {
		return Figure{}
	}
	half := 100.0
	if n > 1 {
		half = 1.96 * 18 / math.Sqrt(float64(n))
	}
	return Figure{Index: index, CILow: math.Max(0, index-half), CIHigh: math.Min(100, index+half), N: n}
}

type sampleAgency struct {
	code, group string
	name        tr
	idx         float64
	n           int64
	csat        float64
	rank        int
	prevRank    *int
	chgPrev     *float64
	chgYear     *float64
	streak      int
}

var sampleAgencies = []sampleAgency{
	{"migration", "central", agMigration, 92.775, 4012, 95.1, 1, ip(1), fp(1.23), fp(3.05), 4},
	{"property", "central", agProperty, 89.404, 2750, 91.2, 2, ip(3), fp(0.87), fp(-1.4), 0},
	{"economy", "central", agEconomy, 89.396, 1210, 90.4, 2, ip(2), fp(-0.5), nil, 0},
	{"justice", "central", agJustice, 84.1, 980, 86.0, 4, nil, nil, nil, 0},
	{"labour", "central", agLabour, 71.2, 18, 66.7, 0, nil, nil, nil, 0},
	{"sheki", "regional", agSheki, 94.5, 1530, 96.3, 1, ip(2), fp(2.1), fp(4.4), 1},
	{"ganja", "regional", agGanja, 93.0, 2204, 95.0, 2, ip(1), fp(-1.05), fp(0.2), 0},
	{"quba", "regional", agQuba, 88.0, 12, 83.3, 0, nil, nil, nil, 0},
}

var trendLabels = []string{"2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"}

// sampleInput is the 2025-Q3 report of two groups and eight agencies.
func sampleInput(lang string) Input {
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, baku)
	end := time.Date(2025, 10, 1, 0, 0, 0, 0, baku)
	in := Input{
		Lang:        lang,
		PeriodLabel: "2025-Q3",
		PeriodStart: start,
		PeriodEnd:   end,
		GeneratedAt: time.Date(2025, 9, 30, 21, 47, 12, 0, baku),
		MinN:        30,
		PriorWeight: 0,
		Confidence:  0.95,
		Overall:     fig(90.42, 12716),
		Excluded:    map[string]int64{"burst": 137, "zz-other": 0},
	}
	groups := map[string]*Group{
		"central":  {Code: "central", Name: grpCentral.in(lang), Figure: fig(90.11, 8970)},
		"regional": {Code: "regional", Name: grpRegional.in(lang), Figure: fig(93.58, 3746)},
	}
	for i, a := range sampleAgencies {
		f := fig(a.idx, a.n)
		r := Row{
			Rank: a.rank, Insufficient: a.rank == 0, Agency: a.code, Name: a.name.in(lang),
			Index: f.Index, CILow: f.CILow, CIHigh: f.CIHigh, Adjusted: f.Index, N: a.n,
			CSAT: a.csat, CSATLow: a.csat - 1.1, CSATHigh: math.Min(100, a.csat+0.9),
			ChangePrev: a.chgPrev, ChangeYear: a.chgYear, PreviousRank: a.prevRank, Streak: a.streak,
		}
		g := groups[a.group]
		g.Rows = append(g.Rows, r)

		sec := AgencySection{Code: a.code, Name: a.name.in(lang), GroupCode: a.group, GroupName: g.Name}
		if a.code != "labour" { // labour: no trend data at all
			for k, label := range trendLabels {
				n := a.n - int64(7-k)*37
				if a.code == "justice" && (k == 2 || k == 3) {
					n = 0 // a gap in the trend
				}
				if a.code == "quba" && k < 5 {
					n = 0
				}
				v := a.idx - float64(7-k)*0.6 + float64((k*7+i*3)%5)*0.4 - 0.8
				if k == 7 {
					v = a.idx
					n = a.n
				}
				sec.Trend = append(sec.Trend, TrendPoint{Label: label, Figure: fig(v, n)})
			}
		}
		if a.n >= 30 {
			for qi, q := range questions {
				sec.ByQuestion = append(sec.ByQuestion, BreakdownRow{Key: q.key, Name: q.t.in(lang),
					Figure: fig(a.idx+float64(qi*3%7)-2.5, a.n-int64(qi)*11)})
			}
			for si, s := range services[a.code] {
				sec.ByService = append(sec.ByService, BreakdownRow{Key: fmt.Sprintf("svc-%d", si), Name: s.in(lang),
					Figure: fig(a.idx+float64(si)-1, a.n/int64(len(services[a.code]))+int64(si))})
			}
			sec.ByChannel = []BreakdownRow{
				{Key: "kiosk", Figure: fig(a.idx+0.4, a.n*6/10)},
				{Key: "link", Figure: fig(a.idx-0.9, a.n*3/10)},
				{Key: "api", Figure: fig(a.idx-2.2, a.n/10)},
			}
		}
		in.Agencies = append(in.Agencies, sec)
	}
	in.Groups = []Group{*groups["central"], *groups["regional"]}
	in.DataAsOf = time.Date(2025, 9, 30, 21, 47, 12, 0, baku)
	in.GeneratedAt = time.Date(2025, 10, 6, 0, 0, 0, 0, baku)
	addHonest(&in)
	return in
}

func bp(v bool) *bool { return &v }

// addHonest adds the uncertainty of docs/method.md#honest-figures to the sample: rank intervals,
// significance of changes, clear first and control charts with every kind of signal.
func addHonest(in *Input) {
	type h struct {
		lo, hi         int
		clear          bool
		clearStreak    int
		sigPrev, sigYr *bool
	}
	hs := map[string]h{
		"migration": {1, 1, true, 3, bp(true), bp(true)},
		"property":  {2, 3, false, 0, bp(false), bp(true)},
		"economy":   {2, 3, false, 0, bp(false), nil},
		"justice":   {4, 4, false, 0, nil, nil},
		"sheki":     {1, 2, false, 0, bp(true), bp(true)},
		"ganja":     {1, 2, false, 0, bp(false), bp(false)},
	}
	for gi := range in.Groups {
		for ri := range in.Groups[gi].Rows {
			r := &in.Groups[gi].Rows[ri]
			if x, ok := hs[r.Agency]; ok {
				r.RankLow, r.RankHigh, r.ClearFirst, r.ClearStreak = x.lo, x.hi, x.clear, x.clearStreak
				r.SignificantPrev, r.SignificantYear = x.sigPrev, x.sigYr
			}
		}
	}
	for ai := range in.Agencies {
		a := &in.Agencies[ai]
		if a.Code != "migration" && a.Code != "sheki" {
			continue
		}
		c := &Control{CL: 91.6, Sigma: 14}
		for m := 0; m < 18; m++ {
			month := time.Date(2024, time.April+time.Month(m), 1, 0, 0, 0, 0, baku).Format("2006-01")
			n := int64(1200 + m*17)
			half := 3 * 14 / math.Sqrt(float64(n))
			v := 91.6 + float64((m*5)%7-3)*0.25
			sig := ""
			switch {
			case m == 4:
				v, sig = 91.6+half+0.4, "above"
			case m == 9:
				v, sig = 91.6-half-0.5, "below"
			case m >= 11:
				v = 91.8 + float64(m%3)*0.1
				if m == 17 {
					sig = "run_above"
				}
			}
			c.Points = append(c.Points, ControlPoint{Month: month, Index: v, N: n, LCL: 91.6 - half, UCL: 91.6 + half, Signal: sig})
		}
		a.Control = c
	}
}

// syntheticInput is a large report: agencies in groups of 20, 8 periods of
// trend, 5 questions, 6 services and 3 channels each.
func syntheticInput(lang string, agencies int) Input {
	in := sampleInput(lang)
	in.Groups = nil
	in.Agencies = nil
	perGroup := 20
	for gi := 0; gi*perGroup < agencies; gi++ {
		g := Group{Code: fmt.Sprintf("group-%02d", gi), Name: fmt.Sprintf("%s %d", grpRegional.in(lang), gi+1), Figure: fig(88, 40000)}
		for k := 0; k < perGroup && gi*perGroup+k < agencies; k++ {
			ai := gi*perGroup + k
			idx := 95 - float64(k)*0.7
			n := int64(3000 - k*120)
			base := []tr{agMigration, agProperty, agEconomy, agJustice, agSheki, agGanja}[ai%6]
			code := fmt.Sprintf("agency-%03d", ai)
			name := fmt.Sprintf("%s №%d", base.in(lang), ai+1)
			r := Row{Rank: k + 1, Agency: code, Name: name, Index: idx, CILow: idx - 1.2, CIHigh: idx + 1.1,
				Adjusted: idx, N: n, CSAT: idx + 2, CSATLow: idx + 1, CSATHigh: idx + 3,
				ChangePrev: fp(0.3), ChangeYear: fp(-0.7), PreviousRank: ip(k + 2), Streak: 0}
			if k == 0 {
				r.Streak = 3 + gi
			}
			if k == perGroup-1 {
				r.Rank, r.Insufficient, r.N = 0, true, 12
			}
			g.Rows = append(g.Rows, r)
			sec := AgencySection{Code: code, Name: name, GroupCode: g.Code, GroupName: g.Name}
			for p, label := range trendLabels {
				sec.Trend = append(sec.Trend, TrendPoint{Label: label, Figure: fig(idx-float64(7-p)*0.3, n)})
			}
			for q := 0; q < 5; q++ {
				qt := questions[q%len(questions)].t.in(lang)
				sec.ByQuestion = append(sec.ByQuestion, BreakdownRow{Key: fmt.Sprintf("q%d", q), Name: qt, Figure: fig(idx-float64(q), n)})
			}
			for s := 0; s < 6; s++ {
				st := services["migration"][s%4].in(lang)
				sec.ByService = append(sec.ByService, BreakdownRow{Key: fmt.Sprintf("s%d", s), Name: st, Figure: fig(idx-float64(s)*0.5, n/6)})
			}
			sec.ByChannel = []BreakdownRow{
				{Key: "kiosk", Figure: fig(idx, n/2)},
				{Key: "link", Figure: fig(idx-1, n/3)},
				{Key: "api", Figure: fig(idx-2, n/6)},
			}
			in.Agencies = append(in.Agencies, sec)
		}
		in.Groups = append(in.Groups, g)
	}
	return in
}
