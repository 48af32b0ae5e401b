package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/web"
)

func (e *env) serve(args []string) error {
	c, s, _, err := e.setup("serve", args, nil, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := web.New(web.Config{Store: s, BaseURL: c.BaseURL, Location: c.Loc, Logger: logger,
		Scoring: scoring.Config{MinN: c.MinN, PriorWeight: c.PriorWeight}})

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}

	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	bg := startBackground(ctx, s, logger)

	fmt.Fprintf(e.stdout, "qiymet serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
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
