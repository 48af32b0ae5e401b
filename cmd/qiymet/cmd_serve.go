package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey/notify"
	"github.com/qiymet/qiymet/survey/periodreport"
	"github.com/qiymet/qiymet/web"
)

func (e *env) serve(args []string) error {
	c, s, _, err := e.setup("serve", args, nil, 0)
	if err != nil {
		return err
	}
	require2FA, err := require2FAOf(e.getenv) // harden-trust: cmd_trust.go
	if err != nil {
		s.Close()
		return err
	}
	defer s.Close()
	tlsConf, err := serveTLS(c) // serve_tls.go: QIYMET_TLS_CERT/KEY, https base URL needs QIYMET_SECRET
	if err != nil {
		return err
	}
	if err := requireSecret(c, e.getenv); err != nil {
		return err
	}
	mail, err := smtpOf(e.getenv, c) // config_notify.go: QIYMET_SMTP_URL, QIYMET_MAIL_FROM
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return listenError(c.Addr, err)
	}
	if c.BaseURLFromAddr {
		// the host as configured ("localhost" stays), the port as bound (for an address that asked for port 0)
		host, _, _ := net.SplitHostPort(c.Addr)
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		c.BaseURL = baseURLOf(net.JoinHostPort(host, port))
		if tlsConf != nil {
			c.BaseURL = "https://" + strings.TrimPrefix(c.BaseURL, "http://")
		}
	}
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	logger := slog.New(logHandler(e, c))
	defer serveGC(e.getenv)() // serve_gc.go: GOGC 400 and a 256 MiB soft limit unless GOGC is set
	// The PDF's generation date follows SOURCE_DATE_EPOCH when set (docs/method.md#reproducible-report).
	epoch := e.getenv("SOURCE_DATE_EPOCH")
	if _, err := periodreport.GenerationDate(epoch, time.Now(), c.Loc); err != nil {
		return usagef("serve: %v", err)
	}
	srv := web.New(web.Config{Store: s, BaseURL: c.BaseURL, Location: c.Loc, Logger: logger, RequestLogLevel: requestLogLevel(c),
		Scoring: scoring.Config{MinN: c.MinN, PriorWeight: c.PriorWeight},
		Limits:  c.Security.Limits, TrustedProxies: c.Security.TrustedProxies, MetricsToken: e.getenv("QIYMET_METRICS_TOKEN"),
		Require2FA: require2FA, Load: c.Load,
		SourceDateEpoch: epoch})
	registerReadMetrics(srv.Registry(), s) // config_replica.go
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn), TLSConfig: tlsConf}

	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	bg := startBackground(ctx, s, logger, &notify.Notifier{Store: s, Log: logger, BaseURL: c.BaseURL, Mail: mail, FirstRetry: c.Notify.RetryFirst})

	fmt.Fprintf(e.stdout, "qiymet serving on %s://%s (links and QR codes use %s)\n", scheme, ln.Addr(), c.BaseURL)
	errc := make(chan error, 1)
	go func() {
		if tlsConf != nil {
			errc <- hs.ServeTLS(ln, "", "") // certificates in TLSConfig; ServeTLS also offers HTTP/2
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		cancel()
		bg.Wait()
		return err
	case <-e.ctx.Done():
	}
	// Graceful: stop accepting, let in-flight requests (and their commits) finish.
	shutCtx, done := context.WithTimeout(context.Background(), 20*time.Second)
	defer done()
	err = hs.Shutdown(shutCtx)
	cancel()
	bg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// listenError explains a failed listen; for an address in use it names the setting that picks another.
func listenError(addr string, err error) error {
	if !errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("serve: listen on %s: %w", addr, err)
	}
	example := "localhost:8081"
	if host, port, perr := net.SplitHostPort(addr); perr == nil {
		if p, aerr := strconv.Atoi(port); aerr == nil && p > 0 && p < 65535 {
			example = net.JoinHostPort(host, strconv.Itoa(p+1))
		}
	}
	return fmt.Errorf("serve: %s is in use; set QIYMET_ADDR (or --addr) to another address, e.g. QIYMET_ADDR=%s", addr, example)
}
