package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

var usage = usageHead + rateUsage()

const usageHead = `usage: qiymet COMMAND [flags]

commands:
  serve                          run the HTTP service
  migrate [up|status|unlock]     schema migrations
  catalog apply FILE.json        create/update groups, agencies, services, centres and surveys
  catalog export                 print the catalog as JSON
  import FILE.csv                import responses (all-or-nothing)
  export [--from D] [--to D] [--agency CODE]   write responses as CSV to stdout
  report --period P [--lang az|en|ru] [--group G] --out FILE.pdf   the period report
  user add --email E --role admin|analyst|manager [--agency CODE]
  user unlock --email E          forget failed sign-ins against E from every address
  user reset-password --email E [--password-stdin]   a new password (printed once, or read from stdin)
  kiosk add --center CODE --name NAME [--agency CODE]
  apikey add --name NAME
  webhook add --url URL --events LIST   register a webhook endpoint; prints its signing secret once
  webhook list                   the endpoints and their recent deliveries
  webhook remove|enable|disable ID   remove an endpoint (cancelling what it still had to get), or turn it on/off
  demo                           load the demo catalog, responses and admin
  backup --out FILE              consistent copy of a live SQLite database (PostgreSQL: pg_dump)
  audit export [--out FILE] [--actor E] [--action A] [--from D] [--to D]   the audit log as CSV
  user reset-2fa --email E       turn a user's two-factor sign-in off (a lost phone)
  publish --period P [--reason TEXT]   publish a complete period (again: a reason is required)
  verify FILE.json               check a published snapshot's sha256 (exit 0 only on a match)
  archive --before YYYY-MM [--dir DIR] [--drop]   PostgreSQL: write the months before YYYY-MM to CSV files and
                                 detach their partitions (figures and published snapshots stay as they are)
  methodology apply FILE.json    store a composite-index methodology version (docs/method.md)
  assessment import FILE.csv     import checklist assessments (all-or-nothing)

configuration (environment, or a flag of the same name): QIYMET_DB (--db), QIYMET_ADDR (--addr),
QIYMET_BASE_URL (--base-url; default http:// and the listen address), QIYMET_TIMEZONE (--timezone),
QIYMET_MIN_N (--min-n), QIYMET_PRIOR_WEIGHT (--prior-weight), QIYMET_BURST_SECONDS (--burst-seconds),
QIYMET_LOG_LEVEL (--log-level), QIYMET_TRUSTED_PROXIES (--trusted-proxies), QIYMET_TLS_CERT (--tls-cert),
QIYMET_TLS_KEY (--tls-key), QIYMET_RATE_* (below), QIYMET_LOGIN_FREE_FAILURES,
QIYMET_LOGIN_MAX_DELAY_SECONDS; QIYMET_SECRET and QIYMET_METRICS_TOKEN from the environment only (a flag
would show them in ps);
QIYMET_REQUIRE_2FA=admin (serve) makes admins enrol in two-factor sign-in;
QIYMET_MAIL_FROM, QIYMET_KIOSK_SILENT, QIYMET_OPENING_HOURS; QIYMET_SMTP_URL from the environment only
QIYMET_DB_READ (--db-read; serve, export, report): a PostgreSQL streaming replica for dashboards, rankings,
exports and reports, bypassed while it lags beyond QIYMET_DB_READ_MAX_LAG (--db-read-max-lag; default 30s)
QIYMET_MAX_EXPORTS (default 8), QIYMET_MAX_REPORTS (2), QIYMET_EXPORT_TIMEOUT (30m): long reads one instance runs
QIYMET_INGEST_COMMITTERS (--ingest-committers; default 1): PostgreSQL submission batches committed at once
`

// env is what every command gets: the process's streams and configuration, nothing global.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run is main without the process: end-to-end tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) > 0 && args[0] != "serve" {
		e.ctx = survey.WithActor(ctx, survey.CLIActor) // the audit log's actor (docs/api.md, "Audit log")
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("a command is required")
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return e.serve(rest)
	case cmd == "migrate":
		return e.migrate(rest)
	case cmd == "catalog" && sub == "apply":
		return e.catalogApply(rest[1:])
	case cmd == "catalog" && sub == "export":
		return e.catalogExport(rest[1:])
	case cmd == "import":
		return e.importCSV(rest)
	case cmd == "export":
		return e.exportCSV(rest)
	case cmd == "report":
		return e.report(rest)
	case cmd == "user" && sub == "add":
		return e.userAdd(rest[1:])
	case cmd == "user" && sub == "unlock":
		return e.userUnlock(rest[1:])
	case cmd == "user" && sub == "reset-password":
		return e.userResetPassword(rest[1:])
	case cmd == "kiosk" && sub == "add":
		return e.kioskAdd(rest[1:])
	case cmd == "apikey" && sub == "add":
		return e.apikeyAdd(rest[1:])
	case cmd == "webhook" && sub != "": // cmd_webhook.go
		return e.webhook(sub, rest[1:])
	case cmd == "demo":
		return e.demo(rest)
	// harden-trust: cmd_trust.go
	case cmd == "backup":
		return e.backup(rest)
	case cmd == "audit" && sub == "export":
		return e.auditExport(rest[1:])
	case cmd == "publish": // cmd_publish.go
		return e.publish(rest)
	case cmd == "verify":
		return e.verify(rest)
	case cmd == "archive": // cmd_archive.go
		return e.archive(rest)
	case cmd == "user" && sub == "reset-2fa":
		return e.userReset2FA(rest[1:])
	// composite index: cmd_composite.go
	case cmd == "methodology" && sub == "apply":
		return e.methodologyApply(rest[1:])
	case cmd == "assessment" && sub == "import":
		return e.assessmentImport(rest[1:])
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown command %q", strings.Join(args[:min(len(args), 2)], " "))
}

// errHelpShown ends a command whose -h or --help printed its usage: not a failure (exit 0).
var errHelpShown = errors.New("help shown")

// commandUsage prints the lines of the command's usage (the overview's lines that name it), then its flags.
func commandUsage(fs *flag.FlagSet) {
	out := fs.Output()
	for _, l := range strings.Split(usage, "\n") {
		if l = strings.TrimSpace(l); l == fs.Name() || strings.HasPrefix(l, fs.Name()+" ") {
			fmt.Fprintln(out, "usage: qiymet "+l)
		}
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(out, "flags:")
		fs.PrintDefaults()
	}
}

// parse parses flags anywhere among the arguments and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.Usage = func() { commandUsage(fs) }
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelpShown
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// open connects to the configured database and brings its schema up to date.
func (e *env) open(c *config) (*survey.Store, error) {
	s, err := survey.Open(e.ctx, c.DB, survey.Options{Location: c.Loc, Burst: c.Burst, Secret: e.getenv("QIYMET_SECRET"),
		LoginThrottle: c.Security.Throttle, KioskSilent: c.Notify.KioskSilent, OpeningHours: &c.Notify.OpeningHours,
		ReadDSN: c.Read.DSN, ReadMaxLag: c.Read.MaxLag, Logger: slog.New(logHandler(e, c)), Committers: c.Committers})
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(e.ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// setup parses a command's flags and opens the store: the common start of most commands.
func (e *env) setup(name string, args []string, define func(fs *flag.FlagSet), npos int) (*config, *survey.Store, []string, error) {
	fs, cfgOf := newFlagSet(name, e.getenv, e.stderr)
	if define != nil {
		define(fs)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, nil, err
	}
	if npos >= 0 && len(pos) != npos {
		return nil, nil, nil, usagef("%s: expected %d argument(s), got %d", name, npos, len(pos))
	}
	c, err := cfgOf()
	if err != nil {
		return nil, nil, nil, err
	}
	if !readsFromReplica[name] {
		c.Read.DSN = "" // config_replica.go
	}
	s, err := e.open(c)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, s, pos, nil
}

// rateUsage lists every rate limit (QIYMET_RATE_*) with its flag and default, from the table serve reads.
func rateUsage() string {
	var b strings.Builder
	b.WriteString("rate limits (PER_SECOND,BURST; 429 rate_limited with Retry-After beyond them):\n")
	for _, d := range securityDefaults {
		if strings.HasPrefix(d.env, "QIYMET_RATE_") {
			fmt.Fprintf(&b, "  %-26s --%-18s default %-9s %s\n", d.env, d.flag, d.def, d.help)
		}
	}
	return b.String()
}
