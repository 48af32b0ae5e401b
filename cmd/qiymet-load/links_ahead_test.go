package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestLinksAhead: with --links-ahead the link submissions use invitations issued before the run, and issue their
// own once those run out; every submission is stored under its link, and the report tells the two apart.
func TestLinksAhead(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, "sqlite", survey.Options{})
	storetest.ApplyCatalog(t, s)
	_, keys, err := provisionStore(ctx, s, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	url := serveInProcess(t, s)
	for _, c := range []struct{ ahead, used, own int }{{50, 30, 0}, {10, 10, 20}} {
		cfg := loadConfig([]string{url}, nil, keys, 5*time.Second)
		cfg.Mix, cfg.Requests, cfg.Concurrency, cfg.LinksAhead = Mix{Link: 1}, 30, 4, c.ahead
		before := countTable(t, s, "invitations", "")
		rep, err := Load(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Acked != 30 || rep.Failed != 0 || rep.InvitationsAhead != c.used || rep.Invitations != c.own {
			t.Fatalf("%d ahead: acknowledged %d, failed %d, %d issued ahead used, %d issued in the run; want 30, 0, %d, %d",
				c.ahead, rep.Acked, rep.Failed, rep.InvitationsAhead, rep.Invitations, c.used, c.own)
		}
		if issued := countTable(t, s, "invitations", "") - before; issued != int64(c.ahead+c.own) {
			t.Fatalf("%d ahead: %d invitations stored, want %d", c.ahead, issued, c.ahead+c.own)
		}
	}
	if used := countTable(t, s, "invitations", "used_us IS NOT NULL"); used != 60 {
		t.Fatalf("%d invitations used, want 60 (one per link submission)", used)
	}
	if links := countTable(t, s, "responses", "channel = 'link' AND invitation_id IS NOT NULL"); links != 60 {
		t.Fatalf("%d responses under a link, want 60", links)
	}
}

// TestLinksAheadFlag: --links-ahead takes a count of invitations, bounded.
func TestLinksAheadFlag(t *testing.T) {
	getenv := func(string) string { return "" }
	var errb bytes.Buffer
	base := []string{"--api-keys", "qa_x", "--mix", "link=1", "--quiet"}
	for _, bad := range []string{"-1", "10000001", "x"} {
		if _, err := parseRunFlags(append(base, "--links-ahead", bad), getenv, &errb); err == nil {
			t.Errorf("--links-ahead %s accepted", bad)
		}
	}
	cfg, err := parseRunFlags(append(base, "--links-ahead", "20000"), getenv, &errb)
	if err != nil || cfg.LinksAhead != 20000 {
		t.Fatalf("--links-ahead 20000: %+v, %v", cfg, err)
	}
}

func countTable(t *testing.T, s *survey.Store, table, where string) int64 {
	t.Helper()
	q := s.DB().NewSelect().Table(table)
	if where != "" {
		q = q.Where(where)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int64(n)
}
