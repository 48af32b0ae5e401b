package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/qiymet/qiymet/survey"
)

// importCSV is `qiymet import FILE.csv` (docs/api.md): all-or-nothing, every bad line listed on stderr.
func (e *env) importCSV(args []string) error {
	var cases bool
	_, s, pos, err := e.setup("import", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&cases, "cases", false, "open a case for every counted row whose primary answer is in its bottom two points (CONTRACT §11)")
	}, 1)
	if err != nil {
		return err
	}
	defer s.Close()
	f, cleanup, err := e.openImportFile(pos[0])
	if err != nil {
		return err
	}
	defer cleanup()

	errOut := bufio.NewWriter(e.stderr)
	defer errOut.Flush()
	opt := survey.ImportOptions{Cases: cases, OnError: func(le survey.LineError) { fmt.Fprintln(errOut, le.String()) }}
	if isTerminal(e.stderr) {
		opt.Progress = func(phase string, rows int64) {
			fmt.Fprintf(errOut, "\r\033[K%s: %d rows", phase, rows)
			errOut.Flush()
		}
	}
	if e.getenv("GOMEMLIMIT") == "" {
		// The import's live heap is flat (~30–50 MB: the chunks in flight); a soft limit keeps the collector
		// from letting garbage pile up to twice that, so the whole process stays within its 150 MB budget.
		// SQLite's driver holds another ~60 MB outside Go's heap (its page cache), PostgreSQL's nothing; a
		// limit close to the live heap makes the collector run without pause (on PostgreSQL at 64 MB it took
		// 3/4 of the CPU: 19 s of CPU for 200k rows against 5 s at 100 MB; BENCHMARKS.md).
		limit := int64(100 << 20)
		if s.Dialect() == "sqlite" {
			limit = 64 << 20
		}
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	res, err := s.Import(e.ctx, f, opt)
	if opt.Progress != nil {
		fmt.Fprint(errOut, "\r\033[K")
	}
	if err != nil {
		var ie *survey.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("import %s: %w", pos[0], err)
		}
		return fmt.Errorf("import %s: %w; nothing was imported", pos[0], err)
	}
	fmt.Fprintf(e.stdout, "imported %d responses from %d rows (%d already stored, skipped)\n", res.Inserted, res.Rows, res.Skipped)
	if cases {
		fmt.Fprintf(e.stdout, "opened %d cases\n", res.Cases)
	}
	// audit (docs/api.md, "Audit log"); the rows are stored already, so a failure here is reported, not undone
	return s.Audit(e.ctx, nil, survey.Change{Action: survey.AuditResponsesImport, Target: "responses",
		Details: map[string]any{"file": filepath.Base(pos[0]), "rows": res.Rows, "inserted": res.Inserted, "skipped": res.Skipped, "cases": res.Cases}})
}

// openImportFile opens the file to import; "-" is stdin.
func (e *env) openImportFile(path string) (io.Reader, func(), error) {
	if path == "-" {
		return e.stdin, func() {}, nil // the import reads its input once, as a stream
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("import: %s is a directory", path)
	}
	return f, func() { f.Close() }, nil
}

// exportCSV is `qiymet export [--from D] [--to D] [--agency CODE]`: §5 CSV on stdout, streamed.
func (e *env) exportCSV(args []string) error {
	var from, to, agency string
	_, s, _, err := e.setup("export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&from, "from", "", "first day, YYYY-MM-DD (in QIYMET_TIMEZONE)")
		fs.StringVar(&to, "to", "", "last day, YYYY-MM-DD, included")
		fs.StringVar(&agency, "agency", "", "only this agency")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := survey.ParseExportFilter(from, to, agency, s.Location())
	if err != nil {
		if de, ok := survey.AsError(err); ok {
			return usagef("export: %s", de.Message)
		}
		return err
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	if _, err := s.Export(e.ctx, out, f); err != nil {
		if de, ok := survey.AsError(err); ok {
			return fmt.Errorf("export: %s", de.Message)
		}
		return fmt.Errorf("export: %w", err)
	}
	return out.Flush()
}

// isTerminal reports whether w is a character device (progress lines would only garble a log file).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
