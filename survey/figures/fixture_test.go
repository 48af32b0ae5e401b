package figures_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// fixtureCatalog has three peer groups (one with a single agency, which is always 1st when ranked), two
// surveys, one of them in two versions, weight-0 and text questions, a 0..10 scale and a yes/no primary.
const fixtureCatalog = `{
 "groups": [
  {"code": "g-a", "name": {"az": "Qrup A", "en": "Group A", "ru": "Группа А"}},
  {"code": "g-b", "name": {"az": "Qrup B", "en": "Group B"}},
  {"code": "g-c", "name": {"az": "Qrup C"}}
 ],
 "agencies": [
  {"code": "a1", "group": "g-a", "survey": "visit", "name": {"az": "Agentlik A1", "en": "Agency A1", "ru": "Агентство A1"}},
  {"code": "a2", "group": "g-a", "survey": "visit", "name": {"az": "Agentlik A2", "en": "Agency A2"}},
  {"code": "a3", "group": "g-a", "survey": "visit", "name": {"az": "Agentlik A3"}},
  {"code": "a4", "group": "g-a", "survey": "visit", "name": {"az": "Agentlik A4"}},
  {"code": "a5", "group": "g-a", "survey": "visit", "name": {"az": "Agentlik A5"}},
  {"code": "b1", "group": "g-b", "survey": "form", "name": {"az": "Agentlik B1", "en": "Agency B1"}},
  {"code": "b2", "group": "g-b", "survey": "form", "name": {"az": "Agentlik B2"}},
  {"code": "b3", "group": "g-b", "survey": "visit", "name": {"az": "Agentlik B3"}},
  {"code": "c1", "group": "g-c", "survey": "visit", "name": {"az": "Agentlik C1", "ru": "Агентство C1"}},
  {"code": "z9", "group": "g-c", "survey": "visit", "name": {"az": "Heç vaxt qiymətləndirilməyən"}}
 ],
 "services": [
  {"code": "a1-s1", "agency": "a1", "name": {"az": "Xidmət A1-1", "en": "Service A1-1"}},
  {"code": "a1-s2", "agency": "a1", "name": {"az": "Xidmət A1-2"}},
  {"code": "b1-s1", "agency": "b1", "name": {"az": "Xidmət B1-1", "ru": "Услуга B1-1"}},
  {"code": "b1-s2", "agency": "b1", "name": {"az": "Xidmət B1-2"}},
  {"code": "c1-s1", "agency": "c1", "name": {"az": "Xidmət C1-1"}}
 ],
 "centers": [
  {"code": "baku-1", "agencies": ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "c1"], "name": {"az": "Bakı 1", "en": "Baku 1"}},
  {"code": "ganja", "agencies": ["a1", "b1", "c1"], "name": {"az": "Gəncə", "en": "Ganja", "ru": "Гянджа"}}
 ],
 "surveys": [
  {"code": "visit", "version": 1, "primary": "overall", "questions": [
   {"key": "overall", "type": "scale", "min": 1, "max": 5, "weight": 1, "required": true, "text": {"az": "Ümumi", "en": "Overall"}},
   {"key": "waiting", "type": "scale", "min": 1, "max": 5, "weight": 1, "text": {"az": "Gözləmə", "en": "Waiting"}},
   {"key": "resolved", "type": "yes_no", "weight": 1, "text": {"az": "Həll olundu?", "en": "Resolved?"}},
   {"key": "courtesy", "type": "scale", "min": 1, "max": 5, "weight": 0, "text": {"az": "Nəzakət", "en": "Courtesy"}},
   {"key": "comment", "type": "text", "text": {"az": "Şərh"}}]},
  {"code": "visit", "version": 2, "primary": "overall", "questions": [
   {"key": "overall", "type": "scale", "min": 1, "max": 5, "weight": 2, "required": true, "text": {"az": "Ümumi razılıq", "en": "Overall satisfaction"}},
   {"key": "waiting", "type": "scale", "min": 1, "max": 5, "weight": 1, "text": {"az": "Gözləmə", "en": "Waiting"}},
   {"key": "clean", "type": "scale", "min": 0, "max": 10, "weight": 0.5, "text": {"az": "Təmizlik", "en": "Cleanliness"}},
   {"key": "courtesy", "type": "scale", "min": 1, "max": 5, "weight": 0, "text": {"az": "Nəzakət", "en": "Courtesy"}}]},
  {"code": "form", "version": 1, "primary": "ok", "questions": [
   {"key": "ok", "type": "yes_no", "weight": 2, "required": true, "text": {"az": "Razısınız?", "en": "Satisfied?"}},
   {"key": "speed", "type": "scale", "min": 0, "max": 10, "weight": 1, "text": {"az": "Sürət", "en": "Speed"}},
   {"key": "extra", "type": "scale", "min": 1, "max": 7, "weight": 0, "text": {"az": "Əlavə"}},
   {"key": "note", "type": "text", "text": {"az": "Qeyd"}}]}
 ]
}`

// Boundary instants: 2025-07-01 00:00 in Baku and one second before.
var (
	bakuMidnight = time.Date(2025, 6, 30, 20, 0, 0, 0, time.UTC)
	justBefore   = bakuMidnight.Add(-time.Second)
)

// fixture loads the catalog and ~8,000 responses from 2022 to 2025 with everything the reference test
// needs: a permanent tie (a3 answers exactly like a2), min_n boundaries in 2025-Q3 (a4 has 20/20/20, a5
// 20/20/19 responses in Jul/Aug/Sep and none else), a one-agency group with a monthly streak longer than
// the 40-period cap, a strong a1 (streaks in g-a), both survey versions, responses without service or
// centre, responses exactly at and just before Baku midnight of 2025-07-01, and exclusions.
func fixture(t testing.TB, s *survey.Store) {
	t.Helper()
	ctx := context.Background()
	c, err := survey.DecodeCatalog(strings.NewReader(fixtureCatalog))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyCatalog(ctx, *c); err != nil {
		t.Fatal(err)
	}
	cv, err := s.CatalogView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	baku := storetest.Baku
	var rows []*survey.Response
	seq := 0
	add := func(agency string, at time.Time, quality float64) {
		t.Helper()
		seq++
		a, _ := cv.Agency(agency)
		sub := &survey.Submission{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", seq), Agency: agency,
			SubmittedAt: at.Format(time.RFC3339Nano), Answers: map[string]json.RawMessage{}}
		scale := func(lo, hi int) json.RawMessage {
			v := lo + int(quality*float64(hi-lo+1)+rng.Float64()*2.5-1.25)
			return json.RawMessage(fmt.Sprint(min(hi, max(lo, v))))
		}
		yes := func() json.RawMessage { return json.RawMessage(fmt.Sprint(rng.Float64() < quality)) }
		if a.Survey == "form" {
			sub.Answers["ok"] = yes()
			if rng.IntN(4) > 0 {
				sub.Answers["speed"] = scale(0, 10)
			}
			if rng.IntN(2) == 0 {
				sub.Answers["extra"] = scale(1, 7)
			}
			if rng.IntN(5) == 0 {
				sub.Answers["note"] = json.RawMessage(`"Qeyd"`)
			}
		} else {
			sub.SurveyVersion = 1 + rng.IntN(2)
			sub.Answers["overall"] = scale(1, 5)
			if rng.IntN(3) > 0 {
				sub.Answers["waiting"] = scale(1, 5)
			}
			if rng.IntN(2) == 0 {
				sub.Answers["courtesy"] = scale(1, 5)
			}
			if sub.SurveyVersion == 1 {
				if rng.IntN(2) == 0 {
					sub.Answers["resolved"] = yes()
				}
				if rng.IntN(6) == 0 {
					sub.Answers["comment"] = json.RawMessage(`"Şərh"`)
				}
			} else if rng.IntN(2) == 0 {
				sub.Answers["clean"] = scale(0, 10)
			}
		}
		if svcs := cv.ServicesOf(agency); len(svcs) > 0 && rng.IntN(5) > 0 {
			sub.Service = svcs[rng.IntN(len(svcs))].Code
		}
		switch k := rng.IntN(5); {
		case k == 0:
		case k == 1 && cv.Hosts("ganja", agency):
			sub.Center = "ganja"
		default:
			sub.Center = "baku-1"
		}
		ch := []string{survey.ChannelKiosk, survey.ChannelLink, survey.ChannelAPI}[rng.IntN(3)]
		r, err := cv.Prepare(sub, survey.Target{Channel: ch, Historic: true}, at)
		if err != nil {
			t.Fatalf("prepare %s: %v", agency, err)
		}
		rows = append(rows, r)
		if agency == "a2" { // a3 answers exactly like a2: a tie in every period
			twin := *r
			seq++
			twin.ID = fmt.Sprintf("00000000-0000-4000-8000-%012d", seq)
			twin.Agency = "a3"
			rows = append(rows, &twin)
		}
	}
	inMonth := func(y int, m time.Month) time.Time {
		start := time.Date(y, m, 1, 0, 0, 0, 0, baku)
		end := start.AddDate(0, 1, 0)
		return start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
	}
	quality := map[string]float64{"a1": 0.85, "a2": 0.6, "b1": 0.7, "b2": 0.65, "b3": 0.55, "c1": 0.75}
	for y := 2022; y <= 2025; y++ {
		for m := time.January; m <= time.December; m++ {
			for _, ag := range []string{"a1", "a2", "b1", "b2", "b3", "c1"} {
				if y == 2022 && ag != "c1" {
					continue
				}
				n := 8 + rng.IntN(18)
				if ag == "c1" {
					n = 22 + rng.IntN(6) // always ≥ 20: ranked every month, a streak past the cap
				}
				q := quality[ag] + rng.Float64()*0.25 - 0.125
				for range n {
					add(ag, inMonth(y, m), q)
				}
			}
		}
	}
	// min_n boundaries in 2025-Q3.
	for i, n := range []int{20, 20, 20} {
		for range n {
			add("a4", inMonth(2025, time.July+time.Month(i)), 0.7)
		}
	}
	for i, n := range []int{20, 20, 19} {
		for range n {
			add("a5", inMonth(2025, time.July+time.Month(i)), 0.72)
		}
	}
	for range 3 {
		add("b1", bakuMidnight, 0.95)
		add("b2", justBefore, 0.2)
	}
	if n, err := s.BulkInsert(ctx, rows); err != nil || n != int64(len(rows)) {
		t.Fatalf("bulk insert %d of %d: %v", n, len(rows), err)
	}
	// Exclusions (and one re-inclusion) after part of the data was rolled up.
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE responses SET status = 'excluded', reason = 'test' WHERE seq % 23 = 5 AND agency_code NOT IN ('a2', 'a3', 'a4', 'a5')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE responses SET status = 'excluded', reason = 'duplicate' WHERE seq % 31 = 7 AND agency_code NOT IN ('a2', 'a3', 'a4', 'a5')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE responses SET status = 'counted', reason = NULL WHERE seq % 23 = 5 AND seq % 2 = 0`); err != nil {
		t.Fatal(err)
	}
}
