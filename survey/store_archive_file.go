package survey

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

var osStat = os.Stat

// writeArchive writes the detached table of a to its CSV file in dir (the response CSV of docs/api.md, the
// export's encoder), syncs the file and the directory, records the file and its SHA-256, and drops the table
// when asked to. The file is written under a temporary name and renamed; an existing file is never overwritten.
func (s *Store) writeArchive(ctx context.Context, cv *CatalogView, a archiveRow, opt ArchiveOptions) (ArchivedPartition, error) {
	name := strings.TrimPrefix(a.Partition, "responses_")
	final := filepath.Join(opt.Dir, "responses_"+name+".csv")
	done := ArchivedPartition{Partition: a.Partition, From: time.UnixMicro(a.FromUS).In(s.loc), To: time.UnixMicro(a.ToUS).In(s.loc),
		Rows: a.Rows, File: final, Kept: a.KeptTable}
	if _, err := os.Lstat(final); err == nil {
		return done, fmt.Errorf("archive %s: %s exists already; move it away and run qiymet archive again (the partition is detached and kept as %s)",
			a.Partition, final, a.KeptTable)
	}
	tmp := final + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return done, fmt.Errorf("archive %s: %w", a.Partition, err)
	}
	defer os.Remove(tmp) // gone after the rename; left over only on failure
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 256<<10)
	n, err := s.exportTable(ctx, bw, cv, a.KeptTable)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && n != a.Rows {
		err = fmt.Errorf("wrote %d rows, the partition holds %d", n, a.Rows)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err == nil {
		err = syncDir(opt.Dir)
	}
	if err != nil {
		return done, fmt.Errorf("archive %s: %w (the partition is detached and kept as %s; run qiymet archive again)", a.Partition, err, a.KeptTable)
	}
	done.SHA256 = hex.EncodeToString(h.Sum(nil))
	err = s.inTx(ctx, func(tx bun.Tx) error {
		kept := a.KeptTable
		if opt.Drop {
			if _, err := tx.NewRaw("DROP TABLE ?", bun.Ident(a.KeptTable)).Exec(ctx); err != nil {
				return err
			}
			kept = ""
		}
		done.Kept = kept
		_, err := tx.NewUpdate().Model((*archiveRow)(nil)).Set("state = 'archived'").Set("file = ?", final).Set("sha256 = ?", done.SHA256).
			Set("kept_table = ?", kept).Where("partition = ?", a.Partition).Exec(ctx)
		return err
	})
	if err != nil {
		return done, fmt.Errorf("archive %s: %s is written; recording it: %w", a.Partition, final, err)
	}
	return done, nil
}

// exportTable writes the rows of table (a detached partition: nobody writes it) as the response CSV, header
// first, in time order, and returns how many rows.
func (s *Store) exportTable(ctx context.Context, w io.Writer, cv *CatalogView, table string) (int64, error) {
	out := newCSVRowWriter(cv, s.loc)
	out.header()
	var n int64
	var r exportRow
	var seq int64
	q := s.db.NewRaw("SELECT "+exportColumns+" FROM ? ORDER BY submitted_us, seq", bun.Ident(table)).String()
	err := eachRow(ctx, s.db, q, nil, func(rows *sql.Rows) error {
		if err := rows.Scan(&seq, &r.ID, &r.SubmittedUS, &r.Fixed, &r.Comment, &r.Answers); err != nil {
			return err
		}
		n++
		if err := out.row(&r); err != nil {
			return err
		}
		if len(out.buf) >= 64<<10 {
			if _, err := w.Write(out.buf); err != nil {
				return err
			}
			out.buf = out.buf[:0]
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	_, err = w.Write(out.buf)
	return n, err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
