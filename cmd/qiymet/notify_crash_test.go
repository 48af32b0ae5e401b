package main

import (
	"bufio"
	"context"
	"mime"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/notify/notifytest"
)

// TestDeliverySurvivesKill9 builds the binary, runs `qiymet serve`, writes a case.opened event, and kills the
// server with SIGKILL while it is posting the webhook (the receiver holds the request until the kill). After a
// restart the webhook and the e-mail to each manager arrive, exactly once per event id once the receiver drops
// repeats of an id (the webhook) or of a Message-ID (the e-mail), and with the same id on every attempt.
//
// The event is written straight into the outbox, as the cases feature's transaction does: this branch has no
// API path that opens a case yet (the lead switches it to a real bad rating through POST /api/v1/responses).
func TestDeliverySurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and waits out a 30 s lease")
	}
	bin := filepath.Join(t.TempDir(), "qiymet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) { crashAndRestart(t, bin, d) })
	}
}

func crashAndRestart(t *testing.T, bin, dialect string) {
	ctx := context.Background()
	env := cliEnv(t, dialect)
	smtpSrv := notifytest.NewMailServer(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, smtpSrv.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "", "catalog", "apply", catalogPath(t))
	mustRun(t, env, "a long enough password 1\n", "user", "add", "--email", "rehber@migration.gov.az", "--role", "manager", "--agency", "migration")
	mustRun(t, env, "a long enough password 1\n", "user", "add", "--email", "nachalnik@migration.gov.az", "--role", "manager", "--agency", "migration")
	s := openDB(t, env)
	ru, err := s.UserByEmail(ctx, "nachalnik@migration.gov.az")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserLang(ctx, ru.ID, "ru"); err != nil {
		t.Fatal(err)
	}

	rcv := notifytest.NewReceiver(t)
	killed := make(chan struct{})
	var first sync.Once
	firstHit := make(chan struct{})
	rcv.Hold = func(notifytest.Hit) {
		first.Do(func() {
			close(firstHit)
			<-killed // answer only once the sender is dead: this attempt's outcome is lost with it
		})
	}
	out := mustRun(t, env, "", "webhook", "add", "--url", rcv.URL+"/in", "--events", "all")
	rcv.SetSecret(strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), " ")+1:]))

	serveEnv := []string{"QIYMET_DB=" + env["QIYMET_DB"], "QIYMET_ADDR=127.0.0.1:0", "QIYMET_SMTP_URL=" + smtpSrv.URL(),
		"QIYMET_MAIL_FROM=Qiymət <noreply@qiymet.example.az>", "SSL_CERT_FILE=" + caFile, "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(bin, "serve")
		cmd.Env = serveEnv
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		lines := bufio.NewScanner(stdout)
		ready := make(chan bool, 1)
		go func() {
			for lines.Scan() {
				if servingRE.MatchString(lines.Text()) {
					ready <- true
				}
			}
			ready <- false
		}()
		select {
		case ok := <-ready:
			if !ok {
				t.Fatal("serve ended before serving")
			}
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not start")
		}
		return cmd
	}

	srv := start()
	ev := &survey.Event{ID: "evt_crash_" + dialect, Type: survey.EventCaseOpened, CreatedUS: time.Now().UnixMicro(), Agency: "migration",
		Data: `{"id":1,"agency":"migration","center":"baku-1","service":"temp-residence","score":1,"comment":"Çox gözlədim","due_at":"2026-12-10T10:00:00Z"}`}
	if _, err := s.DB().NewInsert().Model(ev).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-firstHit:
	case <-time.After(30 * time.Second):
		t.Fatal("the webhook was not attempted")
	}
	if err := srv.Process.Kill(); err != nil { // SIGKILL: no shutdown, no outcome recorded
		t.Fatal(err)
	}
	srv.Wait()
	close(killed)

	start()
	deadline := time.Now().Add(90 * time.Second) // the dead attempt's lease (30 s) must run out first
	for time.Now().Before(deadline) && (len(rcv.Delivered()) == 0 || len(uniqueMails(t, smtpSrv)) < 2) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a duplicate would come now
	// The receiver got the attempt the kill cut off (and answered it, to no one) and the one after the restart:
	// deduplicated by id, the event arrived exactly once.
	if got := rcv.Delivered(); len(got) != 1 {
		t.Fatalf("webhook deliveries by id %v, want only %s", got, ev.ID)
	}
	for _, h := range rcv.Hits() {
		if h.ID != ev.ID || !h.Valid {
			t.Fatalf("hit %+v: want the same event id, correctly signed, on every attempt", h)
		}
	}
	if len(rcv.Hits()) != 2 {
		t.Fatalf("%d webhook attempts, want 2: the one cut by the kill, made again once after the restart", len(rcv.Hits()))
	}
	mails := uniqueMails(t, smtpSrv)
	if len(mails) != 2 {
		t.Fatalf("e-mails %v, want one per manager", mails)
	}
	for id, subject := range mails {
		if !strings.Contains(id, ev.ID) {
			t.Fatalf("Message-ID %s does not carry the event id", id)
		}
		if !strings.Contains(subject, "Dövlət Miqrasiya Xidməti") && !strings.Contains(subject, "Государственная миграционная служба") {
			t.Fatalf("subject %q", subject)
		}
	}
	ds, _, err := s.ListDeliveries(ctx, survey.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Status != survey.DeliveryDelivered || d.EventID != ev.ID {
			t.Fatalf("delivery log: %+v", d)
		}
	}
}

// uniqueMails maps each Message-ID received to its decoded subject.
func uniqueMails(t *testing.T, srv *notifytest.MailServer) map[string]string {
	out := map[string]string{}
	for _, m := range srv.Mails() {
		msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		out[msg.Header.Get("Message-Id")+"→"+strings.Join(m.To, ",")] = subject
	}
	return out
}
