package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/publishing"
	"github.com/qiymet/qiymet/web/i18n"
)

// The portal's pages as data for web/templates/public: everything comes from the snapshot (and the list of
// revisions); nothing from live figures, no comment and no figure below min_n.

type pubPage struct {
	Lang, Title, Path string
	Langs             []LangLink
}

func newPubPage(lang, title, path string) pubPage {
	p := pubPage{Lang: lang, Title: title, Path: path}
	for _, l := range locale.Langs {
		p.Langs = append(p.Langs, LangLink{Code: l, Label: locale.Name(l), Href: path + "?lang=" + l, Current: l == lang})
	}
	return p
}

func (p pubPage) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

type pubLink struct{ Href, Text string }

type pubPeriodData struct {
	pubPage
	Label, Meta, Overall string
	Groups               []pubGroup
	InsufficientNote     string
	Downloads            []pubLink
	Method               []string
	History              []pubRevision
	Changes              []string // the latest revision's changes against the one before, in words
	SHA, VerifyCmd       string
	Python               string
}

type pubGroup struct {
	Code, Name, Meta, Lead string
	Rows                   []pubRow
	Insufficient           []string
}

type pubRow struct {
	RankText, RankLabel, Name, Index, CI, N, CSAT string
	Prev, Year                                    delta
	First, Streak                                 string
	FirstClear                                    bool
}

type pubRevision struct {
	Rev                int
	When, Reason, Href string
	Latest             bool
}

func periodPage(snap *survey.Snapshot, revs []survey.Publication, lang string, loc *time.Location) pubPeriodData {
	v := &view{Lang: lang}
	path := "/public/" + snap.Period.Label
	d := pubPeriodData{pubPage: newPubPage(lang, v.T("pub.period.title", locale.PeriodName(lang, snap.Period.Label)), path), Label: snap.Period.Label,
		SHA: snap.SHA256, VerifyCmd: "qiymet verify qiymet-" + snap.Period.Label + "-r" + strconv.Itoa(snap.Revision) + ".json",
		Python: publishing.PythonVerifier}
	minN := v.Int(snap.Methodology.MinN)
	d.Meta = v.T("pub.period.meta", snap.Revision, stamp(snap.PublishedAt, loc), day(snap.Period.End, loc, -1))
	if e := snap.Overall; e.Sufficient() {
		d.Overall = v.T("pub.period.overall", v.Num(*e.Index), v.Num(*e.CILow)+"–"+v.Num(*e.CIHigh), v.Int(*e.N))
	}
	d.InsufficientNote = v.T("pub.insufficient.note", minN)
	for _, g := range snap.Groups {
		pg := pubGroup{Code: g.Group, Name: g.Name.Get(lang)}
		if g.Sufficient() {
			pg.Meta = v.T("pub.group.index", v.Num(*g.Index), v.Int(*g.N))
		}
		var lead []string
		for _, r := range g.Rows {
			fr := asRankingRow(r, lang)
			pr := pubRow{Name: fr.Name, Index: v.Num(r.Index), CI: v.Num(r.CILow) + "–" + v.Num(r.CIHigh), N: v.Int(r.N),
				CSAT: v.Num(r.CSAT), Prev: v.changeDelta(r.Change.PreviousPeriod, r.ChangeSignificant.PreviousPeriod),
				Year: v.changeDelta(r.Change.PreviousYear, r.ChangeSignificant.PreviousYear)}
			pr.RankText, pr.RankLabel = v.rankInterval(r.Rank, fr.RankLow, fr.RankHigh)
			if r.Rank == 1 {
				pr.First, pr.FirstClear, pr.Streak = v.first(fr)
				lead = append(lead, v.lead(fr))
			}
			pg.Rows = append(pg.Rows, pr)
		}
		if len(lead) == 0 {
			lead = []string{v.T("pub.first.none")}
		}
		pg.Lead = strings.Join(lead, " ")
		for _, r := range g.Insufficient {
			pg.Insufficient = append(pg.Insufficient, r.Name.Get(lang))
		}
		d.Groups = append(d.Groups, pg)
	}
	d.Downloads = []pubLink{{path + ".json", v.T("pub.dl.json")}, {path + ".csv", v.T("pub.dl.csv")}, {"/public/data-dictionary?lang=" + lang, v.T("pub.dl.dict")}}
	for _, l := range locale.Langs {
		d.Downloads = append(d.Downloads, pubLink{path + ".pdf?lang=" + l, v.T("pub.dl.pdf", locale.Name(l))})
	}
	d.Method = []string{v.T("pub.method.1", weights(snap, v)), v.T("pub.method.2"), v.T("pub.method.3", minN),
		v.T("pub.method.4", excluded(snap, v), snap.Methodology.TimeZone)}
	for _, p := range revs {
		reason := p.Reason
		if reason == "" {
			reason = v.T("pub.history.first")
		}
		d.History = append(d.History, pubRevision{Rev: p.Revision, When: stamp(p.PublishedAt().Format(time.RFC3339), loc), Reason: reason,
			Href: path + "/r" + strconv.Itoa(p.Revision) + ".json", Latest: p.Revision == snap.Revision})
	}
	slices.Reverse(d.History)
	for _, c := range snap.Changes {
		d.Changes = append(d.Changes, c.Agency+" · "+c.Field+": "+jsonText(c.Old)+" → "+jsonText(c.New))
	}
	return d
}

// asRankingRow lets the dashboard's sentences (first, lead, rankInterval) speak about a published row.
func asRankingRow(r survey.SnapshotRow, lang string) figures.RankingRow {
	return figures.RankingRow{Rank: &r.Rank, Agency: r.Agency, Name: r.Name.Get(lang), RankLow: &r.RankLow, RankHigh: &r.RankHigh,
		ClearFirst: r.ClearFirst, ClearStreak: r.ClearStreak, Streak: r.Streak}
}

// weights describes the question weights of the newest version of each survey in words.
func weights(snap *survey.Snapshot, v *view) string {
	newest := map[string]survey.SnapshotSurvey{}
	for _, sv := range snap.Methodology.Surveys {
		if sv.Version >= newest[sv.Code].Version {
			newest[sv.Code] = sv
		}
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(newest)) {
		var ws []string
		for _, q := range newest[code].Questions {
			if q.Weight > 0 {
				ws = append(ws, q.Text.Get(v.Lang)+" × "+strconv.FormatFloat(q.Weight, 'f', -1, 64))
			}
		}
		parts = append(parts, strings.Join(ws, "; "))
	}
	return v.T("pub.method.weights", strings.Join(parts, " | "))
}

func excluded(snap *survey.Snapshot, v *view) string {
	if len(snap.Excluded) == 0 {
		return v.T("pub.method.none")
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(snap.Excluded)) {
		name := k
		switch k {
		case "":
			name = "—"
		case survey.ReasonBurst:
			name = v.reasonName(k) // the one reason the service sets itself; others are an importer's words
		}
		parts = append(parts, name+": "+v.Int(snap.Excluded[k]))
	}
	return strings.Join(parts, ", ")
}

func jsonText(x any) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// stamp shows an RFC 3339 time as "2006-01-02 15:04" in loc.
func stamp(s string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// day shows an RFC 3339 time's date in loc, shifted by days (an exclusive end's last day is -1).
func day(s string, loc *time.Location, days int) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(loc).AddDate(0, 0, days).Format("2006-01-02")
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

type pubIndexData struct {
	pubPage
	Periods []pubIndexRow
}

type pubIndexRow struct {
	Label, Href, When string
	Rev               int
}

func indexPage(list []survey.Publication, lang string, loc *time.Location) pubIndexData {
	d := pubIndexData{pubPage: newPubPage(lang, i18n.T(lang, "pub.index.title"), "/public/")}
	for _, p := range sortedPeriods(list) {
		d.Periods = append(d.Periods, pubIndexRow{Label: locale.PeriodName(lang, p.Period), Href: "/public/" + p.Period + "?lang=" + lang,
			When: stamp(p.PublishedAt().Format(time.RFC3339), loc), Rev: p.Revision})
	}
	return d
}

type pubDictData struct {
	pubPage
	Columns []pubLink // Href: the column name, Text: its meaning
}

func dictionaryPage(lang string) pubDictData {
	d := pubDictData{pubPage: newPubPage(lang, i18n.T(lang, "pub.dict.title"), "/public/data-dictionary")}
	for _, c := range publishing.Columns {
		d.Columns = append(d.Columns, pubLink{Href: c.Name, Text: c.Meaning.Get(lang)})
	}
	return d
}
