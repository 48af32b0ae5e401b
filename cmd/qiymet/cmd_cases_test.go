package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestImportCases: `qiymet import` of history opens no case; `import --cases` opens one per counted low row,
// once, also over rows imported earlier without it.
func TestImportCases(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	if r := cliRun(t, env, "", "catalog", "apply", catalogPath(t)); r.Err != nil {
		t.Fatal(r.Err)
	}
	file := writeCSVFile(t, "low.csv", "id,submitted_at,agency,status,reason,q.overall",
		"8f1c3a52-4b1e-4f5e-9c61-0a1b2c3d4e01,2025-04-01T10:00:00+04:00,migration,,,1",
		"8f1c3a52-4b1e-4f5e-9c61-0a1b2c3d4e02,2025-04-01T11:00:00+04:00,justice,,,2",
		"8f1c3a52-4b1e-4f5e-9c61-0a1b2c3d4e03,2025-04-01T12:00:00+04:00,justice,excluded,test,1",
		"8f1c3a52-4b1e-4f5e-9c61-0a1b2c3d4e04,2025-04-01T13:00:00+04:00,property,,,3")
	r := cliRun(t, env, "", "import", file)
	if r.Err != nil || strings.Contains(r.Stdout, "cases") {
		t.Fatalf("import: %v %s", r.Err, r.Stdout)
	}
	for _, want := range []string{"opened 2 cases", "opened 0 cases"} {
		r = cliRun(t, env, "", "import", "--cases", file)
		if r.Err != nil || !strings.Contains(r.Stdout, want) {
			t.Fatalf("import --cases: want %q: %v %s%s", want, r.Err, r.Stdout, r.Stderr)
		}
	}
}

// TestBackgroundEmitsOverdue: serve's background loop reports a case past due as case.overdue, once.
func TestBackgroundEmitsOverdue(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC))
	s := storetest.New(t, "sqlite", survey.Options{Now: clock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	storetest.ApplyCatalog(t, s)
	k, _, err := s.AddAPIKey(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := survey.DecodeSubmission([]byte(`{"agency":"migration","answers":{"overall":1}}`))
	if _, _, err := s.Submit(ctx, sub, survey.Credential{APIKey: k}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(73 * time.Hour)
	wg := startBackground(ctx, s, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	count := func() int64 {
		n, err := s.DB().NewSelect().Table("events").Where("type = ?", survey.EventCaseOverdue).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(20 * time.Second)
	for count() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if n := count(); n != 1 {
		t.Fatalf("%d case.overdue events, want 1", n)
	}
}
