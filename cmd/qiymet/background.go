package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// startBackground runs the periodic jobs of serve: the roll-up of new responses into the additive cells.
func startBackground(ctx context.Context, s *survey.Store, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			if _, err := s.Rollup(ctx); err != nil && ctx.Err() == nil {
				log.Warn("roll-up", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return &wg
}
