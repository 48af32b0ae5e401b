package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
)

// The agency page's comments: filters (score band, centre, service, channel, dates, language), sort and
// paging, all in the query string so a filtered view can be bookmarked and exported as it is shown.

// commentParams are the query parameters of the comment filters ("lang" is the page's language switch, so
// the comment's language is "clang").
var commentParams = []string{"q", "band", "center", "service", "channel", "clang", "cfrom", "cto", "sort"}

// commentFilters is the filter form: the current values and the choices, in the page's language.
type commentFilters struct {
	Band, Center, Service, Channel, CLang, From, To, Sort string
	Bands, Centers, Services, Channels, Langs, Sorts      []option
	Active                                                bool // some filter is set: show "Clear"
	Narrowing                                             bool // a search or a filter other than the order is set
}

// maxSearch bounds the free-text search.
const maxSearch = 200

// parseCommentQuery reads the filters of q for agency ag in period p. A value that is not among the choices
// (or a date outside the period) is an error naming the field; nothing is read then.
func parseCommentQuery(q url.Values, cv *survey.CatalogView, ag *survey.Agency, p scoring.Period, loc *time.Location) (survey.CommentQuery, string) {
	cq := survey.CommentQuery{Agency: ag.Code, From: p.Start, To: p.End, Search: q.Get("q"), Band: q.Get("band"),
		Center: q.Get("center"), Service: q.Get("service"), Channel: q.Get("channel"), Lang: q.Get("clang"), Sort: q.Get("sort")}
	if len(cq.Search) > maxSearch {
		cq.Search = strings.ToValidUTF8(cq.Search[:maxSearch], "")
	}
	if !survey.ValidBand(cq.Band) {
		return cq, "band"
	}
	if !survey.ValidCommentSort(cq.Sort) {
		return cq, "sort"
	}
	if cq.Center != "" && !cv.Hosts(cq.Center, ag.Code) {
		return cq, "center"
	}
	if cq.Service != "" {
		if svc, ok := cv.Service(cq.Service); !ok || svc.Agency != ag.Code {
			return cq, "service"
		}
	}
	if cq.Channel != "" && cq.Channel != survey.ChannelKiosk && cq.Channel != survey.ChannelLink && cq.Channel != survey.ChannelAPI {
		return cq, "channel"
	}
	if cq.Lang != "" && !locale.Valid(cq.Lang) {
		return cq, "clang"
	}
	for _, d := range []struct {
		name string
		end  bool
	}{{"cfrom", false}, {"cto", true}} {
		s := q.Get(d.name)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil || t.Before(p.Start) || !t.Before(p.End) {
			return cq, d.name
		}
		if d.end {
			cq.To = t.AddDate(0, 0, 1)
		} else {
			cq.From = t
		}
	}
	if !cq.From.Before(cq.To) {
		return cq, "cto"
	}
	return cq, ""
}

// commentFilterForm is the form's state and choices for agency ag.
func (v *view) commentFilterForm(q url.Values, cv *survey.CatalogView, ag *survey.Agency) *commentFilters {
	f := &commentFilters{Band: q.Get("band"), Center: q.Get("center"), Service: q.Get("service"), Channel: q.Get("channel"),
		CLang: q.Get("clang"), From: q.Get("cfrom"), To: q.Get("cto"), Sort: q.Get("sort")}
	f.Narrowing = f.Band+f.Center+f.Service+f.Channel+f.CLang+f.From+f.To+q.Get("q") != ""
	f.Active = f.Narrowing || f.Sort != ""
	any := option{"", v.T("dash.f.any")}
	f.Bands = []option{any, {survey.BandLow, v.T("dash.f.low")}, {survey.BandMid, v.T("dash.f.mid")}, {survey.BandHigh, v.T("dash.f.high")}}
	f.Sorts = []option{{"", v.T("dash.f.new")}, {survey.CommentsOldest, v.T("dash.f.old")},
		{survey.CommentsLowest, v.T("dash.f.lowest")}, {survey.CommentsHighest, v.T("dash.f.highest")}}
	f.Channels = []option{any}
	for _, c := range []string{survey.ChannelKiosk, survey.ChannelLink, survey.ChannelAPI} {
		f.Channels = append(f.Channels, option{c, v.T("dash.channel." + c)})
	}
	f.Langs = []option{any}
	for _, l := range locale.Langs {
		f.Langs = append(f.Langs, option{l, locale.Name(l)})
	}
	var centers, services []option
	for _, c := range cv.Centers {
		if cv.Hosts(c.Code, ag.Code) {
			centers = append(centers, option{c.Code, v.Name(c.Name)})
		}
	}
	for _, s := range cv.ServicesOf(ag.Code) {
		services = append(services, option{s.Code, v.Name(s.Name)})
	}
	label := func(o option) string { return o.Label }
	sortByName(v.Lang, centers, label)
	sortByName(v.Lang, services, label)
	f.Centers = append([]option{any}, centers...)
	f.Services = append([]option{any}, services...)
	return f
}

// commentsQuery keeps the period and the comment filters of q (for paging and export links).
func commentsQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range append([]string{"period", "from", "to"}, commentParams...) {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// pageNumber reads ?page= (1 when absent or malformed; bounded so an offset never overflows).
func pageNumber(q url.Values) int {
	n, _ := strconv.Atoi(q.Get("page"))
	return min(max(n, 1), 1_000_000)
}
