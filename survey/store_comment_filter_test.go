package survey_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// FindComments filters by centre, channel, language and score band, sorts four ways and pages, on both
// dialects; a bad sort or band is a field error.
func TestFindComments(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	storetest.Each(t, survey.Options{Now: clock.Now, Location: storetest.Baku}, func(t *testing.T, s *survey.Store) {
		clock.Set(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
		ctx := context.Background()
		loadTestCatalog(t, s)
		baku, _, _ := s.AddKiosk(ctx, "baku-1", "Exit", "")
		ganja, _, _ := s.AddKiosk(ctx, "ganja", "Exit", "")
		// overall 1..5 → score 0, 25, 50, 75, 100; kiosk alternates; language az/ru.
		for i := 0; i < 10; i++ {
			clock.Advance(time.Minute)
			lang := []string{"az", "ru"}[i%2]
			body := fmt.Sprintf(`{"agency":"migration","service":"temp-residence","answers":{"overall":%d},"comment":"c%d","lang":%q}`, 1+i%5, i, lang)
			sub, err := survey.DecodeSubmission([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			k := baku
			if i >= 6 {
				k = ganja
			}
			if _, _, err := s.Submit(ctx, sub, survey.Credential{Kiosk: k}); err != nil {
				t.Fatal(err)
			}
		}
		from := time.Date(2025, 7, 1, 0, 0, 0, 0, storetest.Baku)
		to := time.Date(2025, 10, 1, 0, 0, 0, 0, storetest.Baku)
		q := func(mod func(*survey.CommentQuery)) ([]string, int) {
			t.Helper()
			cq := survey.CommentQuery{Agency: "migration", From: from, To: to, Limit: 20}
			mod(&cq)
			cs, n, err := s.FindComments(ctx, cq)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Text)
			}
			return out, n
		}
		check := func(name string, got []string, n int, want ...string) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) || n != len(want) {
				t.Errorf("%s: got %v (%d), want %v", name, got, n, want)
			}
		}
		got, n := q(func(c *survey.CommentQuery) { c.Center = "ganja" })
		check("ganja", got, n, "c9", "c8", "c7", "c6")
		got, n = q(func(c *survey.CommentQuery) { c.Band = survey.BandHigh }) // overall 5 (100): i%5 = 4
		check("high", got, n, "c9", "c4")
		got, n = q(func(c *survey.CommentQuery) { c.Band = survey.BandMid }) // overall 3, 4 (50, 75)
		check("mid", got, n, "c8", "c7", "c3", "c2")
		got, n = q(func(c *survey.CommentQuery) { c.Band = survey.BandLow; c.Lang = "ru" }) // overall 1, 2 and ru (odd i)
		check("low ru", got, n, "c5", "c1")
		got, n = q(func(c *survey.CommentQuery) { c.Sort = survey.CommentsOldest; c.Limit = 3 })
		check("oldest", got, 3, "c0", "c1", "c2")
		if n != 10 {
			t.Errorf("oldest total %d", n)
		}
		got, _ = q(func(c *survey.CommentQuery) { c.Sort = survey.CommentsLowest; c.Limit = 2 })
		check("lowest", got, 2, "c5", "c0")
		got, _ = q(func(c *survey.CommentQuery) { c.Sort = survey.CommentsHighest; c.Limit = 2; c.Offset = 1 })
		check("highest page 2", got, 2, "c4", "c8")
		got, n = q(func(c *survey.CommentQuery) { c.Channel = "link" })
		check("link", got, n)
		got, n = q(func(c *survey.CommentQuery) { c.Search = "C9"; c.Center = "ganja" })
		check("search+centre", got, n, "c9")
		got, n = q(func(c *survey.CommentQuery) { c.Search = "C9"; c.Center = "baku-1" })
		check("search other centre", got, n)
		for _, bad := range []survey.CommentQuery{{Sort: "random"}, {Band: "x' OR 1=1"}} {
			bad.Agency, bad.From, bad.To = "migration", from, to
			if _, _, err := s.FindComments(ctx, bad); survey.ErrorCode(err) != survey.CodeInvalidField {
				t.Errorf("%+v: %v", bad, err)
			}
		}
	})
}
