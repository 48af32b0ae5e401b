package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// Trusted operations (docs/api.md, "Operations"): backups, the audit log, resetting a lost second factor.

// require2FAOf reads QIYMET_REQUIRE_2FA: empty or "off" (nobody is made to enrol) or "admin".
func require2FAOf(getenv func(string) string) (string, error) {
	switch v := strings.TrimSpace(getenv("QIYMET_REQUIRE_2FA")); v {
	case "", "off":
		return "", nil
	case survey.RoleAdmin:
		return v, nil
	default:
		return "", usagef("QIYMET_REQUIRE_2FA: want admin or off, got %q", v)
	}
}

// backup writes a consistent copy of the live SQLite database; the server may keep running.
func (e *env) backup(args []string) error {
	var out string
	_, s, _, err := e.setup("backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the new backup file (required; must not exist)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if out == "" {
		return usagef("backup: --out FILE is required")
	}
	start := time.Now()
	size, err := s.Backup(e.ctx, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s (%d bytes in %s)\n", out, size, time.Since(start).Round(time.Millisecond))
	return nil
}

// auditExport writes the audit log as CSV, oldest first, to --out or stdout.
func (e *env) auditExport(args []string) error {
	var out, actor, action, from, to string
	c, s, _, err := e.setup("audit export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "write to FILE instead of stdout")
		fs.StringVar(&actor, "actor", "", "only this actor (an email, or cli)")
		fs.StringVar(&action, "action", "", "only this action (user.add) or entity (user)")
		fs.StringVar(&from, "from", "", "from this day (YYYY-MM-DD)")
		fs.StringVar(&to, "to", "", "up to and including this day (YYYY-MM-DD)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	f := survey.AuditFilter{Actor: actor, Action: action}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
		days    int
	}{{"--from", from, &f.From, 0}, {"--to", to, &f.To, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.v, c.Loc)
		if err != nil {
			return usagef("audit export: %s: want YYYY-MM-DD, got %q", d.name, d.v)
		}
		*d.dst = t.AddDate(0, 0, d.days)
	}
	var w io.Writer = e.stdout
	if out != "" {
		file, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("audit export: %w", err)
		}
		defer file.Close()
		w = file
	}
	n, err := s.ExportAudit(e.ctx, w, f)
	if err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintf(e.stdout, "%d audit entries written to %s\n", n, out)
	}
	return nil
}

// userReset2FA turns a user's two-factor sign-in off and ends their sessions (audited).
func (e *env) userReset2FA(args []string) error {
	var email string
	_, s, _, err := e.setup("user reset-2fa", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the user's sign-in email (required)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if email == "" {
		return usagef("user reset-2fa: --email is required")
	}
	u, err := s.ResetTOTP(e.ctx, email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "two-factor sign-in of %s is off and their sessions ended; they enrol again at their next sign-in\n", u.Email)
	return nil
}
