package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// The statement a PostgreSQL submission batch runs (commitSubmissionBatchPG), prepared per connection and shape
// (again every replanEvery): planning it took as long as running it (0.2–0.3 ms of a 4-row batch's 0.5 ms), and
// the case CTEs doubled the planning. Rows and cases travel as JSON arrays ($1, $5), links as a bigint array
// ($3), so one prepared statement serves every batch of its shape.
//
//	$1 the rows (json: [{column: value}]), $2 now (µs: the links' used_us), $3 the links' invitation ids,
//	$4 the burst window (µs; 0: no kiosk row, no burst check), $5 the cases (json; store_case.go),
//	$6, $7 the span of stored times the burst check may look at: from the earliest kiosk row's time less the
//	window (excluded) to the latest one's (included). As parameters they prune the partitions of responses when
//	the statement starts, so it opens the month or two the kiosk rows fall in, not every month kept.

// ingestShape is what a batch needs beyond inserting rows: claiming links, opening cases. Each shape is its own
// prepared statement, so a batch without links or cases plans and runs none of their CTEs.
type ingestShape struct{ links, cases bool }

// name is the shape's prepared statement's name in a planning epoch (planEpoch); ingestVersion changes with the
// statement's text (a server only ever prepares its own text, but the name says which).
func (sh ingestShape) name(epoch int64) string {
	n := "qiymet_ingest_" + ingestVersion
	if sh.links {
		n += "_links"
	}
	if sh.cases {
		n += "_cases"
	}
	return n + "_e" + strconv.FormatInt(epoch, 10)
}

const ingestVersion = "v3"

// replanEvery is how long a connection keeps a batch statement's plan. PostgreSQL makes a generic plan at the
// first execution and replaces it only after ANALYZE has new statistics for one of its tables, which autovacuum
// takes a minute or more to gather. A plan made while a table was small reads it whole: in a load from a fresh
// database, the claim of the links' invitations planned on an empty table went on reading the whole of it, 9M
// rows in 15 s (2026-12-07), and made the batches that carried a link twice as slow as the others. A new name
// every epoch makes each connection prepare its statements again, planned on the tables as they are then; the
// cost is one PREPARE and one planning per shape, connection and epoch.
const replanEvery = 10 * time.Second

// planEpoch is the planning epoch at t.
func planEpoch(t time.Time) int64 { return t.Unix() / int64(replanEvery/time.Second) }

// prepare is the PREPARE of the shape's statement (and, with links, of the give-back that follows it in a batch:
// giveBackStatement), after preparePrelude.
func (sh ingestShape) prepare(epoch int64) string {
	var b strings.Builder
	names := []string{sh.name(epoch)}
	if sh.links {
		names = append(names, giveBackStatement.name(epoch))
	}
	b.WriteString(preparePrelude(epoch, names...))
	b.WriteString("PREPARE " + sh.name(epoch) + " (json, bigint, bigint[], bigint, json, bigint, bigint) AS ")
	b.WriteString("WITH v AS (SELECT * FROM json_to_recordset($1) AS v(" + responseColumns.typed() + "))")
	filter := ""
	if sh.links {
		b.WriteString(", claimed AS (UPDATE invitations SET used_us = $2 WHERE id = ANY($3) AND used_us IS NULL RETURNING id)")
		filter = " WHERE v.invitation_id IS NULL OR v.invitation_id IN (SELECT id FROM claimed)"
	}
	// The burst rule, as markBursts: a stored submission of the kiosk at most the window before (and not after).
	// Each row gets its seq here, so that its key can carry its row's primary key (seq, submitted_us).
	b.WriteString(", sel AS (SELECT v.*, nextval((SELECT pg_get_serial_sequence('responses', 'seq')::regclass)) AS seq, $4 > 0 AND v.kiosk_id IS NOT NULL AND EXISTS (SELECT 1 FROM responses p " +
		"WHERE p.kiosk_id = v.kiosk_id AND p.submitted_us <= v.submitted_us AND p.submitted_us > v.submitted_us - $4" +
		" AND p.submitted_us > $6 AND p.submitted_us <= $7) AS burst FROM v" + filter + ")")
	// responses is partitioned (by month): its ids are unique in response_keys, written first in the same
	// statement; a row goes in only when its key did (an id already stored, also archived, is a replay).
	b.WriteString(", keys AS (INSERT INTO response_keys (id, invitation_id, seq, submitted_us) " +
		"SELECT id, invitation_id, seq, submitted_us FROM sel ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id)" +
		", ins AS (INSERT INTO responses (seq, " + responseColumns.sql("") + ") SELECT v.seq, " + batchInsertSelect +
		" FROM sel v WHERE v.id IN (SELECT id FROM keys) ORDER BY v.id RETURNING id, status, reason)")
	if sh.cases {
		b.WriteString(caseCTEs)
	}
	b.WriteString(" SELECT true, id, status, COALESCE(reason, '') FROM ins")
	if sh.links {
		b.WriteString(" UNION ALL SELECT false, id::text, '', '' FROM claimed; ")
		b.WriteString(giveBackStatement.prepare(epoch))
	}
	return b.String()
}

// preparePrelude goes before the PREPAREs of statements named names in epoch: it drops the connection's
// statements of other epochs (a connection keeps its prepared statements until it closes) and any left of names
// (so that preparing again after a half-failed prepare works), and sets the connection to generic plans. Left to
// itself PostgreSQL kept planning each EXECUTE anew: a custom plan of a batch without a kiosk folds the burst
// check away, so custom plans look cheaper than the generic one, and the planning cost a fifth of PostgreSQL's
// CPU under ingest (measured: 0.6 → 0.48 ms a row). The setting only touches statements planned through the plan
// cache, which on a bun connection (the simple query protocol) are these prepared statements and PL/pgSQL's.
func preparePrelude(epoch int64, names ...string) string {
	return fmt.Sprintf("DO $$DECLARE n text; BEGIN FOR n IN SELECT name FROM pg_prepared_statements "+
		"WHERE name LIKE 'qiymet\\_ingest\\_%%' AND (name NOT LIKE '%%\\_e%d' OR name IN ('%s')) "+
		"LOOP EXECUTE 'DEALLOCATE ' || quote_ident(n); END LOOP; END$$; "+
		"SET plan_cache_mode = force_generic_plan; ", epoch, strings.Join(names, "', '"))
}

// pgStatement is a statement other than the batch's that each connection prepares for itself, as the batch
// statement (same epochs, same prelude): parsing and planning were most of what these cheap statements cost
// (2026-12-07, pg_stat_statements: 37 of a token lookup's 57 µs, 75 of the give-back's 87 µs).
type pgStatement struct{ base, params, body string }

// name is the statement's name in epoch.
func (st pgStatement) name(epoch int64) string {
	return "qiymet_ingest_" + ingestVersion + "_" + st.base + "_e" + strconv.FormatInt(epoch, 10)
}

// prepare is the statement's PREPARE in epoch (without the prelude).
func (st pgStatement) prepare(epoch int64) string {
	return "PREPARE " + st.name(epoch) + " (" + st.params + ") AS " + st.body
}

// giveBackStatement leaves unused the claimed invitations ($1) whose row a batch did not store (its id was already
// stored): a used invitation always has its response (responses_invitation finds it), so one used at the batch's
// now ($2) without a key is one this batch claimed.
var giveBackStatement = pgStatement{"giveback", "bigint[], bigint", "UPDATE invitations SET used_us = NULL " +
	"WHERE id = ANY($1) AND used_us = $2 AND NOT EXISTS (SELECT 1 FROM response_keys k WHERE k.invitation_id = invitations.id)"}

// queryPrepared sends q, which EXECUTEs statements that prepare() PREPAREs (its prelude included), on conn. A
// connection that has not prepared them in this epoch answers "does not exist" (26000): then it prepares them and
// sends q again. inTx: q opens a transaction, which the error left aborted; it is ended first.
func queryPrepared(ctx context.Context, conn bun.Conn, q string, prepare func() string, inTx bool) (*sql.Rows, error) {
	rows, err := conn.QueryContext(ctx, q)
	if !isMissingStatement(err) {
		return rows, err
	}
	if inTx {
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			return nil, err
		}
	}
	if _, err := conn.ExecContext(ctx, prepare()); err != nil {
		return nil, err
	}
	return conn.QueryContext(ctx, q)
}

// isMissingStatement reports PostgreSQL's "prepared statement does not exist" (26000): the connection has not
// prepared that shape yet.
func isMissingStatement(err error) bool {
	var pgErr pgdriver.Error
	return errors.As(err, &pgErr) && pgErr.Field('C') == "26000"
}

// typed lists the columns with their PostgreSQL types, for json_to_recordset's column definitions.
func (cs columnList) typed() string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.name + " " + c.pgType)
	}
	return b.String()
}

// appendJSON appends rows as a JSON array of objects keyed by column: null for the zero value of a nullable
// column, floats in their shortest exact form (float8 reads them back bit for bit).
func (cs columnList) appendJSON(b []byte, rows []*Response) []byte {
	b = append(b, '[')
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j, v := range cs.values(r) {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, cs[j].name...)
			b = append(b, '"', ':')
			switch v := v.(type) {
			case nil:
				b = append(b, "null"...)
			case string:
				q, _ := json.Marshal(v) // a string always marshals
				b = append(b, q...)
			case int64:
				b = strconv.AppendInt(b, v, 10)
			case float64:
				b = strconv.AppendFloat(b, v, 'g', -1, 64)
			case bool:
				b = strconv.AppendBool(b, v)
			default:
				panic("survey: a response column of type " + strconv.Quote(cs[j].pgType) + " has no JSON form")
			}
		}
		b = append(b, '}')
	}
	return append(b, ']')
}
