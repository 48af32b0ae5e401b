package survey_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/migrations"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/uptrace/bun/migrate"
)

// A database with responses converts in place: the rows become the history partition (same seq; the changes
// queued for the roll-up keep their place),
// their ids stay taken, seq goes on after them, and the server's months begin after the history.
func TestPartitionMigrationInPlace(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2025, 9, 20, 8, 0, 0, 0, time.UTC))
	dsn := storetest.DSN(t, "pg")
	s, err := survey.Open(ctx, dsn, survey.Options{Now: clock.Now, Location: storetest.Baku})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := migrations.For("pg")
	if err != nil {
		t.Fatal(err)
	}
	old := migrate.NewMigrations()
	for _, m := range all.Sorted() {
		if m.Name < "20261206000200" {
			old.Add(m)
		}
	}
	m := migrate.NewMigrator(s.DB(), old, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	loadTestCatalog(t, s)
	// 300 rows over 2025-06..2025-09 in the old table, one of them a link's.
	var values []string
	for i := range 300 {
		at := time.Date(2025, 6, 1, 9, 0, 0, 0, storetest.Baku).Add(time.Duration(i) * 9 * time.Hour).UnixMicro()
		inv := "NULL"
		if i == 7 {
			inv = "4242"
		}
		values = append(values, fmt.Sprintf(`('00000000-0000-4000-8000-%012d', %d, %d, 'migration', 'api', %s, 'visit', 1, 'az', 'counted', '{"overall":%d}', %d, %t, 'h%d')`,
			i, at, at, inv, 1+i%5, (i%5)*25, i%5 >= 3, i))
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO responses (id, submitted_us, received_us, agency_code, channel, invitation_id, survey_code,
		survey_version, lang, status, answers, score, top2, content_hash) VALUES `+strings.Join(values, ", ")); err != nil {
		t.Fatal(err)
	}
	// The zone an older binary's roll-up recorded: the history partition ends at a month start of it.
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('agg_timezone', 'Asia/Baku')"); err != nil {
		t.Fatal(err)
	}
	var maxSeq int64
	if err := s.DB().NewRaw("SELECT MAX(seq) FROM responses").Scan(ctx, &maxSeq); err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	parts, err := s.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[0].Name != "responses_history" || parts[1].Name != "responses_default" ||
		parts[0].To != time.Date(2025, 10, 1, 0, 0, 0, 0, storetest.Baku).UnixMicro() {
		t.Fatalf("partitions after the migration: %+v", parts)
	}
	var n, keys int64
	if err := s.DB().NewRaw("SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM response_keys)").Scan(ctx, &n, &keys); err != nil {
		t.Fatal(err)
	}
	if n != 300 || keys != 300 {
		t.Fatalf("%d rows, %d keys after the migration", n, keys)
	}
	assertKeysFindRows(t, s, 300)
	// The changes the old triggers queued carry their response's time now, and roll up into exact cells.
	var pending int64
	if err := s.DB().NewRaw("SELECT COUNT(*) FROM agg_pending WHERE submitted_us IS NOT NULL").Scan(ctx, &pending); err != nil {
		t.Fatal(err)
	}
	if pending != 300 {
		t.Fatalf("%d pending changes with their time, want 300", pending)
	}
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	var counted int64
	if err := s.DB().NewRaw("SELECT COALESCE(SUM(n), 0) FROM agg_month").Scan(ctx, &counted); err != nil {
		t.Fatal(err)
	}
	if counted != 300 {
		t.Fatalf("the month cells count %d responses, want 300", counted)
	}
	if err := s.VerifyCells(ctx); err != nil {
		t.Fatal(err)
	}
	// The months after the history are the server's; the history's month is not made twice.
	made, err := s.EnsurePartitions(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(made, " ") != "responses_2025_10 responses_2025_11" {
		t.Fatalf("made %v", made)
	}
	// An old id is still taken; a new row's seq follows the old ones.
	res, err := importString(t, s, "id,submitted_at,agency,q.overall\n00000000-0000-4000-8000-000000000005,2025-09-19T10:00:00+04:00,migration,5\n"+
		"00000000-0000-4000-8000-999999999999,2025-09-19T10:00:00+04:00,migration,5\n")
	if err != nil || res.Inserted != 1 || res.Skipped != 1 {
		t.Fatalf("import after the migration: %+v %v", res, err)
	}
	var seq int64
	if err := s.DB().NewRaw("SELECT seq FROM responses WHERE id = '00000000-0000-4000-8000-999999999999'").Scan(ctx, &seq); err != nil {
		t.Fatal(err)
	}
	if seq <= maxSeq {
		t.Fatalf("new seq %d after the old ones up to %d", seq, maxSeq)
	}
	// The link's invitation is still unique across partitions.
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO response_keys (id, invitation_id, seq, submitted_us) VALUES ('other', 4242, 0, 0)"); !survey.IsUniqueViolation(err) {
		t.Fatalf("a second response for invitation 4242: %v, want a unique violation", err)
	}
	// An instance of the previous version writes keys without their row's position: refused, never stored.
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO response_keys (id, invitation_id) VALUES ('older', NULL)"); err == nil {
		t.Fatal("a key without its row's position was accepted")
	}
	if err := s.VerifyCells(ctx); err != nil {
		t.Fatal(err)
	}
	// The history is archived whole, once it ends by --before.
	clock.Set(time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC))
	done, err := s.Archive(ctx, survey.ArchiveOptions{Before: "2025-12", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 3 || done[0].Partition != "responses_history" || !strings.HasSuffix(done[0].File, "/responses_history.csv") ||
		done[0].Rows != 301 || done[0].Kept != "responses_archived_history" || done[1].Partition != "responses_2025_10" {
		t.Fatalf("archived %+v", done)
	}
	if err := s.VerifyCells(ctx); err != nil {
		t.Fatal(err)
	}
}
