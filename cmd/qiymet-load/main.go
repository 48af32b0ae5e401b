// Command qiymet-load is Qiymət's load generator: it submits realistic responses through the public API
// (kiosk tokens, API keys and one-time invitation links) at a set concurrency for a bounded time, retries
// 503/429/network failures with backoff under the SAME response id (so a retry can never store a second row),
// and reports throughput, latency percentiles and status counts. --ids-out lists every id the server
// acknowledged (201/200), for loss checks after faults.
//
//	qiymet-load provision --db DSN [--catalog FILE] --kiosks 64 --api-keys 4 > creds.env
//	qiymet-load run --url http://127.0.0.1:8080 --creds creds.env --concurrency 32 --duration 20s --ids-out ids.txt
//
// Credentials come from flags or the environment: QIYMET_LOAD_KIOSKS (CENTER:TOKEN,…), QIYMET_LOAD_API_KEYS
// (KEY,…) and QIYMET_LOAD_URL; `provision` prints them in that form.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: qiymet-load run|provision [flags]   (qiymet-load run -h for the flags)

  run        submit responses to a running qiymet serve and report
  provision  create kiosks and API keys directly in a database; prints them as env lines
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "qiymet-load:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("a command is required")
	}
	switch args[0] {
	case "run":
		cfg, err := parseRunFlags(args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		rep, err := Load(ctx, cfg)
		if err != nil {
			return err
		}
		rep.Print(stdout)
		if cfg.JSONOut != "" {
			if err := rep.WriteJSON(cfg.JSONOut); err != nil {
				return err
			}
		}
		if cfg.IDsOut != "" {
			if err := rep.WriteIDs(cfg.IDsOut); err != nil {
				return err
			}
		}
		if rep.Acked == 0 {
			return errors.New("no response was acknowledged")
		}
		return nil
	case "provision":
		return provision(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown command %q", args[0])
}
