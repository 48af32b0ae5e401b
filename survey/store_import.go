package survey

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// ImportOptions tune Store.Import; the zero value is fine.
type ImportOptions struct {
	// OnError, when set, sees every bad line as it is found (the CLI prints them all).
	OnError func(LineError)
	// Progress, when set, is called now and then with the phase ("importing", "rolling up") and the rows
	// done so far.
	Progress func(phase string, rows int64)
	// Cases: rows that would open a case (CONTRACT §11) open it, in the import's transaction (`qiymet import
	// --cases`). Off by default: an import of historical data opens none.
	Cases bool
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows     int64 // data rows in the file
	Inserted int64 // rows stored
	Skipped  int64 // rows whose id was already stored (or repeated in the file)
	Cases    int   // cases opened (ImportOptions.Cases)
}

// ImportError is an import that stored nothing because some lines are invalid.
type ImportError struct {
	Lines []LineError // the first maxKeptLineErrors, in file order
	Count int         // how many lines are invalid in all
}

const maxKeptLineErrors = 1000

func (e *ImportError) Error() string {
	if e.Count == 1 {
		return "1 invalid line; nothing was imported"
	}
	return fmt.Sprintf("%d invalid lines; nothing was imported", e.Count)
}

// Import stores the response CSV (docs/api.md) in src all-or-nothing, in one pass: every row is validated exactly like the API
// (historic: no time window) and stored in one transaction while the file is read. The first bad line stops
// the storing; reading goes on to list every bad line, and the transaction rolls back. Rows whose id is
// already stored are skipped, so re-importing is a no-op; a row that repeats an earlier row's id with other
// content is a bad line, found by the database as the rows are stored (bulkConflicts), so memory stays flat
// whatever the file's size. The import keeps the cells itself, in the same transaction.
func (s *Store) Import(ctx context.Context, src io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return res, err
	}
	now := s.now() // the receive time of every row
	ie := &ImportError{}
	bad := func(e LineError) {
		ie.Count++
		if len(ie.Lines) < maxKeptLineErrors {
			ie.Lines = append(ie.Lines, e)
		}
		if opt.OnError != nil {
			opt.OnError(e)
		}
	}
	in := newCSVSource(src)
	header, _, err := in.next()
	if err == io.EOF {
		bad(LineError{Line: 1, Message: "the file is empty; expected a header row: " + strings.Join(CSVColumns, ",") + ",q.…"})
		return res, ie
	}
	if le, ok := err.(*LineError); ok {
		bad(*le)
		return res, ie
	}
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	layout, herrs := cv.parseCSVHeader(header)
	if len(herrs) > 0 {
		for _, e := range herrs {
			bad(e)
		}
		return res, ie
	}
	// Settle the cells first (and their time zone), so this import's own cell deltas land on current cells.
	if _, err := s.Rollup(ctx); err != nil {
		return res, err
	}
	if opt.Progress != nil {
		opt.Progress("importing", 0)
	}
	var cands []importedCase
	openThem := func(ctx context.Context, tx bun.Tx) (err error) {
		res.Cases, err = s.openImportedCases(ctx, tx, cands)
		return err
	}
	if !opt.Cases {
		openThem = nil
	}
	res.Inserted, err = s.bulkTx(ctx, true, openThem, func(w *bulkWriter) error {
		err := cv.decodeRows(ctx, in, layout, now, func(d *decodedRow) error {
			res.Rows++
			if res.Rows%50_000 == 0 && opt.Progress != nil {
				opt.Progress("importing", res.Rows)
			}
			if d.bad != nil {
				bad(*d.bad)
				return nil
			}
			if ie.Count > 0 {
				return nil // nothing of a bad file is stored: only go on listing its bad lines
			}
			if opt.Cases && d.r.opensCase() {
				cands = append(cands, importedCase{newCaseFor(d.r), d.r.ContentHash})
			}
			return w.add(ctx, d.r, d.line)
		})
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if ie.Count > 0 {
			return ie
		}
		return nil
	})
	if ce, ok := err.(*ConflictsError); ok {
		slices.SortFunc(ce.Lines, func(a, b LineError) int { return a.Line - b.Line })
		for _, e := range ce.Lines {
			bad(e)
		}
		err = ie
	}
	if err != nil {
		res.Inserted, res.Cases = 0, 0
		return res, err
	}
	res.Skipped = res.Rows - res.Inserted
	if opt.Progress != nil {
		opt.Progress("rolling up", res.Inserted)
	}
	if _, err := s.Rollup(ctx); err != nil {
		return res, fmt.Errorf("import: stored, but updating the index cells failed (they catch up on the next roll-up): %w", err)
	}
	return res, nil
}

// rowHash covers everything a row stores, so two rows with one id are either the same response or a conflict.
func rowHash(r *Response) uint64 {
	sum := sha256.Sum256([]byte(r.ContentHash + "\x00" + r.Channel + "\x00" + r.Status + "\x00" + r.Reason))
	return binary.LittleEndian.Uint64(sum[:8])
}

// importedCase is a case an imported row would open, with the row's content hash.
type importedCase struct {
	c    *Case
	hash string
}

// openImportedCases opens the cases of cands whose response is stored with the same content and counted: a
// row skipped because its id was stored already opens a case only if it is the same response (and has none).
func (s *Store) openImportedCases(ctx context.Context, tx bun.Tx, cands []importedCase) (int, error) {
	opened := 0
	for len(cands) > 0 {
		chunk := cands[:min(len(cands), 500)]
		cands = cands[len(chunk):]
		ids := make([]string, len(chunk))
		for i, ic := range chunk {
			ids[i] = ic.c.ResponseID
		}
		var stored []struct {
			ID   string `bun:"id"`
			Hash string `bun:"content_hash"`
		}
		if err := tx.NewSelect().Table("responses").Column("id", "content_hash").
			Where(s.responseIDIn(), bun.List(ids)).Where("status = ?", StatusCounted).Scan(ctx, &stored); err != nil && !isNoRows(err) {
			return 0, err
		}
		same := make(map[string]string, len(stored))
		for _, r := range stored {
			same[r.ID] = r.Hash
		}
		var cs []*Case
		for _, ic := range chunk {
			if h, ok := same[ic.c.ResponseID]; ok && h == ic.hash {
				cs = append(cs, ic.c)
			}
		}
		n, err := openCases(ctx, tx, cs)
		if err != nil {
			return 0, err
		}
		opened += n
	}
	return opened, nil
}
