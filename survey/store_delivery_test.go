package survey_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) // a Monday, 14:00 in Baku

func TestWebhookRegistrySealsSecretAndAudits(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		w, secret, err := s.AddWebhook(ctx, " https://hooks.example.az/q ", []string{"kiosk.silent", "case.opened", "case.opened"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 || w.URL != "https://hooks.example.az/q" || w.Events != "case.opened,kiosk.silent" {
			t.Fatalf("webhook %+v secret %q", w, secret)
		}
		if strings.Contains(w.Secret, secret) || !strings.HasPrefix(w.Secret, "v1:") {
			t.Fatalf("the stored secret is not sealed: %q", w.Secret)
		}
		got, err := s.WebhookByID(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if plain, err := s.WebhookSecret(ctx, got); err != nil || plain != secret {
			t.Fatalf("unsealed %q, %v; want the secret shown once", plain, err)
		}
		for _, bad := range []struct{ url, events string }{
			{"ftp://x.az/", "case.opened"}, {"/relative", "case.opened"}, {"https://user:pw@x.az/", "case.opened"},
			{"https://x.az/#frag", "case.opened"}, {"https://x.az/" + strings.Repeat("a", 2001), "case.opened"},
			{"https://x.az/a b", "case.opened"}, {"https://x.az/", "case.deleted"}, {"https://x.az/", ""}, {"https://x.az/", " , "},
		} {
			if _, _, err := s.AddWebhook(ctx, bad.url, strings.Split(bad.events, ",")); survey.ErrorCode(err) != survey.CodeInvalidField {
				t.Errorf("AddWebhook(%q, %q) = %v, want invalid_field", bad.url, bad.events, err)
			}
		}
		if err := s.SetWebhookEnabled(ctx, w.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveWebhook(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveWebhook(ctx, w.ID); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("second remove: %v", err)
		}
		if ws, err := s.ListWebhooks(ctx); err != nil || len(ws) != 0 {
			t.Fatalf("after remove: %v %v", ws, err)
		}
		entries, _, err := s.ListAudit(ctx, survey.AuditFilter{Action: "webhook"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			if strings.Contains(e.Details, secret) {
				t.Fatal("the audit log holds the secret")
			}
		}
		if strings.Join(actions, " ") != "webhook.remove webhook.disable webhook.add" {
			t.Fatalf("audit: %v", actions)
		}
	})
}

func TestFanOutClaimLeaseAndRetry(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(t0)
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		opened, _, _ := s.AddWebhook(ctx, "https://a.example/", []string{survey.EventCaseOpened})
		all, _, _ := s.AddWebhook(ctx, "https://b.example/", survey.EventTypes)
		off, _, _ := s.AddWebhook(ctx, "https://c.example/", survey.EventTypes)
		if err := s.SetWebhookEnabled(ctx, off.ID, false); err != nil {
			t.Fatal(err)
		}
		mgr, err := s.AddUser(ctx, "mudir@migration.gov.az", "a long enough password 1", survey.RoleManager, "migration")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddUser(ctx, "other@justice.gov.az", "a long enough password 1", survey.RoleManager, "justice"); err != nil {
			t.Fatal(err)
		}
		e1, _ := s.EmitEvent(ctx, survey.EventCaseOpened, "migration", t0, map[string]any{"id": 1})
		e2, _ := s.EmitEvent(ctx, survey.EventKioskSilent, "", t0, map[string]any{"kiosk": 3})

		n, err := s.FanOut(ctx, true, 100)
		if err != nil || n != 2 {
			t.Fatalf("FanOut = %d, %v", n, err)
		}
		if n, err := s.FanOut(ctx, true, 100); err != nil || n != 0 {
			t.Fatalf("second FanOut = %d, %v: the watermark did not move", n, err)
		}
		log, _, err := s.ListDeliveries(ctx, survey.DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for _, d := range log {
			targets = append(targets, d.EventID+"→"+d.Target)
		}
		want := map[string]bool{e1.ID + "webhook:" + itoa(opened.ID): true, e1.ID + "webhook:" + itoa(all.ID): true,
			e1.ID + "mail:" + itoa(mgr.ID): true, e2.ID + "webhook:" + itoa(all.ID): true}
		if len(log) != len(want) {
			t.Fatalf("deliveries %v, want %d", targets, len(want))
		}
		for _, d := range log {
			if !want[d.EventID+d.Target] {
				t.Fatalf("unexpected delivery %s→%s (all: %v)", d.EventID, d.Target, targets)
			}
			if d.Target[:5] == "mail:" && (d.Recipient != "mudir@migration.gov.az" || d.EventType != survey.EventCaseOpened) {
				t.Fatalf("mail delivery %+v", d)
			}
		}

		claims, err := s.ClaimDeliveries(ctx, 10, 30*time.Second)
		if err != nil || len(claims) != 4 {
			t.Fatalf("claimed %d, %v", len(claims), err)
		}
		for _, c := range claims {
			if c.Attempts != 1 || c.Event.ID != c.EventID || (c.WebhookID != 0 && (c.Webhook == nil || !strings.HasPrefix(c.Secret, "whsec_"))) {
				t.Fatalf("claim %+v", c)
			}
		}
		if again, _ := s.ClaimDeliveries(ctx, 10, 30*time.Second); len(again) != 0 {
			t.Fatalf("leased deliveries claimed again: %d", len(again))
		}
		// One succeeds, one fails and is due in a minute, one's worker dies (its lease runs out), one gives up.
		must(t, s.FinishDelivery(ctx, &claims[0], survey.Outcome{OK: true, Status: 204}))
		must(t, s.FinishDelivery(ctx, &claims[1], survey.Outcome{Status: 503, Error: "503 Service Unavailable", Next: t0.Add(time.Minute)}))
		must(t, s.FinishDelivery(ctx, &claims[3], survey.Outcome{Error: "refused"}))
		clock.Advance(31 * time.Second)
		got, _ := s.ClaimDeliveries(ctx, 10, 30*time.Second)
		if len(got) != 1 || got[0].ID != claims[2].ID || got[0].Attempts != 2 {
			t.Fatalf("after the lease: %+v", got)
		}
		// The dead worker comes back late: its outcome no longer counts.
		must(t, s.FinishDelivery(ctx, &claims[2], survey.Outcome{OK: true}))
		d := deliveryByID(t, s, claims[2].ID)
		if d.Status != survey.DeliveryPending || d.Attempts != 2 {
			t.Fatalf("a stale outcome was recorded: %+v", d)
		}
		clock.Advance(29 * time.Second) // t0+60s: claims[1] is due, claims[2]'s new lease runs to t0+61s
		got, _ = s.ClaimDeliveries(ctx, 10, 30*time.Second)
		if len(got) != 1 || got[0].ID != claims[1].ID { // claims[2] is still leased
			t.Fatalf("due after a minute: %+v", got)
		}
		if d := deliveryByID(t, s, claims[3].ID); d.Status != survey.DeliveryFailed || d.LastError != "refused" {
			t.Fatalf("gave up: %+v", d)
		}
		must(t, s.RetryDelivery(ctx, claims[3].ID))
		if err := s.RetryDelivery(ctx, claims[0].ID); survey.ErrorCode(err) != survey.CodeNotFound {
			t.Fatalf("retry of a delivered one: %v", err)
		}
		got, _ = s.ClaimDeliveries(ctx, 10, 30*time.Second)
		if len(got) != 1 || got[0].ID != claims[3].ID || got[0].Attempts != 2 {
			t.Fatalf("after retry now: %+v", got)
		}
		// Removing an endpoint cancels what it still had to get.
		must(t, s.RemoveWebhook(ctx, all.ID))
		for _, d := range mustList(t, s) {
			if d.WebhookID == all.ID && d.Status == survey.DeliveryPending {
				t.Fatalf("pending delivery of a removed webhook: %+v", d)
			}
		}
	})
}

// TestFanOutWaitsForOlderTransactions: on PostgreSQL an event's seq is taken at insert but seen at commit, so
// a later seq can be visible first. The dispatcher must not move past an event still being written.
func TestFanOutWaitsForOlderTransactions(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	if _, _, err := s.AddWebhook(ctx, "https://a.example/", survey.EventTypes); err != nil {
		t.Fatal(err)
	}
	slow, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	// A plain INSERT, as a batch's CTE writes events: the trigger takes the writers' lock whatever the path.
	early := &survey.Event{ID: "evt_early", Type: survey.EventCaseOpened, CreatedUS: t0.UnixMicro(), Data: "{}"}
	if _, err := slow.NewInsert().Model(early).Returning("seq").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	late, err := s.EmitEvent(ctx, survey.EventCaseOpened, "", t0, map[string]any{})
	if err != nil || late.Seq <= early.Seq {
		t.Fatalf("late %+v, %v", late, err)
	}
	if n, err := s.FanOut(ctx, false, 100); err != nil || n != 0 {
		t.Fatalf("FanOut while an older transaction runs = %d, %v; want 0", n, err)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, err := s.FanOut(ctx, false, 100); err != nil || n != 2 {
		t.Fatalf("FanOut after the commit = %d, %v; want both", n, err)
	}
	if len(mustList(t, s)) != 2 {
		t.Fatal("want a delivery for each event")
	}
}

func deliveryByID(t *testing.T, s *survey.Store, id int64) survey.Delivery {
	t.Helper()
	for _, d := range mustList(t, s) {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no delivery %d", id)
	return survey.Delivery{}
}

func mustList(t *testing.T, s *survey.Store) []survey.Delivery {
	t.Helper()
	ds, _, err := s.ListDeliveries(context.Background(), survey.DeliveryFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestEventsHorizonOneStatement: the dispatcher's horizon (events_horizon(), PostgreSQL) is -1 while an event
// writer is in flight and the committed highest seq otherwise, and the writers' lock it takes lives for that one
// statement: the session that called it, still open and idle, holds no lock, so no event writer (the batch
// committer) can be left waiting behind a dispatcher between two of its round trips.
func TestEventsHorizonOneStatement(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	first, err := s.EmitEvent(ctx, survey.EventCaseOpened, "", t0, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := s.DB().Conn(ctx) // the dispatcher's session, kept open after its call
	if err != nil {
		t.Fatal(err)
	}
	defer disp.Close()
	horizon := func() int64 {
		t.Helper()
		var h int64
		if err := disp.QueryRowContext(ctx, "SELECT events_horizon(3, 1)").Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	var pid int
	if err := disp.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	advisoryHeldBy := func(pid int) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = ?", pid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if h := horizon(); h != first.Seq {
		t.Fatalf("horizon %d, want the committed seq %d", h, first.Seq)
	}
	if n := advisoryHeldBy(pid); n != 0 {
		t.Fatalf("the dispatcher's idle session still holds %d advisory locks after its horizon read", n)
	}

	writer, err := s.DB().BeginTx(ctx, nil) // an event writer in flight: its insert took the lock, shared
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback()
	inFlight := &survey.Event{ID: "evt_in_flight", Type: survey.EventCaseOpened, CreatedUS: t0.UnixMicro(), Data: "{}"}
	if _, err := writer.NewInsert().Model(inFlight).Returning("seq").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if h := horizon(); h != -1 {
		t.Fatalf("horizon %d while a writer is in flight, want -1", h)
	}
	if n := advisoryHeldBy(pid); n != 0 {
		t.Fatalf("a failed horizon read left %d advisory locks with the dispatcher", n)
	}
	// A second writer is not held up by the dispatcher's tries: writers share the lock.
	if _, err := s.EmitEvent(ctx, survey.EventCaseOpened, "", t0, map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if err := writer.Commit(); err != nil {
		t.Fatal(err)
	}
	var max int64
	if err := s.DB().QueryRowContext(ctx, "SELECT MAX(seq) FROM events").Scan(&max); err != nil {
		t.Fatal(err)
	}
	if h := horizon(); h != max || h <= first.Seq {
		t.Fatalf("horizon %d after the commit, want %d", h, max)
	}
}
