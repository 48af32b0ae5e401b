package report

import (
	"strconv"
	"strings"
)

// The composite index section (docs/method.md#composite-index): per methodology, the composite table with
// the parameter scores of every agency, and the ±20% weight sensitivity in words. Drawn only when the
// Input carries composites (a period with assessments).

// Composite is one methodology's composite table of the period. Names are in the report's language.
type Composite struct {
	Code, Name    string
	Version       int
	CitizenWeight float64
	Pooled        bool // services pooled; otherwise the mean of the services' scores
	Parameters    []CompositeParameter
	Groups        []CompositeGroup
	// Changes is the sensitivity analysis: every agency whose rank changes when one weight is multiplied
	// by Factor (0.8 or 1.2), in the API's order.
	Changes []RankChange
}

// CompositeParameter is a parameter's name and weight.
type CompositeParameter struct {
	Name   string
	Weight float64
}

// CompositeGroup is one peer group's composite table.
type CompositeGroup struct {
	Name string
	Rows []CompositeRow // ranked by rank, then the others
}

// CompositeRow is one agency. Composite, Checklist and a parameter are nil where undefined; Rank 0 = not
// ranked; Status is "ranked", "insufficient" or "unassessed".
type CompositeRow struct {
	Rank       int
	Name       string
	Composite  *float64
	Index      float64
	N          int64
	Checklist  *float64
	Parameters []*float64 // in the order of Composite.Parameters
	Status     string
}

// RankChange is one line of the sensitivity: Weight is "" for the citizens' weight, else the parameter's
// name; NewRank 0 = drops out of the ranking.
type RankChange struct {
	Weight    string
	OldWeight float64 // the weight before the change
	Factor    float64
	Group     string
	Agency    string
	Rank      int
	NewRank   int
}

func init() {
	for lang, m := range compositeMessages {
		for k, v := range m {
			if _, dup := messages[lang][k]; dup {
				panic("report: message " + k + " defined twice")
			}
			messages[lang][k] = v
		}
	}
}

var compositeMessages = map[string]map[string]string{
	"en": {
		"comp_title":        "Composite index",
		"comp_formula":      "Composite = {cw} × citizens' index + {rest} × checklist score ({agg}). Methodology “{name}”, version {v}. Agencies without an assessment or with fewer than {minn} counted responses are not ranked.",
		"comp_agg_mean":     "the mean of the assessed services' scores",
		"comp_agg_pooled":   "all assessed services' criteria pooled",
		"comp_params":       "Parameters and their weights",
		"comp_col_param":    "Parameter",
		"comp_col_weight":   "Weight",
		"comp_col_share":    "Share",
		"comp_col_comp":     "Composite",
		"comp_col_index":    "Citizens' index",
		"comp_col_check":    "Checklist",
		"comp_table_note":   "Columns 1–{k}: the checklist score of each parameter (0–100); “—”: no criterion of the parameter applies.",
		"comp_insufficient": "too few responses",
		"comp_unassessed":   "not assessed",
		"comp_sens":         "Sensitivity analysis",
		"comp_sens_intro":   "The citizens' weight and each parameter's weight were in turn lowered and raised by 20% (the others unchanged). Every agency whose rank changes:",
		"comp_sens_none":    "No ±20% change of any weight changes any agency's rank: this period's ranking does not hinge on the chosen weights.",
		"comp_sens_citizen": "Citizens' weight {new} instead of {old}: {moves}.",
		"comp_sens_param":   "Weight of “{param}” {new} instead of {old}: {moves}.",
		"comp_sens_move":    "{agency} (from rank {from} to {to})",
		"comp_sens_out":     "{agency} (from rank {from} to not ranked)",
		"comp_sens_in":      "{agency} (from not ranked to rank {to})",
		"comp_sens_why":     "Why: the OECD/JRC Handbook on Constructing Composite Indicators asks that a composite index be published with an uncertainty and sensitivity analysis, because its ranks can depend on subjective choices of weights.",
	},
	"az": {
		"comp_title":        "Kompozit indeks",
		"comp_formula":      "Kompozit = {cw} × vətəndaş indeksi + {rest} × yoxlama siyahısının balı ({agg}). Metodologiya: “{name}”, versiya {v}. Qiymətləndirməsi olmayan və ya sayılan cavablarının sayı {minn} həddinə çatmayan qurumlar sıralanmır.",
		"comp_agg_mean":     "qiymətləndirilmiş xidmətlərin ballarının ortası",
		"comp_agg_pooled":   "qiymətləndirilmiş bütün xidmətlərin meyarları birlikdə",
		"comp_params":       "Parametrlər və çəkiləri",
		"comp_col_param":    "Parametr",
		"comp_col_weight":   "Çəki",
		"comp_col_share":    "Pay",
		"comp_col_comp":     "Kompozit",
		"comp_col_index":    "Vətəndaş indeksi",
		"comp_col_check":    "Yoxlama siyahısı",
		"comp_table_note":   "1–{k} sütunları: hər parametr üzrə yoxlama siyahısı balı (0–100); “—”: parametrin heç bir meyarı tətbiq olunmur.",
		"comp_insufficient": "cavablar azdır",
		"comp_unassessed":   "qiymətləndirilməyib",
		"comp_sens":         "Həssaslıq təhlili",
		"comp_sens_intro":   "Vətəndaş çəkisi və hər parametrin çəkisi ayrıca 20% azaldılıb və 20% artırılıb (digərləri dəyişmədən). Yeri dəyişən hər qurum:",
		"comp_sens_none":    "Heç bir çəkinin ±20% dəyişməsi heç bir qurumun yerini dəyişmir: bu dövrün sıralaması seçilmiş çəkilərə həssas deyil.",
		"comp_sens_citizen": "Vətəndaş çəkisi {old} deyil, {new} olsaydı: {moves}.",
		"comp_sens_param":   "“{param}” parametrinin çəkisi {old} deyil, {new} olsaydı: {moves}.",
		"comp_sens_move":    "{agency} ({from}. yerdən {to}. yerə)",
		"comp_sens_out":     "{agency} ({from}. yerdən sıralanmayanlara)",
		"comp_sens_in":      "{agency} (sıralanmayanlardan {to}. yerə)",
		"comp_sens_why":     "Niyə: OECD və Aİ-nin Birgə Tədqiqat Mərkəzinin kompozit göstəricilər üzrə təlimatı kompozit indeksin qeyri-müəyyənlik və həssaslıq təhlili ilə birlikdə dərc olunmasını tələb edir, çünki onun yerləri subyektiv çəki seçimlərindən asılı ola bilər.",
	},
	"ru": {
		"comp_title":        "Композитный индекс",
		"comp_formula":      "Композит = {cw} × индекс граждан + {rest} × балл по чек-листу ({agg}). Методология «{name}», версия {v}. Организации без оценки или с числом учтённых ответов меньше {minn} места не получают.",
		"comp_agg_mean":     "среднее баллов оценённых услуг",
		"comp_agg_pooled":   "критерии всех оценённых услуг вместе",
		"comp_params":       "Параметры и их веса",
		"comp_col_param":    "Параметр",
		"comp_col_weight":   "Вес",
		"comp_col_share":    "Доля",
		"comp_col_comp":     "Композит",
		"comp_col_index":    "Индекс граждан",
		"comp_col_check":    "Чек-лист",
		"comp_table_note":   "Столбцы 1–{k}: балл по чек-листу по каждому параметру (0–100); «—»: ни один критерий параметра не применим.",
		"comp_insufficient": "мало ответов",
		"comp_unassessed":   "не оценено",
		"comp_sens":         "Анализ чувствительности",
		"comp_sens_intro":   "Вес граждан и вес каждого параметра поочерёдно уменьшены и увеличены на 20% (остальные без изменений). Каждая организация, чьё место меняется:",
		"comp_sens_none":    "Никакое изменение веса на ±20% не меняет ничьего места: рейтинг этого периода не зависит от выбранных весов.",
		"comp_sens_citizen": "Вес граждан {new} вместо {old}: {moves}.",
		"comp_sens_param":   "Вес параметра «{param}» {new} вместо {old}: {moves}.",
		"comp_sens_move":    "{agency} (с {from}-го места на {to}-е)",
		"comp_sens_out":     "{agency} (с {from}-го места — без места)",
		"comp_sens_in":      "{agency} (без места — на {to}-е место)",
		"comp_sens_why":     "Зачем: руководство ОЭСР и Объединённого исследовательского центра ЕС по построению композитных индикаторов требует публиковать композитный индекс вместе с анализом неопределённости и чувствительности, поскольку места в нём могут зависеть от субъективного выбора весов.",
	},
}

// composites draws one section per methodology.
func (d *doc) composites() {
	for _, c := range d.in.Composites {
		d.composite(c)
	}
}

func (d *doc) composite(c Composite) {
	l := d.l
	d.newPage()
	title := l.t("comp_title") + " — " + c.Name
	d.bookmark(l.t("comp_title"), 0)
	d.heading(title, 16, 30)
	d.y += 1
	agg := l.t("comp_agg_mean")
	if c.Pooled {
		agg = l.t("comp_agg_pooled")
	}
	d.para(l.t("comp_formula", "cw", l.Number(c.CitizenWeight, 2), "rest", l.Number(1-c.CitizenWeight, 2), "agg", agg,
		"name", c.Name, "v", strconv.Itoa(c.Version), "minn", strconv.FormatInt(d.in.MinN, 10)), false, 9, colInk)
	d.y += 2

	// The parameters, numbered like the table's columns.
	var total float64
	for _, p := range c.Parameters {
		total += p.Weight
	}
	d.heading(l.t("comp_params"), 11, 20)
	var prow [][]cell
	for i, p := range c.Parameters {
		share := "—"
		if total > 0 {
			share = l.Number(100*p.Weight/total, 1) + "%"
		}
		prow = append(prow, []cell{{text: strconv.Itoa(i + 1), bold: true}, {text: p.Name}, {text: l.Trimmed(p.Weight)}, {text: share}})
	}
	d.table(table{cols: []column{{title: "#", w: 10, align: "C"}, {title: l.t("comp_col_param"), w: 110, align: "L", wrap: true},
		{title: l.t("comp_col_weight"), w: 25, align: "R"}, {title: l.t("comp_col_share"), w: 25, align: "R"}}, size: 8}, prow)
	d.y += 3

	k := len(c.Parameters)
	pw := 9.0
	if k > 0 {
		pw = min(14, max(7, (contentW-10-15-15-15-12-44)/float64(k)))
	}
	nameW := contentW - 10 - 15 - 15 - 15 - 12 - pw*float64(k)
	cols := []column{
		{title: l.t("col_rank"), w: 10, align: "C"},
		{title: l.t("col_agency"), w: nameW, align: "L", wrap: true},
		{title: l.t("comp_col_comp"), w: 15, align: "R"},
		{title: l.t("comp_col_index"), w: 15, align: "R"},
		{title: l.t("comp_col_check"), w: 15, align: "R"},
	}
	for i := range c.Parameters {
		cols = append(cols, column{title: strconv.Itoa(i + 1), w: pw, align: "R"})
	}
	cols = append(cols, column{title: l.t("col_n"), w: 12, align: "R"})
	opt := func(x *float64, muted bool) cell {
		if x == nil {
			return cell{text: "—", muted: true}
		}
		return cell{text: l.Number(*x, 1), muted: muted}
	}
	for _, g := range c.Groups {
		d.heading(g.Name, 12, 30)
		d.y += 1
		var rows [][]cell
		for _, r := range g.Rows {
			muted := r.Rank == 0
			rank, note := "—", ""
			switch {
			case r.Rank > 0:
				rank = strconv.Itoa(r.Rank)
			case r.Status == "insufficient":
				note = l.t("comp_insufficient") + " (n < " + strconv.FormatInt(d.in.MinN, 10) + ")"
			default:
				note = l.t("comp_unassessed")
			}
			comp := cell{text: "—", muted: true}
			if r.Composite != nil {
				comp = cell{text: l.Number(*r.Composite, 2), bold: true}
			}
			check := cell{text: "—", muted: true}
			if r.Checklist != nil {
				check = cell{text: l.Number(*r.Checklist, 2), muted: muted}
			}
			row := []cell{{text: rank, bold: r.Rank == 1, muted: muted}, {text: r.Name, muted: muted, note: note}, comp,
				{text: l.Number(r.Index, 2), muted: muted}, check}
			for i := range c.Parameters {
				var v *float64
				if i < len(r.Parameters) {
					v = r.Parameters[i]
				}
				row = append(row, opt(v, muted))
			}
			rows = append(rows, append(row, cell{text: l.Integer(r.N), muted: muted}))
		}
		d.table(table{cols: cols, size: 7.5, continued: func() {
			d.heading(g.Name+" "+l.t("continued"), 11, 20)
			d.y += 1
		}}, rows)
		d.y += 3
	}
	d.para(l.t("comp_table_note", "k", strconv.Itoa(k)), false, 8, colMuted)
	d.y += 3

	d.heading(l.t("comp_sens"), 13, 24)
	d.y += 1
	if len(c.Changes) == 0 {
		d.para(l.t("comp_sens_none"), true, 9, colInk)
	} else {
		d.para(l.t("comp_sens_intro"), false, 9, colInk)
		d.y += 1
		for _, s := range d.sensitivitySentences(c) {
			d.paraW(marginL+4, contentW-4, "• "+s, false, 9, colInk)
			d.y += 0.6
		}
	}
	d.y += 2
	d.para(l.t("comp_sens_why"), false, 8, colMuted)
}

// sensitivitySentences groups the changes by weight and factor: one sentence each, in the given order.
func (d *doc) sensitivitySentences(c Composite) []string {
	l := d.l
	type key struct {
		weight string
		factor float64
	}
	var order []key
	moves := map[key][]string{}
	first := map[key]RankChange{}
	for _, ch := range c.Changes {
		k := key{ch.Weight, ch.Factor}
		if _, ok := moves[k]; !ok {
			order = append(order, k)
			first[k] = ch
		}
		from, to := strconv.Itoa(ch.Rank), strconv.Itoa(ch.NewRank)
		var m string
		switch {
		case ch.Rank > 0 && ch.NewRank > 0:
			m = l.t("comp_sens_move", "agency", ch.Agency, "from", from, "to", to)
		case ch.Rank > 0:
			m = l.t("comp_sens_out", "agency", ch.Agency, "from", from)
		default:
			m = l.t("comp_sens_in", "agency", ch.Agency, "to", to)
		}
		moves[k] = append(moves[k], m)
	}
	var out []string
	for _, k := range order {
		ch := first[k]
		list := strings.Join(moves[k], "; ")
		if k.weight == "" {
			nw := min(max(ch.OldWeight*k.factor, 0), 1)
			out = append(out, l.t("comp_sens_citizen", "old", l.Number(ch.OldWeight, 2), "new", l.Number(nw, 2), "moves", list))
			continue
		}
		out = append(out, l.t("comp_sens_param", "param", k.weight, "old", l.Trimmed(ch.OldWeight), "new", l.Trimmed(ch.OldWeight*k.factor), "moves", list))
	}
	return out
}
