package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// rowsHash digests every stored field of the rows.
func rowsHash(rows []*survey.Response) string {
	h := sha256.New()
	for _, r := range rows {
		fmt.Fprintf(h, "%s|%d|%d|%s|%s|%s|%s|%d|%s|%s|%s|%s|%s|%.6f|%v|%s\n", r.ID, r.SubmittedUS, r.ReceivedUS,
			r.Agency, r.Service, r.Center, r.Channel, r.SurveyVersion, r.Lang, r.Status, r.Reason, r.Comment, r.Answers,
			r.Score, r.Top2, r.ContentHash)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateDeterministic(t *testing.T) {
	cv := demoCatalogView(t)
	opt := Options{Responses: 15_000, Now: testNow, Location: storetest.Baku, Chunk: 4_000}
	a, sa := generateAll(t, cv, opt)
	b, _ := generateAll(t, cv, opt)
	if len(a) != opt.Responses || sa.Rows != opt.Responses {
		t.Fatalf("got %d rows (summary %d), want exactly %d", len(a), sa.Rows, opt.Responses)
	}
	if ha, hb := rowsHash(a), rowsHash(b); ha != hb {
		t.Fatalf("same seed and clock gave different rows: %s vs %s", ha, hb)
	}
	opt.Now = testNow.Add(24 * time.Hour)
	c, _ := generateAll(t, cv, opt)
	if rowsHash(a) == rowsHash(c) {
		t.Fatal("another clock gave the very same rows")
	}
	ids := map[string]bool{}
	for _, r := range a {
		if ids[r.ID] {
			t.Fatalf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
	}
}

// A full-year-plus sample shared by the distribution tests (generated once: it takes a few seconds).
var (
	sampleOnce sync.Once
	sampleIx   *survey.CatalogView
	sampleRows []*survey.Response
	sampleSum  Summary
)

const sampleSize = 120_000

func sample(t *testing.T) (*survey.CatalogView, []*survey.Response, Summary) {
	t.Helper()
	sampleOnce.Do(func() {
		sampleIx = demoCatalogView(t)
		sampleRows, sampleSum = generateAll(t, sampleIx, Options{Responses: sampleSize, Now: testNow, Location: storetest.Baku})
	})
	if sampleIx == nil {
		t.Fatal("sample generation failed in an earlier test")
	}
	return sampleIx, sampleRows, sampleSum
}

// quarters lists the complete quarters of the window, oldest first.
func quarters(t *testing.T) []scoring.Period {
	cur := scoring.PeriodContaining(scoring.Quarter, testNow, storetest.Baku)
	var out []scoring.Period
	for k := 11; k >= 1; k-- {
		out = append(out, cur.Back(k))
	}
	return out
}

func TestDistributionRankings(t *testing.T) {
	cv, rows, _ := sample(t)
	units := quarterUnits(cv, rows)
	cfg := scoring.DefaultConfig()
	qs := quarters(t)
	firsts, insufficient := 0, 0
	rankedIn := map[string]int{}
	for i, q := range qs {
		groups := scoring.RankPeriod(units[q.Label], cfg)
		if len(groups) != 3 {
			t.Fatalf("%s: %d groups ranked, want 3", q.Label, len(groups))
		}
		for _, g := range groups {
			ranked := 0
			for _, r := range g.Rows {
				if r.Ranked {
					ranked++
					rankedIn[r.Agency]++
				} else {
					insufficient++
				}
				if g.Group == "central" && r.Agency == "migration" && r.Rank == 1 && i >= len(qs)-8 {
					firsts++
				}
			}
			if ranked < 3 {
				t.Errorf("%s %s: only %d agencies ranked", q.Label, g.Group, ranked)
			}
		}
	}
	// The dominant agency: 1st in its group in (nearly) every one of the last 8 quarters, so streaks show.
	if firsts < 7 {
		t.Errorf("migration was 1st in %d of the last 8 quarters, want ≥ 7", firsts)
	}
	if insufficient == 0 {
		t.Error("no agency-quarter under min_n: the insufficient rows never appear")
	}
	// Only the one or two small agencies may miss min_n often.
	var rare []string
	for _, a := range cv.Agencies {
		if rankedIn[a.Code]*4 < len(qs)*3 {
			rare = append(rare, a.Code)
		}
	}
	if len(rare) > 2 {
		t.Errorf("agencies ranked in fewer than 3/4 of the quarters: %v", rare)
	}
}

// agencyMeans is the mean R per agency over the counted rows with x in [from, to).
func agencyMeans(rows []*survey.Response, from, to time.Time) map[string]scoring.Stats {
	out := map[string]scoring.Stats{}
	for _, r := range rows {
		at := time.UnixMicro(r.SubmittedUS)
		if r.Status != survey.StatusCounted || at.Before(from) || !at.Before(to) {
			continue
		}
		s := out[r.Agency]
		s.AddResponse(r.Score, r.Top2)
		out[r.Agency] = s
	}
	return out
}

func TestDistributionAgenciesDiffer(t *testing.T) {
	cv, rows, sum := sample(t)
	all := agencyMeans(rows, sum.From, sum.To.Add(time.Second))
	if len(all) != len(cv.Agencies) {
		t.Fatalf("%d agencies have responses, want all %d", len(all), len(cv.Agencies))
	}
	byGroup := map[string][]float64{}
	for code, s := range all {
		a, _ := cv.Agency(code)
		byGroup[a.Group] = append(byGroup[a.Group], s.Estimate().Index)
	}
	for g, means := range byGroup {
		if spread := slices.Max(means) - slices.Min(means); spread < 7 {
			t.Errorf("group %s: best and worst agency differ by %.1f points, want a clear margin (≥ 7)", g, spread)
		}
	}
	// Two utilities run neck and neck (their ranks swap between quarters).
	if d := math.Abs(all["azerishiq"].Estimate().Index - all["azersu"].Estimate().Index); d > 2 {
		t.Errorf("azerishiq and azersu differ by %.2f points, want them close (≤ 2)", d)
	}
	// Trends: the first year against the last.
	year := 365 * 24 * time.Hour
	first := agencyMeans(rows, sum.From, sum.From.Add(year))
	last := agencyMeans(rows, sum.To.Add(-year), sum.To.Add(time.Second))
	if d := first["azeriqaz"].Estimate().Index - last["azeriqaz"].Estimate().Index; d < 5 {
		t.Errorf("azeriqaz should decline: first year − last year = %.2f", d)
	}
	if d := last["tax"].Estimate().Index - first["tax"].Estimate().Index; d < 5 {
		t.Errorf("tax should improve: last year − first year = %.2f", d)
	}
}

func TestDistributionChannelsAndRhythm(t *testing.T) {
	_, rows, sum := sample(t)
	n := float64(len(rows))
	for ch, want := range map[string]float64{survey.ChannelKiosk: 0.70, survey.ChannelLink: 0.20, survey.ChannelAPI: 0.10} {
		if got := float64(sum.Channels[ch]) / n; math.Abs(got-want) > 0.02 {
			t.Errorf("channel %s: share %.3f, want %.2f ± 0.02", ch, got, want)
		}
	}
	var weekday, weekend, night int
	for _, r := range rows {
		at := time.UnixMicro(r.SubmittedUS).In(storetest.Baku)
		if at.Before(sum.From) || at.After(sum.To) {
			t.Fatalf("response at %v outside the window %v…%v", at, sum.From, sum.To)
		}
		if at.Hour() < 9 || at.Hour() >= 19 {
			night++
		}
		if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		} else {
			weekday++
		}
	}
	if night != 0 {
		t.Errorf("%d responses outside opening hours", night)
	}
	// 2 weekend days against 5 weekdays: per day, weekends must be clearly quieter.
	if perWeekend, perWeekday := float64(weekend)/2, float64(weekday)/5; perWeekend > 0.6*perWeekday {
		t.Errorf("weekend days carry %.0f responses against %.0f on weekdays; want fewer", perWeekend, perWeekday)
	}
}

func TestDistributionAnswers(t *testing.T) {
	cv, rows, sum := sample(t)
	var bursts, missingWaiting, v1, v2, azComments, ruComments, allLetters int
	lastV1 := map[string]int64{}
	firstV2 := map[string]int64{}
	var highN, waitGoodHigh, lowN, waitGoodLow int
	for _, r := range rows {
		if r.Status == survey.StatusExcluded {
			if r.Reason != survey.ReasonBurst || r.Channel != survey.ChannelKiosk {
				t.Fatalf("excluded row %s: reason %q channel %q", r.ID, r.Reason, r.Channel)
			}
			bursts++
			continue
		}
		if !strings.Contains(r.Answers, `"waiting"`) {
			missingWaiting++
		}
		switch r.SurveyVersion {
		case 1:
			v1++
			lastV1[r.Agency] = max(lastV1[r.Agency], r.SubmittedUS)
		case 2:
			v2++
			if f, ok := firstV2[r.Agency]; !ok || r.SubmittedUS < f {
				firstV2[r.Agency] = r.SubmittedUS
			}
			if !strings.Contains(r.Answers, `"clarity"`) && !strings.Contains(r.Answers, `"overall"`) {
				t.Fatalf("v2 row without answers: %s", r.Answers)
			}
		}
		high := strings.Contains(r.Answers, `"overall":5`)
		low := strings.Contains(r.Answers, `"overall":1`) || strings.Contains(r.Answers, `"overall":2`)
		waitGood := strings.Contains(r.Answers, `"waiting":5`) || strings.Contains(r.Answers, `"waiting":4`)
		if high {
			highN++
			if waitGood {
				waitGoodHigh++
			}
		}
		if low {
			lowN++
			if waitGood {
				waitGoodLow++
			}
		}
		if r.Comment != "" {
			switch r.Lang {
			case "az":
				if strings.Contains(r.Comment, "ə") {
					azComments++
				}
				if strings.ContainsAny(r.Comment, "ə") && strings.ContainsAny(r.Comment, "ş") && strings.ContainsAny(r.Comment, "ç") &&
					strings.ContainsAny(r.Comment, "ğ") && strings.ContainsAny(r.Comment, "ı") && strings.ContainsAny(r.Comment, "İ") &&
					strings.ContainsAny(r.Comment, "ö") && strings.ContainsAny(r.Comment, "ü") {
					allLetters++
				}
			case "ru":
				if hasScript(r.Comment, unicode.Cyrillic) {
					ruComments++
				}
			}
		}
	}
	n := len(rows)
	if bursts == 0 || bursts > n/50 {
		t.Errorf("%d burst rows of %d; want a few", bursts, n)
	}
	if share := float64(sum.Comments) / float64(n); share < 0.05 || share > 0.11 {
		t.Errorf("comment share %.3f, want about 8%%", share)
	}
	if azComments == 0 || ruComments == 0 || allLetters == 0 {
		t.Errorf("comments: %d az with ə, %d ru in Cyrillic, %d with every Azerbaijani letter", azComments, ruComments, allLetters)
	}
	if missingWaiting == 0 || missingWaiting > n/10 {
		t.Errorf("%d responses skip the waiting question; want some, not most", missingWaiting)
	}
	if v1 < n/4 || v2 < n/4 {
		t.Errorf("survey versions: %d v1, %d v2; both should carry a good share", v1, v2)
	}
	for _, a := range cv.Agencies {
		if f, ok := firstV2[a.Code]; ok && lastV1[a.Code] > f {
			t.Errorf("agency %s answered v1 after its first v2 response", a.Code)
		}
	}
	// Correlation: a good waiting answer is far likelier among delighted citizens than among unhappy ones.
	if lowN == 0 || highN == 0 || float64(waitGoodLow)/float64(lowN) > 0.5*float64(waitGoodHigh)/float64(highN) {
		t.Errorf("waiting does not follow overall: good waits in %d of %d low ratings, in %d of %d ratings of 5",
			waitGoodLow, lowN, waitGoodHigh, highN)
	}
}
