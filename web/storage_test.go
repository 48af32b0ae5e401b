package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// Honest failures (docs/api.md, errors): a write refused for want of storage is 503 with Retry-After and a
// message in the caller's language (never 500), /readyz reports the database cannot write, nothing half-stored
// is acknowledged, and once space returns the same process serves and stores again.

// storageCase is one way of taking the database's storage away and giving it back.
type storageCase struct {
	env     *testEnv
	fill    func(t *testing.T) // from now on writes fail
	release func(t *testing.T) // space is back
}

// fillDisk writes zeros into dir until the file system is full and returns the filler's path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for _, small := range []int{4096, 512, 1} { // the last crumbs too
		for {
			if _, err := f.Write(buf[:small]); err != nil {
				break
			}
		}
	}
	return path
}

// sqliteOnTmpfs puts a SQLite database on a small tmpfs of its own (root may mount one): a real disk to fill.
func sqliteOnTmpfs(t *testing.T) storageCase {
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=16m"); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v): run as root to test a full disk", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) }) // after the store closes (cleanups run last first)
	var filler string
	return storageCase{
		env:     newTestEnvWith(t, "sqlite:"+filepath.Join(dir, "qiymet.db"), testEnvOptions{Burst: -1}),
		fill:    func(t *testing.T) { filler = fillDisk(t, dir) },
		release: func(t *testing.T) { os.Remove(filler) },
	}
}

// pgDiskFull makes PostgreSQL itself refuse writes with 53100 disk_full (the error a full data directory gives):
// triggers on the tables a submission and the readiness probe write.
func pgDiskFull(t *testing.T) storageCase {
	env := newTestEnvWith(t, "pg", testEnvOptions{Burst: -1})
	db := env.Store.DB()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`); err != nil {
		t.Fatal(err)
	}
	return storageCase{
		env: env,
		fill: func(t *testing.T) {
			for _, table := range []string{"responses", "meta"} {
				if _, err := db.ExecContext(ctx, "CREATE TRIGGER test_disk_full BEFORE INSERT OR UPDATE ON "+table+
					" FOR EACH ROW EXECUTE FUNCTION test_disk_full()"); err != nil {
					t.Fatal(err)
				}
			}
		},
		release: func(t *testing.T) {
			for _, table := range []string{"responses", "meta"} {
				if _, err := db.ExecContext(ctx, "DROP TRIGGER test_disk_full ON "+table); err != nil {
					t.Fatal(err)
				}
			}
		},
	}
}

func TestFullDiskAnswers503AndRecovers(t *testing.T) {
	for name, setup := range map[string]func(*testing.T) storageCase{"sqlite-tmpfs": sqliteOnTmpfs, "pg": pgDiskFull} {
		t.Run(name, func(t *testing.T) {
			c := setup(t)
			env := c.env
			post := func(i int) (int, http.Header, []byte) {
				body := fmt.Sprintf(`{"id":"5b4e28ba-2fa1-4d2e-8a3c-%012d","agency":"migration","answers":{"overall":%d},"comment":"%s"}`,
					i, 1+i%5, strings.Repeat("Gözləmə çox uzun idi. ", 20))
				status, h, raw, _ := timedPost(t, env.URL+"/api/v1/responses", env.KioskToken, body, 15*time.Second)
				return status, h, raw
			}
			if status, _, raw := post(0); status != http.StatusCreated {
				t.Fatalf("before the disk fills: %d %s", status, raw)
			}
			c.fill(t)

			// Every answer is 201 (stored: the database still had room in its files) or 503; soon only 503.
			acked, refused := 1, 0
			var refusedIDs []int
			for i := 1; i <= 2000 && refused < 3; i++ {
				status, h, raw := post(i)
				switch status {
				case http.StatusCreated:
					acked++
				case http.StatusServiceUnavailable:
					refused++
					refusedIDs = append(refusedIDs, i)
					var e struct{ Error survey.Error }
					if json.Unmarshal(raw, &e) != nil || e.Error.Code != survey.CodeUnavailable || h.Get("Retry-After") == "" {
						t.Fatalf("full disk: want 503 unavailable with Retry-After, got Retry-After %q %s", h.Get("Retry-After"), raw)
					}
				default:
					t.Fatalf("submission %d on a full disk: %d %s", i, status, raw)
				}
			}
			if refused == 0 {
				t.Fatalf("2000 submissions on a full disk were all stored")
			}
			t.Logf("on the full disk: %d stored, then refused %v", acked, refusedIDs)
			if got := env.countResponses(t); got != int64(acked) {
				t.Errorf("%d responses acknowledged, %d stored", acked, got)
			}
			// The message in the caller's language.
			req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/responses",
				strings.NewReader(`{"id":"5b4e28ba-2fa1-4d2e-8a3c-999999999999","agency":"migration","answers":{"overall":3}}`))
			req.Header.Set("Authorization", "Bearer "+env.KioskToken)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", "az")
			if resp, err := http.DefaultClient.Do(req); err != nil {
				t.Fatal(err)
			} else {
				var e struct{ Error survey.Error }
				json.NewDecoder(resp.Body).Decode(&e)
				resp.Body.Close()
				if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(e.Error.Message, "Verilənlər bazası") {
					t.Errorf("full disk in Azerbaijani: %d %q", resp.StatusCode, e.Error.Message)
				}
			}
			status, h, raw := timedGet(t, env.URL+"/readyz", 5*time.Second)
			if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(string(raw), "cannot write") {
				t.Errorf("/readyz on a full disk: %d %s", status, raw)
			}
			if status, _, _ := timedGet(t, env.URL+"/healthz", 5*time.Second); status != http.StatusOK {
				t.Errorf("/healthz on a full disk: %d (the process must keep running)", status)
			}

			// Space returns: ready again without any other write, and the refused submissions go through on retry.
			c.release(t)
			if status, _, raw := timedGet(t, env.URL+"/readyz", 5*time.Second); status != http.StatusOK {
				t.Errorf("/readyz once space returned: %d %s", status, raw)
			}
			for _, i := range refusedIDs {
				if status, _, raw := post(i); status != http.StatusCreated {
					t.Errorf("retry %d once space returned: %d %s", i, status, raw)
				}
			}
			if got := env.countResponses(t); got != int64(acked+refused) {
				t.Errorf("after the retries %d responses stored, want %d", got, acked+refused)
			}
		})
	}
}

// TestSQLiteWriterBusy: on SQLite another writer (an import: its transaction holds the one write lock until it
// commits) makes submissions wait. After the API's 10 s deadline they answer 503 with Retry-After, in the
// caller's language, while reads go on; once the lock is free the same submissions are stored, each once.
func TestSQLiteWriterBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the 10 s deadline")
	}
	env := newTestEnvWith(t, "sqlite-file", testEnvOptions{Burst: -1})
	ctx := context.Background()
	// As serve's background roll-up leaves it every second: nothing pending that a read would have to fold in
	// (a read that must wait for a roll-up waits for the lock like a write).
	if err := env.Store.AwaitCells(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := env.Store.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	locked := true
	defer func() {
		if locked {
			conn.ExecContext(ctx, "ROLLBACK")
		}
	}()
	before := env.countResponses(t)

	langs := map[string]string{"ru": "временно недоступен", "az": "müvəqqəti əlçatan deyil", "": "temporarily unavailable"}
	body := func(i int) string {
		return fmt.Sprintf(`{"id":"7c4e28ba-2fa1-4d2e-8a3c-00000000000%d","agency":"migration","answers":{"overall":4}}`, i)
	}
	type answer struct {
		status     int
		retryAfter string
		err        survey.Error
	}
	answers := make(map[string]answer)
	var mu sync.Mutex
	var wg sync.WaitGroup
	i := 0
	for lang := range langs {
		i++
		n := i // the loop goes on while the request is sent
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/responses", strings.NewReader(body(n)))
			req.Header.Set("Authorization", "Bearer "+env.APIKey)
			req.Header.Set("Content-Type", "application/json")
			if lang != "" {
				req.Header.Set("Accept-Language", lang)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var e struct{ Error survey.Error }
			json.NewDecoder(resp.Body).Decode(&e)
			mu.Lock()
			answers[lang] = answer{resp.StatusCode, resp.Header.Get("Retry-After"), e.Error}
			mu.Unlock()
		})
	}
	// Reads of rolled-up figures are not held up meanwhile (WAL: readers never wait for the writer).
	if status, _, raw := timedGet(t, env.URL+"/api/v1/rankings?period=2025-Q3", 5*time.Second, "Authorization", "Bearer "+env.APIKey); status != http.StatusOK {
		t.Errorf("rankings while the write lock is held: %d %.200s", status, raw)
	}
	wg.Wait()
	for lang, want := range langs {
		a := answers[lang]
		if a.status != http.StatusServiceUnavailable || a.retryAfter == "" || a.err.Code != survey.CodeUnavailable || !strings.Contains(a.err.Message, want) {
			t.Errorf("Accept-Language %q while another writer holds the lock: %d Retry-After %q %+v, want 503 unavailable with %q",
				lang, a.status, a.retryAfter, a.err, want)
		}
	}
	if got := env.countResponses(t); got != before {
		t.Errorf("%d responses stored while the lock was held", got-before)
	}

	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	locked = false
	for i := 1; i <= len(langs); i++ {
		if r := env.do(t, http.MethodPost, "/api/v1/responses", env.APIKey, body(i)); r.Status != http.StatusCreated && r.Status != http.StatusOK {
			t.Errorf("submission %d once the lock is free: %d %s", i, r.Status, r.Body)
		}
	}
	if got := env.countResponses(t); got != before+int64(len(langs)) {
		t.Errorf("%d responses stored after the retries, want %d", got-before, len(langs))
	}
}
