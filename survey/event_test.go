package survey_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestEmitEventAndReadInOrder(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		for i := range 3 {
			if _, err := s.EmitEvent(ctx, survey.EventCaseOpened, "migration", at, map[string]int{"n": i}); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := s.EventsAfter(ctx, 0, 2)
		if err != nil || len(evs) != 2 {
			t.Fatalf("EventsAfter(0, 2) = %d events, %v", len(evs), err)
		}
		rest, err := s.EventsAfter(ctx, evs[1].Seq, 10)
		if err != nil || len(rest) != 1 || rest[0].Data != `{"n":2}` {
			t.Fatalf("after the second: %+v, %v", rest, err)
		}
		b, err := rest[0].Body()
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil || body["type"] != survey.EventCaseOpened || body["created_at"] != "2026-12-05T09:00:00Z" {
			t.Fatalf("body %s: %v", b, err)
		}
	})
}
