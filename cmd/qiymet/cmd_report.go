package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/survey/periodreport"
)

func (e *env) report(args []string) error {
	var period, lang, group, agency, out string
	c, s, _, err := e.setup("report", args, func(fs *flag.FlagSet) {
		fs.StringVar(&period, "period", "", "period: YYYY, YYYY-H1, YYYY-Q3, YYYY-MM or FROM..TO (YYYY-MM-DD..YYYY-MM-DD)")
		fs.StringVar(&lang, "lang", "az", "language: az, en or ru")
		fs.StringVar(&group, "group", "", "only this peer group")
		fs.StringVar(&agency, "agency", "", "a manager's edition: only this agency's section")
		fs.StringVar(&out, "out", "", "the PDF file to write (required)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if period == "" || out == "" {
		return usagef("report: --period and --out are required")
	}
	if !survey.ValidLang(lang) {
		return usagef("report: --lang must be az, en or ru")
	}
	p, err := scoring.ParseLabel(period, c.Loc)
	if err != nil {
		return usagef("report: %v", err)
	}
	f := figures.New(s, scoring.Config{MinN: c.MinN, PriorWeight: c.PriorWeight})
	if err := f.CheckStarted(p); err != nil { // a period that has not begun has no figures yet: exit 1
		return fmt.Errorf("report: %w", err)
	}
	// The generation date follows the reproducible-builds convention (docs/method.md#reproducible-report).
	now := f.Now()
	gen, err := periodreport.GenerationDate(e.getenv("SOURCE_DATE_EPOCH"), now, c.Loc)
	if err != nil {
		return usagef("report: %v", err)
	}
	// Build in memory first: a failed report never leaves a half-written file behind.
	var buf bytes.Buffer
	if err := periodreport.Write(e.ctx, &buf, f, p, periodreport.Options{Lang: lang, Group: group, Agency: agency, Now: now, Generated: gen}); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "report %s (%s) written to %s (%d bytes)\n", p.Label, lang, out, buf.Len())
	return nil
}
