package survey

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Every read of the summary tables (agg_day, agg_agency_day, agg_month, agg_answer, agg_pending), plain reads that never
// write (a ranking's month and day cells come from their packs, whose misses are stored in the background:
// store_pack.go). The sums come back unrounded; package figures turns them into published figures. A reader that
// must see every committed change calls AwaitCells first. The sums and the two response reads at the end go
// through reader (store_read.go): with a read replica they may be up to QIYMET_DB_READ_MAX_LAG behind, while
// the freshness check (CellsCurrent, Pending) asks the primary, where the roll-up writes.

// CellsCurrent reports whether the cells hold every committed change: nothing pending, and built for this
// store's zone. One round trip.
func (s *Store) CellsCurrent(ctx context.Context) (bool, error) {
	var pending int64
	var zone sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM agg_pending LIMIT 1) AS p),
		(SELECT value FROM meta WHERE key = 'agg_timezone')`).Scan(&pending, &zone)
	return err == nil && pending == 0 && zone.Valid && zone.String == s.loc.String(), err
}

// Pending counts the changes not yet rolled up.
func (s *Store) Pending(ctx context.Context) (int64, error) {
	return s.db.NewSelect().Table("agg_pending").Count(ctx)
}

// anyPending reports whether some change waits for the roll-up.
func anyPending(ctx context.Context, db bun.IDB) (bool, error) {
	var ids []int64
	if err := db.NewSelect().Table("agg_pending").Column("id").Limit(1).Scan(ctx, &ids); err != nil && !isNoRows(err) {
		return false, err
	}
	return len(ids) > 0, nil
}

// pendingBatch reads the oldest pending changes, up to limit, with the responses they concern.
func pendingBatch(ctx context.Context, tx bun.Tx, dialect string, limit int) ([]pendingRow, error) {
	q := `SELECT p.id, p.sign, ` + cellColumns.scanned("r.") + ` FROM agg_pending AS p
		JOIN responses AS r ON r.seq = p.response_seq ORDER BY p.id LIMIT ?`
	if dialect == "pg" {
		// One index probe of one partition per change, whatever the table's size and the planner's guess (a
		// plain join may hash every partition): the changes first, then each one's row by (seq, submitted_us),
		// the primary key (LATERAL with LIMIT 1, which keeps it from being flattened into a join: a nested loop,
		// pruned to the partition at run time; 13 ms against 44 ms for 2,000 changes over 100k rows).
		q = `SELECT p.id, p.sign, ` + cellColumns.scanned("r.") + ` FROM
		(SELECT id, sign, response_seq, submitted_us FROM agg_pending ORDER BY id LIMIT ?) AS p
		CROSS JOIN LATERAL (SELECT * FROM responses AS r0 WHERE r0.seq = p.response_seq AND r0.submitted_us = p.submitted_us LIMIT 1) AS r
		ORDER BY p.id`
	}
	return collectRows(ctx, tx, q, []any{limit},
		func(rows *sql.Rows, p *pendingRow) error {
			return rows.Scan(append([]any{&p.id, &p.sign}, cellColumns.pointers(&p.response)...)...)
		})
}

// pendingJoin joins a pending change p to its response r. On PostgreSQL by submitted_us too: responses is
// partitioned by it, so each change reads one partition.
func pendingJoin(dialect string) string {
	if dialect == "pg" {
		return "r.seq = p.response_seq AND r.submitted_us = p.submitted_us"
	}
	return "r.seq = p.response_seq"
}

// cellZone is the zone the cells were built in ("" before the first roll-up).
func cellZone(ctx context.Context, db bun.IDB) (string, error) {
	var zone string
	err := db.NewSelect().Model((*metaRow)(nil)).Column("value").Where("key = 'agg_timezone'").Scan(ctx, &zone)
	if isNoRows(err) {
		err = nil
	}
	return zone, err
}

// MonthSums sums agg_month over the months [from, to) per agency and run of size months (Key = month / size).
// The periods of one kind start at month indexes that are multiples of their length, so one read serves a
// period and all earlier periods of its kind.
//
// On SQLite the cells are read one by one in key order and summed here: modernc's SQLite sorts a GROUP BY
// that does not follow the key, which measured slower than reading ~3× the rows (1,000 agencies, 13 quarters:
// 52 ms for the GROUP BY, 34 ms for every month cell). PostgreSQL sums them itself.
//
// Unless the store reads cells directly (Options.DirectCells), the months come from their packs (store_pack.go):
// one row per month instead of one per agency and month.
func (s *Store) MonthSums(ctx context.Context, from, to, size int) ([]AgencySums, error) {
	if !s.direct {
		packs, err := s.readPacks(ctx, []packPart{{kind: packMonth, from: from, to: to}})
		if err != nil {
			return nil, err
		}
		return packSums(packs, func(p readPack) int { return p.k / size })
	}
	if s.dialect == "sqlite" {
		return s.summedHere(ctx, fmt.Sprintf(`SELECT month / %d, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month
			WHERE month >= ? AND month < ?`, size), from, to)
	}
	return s.agencySums(ctx, fmt.Sprintf(`SELECT month / %d, agency_code, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2),
		CAST(SUM(n_top2) AS BIGINT) FROM agg_month WHERE month >= ? AND month < ? AND n > 0 GROUP BY month / %d, agency_code`, size, size),
		from, to)
}

// MonthCells is agg_month over the months [from, to) (Key = month index) of one agency, or of every agency
// for agency "".
func (s *Store) MonthCells(ctx context.Context, agency string, from, to int) ([]AgencySums, error) {
	if agency == "" {
		return s.agencySums(ctx, `SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month
			WHERE month >= ? AND month < ? AND n > 0`, from, to)
	}
	return s.agencySums(ctx, `SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month
		WHERE agency_code = ? AND month >= ? AND month < ?`, agency, from, to)
}

// DaySums is one agency's agency-day cells in r (Key = day key).
func (s *Store) DaySums(ctx context.Context, agency string, r DayRange) ([]AgencySums, error) {
	return s.agencySums(ctx, `SELECT day, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_agency_day
		WHERE agency_code = ? AND day >= ? AND day < ? ORDER BY day`, agency, r.From, r.To)
}

// DayTotals sums the cells of r per agency (Key 0), read as RangeSums reads one range: one row per agency.
func (s *Store) DayTotals(ctx context.Context, r DayRange) ([]AgencySums, error) {
	parts, err := s.RangeSums(ctx, []DayRange{r})
	if err != nil {
		return nil, err
	}
	var out []AgencySums
	at := map[string]int{}
	for _, c := range parts {
		i, ok := at[c.Agency]
		if !ok {
			at[c.Agency] = len(out)
			out = append(out, c)
			continue
		}
		st := &out[i].Stats
		st.N, st.SumR, st.SumR2, st.NTop2 = st.N+c.Stats.N, st.SumR+c.Stats.SumR, st.SumR2+c.Stats.SumR2, st.NTop2+c.Stats.NTop2
	}
	return out, nil
}

// RangeSums sums each range per agency (Key = the range's position in ranges) in one query: agg_month for
// the whole months inside a range, agg_agency_day (one row per agency and day) for the days at its edges.
//
// Unless the store reads cells directly (Options.DirectCells), both come from their packs (store_pack.go): one
// row per month and per day instead of one per agency and month or day.
func (s *Store) RangeSums(ctx context.Context, ranges []DayRange) ([]AgencySums, error) {
	if !s.direct {
		var parts []packPart
		for i, r := range ranges {
			monthFrom, monthTo, edges := splitDays(r)
			if monthTo > monthFrom {
				parts = append(parts, packPart{i: i, kind: packMonth, from: monthFrom, to: monthTo})
			}
			for _, d := range edges {
				parts = append(parts, packPart{i: i, kind: packDay, from: d.From, to: d.To})
			}
		}
		packs, err := s.readPacks(ctx, parts)
		if err != nil {
			return nil, err
		}
		return packSums(packs, func(p readPack) int { return p.part })
	}
	// As in MonthSums, SQLite's cells are read one by one and summed here.
	sums := "CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT)"
	group := " GROUP BY agency_code"
	if s.dialect == "sqlite" {
		sums, group = "n, sum_r, sum_r2, n_top2", ""
	}
	var parts []string
	var args []any
	for i, r := range ranges {
		monthFrom, monthTo, edges := splitDays(r)
		if monthTo > monthFrom {
			parts = append(parts, fmt.Sprintf(`SELECT %d, agency_code, %s FROM agg_month WHERE month >= ? AND month < ?%s`, i, sums, group))
			args = append(args, monthFrom, monthTo)
		}
		for _, d := range edges {
			parts = append(parts, fmt.Sprintf(`SELECT %d, agency_code, %s FROM agg_agency_day WHERE day >= ? AND day < ?%s`, i, sums, group))
			args = append(args, d.From, d.To)
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	if s.dialect == "sqlite" {
		return s.summedHere(ctx, strings.Join(parts, " UNION ALL "), args...)
	}
	// PostgreSQL plans the UNION ALL of a range, its previous range and its previous year as a parallel
	// append, whose workers cost more than the sums (10M responses: 148–220 ms with two workers, 33–38 ms
	// without; docs/scaling.md): one read-only transaction without parallel workers.
	var out []AgencySums
	err := s.read(ctx, func(db bun.IDB) error {
		return db.RunInTx(ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
				return err
			}
			var err error
			out, err = collectRows(ctx, tx, strings.Join(parts, " UNION ALL "), args, scanAgencySums)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(c AgencySums) bool { return c.Stats.N <= 0 }), nil
}

// summedHere runs a query of (key, agency, n, Σr, Σr², n_top2) cell rows and sums them per key and agency
// (in the order each pair first appears), leaving out sums of no responses.
func (s *Store) summedHere(ctx context.Context, q string, args ...any) ([]AgencySums, error) {
	type key struct {
		k      int
		agency string
	}
	var out []AgencySums
	at := map[key]int{}
	err := s.read(ctx, func(db bun.IDB) error {
		out, at = out[:0], map[key]int{}
		var c AgencySums
		return eachRow(ctx, db, q, args, func(rows *sql.Rows) error {
			if err := rows.Scan(&c.Key, &c.Agency, &c.Stats.N, &c.Stats.SumR, &c.Stats.SumR2, &c.Stats.NTop2); err != nil {
				return err
			}
			i, ok := at[key{c.Key, c.Agency}]
			if !ok {
				at[key{c.Key, c.Agency}] = len(out)
				out = append(out, c)
				return nil
			}
			st := &out[i].Stats
			st.N, st.SumR, st.SumR2, st.NTop2 = st.N+c.Stats.N, st.SumR+c.Stats.SumR, st.SumR2+c.Stats.SumR2, st.NTop2+c.Stats.NTop2
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(c AgencySums) bool { return c.Stats.N <= 0 }), nil
}

// agencySums runs a query of (key, agency, n, Σr, Σr², n_top2) rows, leaving out sums of no responses.
func (s *Store) agencySums(ctx context.Context, q string, args ...any) ([]AgencySums, error) {
	sums, err := readRows(ctx, s, q, args, scanAgencySums)
	return slices.DeleteFunc(sums, func(c AgencySums) bool { return c.Stats.N <= 0 }), err
}

// scanAgencySums scans one (key, agency, n, Σr, Σr², n_top2) row; a sum over no rows (NULL) is 0.
func scanAgencySums(rows *sql.Rows, c *AgencySums) error {
	var sumR, sumR2 sql.NullFloat64
	err := rows.Scan(&c.Key, &c.Agency, &c.Stats.N, &sumR, &sumR2, &c.Stats.NTop2)
	c.Stats.SumR, c.Stats.SumR2 = sumR.Float64, sumR2.Float64
	return err
}

// AttributeCells sums an agency's day cells in r per service, centre and channel in one scan, so a page
// needing all three breakdowns reads the cells once instead of three times.
func (s *Store) AttributeCells(ctx context.Context, agency string, r DayRange) ([]AttributeCell, error) {
	return readRows(ctx, s, `SELECT service_code, center_code, channel, CAST(SUM(n) AS BIGINT), SUM(sum_r),
		SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day WHERE agency_code = ? AND day >= ? AND day < ?
		GROUP BY service_code, center_code, channel`, []any{agency, r.From, r.To},
		func(rows *sql.Rows, c *AttributeCell) error {
			return rows.Scan(&c.Service, &c.Center, &c.Channel, &c.Stats.N, &c.Stats.SumR, &c.Stats.SumR2, &c.Stats.NTop2)
		})
}

// AttributeCellsBy sums an agency's day cells in r per value of one attribute (AttrService, AttrCenter or
// AttrChannel), ordered by it; cells without the attribute and sums of no responses are left out, and the
// other attributes of the result are "".
func (s *Store) AttributeCellsBy(ctx context.Context, agency string, r DayRange, attr string) ([]AttributeCell, error) {
	col, ok := attrColumns[attr]
	if !ok {
		return nil, fmt.Errorf("attribute cells: no attribute %q", attr)
	}
	cells, err := readRows(ctx, s, `SELECT `+col+`, CAST(SUM(n) AS BIGINT), SUM(sum_r), SUM(sum_r2), CAST(SUM(n_top2) AS BIGINT) FROM agg_day
		WHERE agency_code = ? AND day >= ? AND day < ? AND `+col+` <> ''
		GROUP BY `+col+` ORDER BY `+col, []any{agency, r.From, r.To},
		func(rows *sql.Rows, c *AttributeCell) error {
			key := attrOf(c, attr)
			return rows.Scan(key, &c.Stats.N, &c.Stats.SumR, &c.Stats.SumR2, &c.Stats.NTop2)
		})
	return slices.DeleteFunc(cells, func(c AttributeCell) bool { return c.Stats.N <= 0 }), err
}

// attrOf is the field of c that holds attr (AttrService, AttrCenter, else the channel).
func attrOf(c *AttributeCell, attr string) *string {
	switch attr {
	case AttrService:
		return &c.Service
	case AttrCenter:
		return &c.Center
	}
	return &c.Channel
}

// AnswerCounts sums an agency's answer cells in r per survey version, question and value.
func (s *Store) AnswerCounts(ctx context.Context, agency string, r DayRange) ([]AnswerCount, error) {
	return readRows(ctx, s, `SELECT survey_code, survey_version, question, value, CAST(SUM(n) AS BIGINT) FROM agg_answer
		WHERE agency_code = ? AND day >= ? AND day < ?
		GROUP BY survey_code, survey_version, question, value`, []any{agency, r.From, r.To},
		func(rows *sql.Rows, c *AnswerCount) error {
			return rows.Scan(&c.Survey, &c.SurveyVersion, &c.Question, &c.Value, &c.N)
		})
}

// eachCell streams the stored cells of one agency ("" = all) to the callbacks, table by table, in flat memory.
func eachCell(ctx context.Context, db bun.IDB, agency string, day func(DayCell), aday func(AgencyDayCell), month func(MonthCell),
	answer func(AnswerCell)) error {
	where, args := "", []any{}
	if agency != "" {
		where, args = " WHERE agency_code = ?", []any{agency}
	}
	err := eachRow(ctx, db, `SELECT day, agency_code, service_code, center_code, channel, n, sum_r, sum_r2, n_top2 FROM agg_day`+where, args,
		func(rows *sql.Rows) error {
			var c DayCell
			err := rows.Scan(&c.Day, &c.Agency, &c.Service, &c.Center, &c.Channel, &c.N, &c.SumR, &c.SumR2, &c.NTop2)
			if err == nil {
				day(c)
			}
			return err
		})
	if err != nil {
		return err
	}
	err = eachRow(ctx, db, `SELECT day, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_agency_day`+where, args,
		func(rows *sql.Rows) error {
			var c AgencyDayCell
			err := rows.Scan(&c.Day, &c.Agency, &c.N, &c.SumR, &c.SumR2, &c.NTop2)
			if err == nil {
				aday(c)
			}
			return err
		})
	if err != nil {
		return err
	}
	err = eachRow(ctx, db, `SELECT month, agency_code, n, sum_r, sum_r2, n_top2 FROM agg_month`+where, args,
		func(rows *sql.Rows) error {
			var c MonthCell
			err := rows.Scan(&c.Month, &c.Agency, &c.N, &c.SumR, &c.SumR2, &c.NTop2)
			if err == nil {
				month(c)
			}
			return err
		})
	if err != nil {
		return err
	}
	return eachRow(ctx, db, `SELECT day, agency_code, survey_code, survey_version, question, value, n FROM agg_answer`+where, args,
		func(rows *sql.Rows) error {
			var c AnswerCell
			err := rows.Scan(&c.Day, &c.Agency, &c.Survey, &c.SurveyVersion, &c.Question, &c.Value, &c.N)
			if err == nil {
				answer(c)
			}
			return err
		})
}

// The figures' two inputs that are not cells: both read the responses, through indexes.

// LastSubmitted is the latest submission time (Unix µs) of a counted response in [from, to), 0 when there is
// none: the "data as of" date of a report (excluded responses count for no figure, so not for this date either).
func (s *Store) LastSubmitted(ctx context.Context, from, to time.Time) (int64, error) {
	var v *int64
	err := s.read(ctx, func(db bun.IDB) error {
		// archived_last: the same of the archived days (store_partition.go), by local midnight.
		return db.NewRaw(`SELECT MAX(m) FROM (SELECT MAX(submitted_us) AS m FROM responses
			WHERE submitted_us >= ? AND submitted_us < ? AND status <> 'excluded'
			UNION ALL SELECT MAX(last_us) FROM archived_last WHERE day_us >= ? AND day_us < ?) AS x`,
			from.UnixMicro(), to.UnixMicro(), from.UnixMicro(), to.UnixMicro()).Scan(ctx, &v)
	})
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// ExcludedCounts counts the excluded responses submitted in [from, to) by reason ("" agency = every
// agency). A response excluded without a reason is counted under "".
func (s *Store) ExcludedCounts(ctx context.Context, agency string, from, to time.Time) (map[string]int64, error) {
	// archived_excluded: the same of the archived days (store_partition.go), by local midnight.
	q := `SELECT COALESCE(reason, '') AS reason, COUNT(*) AS n FROM responses
		WHERE status = 'excluded' AND submitted_us >= ? AND submitted_us < ?`
	qa := `SELECT reason, SUM(n) AS n FROM archived_excluded WHERE day_us >= ? AND day_us < ?`
	args := []any{from.UnixMicro(), to.UnixMicro()}
	if agency != "" {
		q += ` AND agency_code = ?`
		qa += ` AND agency_code = ?`
		args = append(args, agency)
	}
	q = `SELECT reason, SUM(n) FROM (` + q + ` GROUP BY COALESCE(reason, '') UNION ALL ` + qa + ` GROUP BY reason) AS x`
	args = append(args, args...)
	var out map[string]int64
	err := s.read(ctx, func(db bun.IDB) error {
		out = map[string]int64{}
		return eachRow(ctx, db, q+` GROUP BY reason`, args, func(rows *sql.Rows) error {
			var reason string
			var n int64
			err := rows.Scan(&reason, &n)
			out[reason] = n
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
