package survey

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Packs (agg_pack, migration 20261206000100): the cells a ranking reads, packed one row per key, so that a
// ranking of 1,000 agencies reads one row per month or day instead of one per agency and month or day
// (modernc's SQLite costs ~1–2 µs a row through database/sql; docs/scaling.md). A pack of month k holds exactly
// the agg_month rows of month k, a pack of day k the agg_agency_day rows of day k, as they were at the pack's
// version.
//
// Correctness with any number of instances rests on the database alone:
//   - every write of a key's cells sets its pack row to (version + 1, data NULL) in the same transaction
//     (upsertCells; a zone rebuild does it for every key), so a pack with data is the key's cells as they are;
//   - a reader that finds data NULL sums the key's cells row by row and stores the pack it built with
//     UPDATE … WHERE version = <the version it read> AND data IS NULL: if the cells changed in between, the
//     version did too and nothing is stored (on PostgreSQL the UPDATE waits for an open writer and then
//     re-checks the row);
//   - every key with cells has a row (writers insert it, the migration backfilled it), so a key without a row
//     has no cells.
//
// Readers store packs in the background (never on the request's time) and on the primary, whatever they read.

// Pack kinds.
const (
	packMonth = "m" // k = month index; agg_month
	packDay   = "d" // k = day key; agg_agency_day
)

// packKey is a pack's kind and key.
type packKey struct {
	kind string
	k    int
}

// packPart is a range [from, to) of keys of one kind, read as part i.
type packPart struct {
	i        int
	kind     string
	from, to int
}

// packedCell is one cell of a pack.
type packedCell struct {
	agency string
	n      int64
	sumR   float64
	sumR2  float64
	nTop2  int64
}

// packFormat is the first byte of every part of a pack (so that an empty pack is not an empty value).
const packFormat = 1

// packPartBytes bounds a part of a pack. SQLite reads a value longer than 4,000 bytes from its overflow pages
// into a fresh allocation each time, and modernc's allocator maps and unmaps a 64 kB page for it: with one
// ~27 kB value per month that munmap alone was ~10 ms of a ranking of 1,000 agencies. Shorter values reuse the
// statement's buffer.
const packPartBytes = 3968

// encodePack packs cells (in the order given) into parts of at most ~packPartBytes; no cells is one empty part.
func encodePack(cells []packedCell) [][]byte {
	b := []byte{packFormat}
	var parts [][]byte
	for _, c := range cells {
		if len(b) > packPartBytes-64-len(c.agency) {
			parts = append(parts, b)
			b = []byte{packFormat}
		}
		b = binary.AppendUvarint(b, uint64(len(c.agency)))
		b = append(b, c.agency...)
		b = binary.AppendVarint(b, c.n)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.sumR))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.sumR2))
		b = binary.AppendVarint(b, c.nTop2)
	}
	return append(parts, b)
}

var errBadPack = errors.New("agg_pack: malformed pack")

// eachPacked calls fn for each cell of a pack; agency is only valid during the call (it aliases b).
func eachPacked(b []byte, fn func(agency []byte, n int64, sumR, sumR2 float64, nTop2 int64)) error {
	if len(b) == 0 || b[0] != packFormat {
		return errBadPack
	}
	for b = b[1:]; len(b) > 0; {
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return errBadPack
		}
		agency := b[k : k+int(l)]
		b = b[k+int(l):]
		n, k := binary.Varint(b)
		if k <= 0 || len(b) < k+16 {
			return errBadPack
		}
		b = b[k:]
		sumR := math.Float64frombits(binary.LittleEndian.Uint64(b))
		sumR2 := math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
		b = b[16:]
		nTop2, k := binary.Varint(b)
		if k <= 0 {
			return errBadPack
		}
		b = b[k:]
		fn(agency, n, sumR, sumR2, nTop2)
	}
	return nil
}

// packTable is the cell table and key column of a pack kind.
func packTable(kind string) (table, key string) {
	if kind == packMonth {
		return "agg_month", "month"
	}
	return "agg_agency_day", "day"
}

// readPack is one key's pack as read: part, key and its data (built from the cells when it was NULL).
type readPack struct {
	part, k int
	kind    string
	data    [][]byte // its parts
	version int64    // part 0's
	source  packSource
}

// packSource is where readPacks found a pack's data.
type packSource int

const (
	fromTable packSource = iota // read as stored
	fromCache                   // the stored version, kept from an earlier read (packCache)
	fromCells                   // built from the cells (the stored pack was stale)
)

// stalePack is a pack a reader built from the cells, to be stored if its version still holds.
type stalePack struct {
	kind    string
	k       int
	version int64
	data    [][]byte
}

// readPacks reads the packs of parts (sorted by part, then months before days, then key): stored packs as
// they are, and those whose data is NULL built from their cells and queued to be stored. Two statements, no
// transaction (a read never begins one: on SQLite it would take the write lock): a write committed between
// them shows in the keys built from cells only, each key's sums being those of one moment, as with the
// separate reads of the streak walk. A pack built from cells newer than the version read is never stored
// (the version has moved on).
func (s *Store) readPacks(ctx context.Context, parts []packPart) ([]readPack, error) {
	if len(parts) == 0 {
		return nil, nil
	}
	// Packs this process holds at some version come back without their data when that is still their version
	// (a ranking's data is then a few version numbers: its months and days rarely change).
	cached := s.cache.snapshot()
	var q []string
	var args []any
	for _, p := range parts {
		q = append(q, fmt.Sprintf("SELECT %d, kind, k, part, version, CASE WHEN %[3]s THEN NULL ELSE data END, %[3]s FROM agg_pack WHERE kind = '%[2]s' AND k >= ? AND k < ?",
			p.i, p.kind, cached.condition(p)))
		args = append(args, p.from, p.to)
	}
	var out []readPack
	var stale []stalePack
	read := func(db bun.IDB) error {
		out, stale = out[:0], stale[:0]
		type ref struct{ at, k int }
		missing := map[string][]ref{} // kind → packs of out to build
		built := map[string]int{}     // kind/key → the stale entry already built
		byKey := map[[2]int]int{}     // (part i, kind and key) → position in out
		var partOf []int              // out[j]'s parts seen so far
		err := eachRow(ctx, db, strings.Join(q, " UNION ALL "), args, func(rows *sql.Rows) error {
			var i, k, part int
			var kind string
			var version int64
			var data []byte
			var isCached bool
			if err := rows.Scan(&i, &kind, &k, &part, &version, &data, &isCached); err != nil {
				return err
			}
			signed := k
			if kind == packDay {
				signed = -k - 1 // months and days never share a key here
			}
			at, ok := byKey[[2]int{i, signed}]
			if !ok {
				at = len(out)
				byKey[[2]int{i, signed}] = at
				out = append(out, readPack{part: i, kind: kind, k: k, version: version})
				partOf = append(partOf, 0)
			}
			if isCached {
				if data = cached.part(kind, k, version, part); data == nil {
					return fmt.Errorf("%w: %s %d has a part %d the cached version %d lacks", errBadPack, kind, k, part, version)
				}
				out[at].source = fromCache
			}
			if part == 0 && data == nil {
				key := fmt.Sprint(kind, k)
				if _, ok := built[key]; !ok {
					built[key] = len(stale)
					stale = append(stale, stalePack{kind: kind, k: k, version: version})
				}
				missing[kind] = append(missing[kind], ref{at, k})
				return nil
			}
			if data != nil {
				for len(out[at].data) <= part {
					out[at].data = append(out[at].data, nil)
				}
				out[at].data[part] = data
				partOf[at]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		for kind, refs := range missing {
			if err := s.buildPacks(ctx, db, kind, stale, built); err != nil {
				return err
			}
			for _, r := range refs {
				out[r.at].data = stale[built[fmt.Sprint(kind, r.k)]].data
				out[r.at].source = fromCells
				partOf[r.at] = len(out[r.at].data)
			}
		}
		for j := range out {
			if partOf[j] != len(out[j].data) || slices.ContainsFunc(out[j].data, func(b []byte) bool { return b == nil }) {
				return fmt.Errorf("%w: %s %d has %d of %d parts", errBadPack, out[j].kind, out[j].k, partOf[j], len(out[j].data))
			}
		}
		return nil
	}
	if err := s.read(ctx, read); err != nil {
		return nil, err
	}
	s.cache.keep(out)
	// Months before days (the direct reads' order of a range: its whole months, then its edge days).
	slices.SortFunc(out, func(a, b readPack) int {
		return cmp.Or(cmp.Compare(a.part, b.part), -cmp.Compare(a.kind, b.kind), cmp.Compare(a.k, b.k))
	})
	s.storePacks(stale)
	return out, nil
}

// buildPacks reads the cells of the stale packs of one kind and sets their data (an empty pack: no cells).
func (s *Store) buildPacks(ctx context.Context, db bun.IDB, kind string, stale []stalePack, at map[string]int) error {
	var keys []string
	for _, p := range stale {
		if p.kind == kind {
			keys = append(keys, fmt.Sprint(p.k))
			stale[at[fmt.Sprint(kind, p.k)]].data = encodePack(nil)
		}
	}
	table, col := packTable(kind)
	cells := map[int][]packedCell{}
	err := eachRow(ctx, db, fmt.Sprintf("SELECT %[1]s, agency_code, n, sum_r, sum_r2, n_top2 FROM %[2]s WHERE %[1]s IN (%[3]s)",
		col, table, strings.Join(keys, ", ")), nil, func(rows *sql.Rows) error {
		var k int
		var c packedCell
		if err := rows.Scan(&k, &c.agency, &c.n, &c.sumR, &c.sumR2, &c.nTop2); err != nil {
			return err
		}
		cells[k] = append(cells[k], c)
		return nil
	})
	if err != nil {
		return err
	}
	for k, cs := range cells {
		// One order whatever the database returned: the agency codes' byte order.
		slices.SortFunc(cs, func(a, b packedCell) int { return strings.Compare(a.agency, b.agency) })
		stale[at[fmt.Sprint(kind, k)]].data = encodePack(cs)
	}
	return nil
}

// packWriter stores the packs readers built, in the background, each (kind, key, version) once at a time.
type packWriter struct {
	mu       sync.Mutex
	inFlight map[string]bool
	wg       sync.WaitGroup
	closed   bool
}

// storePacks stores packs in the background on the primary, where their version still holds.
func (s *Store) storePacks(packs []stalePack) {
	if len(packs) == 0 {
		return
	}
	w := &s.packs
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	if w.inFlight == nil {
		w.inFlight = map[string]bool{}
	}
	var todo []stalePack
	for _, p := range packs {
		key := fmt.Sprint(p.kind, p.k, "@", p.version)
		if !w.inFlight[key] {
			w.inFlight[key] = true
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return
	}
	w.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := s.writePacks(ctx, todo)
		if err != nil && IsStorageFailure(err) {
			s.noteWrite(err)
		}
		w.mu.Lock()
		for _, p := range todo {
			delete(w.inFlight, fmt.Sprint(p.kind, p.k, "@", p.version))
		}
		w.mu.Unlock()
	})
}

// writePacks stores packs whose version still holds, in one transaction (a failure leaves them NULL: the next
// reader builds them again). Part 0 is stored first, only where it still has the version read and no data;
// its row lock (PostgreSQL) or the one writer (SQLite) keeps a concurrent write of the cells out until the
// commit, and that write then deletes the other parts with the data.
func (s *Store) writePacks(ctx context.Context, packs []stalePack) error {
	defer s.takeWriteTurn()()
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range packs {
			res, err := tx.ExecContext(ctx, "UPDATE agg_pack SET data = ? WHERE kind = ? AND k = ? AND part = 0 AND version = ? AND data IS NULL",
				p.data[0], p.kind, p.k, p.version)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				continue // written meanwhile, or already stored
			}
			for j, d := range p.data[1:] {
				if _, err := tx.ExecContext(ctx, "INSERT INTO agg_pack (kind, k, part, version, data) VALUES (?, ?, ?, ?, ?)",
					p.kind, p.k, j+1, p.version, d); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WaitPacks waits until the packs queued so far are stored (tests).
func (s *Store) WaitPacks() { s.packs.wg.Wait() }

// closePacks stops queueing packs and waits for those in flight.
func (s *Store) closePacks() {
	s.packs.mu.Lock()
	s.packs.closed = true
	s.packs.mu.Unlock()
	s.packs.wg.Wait()
}

// touchPacks marks the packs of the keys whose cells a write changes: part 0 gets version + 1 and no data (a
// key without one gets it), the other parts go. Keys in ascending order, 500 a statement.
func touchPacks(ctx context.Context, tx bun.IDB, kind string, keys []int) error {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		var vals, list []string
		for _, k := range keys[i:min(i+chunk, len(keys))] {
			vals = append(vals, fmt.Sprintf("('%s', %d, 0, 1)", kind, k))
			list = append(list, fmt.Sprint(k))
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO agg_pack (kind, k, part, version) VALUES "+strings.Join(vals, ", ")+
			" ON CONFLICT (kind, k, part) DO UPDATE SET version = agg_pack.version + 1, data = NULL"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM agg_pack WHERE kind = '%s' AND k IN (%s) AND part > 0",
			kind, strings.Join(list, ", "))); err != nil {
			return err
		}
	}
	return nil
}

// packSums sums the cells of packs per (key(pack), agency), in the order each pair first appears, and
// leaves out sums of no responses. For each pair the cells are added in the packs' order (key, then day), the
// order in which the direct reads add them on SQLite. Agency codes are looked up once per cell in one map
// (no allocation), and each key's sums found through a slice indexed by the agency's number.
func packSums(packs []readPack, key func(readPack) int) ([]AgencySums, error) {
	var out []AgencySums
	agencies := map[string]int{}   // agency → its number
	var names []string             // number → agency
	index := map[int][]int32{}     // key → agency number → position in out + 1 (0: none yet)
	lastKey, at := 0, []int32(nil) // the current key's slice
	for j, p := range packs {
		k := key(p)
		if j == 0 || k != lastKey {
			index[lastKey] = at
			lastKey, at = k, index[k]
		}
		for _, data := range p.data {
			err := eachPacked(data, func(agency []byte, n int64, sumR, sumR2 float64, nTop2 int64) {
				a, ok := agencies[string(agency)]
				if !ok {
					a = len(names)
					names = append(names, string(agency))
					agencies[names[a]] = a
				}
				for len(at) <= a {
					at = append(at, 0)
				}
				if at[a] == 0 {
					out = append(out, AgencySums{Key: k, Agency: names[a]})
					at[a] = int32(len(out))
				}
				st := &out[at[a]-1].Stats
				st.N, st.SumR, st.SumR2, st.NTop2 = st.N+n, st.SumR+sumR, st.SumR2+sumR2, st.NTop2+nTop2
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return slices.DeleteFunc(out, func(c AgencySums) bool { return c.Stats.N <= 0 }), nil
}
