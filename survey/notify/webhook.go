package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// Timeout is how long one webhook attempt may take, connection to last byte (CONTRACT §11).
const Timeout = 10 * time.Second

// NewHTTPClient is the client of webhook attempts: the timeout above, and redirects not followed (a 3xx is
// not a 2xx, so it is retried; following it would send the signed body somewhere not registered).
func NewHTTPClient() *http.Client {
	return &http.Client{Timeout: Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// postWebhook makes one attempt of c: a POST of the event's body, signed at now.
func postWebhook(ctx context.Context, client *http.Client, c *survey.Claim, now time.Time) survey.Outcome {
	if c.Webhook == nil {
		return survey.Outcome{Error: "the webhook no longer exists"}
	}
	if c.Secret == "" {
		return survey.Outcome{Error: "the signing secret cannot be read with this server secret (was QIYMET_SECRET changed?)"}
	}
	body, err := c.Event.Body()
	if err != nil || c.Event.ID == "" {
		return survey.Outcome{Error: fmt.Sprintf("the event cannot be read: %v", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Webhook.URL, bytes.NewReader(body))
	if err != nil {
		return survey.Outcome{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Qiymet-Webhooks/1")
	req.Header.Set(SignatureHeader, Sign(c.Secret, now, body))
	req.Header.Set("Qiymet-Event-Id", c.Event.ID)
	req.Header.Set("Qiymet-Event-Type", c.Event.Type)
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
			return survey.Outcome{Error: "no answer within 10 s"}
		}
		return survey.Outcome{Error: err.Error()}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return survey.Outcome{OK: true, Status: resp.StatusCode}
	}
	msg := resp.Status
	if s := strings.TrimSpace(strings.ToValidUTF8(string(head), "")); s != "" {
		msg += ": " + s
	}
	return survey.Outcome{Status: resp.StatusCode, Error: msg}
}
