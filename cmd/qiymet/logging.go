package main

import (
	"log/slog"
	"net"
	"net/url"
)

// logHandler writes JSON log lines to stderr at QIYMET_LOG_LEVEL.
func logHandler(e *env, c *config) slog.Handler {
	return slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: c.LogLevel})
}

// requestLogLevel is the level of web's per-request lines: debug on a development server (plain http on a
// loopback host, as `make run` serves), so they do not bury the demo login printed just before
// (QIYMET_LOG_LEVEL=debug shows them again); info elsewhere.
func requestLogLevel(c *config) slog.Level {
	if isDevelopment(c.BaseURL) {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// isDevelopment reports whether the public base is plain http on a loopback host.
func isDevelopment(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "http" {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
