package main

import (
	"bufio"
	"context"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/notify/notifytest"
)

// TestDeliverySurvivesKill9 builds the binary and, on each database, runs `qiymet serve` on a real port, posts a
// real bad rating (overall 1) through POST /api/v1/responses with an API key, and kills the server with SIGKILL
// as soon as the 201 is read: no shutdown, nothing sent yet. After a restart, the case.opened event of that
// response reaches a webhook receiver on loopback (which answers 500 to the first two attempts and checks
// Qiymet-Signature on each) exactly once as a 2xx, with the same event id and a valid signature on every
// attempt, and the e-mail reaches each of the agency's two managers exactly once, in the manager's language,
// through a real SMTP server on loopback (STARTTLS, AUTH). Replaying the same response (same id) answers 200
// and opens no second case and no second event. QIYMET_RETRY_FIRST=1s keeps the retries within seconds.
func TestDeliverySurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the server twice per database")
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
	env := cliEnv(t, dialect) // pg: a fresh database (storetest.DSN; in CI a missing server fails)
	smtpSrv := notifytest.NewMailServer(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, smtpSrv.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "", "catalog", "apply", catalogPath(t))
	mustRun(t, env, "a long enough password 1\n", "user", "add", "--email", "rehber@migration.gov.az", "--role", "manager", "--agency", "migration")
	mustRun(t, env, "a long enough password 1\n", "user", "add", "--email", "nachalnik@migration.gov.az", "--role", "manager", "--agency", "migration")
	m := apiKeyRE.FindStringSubmatch(mustRun(t, env, "", "apikey", "add", "--name", "növbə sistemi"))
	if m == nil {
		t.Fatal("no API key printed")
	}
	apiKey := m[1]
	s := openDB(t, env)
	ru, err := s.UserByEmail(ctx, "nachalnik@migration.gov.az")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserLang(ctx, ru.ID, "ru"); err != nil {
		t.Fatal(err)
	}

	rcv := notifytest.NewReceiver(t)
	rcv.FailFirst = 2
	out := mustRun(t, env, "", "webhook", "add", "--url", rcv.URL+"/in", "--events", "all")
	rcv.SetSecret(strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), " ")+1:]))

	serveEnv := []string{"QIYMET_DB=" + env["QIYMET_DB"], "QIYMET_ADDR=127.0.0.1:0", "QIYMET_SMTP_URL=" + smtpSrv.URL(),
		"QIYMET_MAIL_FROM=Qiymət <noreply@qiymet.example.az>", "QIYMET_RETRY_FIRST=1s", "SSL_CERT_FILE=" + caFile,
		"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	start := func() (*exec.Cmd, string) {
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
		ready := make(chan string, 1)
		go func() {
			for lines.Scan() {
				if m := servingRE.FindStringSubmatch(lines.Text()); m != nil {
					ready <- m[1]
				}
			}
			ready <- ""
		}()
		select {
		case base := <-ready:
			if base == "" {
				t.Fatal("serve ended before serving")
			}
			return cmd, base
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not start")
		}
		return nil, ""
	}
	body := `{"id":"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f","agency":"migration","service":"temp-residence","center":"baku-1",` +
		`"answers":{"overall":1,"waiting":2},"comment":"Çox gözlədim","lang":"az"}`
	post := func(base string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/responses", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("POST /api/v1/responses: %d %s", resp.StatusCode, b)
		}
		return resp.StatusCode
	}

	began := time.Now()
	srv, base := start()
	if code := post(base); code != http.StatusCreated {
		t.Fatalf("first POST: %d, want 201", code)
	}
	if err := srv.Process.Kill(); err != nil { // SIGKILL right after the 201: no shutdown, nothing flushed
		t.Fatal(err)
	}
	srv.Wait()

	var evs []survey.Event
	if err := s.DB().NewSelect().Model(&evs).Where("type = ?", survey.EventCaseOpened).Scan(ctx); err != nil || len(evs) != 1 {
		t.Fatalf("case.opened events after the kill: %d, %v; want the one of the 201", len(evs), err)
	}
	ev := evs[0]

	_, base = start()
	if code := post(base); code != http.StatusOK { // the same response again: a replay
		t.Fatalf("replayed POST: %d, want 200", code)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && (rcv.Delivered()[ev.ID] == 0 || len(smtpSrv.Mails()) < 2) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a duplicate would come now (the next retry step is 1–2 s)
	t.Logf("%s: delivered %v after %v", dialect, rcv.Delivered(), time.Since(began).Round(time.Millisecond))

	if got := rcv.Delivered(); len(got) != 1 || got[ev.ID] != 1 {
		t.Fatalf("webhook 2xx answers by event id %v, want exactly one, for %s", got, ev.ID)
	}
	hits := rcv.Hits()
	if len(hits) != 3 {
		t.Fatalf("%d webhook attempts, want 3: two answered 500, then the one answered 200", len(hits))
	}
	for _, h := range hits {
		if h.ID != ev.ID || h.Type != survey.EventCaseOpened || !h.Valid {
			t.Fatalf("hit %+v: want the same event id, correctly signed, on every attempt", h)
		}
	}
	mails := smtpSrv.Mails()
	unique := uniqueMails(t, smtpSrv)
	if len(mails) != 2 || len(unique) != 2 {
		t.Fatalf("%d e-mails (%v), want exactly one per manager", len(mails), unique)
	}
	langs := map[string]bool{}
	for id, subject := range unique {
		if !strings.Contains(id, ev.ID) {
			t.Fatalf("Message-ID %s does not carry the event id", id)
		}
		switch {
		case strings.Contains(id, "nachalnik@") && strings.Contains(subject, "Государственная миграционная служба"):
			langs["ru"] = true
		case strings.Contains(id, "rehber@") && strings.Contains(subject, "Dövlət Miqrasiya Xidməti"):
			langs["az"] = true
		default:
			t.Fatalf("e-mail %s: subject %q not in its recipient's language", id, subject)
		}
	}
	if len(langs) != 2 {
		t.Fatalf("languages %v, want az and ru", langs)
	}
	if n := countTable(t, s, "cases"); n != 1 {
		t.Fatalf("%d cases after the replay, want 1", n)
	}
	if n := countTable(t, s, "events"); n != 1 {
		t.Fatalf("%d events after the replay, want 1", n)
	}
	ds, _, err := s.ListDeliveries(ctx, survey.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 {
		t.Fatalf("delivery log %+v, want the webhook and two e-mails", ds)
	}
	for _, d := range ds {
		if d.Status != survey.DeliveryDelivered || d.EventID != ev.ID {
			t.Fatalf("delivery log: %+v", d)
		}
		if !d.IsMail() && d.Attempts != 3 {
			t.Fatalf("webhook delivery after %d attempts, want 3", d.Attempts)
		}
	}
}

func countTable(t *testing.T, s *survey.Store, table string) int {
	t.Helper()
	n, err := s.DB().NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
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
