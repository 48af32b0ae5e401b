package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Partitions of the responses (PostgreSQL; docs/scaling.md, "Partitions and archives").
//
// responses is partitioned by range of submitted_us: one partition per month of QIYMET_TIMEZONE, named
// responses_YYYY_MM, the rows stored before the partitioning as responses_history (MINVALUE up to a month start),
// and responses_default for anything no partition covers (an import of old data, a month not yet created). The
// server creates the current month and the next PartitionsAhead months (EnsurePartitions, idempotent and safe with
// several instances: one advisory lock). Summary cells are untouched by all of this: they are keyed by local day
// and month, whatever partition a row lives in.

// PartitionsAhead is how many months after the current one `qiymet serve` keeps created.
const PartitionsAhead = 3

// partitionLockID serialises partition maintenance and archives across instances (the roll-up has 7_310_001,
// the kiosks 7_310_002 << 32 | id).
const partitionLockID = 7_310_003

// Partition is one partition of responses: [From, To) in Unix µs (math.MinInt64 for MINVALUE).
type Partition struct {
	Name     string
	From, To int64
	Default  bool
}

var partitionBoundRE = regexp.MustCompile(`^FOR VALUES FROM \((.+)\) TO \((.+)\)$`)

// partitionBound reads one bound of pg_get_expr(relpartbound): '123', 123, MINVALUE or MAXVALUE.
func partitionBound(v string) (int64, error) {
	switch v = strings.Trim(strings.TrimSpace(v), "'"); v {
	case "MINVALUE":
		return math.MinInt64, nil
	case "MAXVALUE":
		return math.MaxInt64, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// listPartitions returns the partitions of responses by their start (the default last).
func listPartitions(ctx context.Context, db bun.IDB) ([]Partition, error) {
	var parts []Partition
	err := eachRow(ctx, db, `SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'responses'::regclass`, nil, func(rows *sql.Rows) error {
		var p Partition
		var bound string
		if err := rows.Scan(&p.Name, &bound); err != nil {
			return err
		}
		if bound == "DEFAULT" {
			p.Default = true
		} else {
			m := partitionBoundRE.FindStringSubmatch(bound)
			if m == nil {
				return fmt.Errorf("partition %s: unexpected bound %q", p.Name, bound)
			}
			var err error
			if p.From, err = partitionBound(m[1]); err != nil {
				return fmt.Errorf("partition %s: bound %q: %w", p.Name, bound, err)
			}
			if p.To, err = partitionBound(m[2]); err != nil {
				return fmt.Errorf("partition %s: bound %q: %w", p.Name, bound, err)
			}
		}
		parts = append(parts, p)
		return nil
	})
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].Default != parts[j].Default {
			return !parts[i].Default
		}
		return parts[i].From < parts[j].From
	})
	return parts, err
}

// Partitions lists the partitions of responses (nil on SQLite).
func (s *Store) Partitions(ctx context.Context) ([]Partition, error) {
	if s.dialect != "pg" {
		return nil, nil
	}
	return listPartitions(ctx, s.db)
}

// monthStart is the first instant of t's month in loc.
func monthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// EnsurePartitions creates the partitions of the current month and the next ahead months that do not exist yet
// and returns their names. A month partly covered by another partition (the history, or months made in another
// time zone) gets a partition for the rest of it. Nothing on SQLite.
func (s *Store) EnsurePartitions(ctx context.Context, ahead int) ([]string, error) {
	if s.dialect != "pg" {
		return nil, nil
	}
	first := monthStart(s.now(), s.loc)
	months := make([]time.Time, 0, ahead+1)
	for i := 0; i <= ahead; i++ {
		months = append(months, first.AddDate(0, i, 0))
	}
	return s.ensureMonthsTx(ctx, months)
}

// ensureMonthsTx is ensureMonths in a transaction of its own.
func (s *Store) ensureMonthsTx(ctx context.Context, months []time.Time) ([]string, error) {
	var made []string
	err := s.inTx(ctx, func(tx bun.Tx) error {
		var err error
		made, err = s.ensureMonths(ctx, tx, months)
		return err
	})
	return made, err
}

// EnsureMonthPartitions creates the partitions of the months from from's month up to (not including) to's
// month, where free (PostgreSQL; the rows the default partition holds for them move in). For loading old data
// into monthly partitions rather than the default one, and for the partition benchmark.
func (s *Store) EnsureMonthPartitions(ctx context.Context, from, to time.Time) ([]string, error) {
	if s.dialect != "pg" {
		return nil, nil
	}
	var months []time.Time
	for m := monthStart(from, s.loc); m.Before(monthStart(to, s.loc)); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	return s.ensureMonthsTx(ctx, months)
}

// lockPartitions takes the partition lock for tx, waiting at most a few seconds for the tables' locks after it.
func lockPartitions(ctx context.Context, tx bun.Tx) error {
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?); SET LOCAL lock_timeout = '10s'", partitionLockID)
	return err
}

// ensureMonths creates the partitions of the given months (month starts in s.loc) in tx, where free.
func (s *Store) ensureMonths(ctx context.Context, tx bun.Tx, months []time.Time) ([]string, error) {
	if err := lockPartitions(ctx, tx); err != nil {
		return nil, err
	}
	parts, err := listPartitions(ctx, tx)
	if err != nil {
		return nil, err
	}
	var made []string
	for _, m := range months {
		from, to := m.UnixMicro(), m.AddDate(0, 1, 0).UnixMicro()
		for _, p := range parts { // clip [from, to) to what no partition holds yet
			if p.Default || p.To <= from || p.From >= to {
				continue
			}
			if p.From <= from {
				from = p.To
			} else {
				to = p.From
			}
			if from >= to {
				break
			}
		}
		if from >= to {
			continue
		}
		name, err := freePartitionName(ctx, tx, "responses_"+m.Format("2006_01"))
		if err != nil {
			return made, err
		}
		if err := createPartition(ctx, tx, name, from, to, s.now().UnixMicro()); err != nil {
			return made, fmt.Errorf("partition %s: %w", name, err)
		}
		parts = append(parts, Partition{Name: name, From: from, To: to})
		made = append(made, name)
	}
	return made, nil
}

// freePartitionName is base, or base_2, base_3, … when a table or an archive of that name exists (a month
// archived before and filled again by an import).
func freePartitionName(ctx context.Context, db bun.IDB, base string) (string, error) {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		var taken bool
		err := db.QueryRowContext(ctx, `SELECT to_regclass(?) IS NOT NULL OR EXISTS (SELECT 1 FROM response_archives WHERE partition = ?)`,
			name, name).Scan(&taken)
		if err != nil || !taken {
			return name, err
		}
	}
}

// createPartition makes name the partition [from, to) of responses: a plain table first, then attached, which
// takes a lighter lock on responses than CREATE TABLE … PARTITION OF (a CHECK spares its scan), so that making
// the coming months ahead never stops the writers. A range that may be written now (it begins before a day from
// now: the first start, a month made late) or whose rows the default partition holds (they move into the new
// table first) is made under an exclusive lock on responses: a statement that began before the attach would
// otherwise route a new row to the default partition, which no longer accepts it, or miss the moved rows.
func createPartition(ctx context.Context, tx bun.Tx, name string, from, to, nowUS int64) error {
	var inDefault bool
	if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM responses_default WHERE submitted_us >= ? AND submitted_us < ?)", from, to).
		Scan(ctx, &inDefault); err != nil {
		return err
	}
	id := bun.Ident(name)
	type step struct {
		sql  string
		args []any
	}
	var steps []step
	if inDefault || from < nowUS+int64(24*time.Hour/time.Microsecond) {
		steps = append(steps, step{"LOCK TABLE responses IN ACCESS EXCLUSIVE MODE", nil})
	}
	// No insert reaches the default partition meanwhile (one of the range there would make the attach fail,
	// and the next attempt move it).
	steps = append(steps, step{"LOCK TABLE responses_default IN EXCLUSIVE MODE", nil},
		step{"CREATE TABLE ? (LIKE responses INCLUDING DEFAULTS)", []any{id}})
	if inDefault {
		steps = append(steps, step{"WITH moved AS (DELETE FROM responses_default WHERE submitted_us >= ? AND submitted_us < ? RETURNING *) INSERT INTO ? SELECT * FROM moved",
			[]any{from, to, id}})
	}
	steps = append(steps,
		step{"ALTER TABLE ? ADD CONSTRAINT ? CHECK (submitted_us >= ? AND submitted_us < ?)", []any{id, bun.Ident(name + "_range"), from, to}},
		step{"ALTER TABLE responses ATTACH PARTITION ? FOR VALUES FROM (?) TO (?)", []any{id, from, to}},
		step{"ALTER TABLE ? DROP CONSTRAINT ?", []any{id, bun.Ident(name + "_range")}})
	for _, q := range steps {
		if _, err := tx.NewRaw(q.sql, q.args...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// ArchiveOptions are the arguments of `qiymet archive`.
type ArchiveOptions struct {
	Before string // YYYY-MM: partitions ending at or before this month's start in QIYMET_TIMEZONE
	Dir    string // where the CSV files go
	Drop   bool   // drop the detached tables once their file is written (default: keep them renamed)
}

// ArchivedPartition is one partition archived.
type ArchivedPartition struct {
	Partition string
	From, To  time.Time // From is the oldest row's time for the history partition
	Rows      int64
	File      string
	SHA256    string
	Kept      string // the detached table kept, "" when dropped
}

// ParseArchiveMonth reads --before: a month YYYY-MM, returning its first instant in loc.
func ParseArchiveMonth(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	t, err := time.ParseInLocation("2006-01", v, loc)
	if err != nil || len(v) != 7 || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, FieldError("before", "--before must be a month YYYY-MM between 2000 and 2100, got %q", truncate(v, 20))
	}
	return t, nil
}

// LatestArchiveMonth is the latest month --before may name at now: every month before it must have ended more
// than MaxAge ago, so that no kiosk or API submission can still arrive for it.
func LatestArchiveMonth(now time.Time, loc *time.Location) time.Time {
	return monthStart(now.Add(-MaxAge), loc)
}

// errArchivePending is a detached partition with changes not yet rolled up: the transaction is undone and the
// roll-up runs first.
var errArchivePending = errors.New("archive: changes of the partition are not rolled up yet")

// Archive exports every partition of responses that ends at or before the start of opt.Before (in
// QIYMET_TIMEZONE) to a CSV file in the response CSV format, one file per partition, and detaches it; the rows
// the default partition holds for those months are first moved into partitions of their own. The summary
// cells, the published snapshots and the response ids (response_keys) are left as they are; what the figures
// read from raw rows besides the cells (excluded counts, the "data as of" date, catalog references) is kept in
// archived_* tables. Each partition is detached first and then written from the detached table (kept until its
// file is written and synced), so no row written meanwhile can be missed; an archive cut short is finished by
// the next run. PostgreSQL only.
func (s *Store) Archive(ctx context.Context, opt ArchiveOptions) ([]ArchivedPartition, error) {
	if s.dialect != "pg" {
		return nil, Errorf(CodeInvalidField, "db", "qiymet archive needs PostgreSQL: SQLite keeps responses in one table, without partitions (use qiymet export and qiymet backup)")
	}
	before, err := ParseArchiveMonth(opt.Before, s.loc)
	if err != nil {
		return nil, err
	}
	if latest := LatestArchiveMonth(s.now(), s.loc); before.After(latest) {
		return nil, FieldError("before", "--before %s is too recent: months before it may still receive submissions (up to 30 days late); the latest month you can give now is %s",
			before.Format("2006-01"), latest.Format("2006-01"))
	}
	if opt.Dir == "" {
		opt.Dir = "."
	}
	if st, err := osStat(opt.Dir); err != nil || !st.IsDir() {
		return nil, FieldError("dir", "--dir %s is not a directory", opt.Dir)
	}
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return nil, err
	}
	// Changes waiting for the roll-up go into the cells first (a detached row could not be rolled up).
	if _, err := s.Rollup(ctx); err != nil {
		return nil, err
	}
	// The default partition's rows of those months get partitions of their own, so that they are archived too.
	err = s.inTx(ctx, func(tx bun.Tx) error {
		var months []string
		if err := eachRow(ctx, tx, `SELECT DISTINCT to_char(to_timestamp(submitted_us / 1e6) AT TIME ZONE ?, 'YYYY-MM')
			FROM responses_default WHERE submitted_us < ? ORDER BY 1`, []any{s.loc.String(), before.UnixMicro()}, func(rows *sql.Rows) error {
			var m string
			err := rows.Scan(&m)
			months = append(months, m)
			return err
		}); err != nil {
			return err
		}
		var starts []time.Time
		for _, m := range months {
			t, err := time.ParseInLocation("2006-01", m, s.loc)
			if err != nil {
				return err
			}
			starts = append(starts, t)
		}
		_, err := s.ensureMonths(ctx, tx, starts)
		return err
	})
	if err != nil {
		return nil, err
	}
	parts, err := listPartitions(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var todo []Partition
	for _, p := range parts {
		if !p.Default && p.To <= before.UnixMicro() {
			todo = append(todo, p)
		}
	}
	unfinished, err := s.unfinishedArchives(ctx)
	if err != nil {
		return nil, err
	}
	if len(todo) == 0 && len(unfinished) == 0 {
		oldest := "none"
		for _, p := range parts {
			if !p.Default {
				oldest = fmt.Sprintf("%s, from %s to %s", p.Name, boundTime(p.From, s.loc), boundTime(p.To, s.loc))
				break
			}
		}
		return nil, FieldError("before", "nothing to archive before %s (%s in %s): no partition ends by then (oldest partition: %s)",
			before.Format("2006-01"), before.Format(time.RFC3339), s.loc, oldest)
	}
	var out []ArchivedPartition
	// A run cut short after a detach: its file first.
	for _, a := range unfinished {
		done, err := s.writeArchive(ctx, cv, a, opt)
		if err != nil {
			return out, err
		}
		out = append(out, done)
	}
	for _, p := range todo {
		a, err := s.detachPartition(ctx, p)
		if err != nil {
			return out, err
		}
		done, err := s.writeArchive(ctx, cv, a, opt)
		if err != nil {
			return out, err
		}
		out = append(out, done)
	}
	return out, nil
}

// boundTime shows a partition bound.
func boundTime(us int64, loc *time.Location) string {
	if us == math.MinInt64 {
		return "the beginning"
	}
	return time.UnixMicro(us).In(loc).Format(time.RFC3339)
}

// archiveRow is one row of response_archives.
type archiveRow struct {
	bun.BaseModel `bun:"table:response_archives"`
	Partition     string `bun:"partition,pk"`
	FromUS        int64  `bun:"from_us"`
	ToUS          int64  `bun:"to_us"`
	Rows          int64  `bun:"rows"`
	State         string `bun:"state"` // detached, then archived
	File          string `bun:"file"`
	SHA256        string `bun:"sha256"`
	ArchivedUS    int64  `bun:"archived_us"`
	KeptTable     string `bun:"kept_table"`
}

func (s *Store) unfinishedArchives(ctx context.Context) ([]archiveRow, error) {
	var rows []archiveRow
	err := s.db.NewSelect().Model(&rows).Where("state = 'detached'").Order("from_us").Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return rows, err
}

// ArchivedBefore is the end (Unix µs) of the latest archived partition, 0 when none is.
func (s *Store) ArchivedBefore(ctx context.Context) (int64, error) {
	return archivedBefore(ctx, s.db)
}

func archivedBefore(ctx context.Context, db bun.IDB) (int64, error) {
	var v int64
	err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(to_us), 0) FROM response_archives").Scan(&v)
	return v, err
}

// detachPartition detaches p, keeps what the figures need of its rows (archived_*), renames it
// responses_archived_… and records it, in one transaction. It waits for the roll-up of changes to its rows.
func (s *Store) detachPartition(ctx context.Context, p Partition) (archiveRow, error) {
	var a archiveRow
	for attempt := 0; ; attempt++ {
		err := s.inTx(ctx, func(tx bun.Tx) error {
			if err := lockPartitions(ctx, tx); err != nil {
				return err
			}
			id := bun.Ident(p.Name)
			// After the detach no writer reaches the rows: every status change to them has committed (the
			// detach waited for it), so what is pending now is all there will be.
			if _, err := tx.NewRaw("ALTER TABLE responses DETACH PARTITION ?", id).Exec(ctx); err != nil {
				return err
			}
			var pending bool
			if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM agg_pending p JOIN ? r ON r.seq = p.response_seq)", id).Scan(ctx, &pending); err != nil {
				return err
			}
			if pending {
				return errArchivePending
			}
			var n, oldest int64
			if err := tx.NewRaw("SELECT COUNT(*), COALESCE(MIN(submitted_us), 0) FROM ?", id).Scan(ctx, &n, &oldest); err != nil {
				return err
			}
			zone := s.loc.String()
			day := "(EXTRACT(EPOCH FROM (date_trunc('day', to_timestamp(submitted_us / 1e6) AT TIME ZONE ?) AT TIME ZONE ?)) * 1000000)::BIGINT"
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"INSERT INTO archived_excluded (day_us, agency_code, reason, n) SELECT " + day + ", agency_code, COALESCE(reason, ''), COUNT(*) FROM ? " +
					"WHERE status = 'excluded' GROUP BY 1, 2, 3 ON CONFLICT (day_us, agency_code, reason) DO UPDATE SET n = archived_excluded.n + EXCLUDED.n",
					[]any{zone, zone, id}},
				{"INSERT INTO archived_last (day_us, last_us) SELECT " + day + ", MAX(submitted_us) FROM ? WHERE status <> 'excluded' GROUP BY 1 " +
					"ON CONFLICT (day_us) DO UPDATE SET last_us = GREATEST(archived_last.last_us, EXCLUDED.last_us)", []any{zone, zone, id}},
				{"INSERT INTO archived_refs (kind, code, version) SELECT DISTINCT 'agency', agency_code, 0 FROM ? " +
					"UNION SELECT DISTINCT 'service', service_code, 0 FROM ? WHERE service_code IS NOT NULL " +
					"UNION SELECT DISTINCT 'center', center_code, 0 FROM ? WHERE center_code IS NOT NULL " +
					"UNION SELECT DISTINCT 'survey', survey_code, survey_version FROM ? ON CONFLICT DO NOTHING", []any{id, id, id, id}},
			} {
				if _, err := tx.NewRaw(q.sql, q.args...).Exec(ctx); err != nil {
					return err
				}
			}
			kept, err := freePartitionName(ctx, tx, strings.Replace(p.Name, "responses_", "responses_archived_", 1))
			if err != nil {
				return err
			}
			if _, err := tx.NewRaw("ALTER TABLE ? RENAME TO ?", id, bun.Ident(kept)).Exec(ctx); err != nil {
				return err
			}
			from := p.From
			if from == math.MinInt64 {
				from = oldest
			}
			a = archiveRow{Partition: p.Name, FromUS: from, ToUS: p.To, Rows: n, State: "detached", ArchivedUS: s.now().UnixMicro(), KeptTable: kept}
			_, err = tx.NewInsert().Model(&a).Exec(ctx)
			return err
		})
		if err == errArchivePending && attempt < 5 {
			if _, err := s.Rollup(ctx); err != nil {
				return a, err
			}
			continue
		}
		if err != nil {
			return a, fmt.Errorf("archive %s: %w", p.Name, err)
		}
		return a, nil
	}
}
