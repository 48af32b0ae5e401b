package survey_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// caseCounts returns the stored cases, case.opened events and trail steps.
func caseCounts(t testing.TB, s *survey.Store) (cases, opened int64) {
	t.Helper()
	n, err := s.DB().NewSelect().Table("events").Where("type = ?", survey.EventCaseOpened).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return countRows(t, s, "cases"), int64(n)
}

func wantCases(t testing.TB, s *survey.Store, want int64) {
	t.Helper()
	cases, events := caseCounts(t, s)
	if cases != want || events != want {
		t.Fatalf("cases %d, case.opened events %d; want %d of each", cases, events, want)
	}
}

func TestCaseOpensWithItsResponse(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now, Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		low := `{"id":"%s","agency":"migration","center":"baku-1","service":"temp-residence","answers":{"overall":%d},"comment":"Növbə çox uzun idi"}`
		id := uuid.NewString()
		if _, created, err := submit(t, s, fmt.Sprintf(low, id, 2), api); err != nil || !created {
			t.Fatalf("submit: %v %v", created, err)
		}
		wantCases(t, s, 1)
		// The replay of the same id, however often, opens nothing more.
		for range 3 {
			if _, created, err := submit(t, s, fmt.Sprintf(low, id, 2), api); err != nil || created {
				t.Fatalf("replay: %v %v", created, err)
			}
		}
		wantCases(t, s, 1)
		c := storedRow(t, s, "cases", "response_id = ?", id)
		if c["status"] != "open" || c["agency_code"] != "migration" || c["center_code"] != "baku-1" ||
			c["service_code"] != "temp-residence" || c["comment"] != "Növbə çox uzun idi" {
			t.Fatalf("case %v", c)
		}
		opened, due := toInt64(c["opened_us"]), toInt64(c["due_us"])
		if opened != clock.Now().UnixMicro() || due-opened != (72*time.Hour).Microseconds() {
			t.Fatalf("opened %d due %d: want now and 72 h later", opened, due)
		}
		ev := storedRow(t, s, "events", "type = ?", survey.EventCaseOpened)
		var data survey.CaseJSON
		if err := json.Unmarshal([]byte(ev["data"].(string)), &data); err != nil || data.ResponseID != id || data.Status != "open" || data.Score != 25 || ev["agency"] != "migration" {
			t.Fatalf("event %v: %+v %v", ev, data, err)
		}

		// Middle and top answers open none; the bottom point and a "no" on a yes/no primary would.
		clock.Advance(time.Minute)
		for _, v := range []int{3, 4, 5} {
			if _, _, err := submit(t, s, fmt.Sprintf(low, uuid.NewString(), v), api); err != nil {
				t.Fatal(err)
			}
		}
		wantCases(t, s, 1)
		if _, _, err := submit(t, s, fmt.Sprintf(low, uuid.NewString(), 1), api); err != nil {
			t.Fatal(err)
		}
		wantCases(t, s, 2)

		// The agency's SLA sets due_at; a kiosk burst (excluded) opens no case.
		if err := s.SetAgencySLA(ctx, "justice", 24); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAgencySLA(ctx, "justice", -1); survey.ErrorCode(err) != survey.CodeInvalidField {
			t.Fatalf("negative SLA: %v", err)
		}
		if err := s.SetAgencySLA(ctx, "nope", 24); survey.ErrorCode(err) != survey.CodeUnknownAgency {
			t.Fatalf("unknown agency: %v", err)
		}
		k, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "justice")
		if err != nil {
			t.Fatal(err)
		}
		first, second := uuid.NewString(), uuid.NewString()
		kbody := `{"id":"%s","answers":{"overall":1},"submitted_at":"%s"}`
		at := clock.Now().Add(-time.Hour)
		if _, _, err := submit(t, s, fmt.Sprintf(kbody, first, at.Format(time.RFC3339)), survey.Credential{Kiosk: k}); err != nil {
			t.Fatal(err)
		}
		res, _, err := submit(t, s, fmt.Sprintf(kbody, second, at.Add(time.Second).Format(time.RFC3339)), survey.Credential{Kiosk: k})
		if err != nil || res.Status != survey.StatusExcluded {
			t.Fatalf("burst: %+v %v", res, err)
		}
		wantCases(t, s, 3)
		jc := storedRow(t, s, "cases", "response_id = ?", first)
		if d := toInt64(jc["due_us"]) - toInt64(jc["opened_us"]); d != (24 * time.Hour).Microseconds() {
			t.Fatalf("justice SLA: due after %v", time.Duration(d)*time.Microsecond)
		}
		// The SLA is part of the catalog: exported, and applied back.
		cat, err := s.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range cat.Agencies {
			if want := map[string]int{"justice": 24}[a.Code]; a.SLAHours != want {
				t.Fatalf("catalog sla_hours of %s = %d, want %d", a.Code, a.SLAHours, want)
			}
		}
	})
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	}
	panic(fmt.Sprintf("not an integer: %T %v", v, v))
}

// TestCaseExactlyOnceUnderRetries: the same idempotency key from several goroutines at once, and an offline
// kiosk draining its queue twice (the first drain's answers lost), open one case per low response.
func TestCaseExactlyOnceUnderRetries(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now, Burst: 3 * time.Second}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		id := uuid.NewString()
		body := fmt.Sprintf(`{"id":"%s","agency":"property","answers":{"overall":2},"comment":"x"}`, id)
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, c, err := submit(t, s, body, api)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				if c {
					created++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if created != 1 {
			t.Fatalf("%d submissions answered as created, want 1", created)
		}
		wantCases(t, s, 1)

		// An offline kiosk's queue: 40 responses taken 10 s apart an hour ago, every 4th low, sent at once
		// from several goroutines, then sent again.
		k, _, err := s.AddKiosk(ctx, "ganja", "Exit", "migration")
		if err != nil {
			t.Fatal(err)
		}
		start := clock.Now().Add(-time.Hour)
		queue := make([]string, 40)
		for i := range queue {
			v := 4
			if i%4 == 0 {
				v = 1
			}
			queue[i] = fmt.Sprintf(`{"id":"%s","answers":{"overall":%d},"submitted_at":"%s"}`, uuid.NewString(), v,
				start.Add(time.Duration(i)*10*time.Second).Format(time.RFC3339))
		}
		for range 2 {
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < len(queue); i += 4 {
						if _, _, err := submit(t, s, queue[i], survey.Credential{Kiosk: k}); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			wantCases(t, s, 1+10)
		}
	})
}

func TestCaseImport(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()}
		csv := "id,submitted_at,agency,status,reason,comment,q.overall,q.resolved\n" +
			ids[0] + ",2025-03-01T10:00:00+04:00,migration,counted,,Pis,1,\n" +
			ids[1] + ",2025-03-01T11:00:00+04:00,justice,,,,2,true\n" +
			ids[2] + ",2025-03-01T12:00:00+04:00,justice,excluded,test,,1,\n" +
			ids[3] + ",2025-03-01T13:00:00+04:00,property,counted,,,5,false\n"
		res, err := s.Import(ctx, strings.NewReader(csv), survey.ImportOptions{})
		if err != nil || res.Inserted != 4 || res.Cases != 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		wantCases(t, s, 0)
		// --cases over the same file: the rows are stored already, the same responses, and open their cases.
		res, err = s.Import(ctx, strings.NewReader(csv), survey.ImportOptions{Cases: true})
		if err != nil || res.Inserted != 0 || res.Cases != 2 {
			t.Fatalf("import --cases: %+v %v", res, err)
		}
		wantCases(t, s, 2)
		res, err = s.Import(ctx, strings.NewReader(csv), survey.ImportOptions{Cases: true})
		if err != nil || res.Cases != 0 {
			t.Fatalf("import --cases again: %+v %v", res, err)
		}
		wantCases(t, s, 2)
		// A new file with --cases opens its own; a bad file stores neither rows nor cases.
		more := "id,submitted_at,agency,q.overall\n" + uuid.NewString() + ",2025-03-02T10:00:00+04:00,property,1\n"
		if res, err = s.Import(ctx, strings.NewReader(more), survey.ImportOptions{Cases: true}); err != nil || res.Cases != 1 {
			t.Fatalf("import new --cases: %+v %v", res, err)
		}
		wantCases(t, s, 3)
		bad := more + uuid.NewString() + ",2025-03-02T10:00:00+04:00,property,9\n" + uuid.NewString() + ",2025-03-02T10:00:00+04:00,property,1\n"
		var ie *survey.ImportError
		if _, err = s.Import(ctx, strings.NewReader(bad), survey.ImportOptions{Cases: true}); !errors.As(err, &ie) {
			t.Fatalf("bad import: %v", err)
		}
		wantCases(t, s, 3)
		// A row whose id is stored with other content opens nothing (the stored response is not this one).
		other := "id,submitted_at,agency,q.overall\n" + ids[3] + ",2025-03-01T13:00:00+04:00,property,1\n"
		if res, err = s.Import(ctx, strings.NewReader(other), survey.ImportOptions{Cases: true}); err != nil || res.Cases != 0 {
			t.Fatalf("conflicting id: %+v %v", res, err)
		}
		wantCases(t, s, 3)
	})
}

func TestCaseTransitionsAndOverdue(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		ctx := survey.WithActor(context.Background(), survey.Actor{UserID: 7, Name: "manager@example.az"})
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		var caseIDs []string
		for range 2 {
			id := uuid.NewString()
			if _, _, err := submit(t, s, fmt.Sprintf(`{"id":"%s","agency":"migration","answers":{"overall":1}}`, id), api); err != nil {
				t.Fatal(err)
			}
			caseIDs = append(caseIDs, storedRow(t, s, "cases", "response_id = ?", id)["id"].(string))
		}
		cid := caseIDs[0]
		act := func(action, resolution, note string) (*survey.Case, error) {
			clock.Advance(time.Hour)
			return s.ActOnCase(ctx, cid, survey.CaseAction{Action: action, Resolution: resolution, Note: note}, nil)
		}
		steps := []struct {
			action, resolution, note string
			status                   string // "" = refused
			code                     string
		}{
			{"reopen", "", "", "", survey.CodeInvalidField},
			{"resolve", "", "", "", survey.CodeInvalidField},
			{"resolve", "bribed", "", "", survey.CodeInvalidField},
			{"acknowledge", "fixed", "", "", survey.CodeInvalidField},
			{"comment", "", "  ", "", survey.CodeInvalidField},
			{"dance", "", "", "", survey.CodeInvalidField},
			{"acknowledge", "", "Baxırıq", "acknowledged", ""},
			{"acknowledge", "", "", "", survey.CodeInvalidField},
			{"comment", "", "Vətəndaşla danışdıq", "acknowledged", ""},
			{"resolve", "explained", "Qaydanı izah etdik", "resolved", ""},
			{"resolve", "fixed", "", "", survey.CodeInvalidField},
			{"acknowledge", "", "", "", survey.CodeInvalidField},
			{"reopen", "", "Yenə şikayət", "open", ""},
			{"resolve", "fixed", "", "resolved", ""},
		}
		for _, st := range steps {
			c, err := act(st.action, st.resolution, st.note)
			if st.status == "" {
				if survey.ErrorCode(err) != st.code {
					t.Fatalf("%s %q: want %s, got %v", st.action, st.resolution, st.code, err)
				}
				continue
			}
			if err != nil || c.Status != st.status {
				t.Fatalf("%s: %v %v", st.action, c, err)
			}
		}
		var te *survey.TransitionError
		if _, err := act("acknowledge", "", ""); !errors.As(err, &te) || te.Status != "resolved" {
			t.Fatalf("transition error: %v", err)
		}
		c, trail, err := s.CaseByID(ctx, cid)
		if err != nil || c.Resolution != "fixed" || c.ResolvedUS != clock.Now().Add(-time.Hour).UnixMicro() {
			t.Fatalf("case %+v %v", c, err)
		}
		var actions []string
		for _, e := range trail {
			actions = append(actions, e.Action)
			if e.Action != "open" && (e.Actor != "manager@example.az" || e.ActorID != 7) {
				t.Fatalf("step %+v: actor", e)
			}
		}
		if got := strings.Join(actions, ","); got != "open,acknowledge,comment,resolve,reopen,resolve" {
			t.Fatalf("trail %s", got)
		}
		if n, _ := s.DB().NewSelect().Table("events").Where("type = ?", survey.EventCaseResolved).Count(ctx); n != 2 {
			t.Fatalf("%d case.resolved events, want 2", n)
		}
		if _, err := s.ActOnCase(ctx, "case_nope", survey.CaseAction{Action: "comment", Note: "x"}, nil); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("unknown case: %v", err)
		}
		// A manager of another agency may not act on it.
		other := func(agency string) bool { return agency == "justice" }
		if _, err := s.ActOnCase(ctx, caseIDs[1], survey.CaseAction{Action: "acknowledge"}, other); survey.ErrorCode(err) != survey.CodeForbidden {
			t.Fatalf("other agency: %v", err)
		}

		// Overdue: the second case (unresolved) once its due time passes, once, whoever asks how often.
		if n, err := s.EmitOverdue(ctx, clock.Now()); err != nil || n != 0 {
			t.Fatalf("early overdue: %d %v", n, err)
		}
		clock.Advance(72 * time.Hour)
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.EmitOverdue(ctx, clock.Now())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if n, _ := s.DB().NewSelect().Table("events").Where("type = ?", survey.EventCaseOverdue).Count(ctx); total != 1 || n != 1 {
			t.Fatalf("overdue emitted %d (events %d), want 1", total, n)
		}
		ev := storedRow(t, s, "events", "type = ?", survey.EventCaseOverdue)
		if !strings.Contains(ev["data"].(string), caseIDs[1]) {
			t.Fatalf("overdue event %v", ev)
		}

		// Figures: 2 opened; the first resolved within its SLA, the second past due.
		figs, err := s.CaseFigures(ctx, storeStart.Add(-time.Hour), clock.Now(), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		m := figs["migration"]
		if m.Opened != 2 || m.Decided != 2 || m.ResolvedInSLA != 1 || *m.ResolvedInSLAPercent() != 50 {
			t.Fatalf("figures %+v", m)
		}
		list, err := s.ListCases(ctx, survey.CaseFilter{Agency: "migration"})
		if err != nil || len(list) != 2 || list[0].ID != caseIDs[1] {
			t.Fatalf("list (overdue first): %+v %v", list, err)
		}
		if list, _ := s.ListCases(ctx, survey.CaseFilter{Agencies: []string{"justice"}}); len(list) != 0 {
			t.Fatalf("another agency's list: %d", len(list))
		}
		if list, _ := s.ListCases(ctx, survey.CaseFilter{Status: "resolved"}); len(list) != 1 || list[0].ID != cid {
			t.Fatalf("resolved list: %+v", list)
		}
	})
}

// TestEveryScaleBottomTwoOpensACase (CONTRACT §11): the bottom two points of the primary question's own scale
// open a case, whatever the scale (0–10: 0 and 1; 1–7: 1 and 2; 1–5: 1 and 2), and a "no" on a yes/no primary
// does; the third point up, a "yes", and a low answer to a question that is not the primary open none.
func TestEveryScaleBottomTwoOpensACase(t *testing.T) {
	q := func(key, typ string, min, max int) string {
		rng := ""
		if typ == "scale" {
			rng = fmt.Sprintf(`"min": %d, "max": %d, `, min, max)
		}
		return fmt.Sprintf(`{"key": %q, "type": %q, %s"weight": 1, "text": {"az": "S", "en": "Q", "ru": "В"}}`, key, typ, rng)
	}
	extra := []survey.Survey{}
	for _, s := range []string{
		`{"code": "nps", "version": 1, "primary": "likely", "questions": [` + q("likely", "scale", 0, 10) + `, ` + q("waiting", "scale", 1, 5) + `]}`,
		`{"code": "seven", "version": 1, "primary": "overall", "questions": [` + q("overall", "scale", 1, 7) + `]}`,
		`{"code": "yn", "version": 1, "primary": "resolved", "questions": [` + q("resolved", "yes_no", 0, 0) + `, ` + q("overall", "scale", 1, 5) + `]}`,
	} {
		var sv survey.Survey
		if err := json.Unmarshal([]byte(s), &sv); err != nil {
			t.Fatal(err)
		}
		extra = append(extra, sv)
	}
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		c := storetest.Catalog(t)
		c.Surveys = append(c.Surveys, extra...)
		if _, err := s.ApplyCatalog(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		api := apiCred(t, s)
		for _, c := range []struct {
			survey, answers string
			opens           bool
		}{
			{"nps", `{"likely": 0}`, true},
			{"nps", `{"likely": 1}`, true},
			{"nps", `{"likely": 2}`, false},
			{"nps", `{"likely": 10, "waiting": 1}`, false}, // low, but not the primary
			{"seven", `{"overall": 1}`, true},
			{"seven", `{"overall": 2}`, true},
			{"seven", `{"overall": 3}`, false},
			{"visit", `{"overall": 2}`, true},
			{"visit", `{"overall": 3, "resolved": false}`, false},
			{"yn", `{"resolved": false, "overall": 5}`, true},
			{"yn", `{"resolved": true, "overall": 1}`, false},
		} {
			before, _ := caseCounts(t, s)
			id := uuid.NewString()
			body := fmt.Sprintf(`{"id": %q, "agency": "migration", "center": "baku-1", "survey": %q, "answers": %s}`, id, c.survey, c.answers)
			if res, _, err := submit(t, s, body, api); err != nil || res.Status != survey.StatusCounted {
				t.Fatalf("%s %s: %+v %v", c.survey, c.answers, res, err)
			}
			after, _ := caseCounts(t, s)
			if opened := after == before+1; opened != c.opens || after > before+1 {
				t.Fatalf("%s %s: cases %d → %d, want a case: %v", c.survey, c.answers, before, after, c.opens)
			}
		}
		wantCases(t, s, 6)
	})
}
