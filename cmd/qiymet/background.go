package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/notify"
)

// startBackground runs the periodic jobs of serve: every second it has the store's roll-up goroutine fold the
// new responses into the summary tables, so that reads seldom find changes pending and have to wait.
func startBackground(ctx context.Context, s *survey.Store, log *slog.Logger, n *notify.Notifier) *sync.WaitGroup {
	var wg sync.WaitGroup
	// Delivery of events (webhooks, e-mail) and the silent-kiosk check: survey/notify, every second.
	wg.Go(func() { n.Run(ctx, time.Second) })
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			if err := s.AwaitRollup(ctx); err != nil && ctx.Err() == nil {
				log.Warn("roll-up", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return &wg
}
