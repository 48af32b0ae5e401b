package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/qiymet/qiymet/survey"
)

// methodologyApply is `qiymet methodology apply FILE.json` (CONTRACT §12): stores a methodology version; a
// changed version that assessments already use is refused.
func (e *env) methodologyApply(args []string) error {
	_, s, pos, err := e.setup("methodology apply", args, nil, 1)
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := survey.DecodeMethodology(f)
	if err != nil {
		return fmt.Errorf("methodology %s: %w", pos[0], err)
	}
	outcome, err := s.ApplyMethodology(e.ctx, m)
	if err != nil {
		return fmt.Errorf("methodology %s: %w", pos[0], err)
	}
	fmt.Fprintf(e.stdout, "methodology %s version %d %s: %d parameters, %d criteria, citizen weight %g, %s\n",
		m.Code, m.Version, outcome, len(m.Parameters), m.CriteriaCount(), m.CitizenWeight, m.Aggregate)
	return nil
}

// assessmentImport is `qiymet assessment import FILE.csv` (CONTRACT §12): all-or-nothing, every bad line
// listed on stderr.
func (e *env) assessmentImport(args []string) error {
	_, s, pos, err := e.setup("assessment import", args, nil, 1)
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
	n, err := s.ImportAssessments(e.ctx, f, survey.ImportOptions{OnError: func(le survey.LineError) { fmt.Fprintln(errOut, le.String()) }})
	if err != nil {
		var ie *survey.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("assessment import %s: %w", pos[0], err)
		}
		return fmt.Errorf("assessment import %s: %w; nothing was imported", pos[0], err)
	}
	fmt.Fprintf(e.stdout, "imported %d assessments\n", n)
	return nil
}
