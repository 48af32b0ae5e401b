package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/web"
)

func TestBaseURLFollowsAddress(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, "http://localhost:8080"},
		{map[string]string{"QIYMET_ADDR": "localhost:8080"}, nil, "http://localhost:8080"},
		{map[string]string{"QIYMET_ADDR": ":9090"}, nil, "http://localhost:9090"},
		{map[string]string{"QIYMET_ADDR": "0.0.0.0:9090"}, nil, "http://localhost:9090"},
		{map[string]string{"QIYMET_ADDR": "[::]:9090"}, nil, "http://localhost:9090"},
		{map[string]string{"QIYMET_ADDR": "127.0.0.1:8081"}, nil, "http://127.0.0.1:8081"},
		{map[string]string{"QIYMET_ADDR": "[::1]:8081"}, nil, "http://[::1]:8081"},
		{nil, []string{"--addr", "127.0.0.1:8082"}, "http://127.0.0.1:8082"},
		// an explicit base URL always wins
		{map[string]string{"QIYMET_ADDR": ":9090", "QIYMET_BASE_URL": "https://qiymet.example.az/"}, nil, "https://qiymet.example.az"},
		{map[string]string{"QIYMET_ADDR": ":9090"}, []string{"--base-url", "https://q.example.az"}, "https://q.example.az"},
	}
	for _, c := range cases {
		fs, cfgOf := newFlagSet("test", func(k string) string { return c.env[k] }, io.Discard)
		if _, err := parse(fs, c.args); err != nil {
			t.Fatal(err)
		}
		cfg, err := cfgOf()
		if err != nil {
			t.Fatalf("%v %v: %v", c.env, c.args, err)
		}
		if cfg.BaseURL != c.want {
			t.Errorf("%v %v: base URL %q, want %q", c.env, c.args, cfg.BaseURL, c.want)
		}
		if _, explicit := c.env["QIYMET_BASE_URL"]; cfg.BaseURLFromAddr == (explicit || len(c.args) > 0 && c.args[0] == "--base-url") {
			t.Errorf("%v %v: BaseURLFromAddr = %v", c.env, c.args, cfg.BaseURLFromAddr)
		}
	}
}

// The enrolment URL a command prints follows QIYMET_ADDR when no base URL is set.
func TestKioskEnrolmentURLFollowsAddress(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	env["QIYMET_ADDR"] = "127.0.0.1:8091"
	if r := cliRun(t, env, "", "catalog", "apply", catalogPath(t)); r.Err != nil {
		t.Fatal(r.Err, r.Stderr)
	}
	r := cliRun(t, env, "", "kiosk", "add", "--center", "baku-1", "--name", "tablet")
	if r.Err != nil {
		t.Fatal(r.Err, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "http://127.0.0.1:8091/kiosk/enrol/") {
		t.Fatalf("enrolment URL does not follow QIYMET_ADDR:\n%s", r.Stdout)
	}
}

func TestServeBusyAddressHint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	r := cliRun(t, cliEnv(t, "sqlite-file"), "", "serve", "--addr", addr)
	if r.Err == nil || r.usage() {
		t.Fatalf("serve on a busy address: %v (want a runtime error, exit 1)", r.Err)
	}
	msg := r.Err.Error()
	if !strings.Contains(msg, addr+" is in use") || !strings.Contains(msg, "QIYMET_ADDR") || strings.Contains(msg, "\n") {
		t.Fatalf("no one-line hint naming QIYMET_ADDR: %q", msg)
	}
}

func TestRequestLogsQuietInDevelopment(t *testing.T) {
	cases := []struct {
		baseURL, level string
		wantRequest    bool
	}{
		{"http://localhost:8080", "info", false},
		{"http://127.0.0.1:8081", "info", false},
		{"http://localhost:8080", "debug", true},
		{"https://qiymet.example.az", "info", true},
		{"http://10.0.0.5:8080", "info", true},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		cfg := &config{BaseURL: c.baseURL}
		if err := cfg.LogLevel.UnmarshalText([]byte(c.level)); err != nil {
			t.Fatal(err)
		}
		log := slog.New(logHandler(&env{stderr: &buf}, cfg)).With("x", 1)
		log.Log(context.Background(), requestLogLevel(cfg), "request", "route", "/") // as web's request log writes it
		log.Info("kiosk enrolled")
		out := buf.String()
		if got := strings.Contains(out, `"msg":"request"`); got != c.wantRequest {
			t.Errorf("%s at %s: request logged = %v, want %v:\n%s", c.baseURL, c.level, got, c.wantRequest, out)
		}
		if !strings.Contains(out, "kiosk enrolled") {
			t.Errorf("%s at %s: other info lines must stay:\n%s", c.baseURL, c.level, out)
		}
	}
	if r := cliRun(t, cliEnv(t, "sqlite-file"), "", "migrate", "--log-level", "loud"); !r.usage() {
		t.Errorf("a bad log level: %v, want a usage error", r.Err)
	}
}

// TestSecurityConfig: the limits, sign-in throttling and trusted proxies of docs/api.md are read from the
// environment (or flags), with their defaults, and bad values are usage errors naming the variable.
func TestSecurityConfig(t *testing.T) {
	cfgOf := func(env map[string]string, args ...string) (*config, error) {
		fs, cfg := newFlagSet("test", func(k string) string { return env[k] }, io.Discard)
		if _, err := parse(fs, args); err != nil {
			return nil, err
		}
		return cfg()
	}
	c, err := cfgOf(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Security.Limits != web.DefaultLimits() || c.Security.Throttle.Free != 5 || c.Security.Throttle.MaxDelay != 15*time.Minute || len(c.Security.TrustedProxies) != 0 {
		t.Fatalf("defaults: %+v", c.Security)
	}
	c, err = cfgOf(map[string]string{"QIYMET_RATE_KIOSK": "2,50", "QIYMET_RATE_LOGIN": "0.5, 4", "QIYMET_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7",
		"QIYMET_LOGIN_FREE_FAILURES": "3", "QIYMET_LOGIN_MAX_DELAY_SECONDS": "60"}, "--rate-bad-token", "1,5")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Security
	if s.Limits.Kiosk != (web.Rate{PerSecond: 2, Burst: 50}) || s.Limits.Login != (web.Rate{PerSecond: 0.5, Burst: 4}) ||
		s.Limits.BadToken != (web.Rate{PerSecond: 1, Burst: 5}) || s.Limits.IP != web.DefaultLimits().IP ||
		s.Throttle.Free != 3 || s.Throttle.MaxDelay != time.Minute || len(s.TrustedProxies) != 2 || s.TrustedProxies[1].String() != "192.0.2.7/32" {
		t.Fatalf("configured: %+v", s)
	}
	for env, bad := range map[string]string{
		"QIYMET_RATE_IP": "5", "QIYMET_RATE_APIKEY": "0,10", "QIYMET_RATE_KIOSK": "1,0", "QIYMET_TRUSTED_PROXIES": "10.0.0.0/40",
		"QIYMET_LOGIN_FREE_FAILURES": "0", "QIYMET_LOGIN_MAX_DELAY_SECONDS": "forever", "QIYMET_TLS_CERT": "cert.pem",
	} {
		_, err := cfgOf(map[string]string{env: bad})
		var u usageError
		if err == nil || !errors.As(err, &u) || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%q: %v", env, bad, err)
		}
	}
}
