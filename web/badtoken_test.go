package web_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/qiymet/qiymet/web"
)

// TestBadBearerRateLimited (issue 14, finding 5): failed bearer-token checks are limited per client. After
// its budget of failures, a client's bearer requests answer 429 with Retry-After without a look-up, unless the
// credential was checked recently (cached); other clients, and requests without a token, are not affected.
func TestBadBearerRateLimited(t *testing.T) {
	e := newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 1, Limits: web.Limits{BadToken: web.Rate{PerSecond: 0.001, Burst: 3}}})
	guesser, other := clientFrom("127.0.0.10"), clientFrom("127.0.0.11")
	call := func(c *http.Client, method, path, token string) (int, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, e.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) // read it all: a body cut off by the client would be a truncated answer
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	for i, p := range []string{"/api/v1/rankings?period=2025-Q3", "/api/v1/kiosk/config", "/api/v1/rankings?period=2025-Q3"} {
		if st, _ := call(guesser, http.MethodGet, p, "qa_guess"+strconv.Itoa(i)); st != http.StatusUnauthorized {
			t.Fatalf("guess %d on %s: %d, want 401", i+1, p, st)
		}
	}
	st, h := call(guesser, http.MethodGet, "/api/v1/rankings?period=2025-Q3", "qk_another")
	if s, _ := strconv.Atoi(h.Get("Retry-After")); st != http.StatusTooManyRequests || s < 1 {
		t.Fatalf("guess beyond the budget: %d Retry-After %q", st, h.Get("Retry-After"))
	}
	// Not looked up: a good key this instance has not checked recently waits until the budget refills …
	_, fresh, err := e.Store.AddAPIKey(t.Context(), "fresh")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := call(guesser, http.MethodGet, "/api/v1/rankings?period=2025-Q3", fresh); st != http.StatusTooManyRequests {
		t.Fatalf("unchecked good key from the refused client: %d", st)
	}
	// … while one it has (the credential cache), as a kiosk next to a misbehaving one, goes on working.
	if st, _ := call(other, http.MethodGet, "/api/v1/rankings?period=2025-Q3", e.APIKey); st != http.StatusOK {
		t.Fatalf("another client's good key: %d", st)
	}
	if st, _ := call(guesser, http.MethodGet, "/api/v1/rankings?period=2025-Q3", e.APIKey); st != http.StatusOK {
		t.Fatalf("recently checked good key from the refused client: %d", st)
	}
	// A request without a token from that client, and another client's good key, go through.
	if st, _ := call(guesser, http.MethodGet, "/api/v1/openapi.json", ""); st != http.StatusOK {
		t.Fatalf("tokenless request from the refused client: %d", st)
	}
	if st, _ := call(other, http.MethodGet, "/api/v1/responses.csv", e.APIKey); st != http.StatusOK {
		t.Fatalf("another client's good key: %d", st)
	}
	if st, _ := call(other, http.MethodGet, "/api/v1/kiosk/config", e.KioskToken); st != http.StatusOK {
		t.Fatalf("another client's kiosk: %d", st)
	}
}
