package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/publishing"
)

// publish is `qiymet publish --period P [--reason TEXT]` (CONTRACT §10, docs/publishing.md).
func (e *env) publish(args []string) error {
	var period, reason string
	c, s, _, err := e.setup("publish", args, func(fs *flag.FlagSet) {
		fs.StringVar(&period, "period", "", "the complete period: YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM")
		fs.StringVar(&reason, "reason", "", "why it is published (required when publishing a period again)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if period == "" {
		return usagef("publish: --period is required")
	}
	p, err := scoring.ParseLabel(period, c.Loc)
	if err != nil {
		return usagef("publish: %v", err)
	}
	f := figures.New(s, scoring.Config{MinN: c.MinN, PriorWeight: c.PriorWeight})
	pub, err := publishing.Publish(survey.WithActor(e.ctx, survey.CLIActor), s, f, p, reason)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	fmt.Fprintf(e.stdout, "published %s revision %d sha256 %s\n", pub.Period, pub.Revision, pub.SHA256)
	return nil
}

// errMismatch is verify's failure: the file's content does not match its sha256.
var errMismatch = errors.New("verify: the sha256 does not match the content: the file was changed")

// verify is `qiymet verify FILE.json`: exit 0 only when the snapshot's sha256 matches its canonical JSON.
// It needs no database.
func (e *env) verify(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("verify: expected one FILE.json")
	}
	doc, err := os.ReadFile(pos[0])
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	computed, claimed, err := survey.SnapshotHash(doc)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if claimed == "" {
		return errors.New("verify: the file has no sha256")
	}
	if computed != claimed {
		fmt.Fprintf(e.stdout, "MISMATCH\nclaimed  %s\ncomputed %s\n", claimed, computed)
		return errMismatch
	}
	fmt.Fprintf(e.stdout, "OK %s\n", computed)
	return nil
}
