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
// new responses into the summary tables, so that reads seldom find changes pending and have to wait; every
// minute it reports overdue cases.
func startBackground(ctx context.Context, s *survey.Store, log *slog.Logger, n *notify.Notifier) *sync.WaitGroup {
	var wg sync.WaitGroup
	// Delivery of events (webhooks, e-mail) and the silent-kiosk check: survey/notify, every second.
	if n != nil {
		wg.Go(func() { n.Run(ctx, time.Second) })
	}
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
	// case.overdue (CONTRACT §11): once a minute, every unresolved case past due is reported, once.
	wg.Go(func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			if due, err := s.EmitOverdue(ctx, s.Now()); err != nil && ctx.Err() == nil {
				log.Warn("case.overdue", "err", err)
			} else if due > 0 {
				log.Info("case.overdue", "cases", due)
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
