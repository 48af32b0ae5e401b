package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// KioskCred is one kiosk's device token and the centre it stands in.
type KioskCred struct {
	Center string
	Token  string
}

// Mix is the share of each channel, in parts (kiosk=60,api=30,link=10).
type Mix struct{ Kiosk, API, Link int }

func (m Mix) total() int { return m.Kiosk + m.API + m.Link }

func (m Mix) String() string { return fmt.Sprintf("kiosk=%d,api=%d,link=%d", m.Kiosk, m.API, m.Link) }

// Config drives one load run.
type Config struct {
	URLs        []string // one or more servers; attempts go round-robin (a retry may hit another instance)
	Kiosks      []KioskCred
	APIKeys     []string
	Concurrency int
	Duration    time.Duration // no new submission starts after this
	Requests    int           // stop after this many submissions (0: only Duration bounds the run)
	Grace       time.Duration // in-flight retries may go on this long after Duration, then everything stops
	Timeout     time.Duration // one HTTP attempt
	MaxAttempts int
	MaxBackoff  time.Duration
	Mix         Mix
	LinkBearer  bool          // send the API key with link submissions (an integrator relaying), avoiding the per-IP limit
	LinksAhead  int           // invitations issued before the run, untimed, for link submissions to use first
	Spacing     time.Duration // submitted_at step of one kiosk: at least the burst window, so responses are counted
	Since       time.Time     // first kiosk submitted_at
	Catalog     *survey.Catalog
	IDsOut      string
	JSONOut     string
	Seed        int64
	// FixLow: LowShare of the submissions rate the primary question in its bottom two points (each opens a
	// case, CONTRACT §11), the others above them. Off: the natural mix of answers.
	FixLow   bool
	LowShare float64
	Log      io.Writer // progress and give-ups; nil: silent
}

func parseRunFlags(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("qiymet-load run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	urls := fs.String("url", env("QIYMET_LOAD_URL", "http://127.0.0.1:8080"), "server base URL; several comma-separated go round-robin (QIYMET_LOAD_URL)")
	kiosks := fs.String("kiosks", getenv("QIYMET_LOAD_KIOSKS"), "kiosk credentials CENTER:TOKEN,… (QIYMET_LOAD_KIOSKS)")
	keys := fs.String("api-keys", getenv("QIYMET_LOAD_API_KEYS"), "API keys KEY,… (QIYMET_LOAD_API_KEYS)")
	creds := fs.String("creds", "", "file of KEY=VALUE lines as printed by `qiymet-load provision` (flags and env win)")
	conc := fs.Int("concurrency", 8, "concurrent clients")
	dur := fs.Duration("duration", 10*time.Second, "how long to start new submissions (always bounded)")
	reqs := fs.Int("requests", 0, "stop after this many submissions (0: duration only)")
	grace := fs.Duration("grace", 15*time.Second, "how long in-flight retries may continue after --duration")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of one HTTP attempt")
	attempts := fs.Int("max-attempts", 30, "attempts per submission (same id every time)")
	maxBackoff := fs.Duration("max-backoff", 2*time.Second, "longest wait between attempts (Retry-After is honoured up to this)")
	mix := fs.String("mix", "kiosk=60,api=30,link=10", "channel shares")
	linkBearer := fs.Bool("link-bearer", true, "send the API key with link submissions, as an integrator relaying them; false: anonymous like a citizen's browser (then the per-IP limit of 1/s applies to all of them from one load host)")
	linksAhead := fs.Int("links-ahead", 0, "issue this many invitations before the run (untimed); link submissions use them first, then issue their own: measures the submissions without issuing their links, as when a queue system issued each at the visit")
	spacing := fs.Duration("spacing", 4*time.Second, "submitted_at step per kiosk (≥ QIYMET_BURST_SECONDS so kiosk responses are counted)")
	since := fs.String("since", "", "first kiosk submitted_at (RFC 3339; default 2 days ago)")
	catalog := fs.String("catalog", "", "catalog JSON (docs/api.md#catalog-file) to draw agencies, services, centres and answers from (default: testdata/catalog.json's)")
	idsOut := fs.String("ids-out", "", "write every acknowledged (201/200) id to this file")
	jsonOut := fs.String("json", "", "write the report as JSON to this file")
	seed := fs.Int64("seed", 0, "random seed (0: from the clock)")
	lowShare := fs.Float64("low-share", -1, "share 0..1 of submissions rating the primary question in its bottom two points, so opening a case; the rest rate above (negative: the natural mix)")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, usagef("see the flags above")
		}
		return nil, usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q", fs.Arg(0))
	}
	if *creds != "" {
		m, err := readCredsFile(*creds)
		if err != nil {
			return nil, err
		}
		if *kiosks == "" {
			*kiosks = m["QIYMET_LOAD_KIOSKS"]
		}
		if *keys == "" {
			*keys = m["QIYMET_LOAD_API_KEYS"]
		}
		if getenv("QIYMET_LOAD_URL") == "" && !flagSet(fs, "url") && m["QIYMET_LOAD_URL"] != "" {
			*urls = m["QIYMET_LOAD_URL"]
		}
	}
	c := &Config{Concurrency: *conc, Duration: *dur, Requests: *reqs, Grace: *grace, Timeout: *timeout,
		MaxAttempts: *attempts, MaxBackoff: *maxBackoff, LinkBearer: *linkBearer, LinksAhead: *linksAhead, Spacing: *spacing,
		IDsOut: *idsOut, JSONOut: *jsonOut, Seed: *seed, FixLow: *lowShare >= 0, LowShare: *lowShare}
	if *linksAhead < 0 || *linksAhead > 10_000_000 {
		return nil, usagef("--links-ahead: want 0 to 10000000 invitations, got %d", *linksAhead)
	}
	if *lowShare > 1 {
		return nil, usagef("--low-share: want a share from 0 to 1, got %v", *lowShare)
	}
	if !*quiet {
		c.Log = stderr
	}
	for _, u := range splitList(*urls) {
		pu, err := url.Parse(u)
		// Plain HTTP only: the load stays on loopback or a test network, and TLS would measure the handshake.
		if err != nil || pu.Scheme != "http" || pu.Host == "" || (pu.Path != "" && pu.Path != "/") {
			return nil, usagef("--url: want http://host:port, got %q", u)
		}
		c.URLs = append(c.URLs, strings.TrimRight(u, "/"))
	}
	var err error
	if c.Kiosks, err = parseKiosks(*kiosks); err != nil {
		return nil, err
	}
	c.APIKeys = splitList(*keys)
	if c.Mix, err = parseMix(*mix); err != nil {
		return nil, err
	}
	if *since != "" {
		if c.Since, err = time.Parse(time.RFC3339, *since); err != nil {
			return nil, usagef("--since: want RFC 3339, got %q", *since)
		}
	}
	if *catalog != "" {
		f, err := os.Open(*catalog)
		if err != nil {
			return nil, err
		}
		c.Catalog, err = survey.DecodeCatalog(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("--catalog: %w", err)
		}
	}
	return c, c.check()
}

// check validates a Config (also when built in code) and fills defaults.
func (c *Config) check() error {
	if len(c.URLs) == 0 {
		return usagef("--url is required")
	}
	if c.Concurrency < 1 || c.Concurrency > 4096 {
		return usagef("--concurrency: want 1..4096, got %d", c.Concurrency)
	}
	if c.Duration <= 0 || c.Duration > 24*time.Hour {
		return usagef("--duration: want a positive duration up to 24h")
	}
	if c.Requests < 0 {
		return usagef("--requests: want ≥ 0")
	}
	if c.Grace < 0 || c.Timeout <= 0 || c.MaxAttempts < 1 || c.MaxBackoff <= 0 {
		return usagef("--grace, --timeout, --max-attempts and --max-backoff must be positive")
	}
	if c.Mix.total() <= 0 {
		c.Mix = Mix{Kiosk: 60, API: 30, Link: 10}
	}
	if c.Mix.Kiosk > 0 && len(c.Kiosks) == 0 {
		return usagef("the mix has kiosk submissions but no kiosk credentials (--kiosks or QIYMET_LOAD_KIOSKS)")
	}
	if (c.Mix.API > 0 || c.Mix.Link > 0) && len(c.APIKeys) == 0 {
		return usagef("the mix has API or link submissions but no API key (--api-keys or QIYMET_LOAD_API_KEYS)")
	}
	if c.Spacing <= 0 {
		c.Spacing = 4 * time.Second
	}
	if c.Catalog == nil {
		c.Catalog = defaultCatalog()
	}
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseKiosks(s string) ([]KioskCred, error) {
	var out []KioskCred
	for _, p := range splitList(s) {
		center, token, ok := strings.Cut(p, ":")
		if !ok || center == "" || token == "" {
			return nil, usagef("kiosk credential %q: want CENTER:TOKEN", redact(p))
		}
		out = append(out, KioskCred{Center: center, Token: token})
	}
	return out, nil
}

func parseMix(s string) (Mix, error) {
	var m Mix
	for _, p := range splitList(s) {
		k, v, ok := strings.Cut(p, "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			return m, usagef("--mix: want kiosk=N,api=N,link=N, got %q", s)
		}
		switch k {
		case "kiosk":
			m.Kiosk = n
		case "api":
			m.API = n
		case "link":
			m.Link = n
		default:
			return m, usagef("--mix: unknown channel %q (kiosk, api, link)", k)
		}
	}
	if m.total() == 0 {
		return m, usagef("--mix: at least one channel needs a positive share")
	}
	return m, nil
}

// readCredsFile reads KEY=VALUE lines (comments and blank lines skipped; optional quotes and `export`).
func readCredsFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		m[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return m, sc.Err()
}

func redact(s string) string {
	if len(s) > 12 {
		return s[:8] + "…"
	}
	return s
}
