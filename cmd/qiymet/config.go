package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/web"
)

// usageError makes the process exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", "; ")
}

// config is the configuration of docs/api.md: environment variables, each overridden by the flag of the same
// name. QIYMET_SECRET is the exception: it is read from the environment only (see open), because a flag would
// show the secret in ps and in the shell's history.
type config struct {
	DB      string
	Addr    string
	BaseURL string
	// BaseURLFromAddr: QIYMET_BASE_URL was not set, so BaseURL is derived from the listen address (and serve
	// derives it again from the address it actually bound).
	BaseURLFromAddr bool
	Timezone        string
	LogLevel        slog.Level
	MinN            int64
	PriorWeight     float64
	Burst           time.Duration
	Loc             *time.Location
	Security        securityConfig // config_security.go
	Load            web.LoadLimits // config_load.go
	Committers      int            // QIYMET_INGEST_COMMITTERS (config_load.go)
	Notify          notifyConfig   // config_notify.go
	Read            readConfig     // config_replica.go
}

var envDefaults = []struct{ flag, env, def, help string }{
	{"db", "QIYMET_DB", "sqlite:qiymet.db", "database: sqlite:PATH, sqlite::memory: or postgres://…"},
	{"addr", "QIYMET_ADDR", "localhost:8080", "listen address of serve"},
	{"base-url", "QIYMET_BASE_URL", "", "public base of links and QR codes (default: http:// and the listen address)"},
	{"timezone", "QIYMET_TIMEZONE", "Asia/Baku", "zone in which days, months and quarters begin"},
	{"min-n", "QIYMET_MIN_N", "30", "fewest counted responses for a unit to be ranked"},
	{"prior-weight", "QIYMET_PRIOR_WEIGHT", "0", "m of the shrinkage (0 = off)"},
	{"burst-seconds", "QIYMET_BURST_SECONDS", "3", "kiosk submissions sooner than this after the previous one are excluded"},
	{"log-level", "QIYMET_LOG_LEVEL", "info", "debug, info, warn or error (request logs are debug when serving http on a loopback address)"},
}

// newFlagSet makes a command's flag set carrying the configuration flags; call cfg() after Parse.
func newFlagSet(name string, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, func() (*config, error)) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, d := range append(envDefaults[:len(envDefaults):len(envDefaults)], securityDefaults...) {
		def := d.def
		if v := getenv(d.env); v != "" {
			def = v
		}
		// the addr flag name stays as the contract spells it (--addr); base-url etc. are ours.
		vals[d.flag] = fs.String(d.flag, def, d.help+" ("+d.env+")")
	}
	return fs, func() (*config, error) {
		c := &config{DB: *vals["db"], Addr: *vals["addr"], BaseURL: strings.TrimRight(*vals["base-url"], "/"), Timezone: *vals["timezone"]}
		if c.BaseURL == "" {
			c.BaseURL, c.BaseURLFromAddr = baseURLOf(c.Addr), true
		}
		if err := c.LogLevel.UnmarshalText([]byte(*vals["log-level"])); err != nil {
			return nil, usagef("QIYMET_LOG_LEVEL: want debug, info, warn or error, got %q", *vals["log-level"])
		}
		var err error
		if c.Loc, err = time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
			return nil, usagef("QIYMET_TIMEZONE: unknown time zone %q", c.Timezone)
		}
		if c.MinN, err = strconv.ParseInt(*vals["min-n"], 10, 64); err != nil || c.MinN < 1 || c.MinN > 1_000_000 {
			return nil, usagef("QIYMET_MIN_N: want a whole number from 1 to 1000000, got %q", *vals["min-n"])
		}
		if c.PriorWeight, err = strconv.ParseFloat(*vals["prior-weight"], 64); err != nil || c.PriorWeight < 0 || c.PriorWeight > 1e6 {
			return nil, usagef("QIYMET_PRIOR_WEIGHT: want a number from 0 to 1000000, got %q", *vals["prior-weight"])
		}
		b, err := strconv.ParseFloat(*vals["burst-seconds"], 64)
		if err != nil || b < 0 || b > 3600 {
			return nil, usagef("QIYMET_BURST_SECONDS: want seconds from 0 to 3600, got %q", *vals["burst-seconds"])
		}
		c.Burst = time.Duration(b * float64(time.Second))
		if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
			return nil, usagef("QIYMET_BASE_URL: want an http:// or https:// URL, got %q", c.BaseURL)
		}
		if c.Security, err = parseSecurity(vals); err != nil {
			return nil, err
		}
		if c.Load, err = loadLimitsOf(vals); err != nil { // config_load.go
			return nil, err
		}
		if c.Committers, err = committersOf(vals); err != nil { // config_load.go
			return nil, err
		}
		if c.Notify, err = notifyConfigOf(vals); err != nil { // config_notify.go
			return nil, err
		}
		if c.Read, err = readConfigOf(vals); err != nil { // config_replica.go
			return nil, err
		}
		return c, nil
	}
}

// baseURLOf is the default public base for a listen address: the same host and port over http, with
// localhost for an address that listens on every interface (":9090", "0.0.0.0:9090", "[::]:9090").
func baseURLOf(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr // serve reports the bad address when it listens
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
