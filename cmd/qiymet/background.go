package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// startBackground runs the periodic jobs of serve: every second it has the store's roll-up goroutine fold the
// new responses into the summary tables, so that reads seldom find changes pending and have to wait; every
// minute it reports overdue cases.
func startBackground(ctx context.Context, s *survey.Store, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
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
			if n, err := s.EmitOverdue(ctx, s.Now()); err != nil && ctx.Err() == nil {
				log.Warn("case.overdue", "err", err)
			} else if n > 0 {
				log.Info("case.overdue", "cases", n)
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
