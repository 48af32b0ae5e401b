package survey_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// When the database refuses a batch mid-transaction, the submissions get an error, nothing of the batch is
// stored, no connection is left inside a transaction, and the next submissions are stored normally.
func TestBatchFailureLeavesCleanConnections(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{Burst: 3 * time.Second})
	ctx := context.Background()
	loadTestCatalog(t, s)
	k, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "")
	if err != nil {
		t.Fatal(err)
	}
	api := apiCred(t, s)
	_, token, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "justice", VisitID: "F-1"}, api.APIKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN IF NEW.comment = 'boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`,
		`CREATE TRIGGER refuse_boom BEFORE INSERT ON responses FOR EACH ROW EXECUTE FUNCTION refuse_boom()`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		body string
		cred survey.Credential
	}{
		{"kiosk", `{"agency":"migration","comment":"boom","answers":{"overall":5}}`, survey.Credential{Kiosk: k}},
		{"link", `{"token":"` + token + `","comment":"boom","answers":{"overall":5}}`, survey.Credential{}},
		{"api", `{"agency":"migration","comment":"boom","answers":{"overall":5}}`, api},
	} {
		if _, _, err := submit(t, s, c.body, c.cred); err == nil {
			t.Fatalf("%s: a refused insert was acknowledged", c.name)
		}
	}
	if n := countRows(t, s, "responses"); n != 0 {
		t.Fatalf("%d rows stored by refused batches", n)
	}
	var inTx int
	if err := s.DB().NewRaw("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'").
		Scan(ctx, &inTx); err != nil {
		t.Fatal(err)
	}
	if inTx != 0 {
		t.Fatalf("%d connections left inside a transaction", inTx)
	}
	if _, err := s.InvitationByToken(ctx, token); err != nil {
		t.Fatalf("the refused link used up its invitation: %v", err)
	}
	for i, c := range []struct {
		body string
		cred survey.Credential
	}{
		{`{"agency":"migration","answers":{"overall":5}}`, survey.Credential{Kiosk: k}},
		{`{"token":"` + token + `","answers":{"overall":5}}`, survey.Credential{}},
		{`{"agency":"migration","answers":{"overall":5}}`, api},
	} {
		if _, created, err := submit(t, s, c.body, c.cred); err != nil || !created {
			t.Fatalf("submission %d after the failures: %v %v", i, created, err)
		}
	}
}

// TestBurstRuleWaitsForOtherInstance: on PostgreSQL a kiosk's batch waits for another instance's transaction
// holding the same kiosk (its advisory lock), then sees that transaction's row, so the burst rule holds across
// instances. The other instance is played by hand: lock, insert, and commit only once the store is waiting.
func TestBurstRuleWaitsForOtherInstance(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	s := storetest.New(t, "pg", survey.Options{Now: clock.Now, Burst: 3 * time.Second})
	ctx := context.Background()
	loadTestCatalog(t, s)
	k, _, err := s.AddKiosk(ctx, "baku-1", "Exit", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	at := storeStart.Add(-time.Second).UnixMicro()
	for _, q := range []string{
		"BEGIN",
		fmt.Sprintf("SELECT pg_advisory_xact_lock((7310002::bigint << 32) | %d)", k.ID),
		fmt.Sprintf(`INSERT INTO responses (id, submitted_us, received_us, agency_code, channel, kiosk_id, survey_code,
		  survey_version, lang, status, answers, score, top2, content_hash)
		  VALUES ('other-instance', %d, %d, 'migration', 'kiosk', %d, 'visit', 1, 'az', 'counted', '{"overall":5}', 100, true, 'x')`,
			at, at, k.ID),
	} {
		if _, err := other.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	done := make(chan survey.Result, 1)
	go func() {
		res, _, err := submit(t, s, `{"agency":"migration","answers":{"overall":5}}`, survey.Credential{Kiosk: k})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	// Commit only once the store's batch waits for the kiosk's lock (without the lock it would not wait, and
	// would count its row: the other row is not committed yet).
	deadline := time.Now().Add(5 * time.Second)
	for {
		var waiting int
		if err := s.DB().NewRaw("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").Scan(ctx, &waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case res := <-done:
			t.Fatalf("the batch did not wait for the other instance's kiosk lock: %+v", res)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch never waited for the kiosk's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := other.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.Status != survey.StatusExcluded || res.Reason == nil || *res.Reason != survey.ReasonBurst {
		t.Fatalf("a kiosk submission 1 s after the other instance's: %+v, want excluded/burst", res)
	}
}

// A submission to a store closed before it ever stored one is refused as unavailable, not a panic.
func TestSubmitAfterClose(t *testing.T) {
	s := storetest.New(t, "sqlite", survey.Options{})
	loadTestCatalog(t, s)
	key, _, err := s.AddAPIKey(context.Background(), "queue")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := survey.DecodeSubmission([]byte(`{"agency":"migration","answers":{"overall":5}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CatalogView(context.Background()); err != nil { // cached: the submission gets as far as the committer
		t.Fatal(err)
	}
	s.Close()
	if _, _, err := s.Submit(context.Background(), sub, survey.Credential{APIKey: key}); survey.ErrorCode(err) != survey.CodeUnavailable {
		t.Fatalf("submit after close: %v", err)
	}
}

// With several group commits in flight (QIYMET_INGEST_COMMITTERS on PostgreSQL), the kiosk burst
// rule stays exact: many submissions of one kiosk at the same instant, spread over concurrent batches, count
// exactly one; every one is stored and answered; and submissions of other kiosks are unaffected.
func TestConcurrentCommittersKeepBurstRule(t *testing.T) {
	for _, committers := range []int{4, 8} {
		t.Run(fmt.Sprint(committers), func(t *testing.T) {
			clock := storetest.NewClock(storeStart)
			s := storetest.New(t, "pg", survey.Options{Now: clock.Now, Burst: 3 * time.Second, Committers: committers})
			ctx := context.Background()
			loadTestCatalog(t, s)
			const kiosks, each = 4, 24
			var creds []survey.Credential
			for i := range kiosks {
				k, _, err := s.AddKiosk(ctx, "baku-1", fmt.Sprint("Exit ", i), "")
				if err != nil {
					t.Fatal(err)
				}
				creds = append(creds, survey.Credential{Kiosk: k})
			}
			type got struct {
				kiosk int
				res   survey.Result
				err   error
			}
			out := make(chan got, kiosks*each)
			for i := range kiosks {
				for range each {
					go func() {
						res, _, err := submit(t, s, `{"agency":"migration","answers":{"overall":4}}`, creds[i])
						out <- got{i, res, err}
					}()
				}
			}
			counted := make([]int, kiosks)
			for range kiosks * each {
				g := <-out
				if g.err != nil {
					t.Fatal(g.err)
				}
				switch {
				case g.res.Status == survey.StatusCounted:
					counted[g.kiosk]++
				case g.res.Status == survey.StatusExcluded && g.res.Reason != nil && *g.res.Reason == survey.ReasonBurst:
				default:
					t.Fatalf("kiosk %d: %+v, want counted or excluded/burst", g.kiosk, g.res)
				}
			}
			for i, n := range counted {
				if n != 1 {
					t.Errorf("kiosk %d: %d of %d simultaneous submissions counted, want exactly 1", i, n, each)
				}
			}
			var stored, countedDB int
			if err := s.DB().NewRaw("SELECT count(*), count(*) FILTER (WHERE status = 'counted') FROM responses").Scan(ctx, &stored, &countedDB); err != nil {
				t.Fatal(err)
			}
			if stored != kiosks*each || countedDB != kiosks {
				t.Fatalf("stored %d (counted %d), want %d (%d)", stored, countedDB, kiosks*each, kiosks)
			}
		})
	}
}
