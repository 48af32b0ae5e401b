package main

import (
	"bufio"
	"flag"
	"fmt"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// userUnlock forgets every failed sign-in counted against an e-mail (docs/api.md, sign-in throttling).
func (e *env) userUnlock(args []string) error {
	var email string
	_, s, _, err := e.setup("user unlock", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the account's sign-in email (required)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if email == "" {
		return usagef("user unlock: --email is required")
	}
	u, err := s.UserByEmail(e.ctx, email)
	if err != nil {
		return err
	}
	n, err := s.UnlockLogin(e.ctx, u.Email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s unlocked (failed sign-ins from %d address(es) forgotten)\n", u.Email, n)
	return nil
}

// userResetPassword sets a new password: generated and printed once, or the first line of stdin with
// --password-stdin. It ends the user's sessions and forgets their failed sign-ins.
func (e *env) userResetPassword(args []string) error {
	var email string
	var fromStdin bool
	_, s, _, err := e.setup("user reset-password", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the account's sign-in email (required)")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the new password from the first line of stdin")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if email == "" {
		return usagef("user reset-password: --email is required")
	}
	password := survey.GeneratePassword()
	if fromStdin {
		if e.stdin == nil {
			return usagef("user reset-password: --password-stdin but no standard input")
		}
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if password = strings.TrimRight(line, "\r\n"); password == "" {
			return usagef("user reset-password: empty password on stdin")
		}
	}
	u, err := s.ResetPassword(e.ctx, email, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s: password reset; sessions ended\n", u.Email)
	if !fromStdin {
		fmt.Fprintf(e.stdout, "password (shown once): %s\n", password)
	}
	return nil
}
