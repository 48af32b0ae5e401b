package notify

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// Notifier moves events from the outbox to their receivers. Several notifiers (one per server instance) may
// share a database: the fan-out is serialised and idempotent, and each attempt is leased to one of them.
type Notifier struct {
	Store   *survey.Store
	Log     *slog.Logger
	BaseURL string       // links in e-mail
	Mail    *SMTP        // nil: no e-mail
	Client  *http.Client // nil: NewHTTPClient()
	// Lease is how long an attempt may run before another worker may retry it (a worker killed mid-attempt
	// leaves its lease behind); longer than the webhook and SMTP timeouts. Zero: 30 s.
	Lease time.Duration
	// FirstRetry is the wait after a first failed attempt, doubling after each further one up to an hour.
	// Zero: FirstRetry (30 s).
	FirstRetry time.Duration
	// Workers is how many attempts run at once. Zero: 8.
	Workers int
	// SilenceEvery is how often silent kiosks are looked for. Zero: every minute.
	SilenceEvery time.Duration

	once        sync.Once
	lastSilence time.Time
}

func (n *Notifier) init() {
	n.once.Do(func() {
		if n.Client == nil {
			n.Client = NewHTTPClient()
		}
		if n.Lease == 0 {
			n.Lease = 30 * time.Second
		}
		if n.FirstRetry == 0 {
			n.FirstRetry = FirstRetry
		}
		if n.Workers == 0 {
			n.Workers = 8
		}
		if n.SilenceEvery == 0 {
			n.SilenceEvery = time.Minute
		}
		if n.Log == nil {
			n.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Run steps every interval until ctx ends.
func (n *Notifier) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := n.Step(ctx); err != nil && ctx.Err() == nil {
			n.Log.Warn("notify", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Step does one round: reports newly silent kiosks (at most every SilenceEvery), fans out every new event, and
// makes every attempt that is due. It returns how many attempts it made.
func (n *Notifier) Step(ctx context.Context) (int, error) {
	n.init()
	if now := n.Store.Now(); now.Sub(n.lastSilence) >= n.SilenceEvery {
		if _, err := n.Store.ReportSilentKiosks(ctx); err != nil {
			return 0, err
		}
		n.lastSilence = now
	}
	for {
		got, err := n.Store.FanOut(ctx, n.Mail != nil, 500)
		if err != nil {
			return 0, err
		}
		if got < 500 {
			break
		}
	}
	attempts := 0
	for ctx.Err() == nil {
		claims, err := n.Store.ClaimDeliveries(ctx, n.Workers, n.Lease)
		if err != nil {
			return attempts, err
		}
		if len(claims) == 0 {
			break
		}
		var wg sync.WaitGroup
		for i := range claims {
			wg.Go(func() { n.attempt(ctx, &claims[i]) })
		}
		wg.Wait()
		attempts += len(claims)
	}
	return attempts, nil
}

// attempt makes one attempt of c and records its outcome, with the next attempt's time on failure.
func (n *Notifier) attempt(ctx context.Context, c *survey.Claim) {
	var o survey.Outcome
	if c.IsMail() {
		o = n.sendMail(ctx, c)
	} else {
		o = postWebhook(ctx, n.Client, c, n.Store.Now())
	}
	if !o.OK {
		now := n.Store.Now()
		o.Next = nextAttempt(time.UnixMicro(c.CreatedUS), now, c.Attempts, n.FirstRetry)
		n.Log.Info("delivery failed", "delivery", c.ID, "event", c.EventID, "target", c.Target, "attempt", c.Attempts,
			"err", o.Error, "gave_up", o.Next.IsZero())
	}
	// The outcome must be recorded even when ctx ends (shutdown) right after the attempt.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := n.Store.FinishDelivery(rctx, c, o); err != nil {
		n.Log.Warn("delivery outcome not recorded; it will be retried when its lease ends", "delivery", c.ID, "err", err)
	}
}

func (n *Notifier) sendMail(ctx context.Context, c *survey.Claim) survey.Outcome {
	if n.Mail == nil {
		return survey.Outcome{Error: "e-mail is not configured (QIYMET_SMTP_URL)"}
	}
	cv, err := n.Store.CatalogView(ctx)
	if err != nil {
		cv = nil // names fall back to codes
	}
	subject, text := composeMail(&c.Event, c.Lang, cv, n.Store.Location(), n.BaseURL)
	domain := "qiymet"
	if _, d, ok := strings.Cut(n.Mail.From, "@"); ok {
		domain = strings.Trim(d, "> ")
	}
	m := message{To: c.Recipient, Subject: subject, Text: text,
		// The same Message-ID on every attempt, so a mailbox can drop a copy a retry may have sent twice.
		MessageID: c.EventID + "." + strings.ReplaceAll(c.Target, ":", "-") + "@" + domain}
	sctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	if err := n.Mail.send(sctx, m); err != nil {
		return survey.Outcome{Error: err.Error()}
	}
	return survey.Outcome{OK: true}
}
