package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/demo"
)

// maxDemoResponses keeps a typo from filling the disk.
const maxDemoResponses = 5_000_000

// demo loads the demo into an empty database and prints the demo login. With --if-empty (make run) a database
// that already holds responses is left alone and only the login is printed again.
func (e *env) demo(args []string) error {
	var ifEmpty bool
	var responses int
	c, s, _, err := e.setup("demo", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&ifEmpty, "if-empty", false, "load only into a database without responses; otherwise just print the login")
		fs.IntVar(&responses, "responses", demo.DefaultResponses, "how many synthetic responses to generate")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if responses < 1 || responses > maxDemoResponses {
		return usagef("demo: --responses must be from 1 to %d", maxDemoResponses)
	}
	n, err := s.ResponseCount(e.ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		if !ifEmpty {
			return fmt.Errorf("demo: the database already holds %d responses; the demo loads only into an empty database (use --if-empty to print the demo login)", n)
		}
		fmt.Fprintf(e.stdout, "The database already holds %d responses; the demo was not loaded again.\n", n)
		if added, err := demo.EnsureComposite(e.ctx, s); err != nil { // a demo database older than the composite index
			return err
		} else if added > 0 {
			fmt.Fprintf(e.stdout, "Composite index: added methodology %s with %d service assessments.\n", demo.MethodologyCode, added)
		}
		return e.printDemoLogin(s, c.BaseURL)
	}
	start := time.Now()
	res, err := demo.Load(e.ctx, s, demo.Options{Responses: responses}, func(done, total int) {
		fmt.Fprintf(e.stderr, "demo: %d/%d responses stored\n", done, total)
		if done == total {
			fmt.Fprintln(e.stderr, "demo: rolling the responses up into the daily cells…")
		}
	})
	if errors.Is(err, demo.ErrNotEmpty) {
		return fmt.Errorf("demo: responses arrived while loading; the demo loads only into an empty database")
	}
	if err != nil {
		return err
	}
	loc := s.Location()
	fmt.Fprintf(e.stdout, "Demo loaded in %.1fs: catalog %s; %d kiosks; %d responses (%d excluded, %d with comments) from %s to %s.\n",
		time.Since(start).Seconds(), res.Catalog, res.Kiosks, res.Rows, res.Excluded, res.Comments,
		res.From.In(loc).Format(time.DateOnly), res.To.In(loc).Format(time.DateOnly))
	fmt.Fprintf(e.stdout, "Composite index: methodology %s (example criteria and weights) with %d service assessments.\n",
		demo.MethodologyCode, res.Assessments)
	return e.printDemoLogin(s, c.BaseURL)
}

// printDemoLogin prints where and how to sign in as each demo user present in the database.
func (e *env) printDemoLogin(s *survey.Store, baseURL string) error {
	users, err := demo.ExistingUsers(e.ctx, s)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(e.stdout, "This database has no demo users (it was not loaded by `qiymet demo`); sign in with your own account.")
		return nil
	}
	fmt.Fprintf(e.stdout, "Sign in at %s/login (demo password for every demo user: %s)\n", baseURL, demo.Password)
	for _, u := range users {
		line := fmt.Sprintf("  %-8s %-22s %s", u.Role, u.Email, demo.Password)
		if u.Agency != "" {
			line += "  (agency " + u.Agency + ")"
		}
		fmt.Fprintln(e.stdout, line)
	}
	return nil
}
