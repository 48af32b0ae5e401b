package main

import (
	"context"
	"log/slog"
	"net"
	"net/url"
)

// logHandler writes JSON log lines to stderr at QIYMET_LOG_LEVEL. On a development server (plain http on a
// loopback host, as `make run` serves) the per-request lines are demoted to debug, so they do not bury the
// demo login printed just before; QIYMET_LOG_LEVEL=debug shows them again.
func logHandler(e *env, c *config) slog.Handler {
	h := slog.Handler(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: c.LogLevel}))
	if isDevelopment(c.BaseURL) {
		h = quietRequests{h}
	}
	return h
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

// requestMessage is the message of web's per-request log line.
const requestMessage = "request"

// quietRequests logs web's per-request lines at debug instead of info.
type quietRequests struct{ slog.Handler }

func (q quietRequests) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == requestMessage && r.Level == slog.LevelInfo {
		if !q.Handler.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		r.Level = slog.LevelDebug
	}
	return q.Handler.Handle(ctx, r)
}

func (q quietRequests) WithAttrs(as []slog.Attr) slog.Handler {
	return quietRequests{q.Handler.WithAttrs(as)}
}
func (q quietRequests) WithGroup(name string) slog.Handler {
	return quietRequests{q.Handler.WithGroup(name)}
}
