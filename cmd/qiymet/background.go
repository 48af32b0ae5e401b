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
// minute it reports overdue cases; every hour it makes sure the coming months' partitions exist (PostgreSQL).
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
	// PostgreSQL: the monthly partitions of responses, the current month and the next survey.PartitionsAhead,
	// made at start and checked every hour (idempotent; instances on one database take turns on an advisory
	// lock). A month that is missing all the same only sends its rows to the default partition.
	if s.Dialect() == "pg" {
		wg.Go(func() {
			t := time.NewTicker(time.Hour)
			defer t.Stop()
			for {
				if made, err := s.EnsurePartitions(ctx, survey.PartitionsAhead); err != nil && ctx.Err() == nil {
					log.Warn("partitions", "err", err)
				} else if len(made) > 0 {
					log.Info("partitions created", "partitions", made)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	return &wg
}
