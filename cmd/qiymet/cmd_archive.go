package main

import (
	"flag"
	"fmt"

	"github.com/qiymet/qiymet/survey"
)

// archive is `qiymet archive --before YYYY-MM [--dir DIR] [--drop]` (PostgreSQL; docs/scaling.md, "Partitions and
// archives"): every monthly partition of the responses that ends by the start of that month (QIYMET_TIMEZONE) is
// written to DIR/responses_YYYY_MM.csv in the response CSV format and detached. Figures, cells and published
// snapshots stay as they are.
func (e *env) archive(args []string) error {
	var before, dir string
	var drop bool
	c, s, _, err := e.setup("archive", args, func(fs *flag.FlagSet) {
		fs.StringVar(&before, "before", "", "archive the months before this one, YYYY-MM (in QIYMET_TIMEZONE)")
		fs.StringVar(&dir, "dir", ".", "directory for the CSV files")
		fs.BoolVar(&drop, "drop", false, "drop each detached partition once its file is written and synced (default: keep it as responses_archived_YYYY_MM)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if before == "" {
		return usagef("archive: --before YYYY-MM is required")
	}
	if _, err := survey.ParseArchiveMonth(before, c.Loc); err != nil {
		return usagef("archive: %s", errMessage(err))
	}
	done, err := s.Archive(e.ctx, survey.ArchiveOptions{Before: before, Dir: dir, Drop: drop})
	for _, a := range done {
		kept := "dropped"
		if a.Kept != "" {
			kept = "kept as " + a.Kept
		}
		fmt.Fprintf(e.stdout, "archived %s (%s to %s): %d responses in %s sha256 %s; table %s\n", a.Partition,
			a.From.Format("2006-01-02"), a.To.Format("2006-01-02"), a.Rows, a.File, a.SHA256, kept)
	}
	if err != nil {
		return fmt.Errorf("archive: %s", errMessage(err))
	}
	return nil
}

// errMessage is a domain error's message alone (its code means nothing on a command line), else the error.
func errMessage(err error) string {
	if de, ok := survey.AsError(err); ok {
		return de.Message
	}
	return err.Error()
}
