package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web"
)

func (e *env) migrate(args []string) error {
	action := "up"
	c, s, pos, err := e.setupNoMigrate("migrate", args)
	if err != nil {
		return err
	}
	defer s.Close()
	_ = c
	if len(pos) > 1 {
		return usagef("migrate: one action at most: up, status or unlock")
	}
	if len(pos) == 1 {
		action = pos[0]
	}
	switch action {
	case "up":
		if err := s.Migrate(e.ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "schema is up to date")
		return nil
	case "status":
		return s.MigrateStatus(e.ctx, e.stdout)
	case "unlock":
		if err := s.MigrateUnlock(e.ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "migration lock released")
		return nil
	}
	return usagef("migrate: unknown action %q (up, status, unlock)", action)
}

// setupNoMigrate opens the store without migrating: `migrate status|unlock` must work on a locked schema.
func (e *env) setupNoMigrate(name string, args []string) (*config, *survey.Store, []string, error) {
	fs, cfgOf := newFlagSet(name, e.getenv, e.stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := cfgOf()
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := survey.Open(e.ctx, c.DB, survey.Options{Location: c.Loc, Burst: c.Burst})
	return c, s, pos, err
}

func (e *env) catalogApply(args []string) error {
	_, s, pos, err := e.setup("catalog apply", args, nil, 1)
	if err != nil {
		return err
	}
	defer s.Close()
	cat, err := readCatalogFile(pos[0])
	if err != nil {
		return err
	}
	res, err := s.ApplyCatalog(e.ctx, *cat)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "catalog applied: %s\n", res)
	return nil
}

// readCatalogFile reads and strictly decodes a §3 catalog file.
func readCatalogFile(path string) (*survey.Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return survey.DecodeCatalog(f)
}

func (e *env) catalogExport(args []string) error {
	_, s, _, err := e.setup("catalog export", args, nil, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := s.Catalog(e.ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

func (e *env) kioskAdd(args []string) error {
	var center, name, agency string
	c, s, _, err := e.setup("kiosk add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&center, "center", "", "centre code (required)")
		fs.StringVar(&name, "name", "", "kiosk name (required)")
		fs.StringVar(&agency, "agency", "", "bind the kiosk to one agency the centre hosts")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if center == "" || name == "" {
		return usagef("kiosk add: --center and --name are required")
	}
	k, token, err := s.AddKiosk(e.ctx, center, name, agency)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "kiosk %d %q registered in centre %s\ndevice token (shown once): %s\n", k.ID, k.Name, k.Center, token)
	// The tablet enrols by opening this URL (or its QR code); that replaces the token above with its own.
	code, err := s.NewPairingCode(e.ctx, k.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "enrolment URL (one use, valid 24 h): %s\n", web.KioskEnrolURL(c.BaseURL, code))
	return nil
}

func (e *env) apikeyAdd(args []string) error {
	var name string
	_, s, _, err := e.setup("apikey add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "what the key is for (required)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if name == "" {
		return usagef("apikey add: --name is required")
	}
	k, key, err := s.AddAPIKey(e.ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "API key %d %q created\nkey (shown once): %s\n", k.ID, k.Name, key)
	return nil
}

func (e *env) userAdd(args []string) error {
	var email, role, agency string
	_, s, _, err := e.setup("user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "sign-in email (required)")
		fs.StringVar(&role, "role", "", "admin, analyst or manager (required)")
		fs.StringVar(&agency, "agency", "", "the agency of a manager")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if email == "" || role == "" {
		return usagef("user add: --email and --role are required")
	}
	password, generated, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	u, err := s.AddUser(e.ctx, email, password, role, agency)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s (%s) created\n", u.Email, u.Role)
	if generated {
		fmt.Fprintf(e.stdout, "password (shown once): %s\n", password)
	}
	return nil
}

// readPassword takes the first line of stdin when it is piped; on a terminal or empty input it generates one.
func readPassword(stdin any) (string, bool, error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return survey.GeneratePassword(), true, nil
		}
	}
	r, ok := stdin.(interface{ Read([]byte) (int, error) })
	if !ok || stdin == nil {
		return survey.GeneratePassword(), true, nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return survey.GeneratePassword(), true, nil
		}
		return "", false, usagef("user add: empty password on stdin")
	}
	return line, false, nil
}
