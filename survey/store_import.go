package survey

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ImportOptions tune Store.Import; the zero value is fine.
type ImportOptions struct {
	// OnError, when set, sees every bad line as it is found (the CLI prints them all).
	OnError func(LineError)
	// Progress, when set, is called now and then with the phase ("importing", "rolling up") and the rows
	// done so far.
	Progress func(phase string, rows int64)
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows     int64 // data rows in the file
	Inserted int64 // rows stored
	Skipped  int64 // rows whose id was already stored (or repeated in the file)
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
	res.Inserted, err = s.bulkTx(ctx, true, func(w *bulkWriter) error {
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
		res.Inserted = 0
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
