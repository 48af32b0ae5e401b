package survey_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/uptrace/bun"
)

// TestBatchCarriesAnyText: text that would break a hand-quoted statement (quotes, backslashes, dollar quotes,
// JSON, a placeholder, Azerbaijani letters) is stored exactly, in the response and in the case it opens, by
// batches of several submissions at once (on PostgreSQL, the prepared batch statement's JSON parameters; each
// new connection prepares it on first use).
func TestBatchCarriesAnyText(t *testing.T) {
	comments := []string{`'; DROP TABLE responses; --`, `$1 $$ $q$ \x00 \\ \"`, `{"overall":1}`, `Növbə ŞÇĞIİÖÜ əşçğıöü`, "line\nbreak\ttab", `?::text`}
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		storetest.ApplyCatalog(t, s)
		cred := apiCred(t, s)
		ids := make([]string, len(comments))
		var wg sync.WaitGroup
		for i, c := range comments {
			ids[i] = uuid.NewString()
			body := fmt.Appendf(nil, `{"id":%q,"agency":"migration","center":"baku-1","answers":{"overall":%d,"waiting":3},"comment":%q}`, ids[i], 1+i%2*4, c)
			wg.Go(func() {
				sub, err := survey.DecodeSubmission(body)
				if err != nil {
					t.Error(err)
					return
				}
				if _, _, err := s.Submit(ctx, sub, cred); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for i, c := range comments {
			if got := storedRow(t, s, "responses", "id = ?", ids[i])["comment"]; got != c {
				t.Errorf("response %d comment %q, want %q", i, got, c)
			}
			cases := countWhere(t, s, "cases", "response_id = ? AND comment = ?", ids[i], c)
			if want := int64(1 - i%2); cases != want {
				t.Errorf("response %d (overall %d): %d cases with its comment, want %d", i, 1+i%2*4, cases, want)
			}
		}
		if n := countRows(t, s, "events"); n != 3 {
			t.Errorf("%d events, want 3 (one case.opened per case)", n)
		}
	})
}

func countWhere(t testing.TB, s *survey.Store, table, where string, args ...any) int64 {
	t.Helper()
	n, err := s.DB().NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIngestStatementPlansOnce: the batch statement runs on its generic plan from its first execution. Left to
// PostgreSQL, each EXECUTE planned it anew (custom plans), a fifth of the database's CPU under ingest.
func TestIngestStatementPlansOnce(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	for _, shape := range []struct{ links, cases bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		prepare, name := survey.IngestStatement(shape.links, shape.cases, time.Now())
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, prepare); err != nil {
			t.Fatal(err)
		}
		const runs = 8 // PostgreSQL tries custom plans for the first five
		for i := range runs {
			if _, err := conn.ExecContext(ctx, "EXECUTE "+name+"('[]', 1, '{}', ?, '[]', 0, 0)", i%2*3_000_000); err != nil {
				t.Fatal(err)
			}
		}
		var generic, custom int64
		if err := conn.QueryRowContext(ctx, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = ?", name).Scan(&generic, &custom); err != nil {
			t.Fatal(err)
		}
		if generic != runs || custom != 0 {
			t.Errorf("%s: %d generic and %d custom plans in %d runs, want only generic", name, generic, custom, runs)
		}
		conn.Close()
	}
}

// TestIngestReplansAsTablesGrow: a batch statement planned while invitations was empty goes on reading the whole
// table as it grows (PostgreSQL replans only after ANALYZE); the statement of the next planning epoch, prepared
// on the same connection, finds the links by their key and leaves only itself (and its give-back) prepared. Through the store, a
// link submission after the epoch changed is stored (its connection prepares again on the way).
func TestIngestReplansAsTablesGrow(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	clock := storetest.NewClock(at)
	s := storetest.New(t, "pg", survey.Options{Now: clock.Now})
	ctx := context.Background()
	storetest.ApplyCatalog(t, s)
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	explainClaim := func(name string) string {
		t.Helper()
		plan := strings.Join(queryLines(t, conn, "EXPLAIN EXECUTE "+name+"('[]', 1, '{1,2}', 0, NULL, 0, 0)"), "\n")
		_, claim, _ := strings.Cut(plan, "Update on invitations")
		claim, _, _ = strings.Cut(claim, "CTE ")
		return claim
	}
	// No ANALYZE during the test: the table's statistics stay those of an empty table.
	if _, err := conn.ExecContext(ctx, "ALTER TABLE invitations SET (autovacuum_enabled = false)"); err != nil {
		t.Fatal(err)
	}
	prepare, name := survey.IngestStatement(true, false, at)
	if _, err := conn.ExecContext(ctx, prepare); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "EXECUTE "+name+"('[]', 1, '{1}', 0, NULL, 0, 0)"); err != nil { // planned now
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO invitations (token_hash, agency_code, visit_id, created_us, expires_us) "+
		"SELECT md5(i::text), 'migration', 'grow-' || i, 0, 1 FROM generate_series(1, 20000) i"); err != nil {
		t.Fatal(err)
	}
	if claim := explainClaim(name); !strings.Contains(claim, "Seq Scan on invitations") {
		t.Fatalf("the plan made on the empty table no longer scans it whole (has PostgreSQL changed?):\n%s", claim)
	}
	prepare, next := survey.IngestStatement(true, false, at.Add(survey.ReplanEvery))
	if _, err := conn.ExecContext(ctx, prepare); err != nil {
		t.Fatal(err)
	}
	if claim := explainClaim(next); strings.Contains(claim, "Seq Scan") || !strings.Contains(claim, "invitations_pkey") {
		t.Fatalf("the next epoch's statement does not find the links by their key:\n%s", claim)
	}
	// The links' shape comes with its give-back statement; nothing of the first epoch stays.
	names := queryLines(t, conn, "SELECT name FROM pg_prepared_statements ORDER BY name")
	_, giveBack := survey.LinkStatements(at.Add(survey.ReplanEvery))
	if len(names) != 2 || names[0] != giveBack || names[1] != next {
		t.Fatalf("prepared on the connection: %v, want %s and its give-back", names, next)
	}

	api := apiCred(t, s)
	for i := range 3 {
		_, token, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "justice", VisitID: fmt.Sprintf("E-%d", i)}, api.APIKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, created, err := submit(t, s, `{"token":"`+token+`","answers":{"overall":4}}`, survey.Credential{}); err != nil || !created {
			t.Fatalf("link submission in epoch %d: %v %v", i, created, err)
		}
		clock.Advance(survey.ReplanEvery)
	}
}

// TestLinkStatementsArePrepared: on PostgreSQL a link's token lookup and its batch's give-back run as statements
// their connection prepared, on generic plans, as the batch statement does. The give-back still gives back: a
// link submitted with an id already stored leaves its link unused. A connection where a statement of the epoch's
// names is already there (as after a prepare that failed half-way) prepares the set again instead of failing.
func TestLinkStatementsArePrepared(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	s := storetest.New(t, "pg", survey.Options{Now: storetest.NewClock(at).Now})
	ctx := context.Background()
	storetest.ApplyCatalog(t, s)
	api := apiCred(t, s)
	s.DB().SetMaxOpenConns(1) // one connection, whose prepared statements the test can list
	token, giveBack := survey.LinkStatements(at)
	if _, err := s.DB().ExecContext(ctx, "PREPARE "+giveBack+" AS SELECT 'left over'"); err != nil {
		t.Fatal(err)
	}

	link := func(visit string) string {
		t.Helper()
		_, tok, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "justice", VisitID: visit}, api.APIKey)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	first := link("P-1")
	if _, created, err := submit(t, s, `{"token":"`+first+`","answers":{"overall":4}}`, survey.Credential{}); err != nil || !created {
		t.Fatalf("link submission: %v %v", created, err)
	}
	if _, _, err := submit(t, s, `{"token":"`+first+`","answers":{"overall":2}}`, survey.Credential{}); survey.ErrorCode(err) != survey.CodeTokenUsed {
		t.Fatalf("the link again: %v, want token_used", err)
	}
	if _, _, err := submit(t, s, `{"token":"AAAAAAAAAAAAAAAAAAAAAAAA","answers":{"overall":2}}`, survey.Credential{}); survey.ErrorCode(err) != survey.CodeNotFound {
		t.Fatalf("an unknown link: %v, want not_found", err)
	}
	id := uuid.NewString()
	if _, created, err := submit(t, s, `{"id":"`+id+`","agency":"justice","answers":{"overall":5}}`, api); err != nil || !created {
		t.Fatalf("API submission: %v %v", created, err)
	}
	second := link("P-2")
	if _, _, err := submit(t, s, `{"id":"`+id+`","token":"`+second+`","answers":{"overall":1}}`, survey.Credential{}); survey.ErrorCode(err) != survey.CodeIDConflict {
		t.Fatalf("a link with a stored id: %v, want id_conflict", err)
	}
	if n := countWhere(t, s, "invitations", "visit_id = 'P-2' AND used_us IS NULL"); n != 1 {
		t.Fatal("the link whose row was not stored was not given back")
	}
	if _, created, err := submit(t, s, `{"token":"`+second+`","answers":{"overall":3}}`, survey.Credential{}); err != nil || !created {
		t.Fatalf("the given-back link: %v %v", created, err)
	}

	for _, name := range []string{token, giveBack} {
		var text string
		var generic, custom int64
		if err := s.DB().QueryRowContext(ctx, "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE name = ?", name).
			Scan(&text, &generic, &custom); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ours := strings.Contains(text, "PREPARE "+name+" (") && !strings.Contains(text, "left over"); generic == 0 || custom != 0 || !ours {
			t.Errorf("%s: %d generic and %d custom plans (the statement prepared by the store: %v), want generic plans only", name, generic, custom, ours)
		}
	}
}

// TestResponseKeysFindTheirRows: on PostgreSQL every response's key carries its row's primary key, whether the
// row came from a submission batch or an import, so a lookup by id needs no index on responses.id (there is
// none): a replay is answered from the stored row, an exclusion by id reaches its row.
func TestResponseKeysFindTheirRows(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	storetest.ApplyCatalog(t, s)
	cred := apiCred(t, s)
	var ids []string
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range 40 {
		wg.Go(func() {
			id := uuid.NewString()
			sub, err := survey.DecodeSubmission(fmt.Appendf(nil, `{"id":%q,"agency":"migration","center":"baku-1","answers":{"overall":%d}}`, id, 1+i%5))
			if err == nil {
				_, _, err = s.Submit(ctx, sub, cred)
			}
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
		})
	}
	wg.Wait()
	if _, err := importString(t, s, "id,submitted_at,agency,q.overall\n00000000-0000-4000-8000-000000000001,2025-09-19T10:00:00+04:00,migration,5\n"+
		"00000000-0000-4000-8000-000000000002,2025-09-20T10:00:00+04:00,migration,2\n"); err != nil {
		t.Fatal(err)
	}
	assertKeysFindRows(t, s, 42)
	// A different response under a stored id is found and refused; a replay of an imported row is answered.
	sub, err := survey.DecodeSubmission(fmt.Appendf(nil, `{"id":%q,"agency":"migration","center":"baku-1","answers":{"overall":3},"comment":"other"}`, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	if _, fresh, err := s.Submit(ctx, sub, cred); survey.ErrorCode(err) != survey.CodeIDConflict || fresh {
		t.Fatalf("a different response under a stored id: fresh %v, %v; want id_conflict", fresh, err)
	}
	cases := countRows(t, s, "cases")
	res, err := importString(t, s, "id,submitted_at,agency,q.overall\n00000000-0000-4000-8000-000000000002,2025-09-20T10:00:00+04:00,migration,2\n")
	if err != nil || res.Inserted != 0 || res.Skipped != 1 || res.Cases != 0 || countRows(t, s, "cases") != cases {
		t.Fatalf("the same rows imported again: %+v, %v", res, err)
	}
	if err := s.SetStatus(ctx, "00000000-0000-4000-8000-000000000002", survey.StatusExcluded, "test"); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, "responses", "id = ? AND status = ?", "00000000-0000-4000-8000-000000000002", survey.StatusExcluded); n != 1 {
		t.Fatalf("the imported row excluded by id: %d rows, want 1", n)
	}
	// The ids compare byte by byte (migration 20261207000300), and a lookup by a text of the database's
	// collation still goes through their primary key.
	var coll string
	if err := s.DB().NewRaw("SELECT collation_name FROM information_schema.columns WHERE table_name = 'response_keys' AND column_name = 'id'").
		Scan(ctx, &coll); err != nil || coll != "C" {
		t.Fatalf("response_keys.id collation %q (%v), want C", coll, err)
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// 42 keys: a scan would win. The connection goes back to the store's pool afterwards, reset.
	defer conn.ExecContext(ctx, "RESET enable_seqscan")
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(queryLines(t, conn, "EXPLAIN SELECT seq FROM response_keys WHERE id = ?::text", ids[1]), "\n")
	if !strings.Contains(plan, "response_keys_pkey") {
		t.Fatalf("a lookup by id does not use the primary key:\n%s", plan)
	}
}

// queryLines runs a query of one text column on conn (an EXPLAIN, a list of names) and returns its rows.
func queryLines(t testing.TB, conn bun.Conn, query string, args ...any) []string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// assertKeysFindRows checks that responses has no index on id and that each of its want rows is found by its
// id's key (response_keys) at its primary key.
func assertKeysFindRows(t *testing.T, s *survey.Store, want int64) {
	t.Helper()
	ctx := context.Background()
	var idIndexes, found, rows int64
	if err := s.DB().NewRaw(`SELECT
		(SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'responses' AND indexdef LIKE '%(id)'),
		(SELECT COUNT(*) FROM response_keys k JOIN responses r ON r.seq = k.seq AND r.submitted_us = k.submitted_us AND r.id = k.id),
		(SELECT COUNT(*) FROM responses)`).Scan(ctx, &idIndexes, &found, &rows); err != nil {
		t.Fatal(err)
	}
	if idIndexes != 0 || found != want || rows != want {
		t.Fatalf("%d indexes on responses.id (want none); %d of %d rows found through their keys, want %d", idIndexes, found, rows, want)
	}
}

// TestIngestBurstCheckOpensItsMonths: the batch statement's burst check opens only the partitions of the months
// its kiosk rows fall in, whatever the number of months kept (the span is a parameter, so the other
// partitions are pruned when the statement starts).
func TestIngestBurstCheckOpensItsMonths(t *testing.T) {
	s := storetest.New(t, "pg", survey.Options{})
	ctx := context.Background()
	if _, err := s.EnsurePartitions(ctx, 6); err != nil {
		t.Fatal(err)
	}
	parts, err := s.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prepare, name := survey.IngestStatement(false, false, time.Now())
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, prepare); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UnixMicro()
	plan := queryLines(t, conn, "EXPLAIN EXECUTE "+name+"(?, 1, '{}', 3000000, NULL, ?, ?)",
		fmt.Sprintf(`[{"id":"x","kiosk_id":1,"submitted_us":%d}]`, at), at-3_000_000, at)
	opened := 0
	for _, line := range plan {
		if strings.Contains(line, " on responses_") {
			opened++
		}
	}
	if len(parts) < 7 || opened != 1 {
		t.Fatalf("%d partitions; the burst check opens %d of them, want 1:\n%s", len(parts), opened, strings.Join(plan, "\n"))
	}
}
