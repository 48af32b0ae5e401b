package survey_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/notify"
	"github.com/qiymet/qiymet/survey/notify/notifytest"
	"github.com/qiymet/qiymet/survey/storetest"
)

// Delivery end to end with real receivers (survey/notify): a webhook endpoint on loopback that fails the first
// attempts and checks every signature, and an SMTP server with STARTTLS and AUTH.

func TestWebhookRetriedWithBackoffSameIDSigned(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(t0)
		ctx := context.Background()
		rcv := notifytest.NewReceiver(t)
		rcv.FailFirst, rcv.Now = 2, clock.Now
		w, secret, err := s.AddWebhook(ctx, rcv.URL+"/hook", []string{survey.EventCaseOpened})
		must(t, err)
		rcv.SetSecret(secret)
		down, _, err := s.AddWebhook(ctx, "http://127.0.0.1:1/never", []string{survey.EventCaseOpened})
		must(t, err)
		ev, err := s.EmitEvent(ctx, survey.EventCaseOpened, "migration", t0, map[string]any{"id": 7, "score": 1})
		must(t, err)
		if _, err := s.EmitEvent(ctx, survey.EventKioskSilent, "", t0, map[string]any{"kiosk": 1}); err != nil {
			t.Fatal(err)
		}
		n := &notify.Notifier{Store: s}
		step := func() {
			t.Helper()
			if _, err := n.Step(ctx); err != nil {
				t.Fatal(err)
			}
		}
		step()
		d := deliveryOf(t, s, w.ID)
		if hits := rcv.Hits(); len(hits) != 1 || d.Attempts != 1 || d.Status != survey.DeliveryPending || d.LastStatus != 500 {
			t.Fatalf("after the first attempt: hits %d, delivery %+v", len(hits), d)
		}
		if wait := time.UnixMicro(d.NextUS).Sub(t0); wait < 15*time.Second || wait > 30*time.Second {
			t.Fatalf("first retry in %v, want 15–30 s (30 s with jitter)", wait)
		}
		step() // not due yet
		if len(rcv.Hits()) != 1 {
			t.Fatal("retried before its time")
		}
		clock.Advance(31 * time.Second)
		step()
		d = deliveryOf(t, s, w.ID)
		if wait := time.UnixMicro(d.NextUS).Sub(clock.Now()); len(rcv.Hits()) != 2 || wait < 30*time.Second || wait > time.Minute {
			t.Fatalf("second retry in %v after %d hits, want 30–60 s", wait, len(rcv.Hits()))
		}
		clock.Advance(time.Minute)
		step()
		hits := rcv.Hits()
		if len(hits) != 3 || hits[2].Status != 200 {
			t.Fatalf("hits %+v", hits)
		}
		for _, h := range hits {
			if !h.Valid || h.ID != ev.ID || string(h.Body) != string(hits[0].Body) || h.Type != survey.EventCaseOpened {
				t.Fatalf("hit %+v: want a valid signature and the same body and id %s each time", h, ev.ID)
			}
		}
		if d := deliveryOf(t, s, w.ID); d.Status != survey.DeliveryDelivered || d.Attempts != 3 {
			t.Fatalf("delivery %+v", d)
		}
		// The dead endpoint is retried, ever more slowly, for 24 hours, then given up.
		var times []time.Time
		for i := 0; i < 200 && deliveryOf(t, s, down.ID).Status == survey.DeliveryPending; i++ {
			d := deliveryOf(t, s, down.ID)
			clock.Set(time.UnixMicro(d.NextUS))
			step()
			times = append(times, clock.Now())
		}
		d = deliveryOf(t, s, down.ID)
		last := time.UnixMicro(d.LastUS)
		if d.Status != survey.DeliveryFailed || last.Sub(t0) < 24*time.Hour || last.Sub(t0) > 26*time.Hour || d.LastError == "" {
			t.Fatalf("the dead endpoint: %+v after %d steps, last attempt %v after the event", d, len(times), last.Sub(t0))
		}
		if d.Attempts < 20 || d.Attempts > 60 {
			t.Fatalf("%d attempts in 24 h: the backoff is off", d.Attempts)
		}
		if len(rcv.Hits()) != 3 {
			t.Fatal("the delivered webhook was called again")
		}
	})
}

func deliveryOf(t *testing.T, s *survey.Store, webhookID int64) survey.Delivery {
	t.Helper()
	for _, d := range mustList(t, s) {
		if d.WebhookID == webhookID {
			return d
		}
	}
	t.Fatalf("no delivery to webhook %d", webhookID)
	return survey.Delivery{}
}

func TestCaseMailToManagersInTheirLanguage(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		srv := notifytest.NewMailServer(t)
		smtp, err := notify.ParseSMTP(srv.URL(), "Qiymət <noreply@qiymet.example.az>")
		must(t, err)
		smtp.TLS = srv.ClientTLS
		users := map[string]string{"az@migration.gov.az": "", "ru@migration.gov.az": "ru", "en@migration.gov.az": "en"}
		for email, lang := range users {
			u, err := s.AddUser(ctx, email, "a long enough password 1", survey.RoleManager, "migration")
			must(t, err)
			if lang != "" {
				must(t, s.SetUserLang(ctx, u.ID, lang))
			}
		}
		off, err := s.AddUser(ctx, "gone@migration.gov.az", "a long enough password 1", survey.RoleManager, "migration")
		must(t, err)
		disabled := true
		if _, err := s.UpdateUser(ctx, off.ID, survey.UserUpdate{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddUser(ctx, "boss@justice.gov.az", "a long enough password 1", survey.RoleManager, "justice"); err != nil {
			t.Fatal(err)
		}
		ev, err := s.EmitEvent(ctx, survey.EventCaseOpened, "migration", t0, map[string]any{
			"id": 42, "agency": "migration", "center": "baku-1", "service": "temp-residence", "score": 1,
			"comment": "Növbə çox uzun idi, İşçi qaba danışdı", "opened_at": "2026-12-07T10:00:00Z", "due_at": "2026-12-10T10:00:00Z"})
		must(t, err)
		if _, err := s.EmitEvent(ctx, survey.EventCaseResolved, "migration", t0, map[string]any{"id": 42}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EmitEvent(ctx, survey.EventKioskSilent, "migration", t0, map[string]any{"kiosk": 1}); err != nil {
			t.Fatal(err)
		}
		n := &notify.Notifier{Store: s, Mail: smtp, BaseURL: "https://qiymet.example.az"}
		if _, err := n.Step(ctx); err != nil {
			t.Fatal(err)
		}
		mails := srv.Mails()
		if len(mails) != 3 {
			t.Fatalf("%d mails, want 3 (one per active manager of the agency, case.opened only)", len(mails))
		}
		want := map[string][]string{
			"az@migration.gov.az": {"Aşağı qiymət: yeni hal açıldı — Dövlət Miqrasiya Xidməti", "Şərh: «Növbə çox uzun idi, İşçi qaba danışdı»", "Cavab müddəti: 2026-12-10 14:00", "Qiymət: 1"},
			"ru@migration.gov.az": {"Низкая оценка: открыто новое обращение — Государственная миграционная служба", "Комментарий: «Növbə", "Ответить до: 2026-12-10 14:00"},
			"en@migration.gov.az": {"Low rating: a new case was opened — State Migration Service", "Due: 2026-12-10 14:00", "Open the case: https://qiymet.example.az/cases?agency=migration"},
		}
		for _, m := range mails {
			if !m.TLS || m.User != "qiymet" || m.From != "noreply@qiymet.example.az" || len(m.To) != 1 {
				t.Fatalf("mail envelope %+v: want STARTTLS, AUTH and one recipient", m)
			}
			msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
			must(t, err)
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			must(t, err)
			body := msg.Body
			if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				body = quotedprintable.NewReader(body)
			}
			text, _ := io.ReadAll(body)
			all := subject + "\n" + string(text)
			exp, ok := want[m.To[0]]
			if !ok {
				t.Fatalf("mail to %s", m.To[0])
			}
			for _, w := range exp {
				if !strings.Contains(all, w) {
					t.Errorf("mail to %s lacks %q:\n%s", m.To[0], w, all)
				}
			}
			if !strings.Contains(msg.Header.Get("Message-Id"), ev.ID) || !strings.Contains(msg.Header.Get("Content-Type"), "UTF-8") {
				t.Errorf("headers %v", msg.Header)
			}
			delete(want, m.To[0])
		}
		if _, err := n.Step(ctx); err != nil || len(srv.Mails()) != 3 {
			t.Fatalf("a second step sent again: %d mails, %v", len(srv.Mails()), err)
		}
	})
}

// TestTwoInstancesOnePostgres: two servers' notifiers on one database, events written while they run. Every
// (event, endpoint) is delivered exactly once (the receiver always answers 200), and no attempt ever runs twice
// at the same time.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dsn := storetest.DSN(t, "pg")
	a := storetest.Open(t, dsn, survey.Options{})
	b := storetest.Open(t, dsn, survey.Options{})
	ctx := context.Background()
	rcv := notifytest.NewReceiver(t)
	rcv.Hold = func(notifytest.Hit) { time.Sleep(5 * time.Millisecond) }
	_, secret, err := a.AddWebhook(ctx, rcv.URL, survey.EventTypes)
	must(t, err)
	rcv.SetSecret(secret)
	const events = 60
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range events {
			s := a
			if i%2 == 1 {
				s = b
			}
			tx, err := s.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := survey.EmitEventIn(ctx, tx, survey.EventCaseOpened, "migration", t0, map[string]int{"n": i}); err != nil {
				t.Error(err)
			}
			time.Sleep(time.Millisecond) // a transaction that commits a little later
			if err := tx.Commit(); err != nil {
				t.Error(err)
			}
		}
	})
	stop := make(chan struct{})
	for _, s := range []*survey.Store{a, b, a, b} {
		n := &notify.Notifier{Store: s, Workers: 3}
		wg.Go(func() {
			for {
				if _, err := n.Step(ctx); err != nil {
					t.Error(err)
					return
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		})
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(rcv.Delivered()) < events && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // a double would arrive now
	close(stop)
	wg.Wait()
	got := rcv.Delivered()
	if len(got) != events {
		t.Fatalf("%d of %d events delivered", len(got), events)
	}
	for id, c := range got {
		if c != 1 {
			t.Errorf("event %s delivered %d times", id, c)
		}
	}
	if len(rcv.Hits()) != events || rcv.MaxInFlight != 1 {
		t.Fatalf("%d requests for %d events, at most %d at once for one event", len(rcv.Hits()), events, rcv.MaxInFlight)
	}
}

// TestWebhookTimeoutIsRetried (CONTRACT §11): an endpoint that does not answer within 10 s is a failed attempt,
// recorded in the delivery log and retried after the first backoff step (Notifier.FirstRetry, set by
// QIYMET_RETRY_FIRST: here 2 s, so 1–2 s with jitter).
func TestWebhookTimeoutIsRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the 10 s webhook timeout")
	}
	s := storetest.New(t, "sqlite", survey.Options{})
	ctx := context.Background()
	rcv := notifytest.NewReceiver(t)
	release := make(chan struct{})
	var calls atomic.Int32
	rcv.Hold = func(notifytest.Hit) { // the first request hangs
		if calls.Add(1) == 1 {
			<-release
		}
	}
	t.Cleanup(func() { close(release) })
	w, secret, err := s.AddWebhook(ctx, rcv.URL+"/slow", []string{survey.EventCaseOpened})
	must(t, err)
	rcv.SetSecret(secret)
	if _, err := s.EmitEvent(ctx, survey.EventCaseOpened, "migration", time.Now(), map[string]any{"id": 9}); err != nil {
		t.Fatal(err)
	}
	n := &notify.Notifier{Store: s, FirstRetry: 2 * time.Second}
	began := time.Now()
	if _, err := n.Step(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	d := deliveryOf(t, s, w.ID)
	if took < notify.Timeout-time.Second || took > notify.Timeout+5*time.Second {
		t.Fatalf("the attempt took %v, want the %v timeout", took, notify.Timeout)
	}
	if d.Status != survey.DeliveryPending || d.Attempts != 1 || d.LastError == "" || d.LastStatus != 0 {
		t.Fatalf("after a timeout: %+v", d)
	}
	if wait := time.UnixMicro(d.NextUS).Sub(began.Add(took)); wait < 900*time.Millisecond || wait > 2100*time.Millisecond {
		t.Fatalf("next attempt %v after the timeout, want 1–2 s", wait)
	}
	time.Sleep(time.Until(time.UnixMicro(d.NextUS)))
	if _, err := n.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if d := deliveryOf(t, s, w.ID); d.Status != survey.DeliveryDelivered || d.Attempts != 2 {
		t.Fatalf("the retry: %+v", d)
	}
}
