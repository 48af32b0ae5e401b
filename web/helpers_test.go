package web_test

// Shared test environment for every web test: a real server on a real port over a fresh, migrated store
// (SQLite or PostgreSQL via storetest) with testdata/catalog.json applied, one kiosk token and one API key.
//
//	env := newTestEnv(t, "sqlite")
//	status, body := env.postJSON(t, "/api/v1/responses", env.KioskToken, map[string]any{...})

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
)

// testStart is where every test clock begins (a Thursday, 10:00 in Baku).
var testStart = time.Date(2025, 8, 14, 6, 0, 0, 0, time.UTC)

// testEnvOptions tunes newTestEnvWith; zero values are sensible defaults.
type testEnvOptions struct {
	Burst      time.Duration                   // kiosk burst window; 0 → 3 s (the contract default); negative → off
	RateScale  float64                         // web.Config.RateScale; 0 → 1000 (limits effectively off)
	BaseURL    string                          // 0 → https://rate.example.az
	Start      time.Time                       // clock start; zero → testStart
	MinN       int64                           // scoring's min_n; 0 → scoring's zero config (everything ranked)
	Seed       func(testing.TB, *survey.Store) // stores responses before the server starts
	Require2FA string                          // web.Config.Require2FA (QIYMET_REQUIRE_2FA)
	// Hardening settings passed to web.Config as they are (docs/api.md, configuration).
	Limits         web.Limits
	TrustedProxies []netip.Prefix
	MetricsToken   string
	Load           web.LoadLimits // web.Config.Load (zero: the defaults)
}

// testEnv is one running server and what a test needs to talk to it.
type testEnv struct {
	URL        string // base URL of the running server, e.g. http://127.0.0.1:41234
	BaseURL    string // the public base the server builds links with
	Store      *survey.Store
	Server     *web.Server
	HTTP       *httptest.Server
	Registry   *prometheus.Registry
	Clock      *storetest.Clock
	Kiosk      *survey.Kiosk // in centre baku-1, not bound to an agency
	KioskToken string
	APIKeyRow  *survey.APIKey
	APIKey     string
	Dialect    string
}

// newTestEnv starts a server on a fresh store of dialect ("sqlite", "sqlite-file" or "pg", or a DSN "sqlite:PATH").
func newTestEnv(t testing.TB, dialect string) *testEnv {
	t.Helper()
	return newTestEnvWith(t, dialect, testEnvOptions{})
}

// newTestEnvWith is newTestEnv with options.
func newTestEnvWith(t testing.TB, dialect string, o testEnvOptions) *testEnv {
	t.Helper()
	if o.Start.IsZero() {
		o.Start = testStart
	}
	switch {
	case o.Burst == 0:
		o.Burst = 3 * time.Second
	case o.Burst < 0:
		o.Burst = 0
	}
	if o.RateScale == 0 {
		o.RateScale = 1000
	}
	if o.BaseURL == "" {
		o.BaseURL = "https://rate.example.az"
	}
	clock := storetest.NewClock(o.Start)
	opt := survey.Options{Now: clock.Now, Burst: o.Burst, Location: storetest.Baku}
	var s *survey.Store
	if strings.HasPrefix(dialect, "sqlite:") { // a DSN: a database file the test placed itself
		s = storetest.Open(t, dialect, opt)
	} else {
		s = storetest.New(t, dialect, opt)
	}
	ctx := context.Background()
	applyTestCatalog(t, s)
	k, ktok, err := s.AddKiosk(ctx, "baku-1", "Exit 1", "")
	if err != nil {
		t.Fatal(err)
	}
	ak, akey, err := s.AddAPIKey(ctx, "queue system")
	if err != nil {
		t.Fatal(err)
	}
	if o.Seed != nil {
		o.Seed(t, s)
	}
	reg := prometheus.NewRegistry()
	srv := web.New(web.Config{Store: s, BaseURL: o.BaseURL, Location: storetest.Baku, Registry: reg,
		Scoring: scoring.Config{MinN: o.MinN}, RateScale: o.RateScale, Logger: testLogger(),
		Limits: o.Limits, TrustedProxies: o.TrustedProxies, MetricsToken: o.MetricsToken, Require2FA: o.Require2FA, Load: o.Load})
	hs := httptest.NewServer(validateAPITraffic(t, srv)) // every /api exchange is checked against the OpenAPI document
	t.Cleanup(hs.Close)
	return &testEnv{URL: hs.URL, BaseURL: o.BaseURL, Store: s, Server: srv, HTTP: hs, Registry: reg, Clock: clock,
		Kiosk: k, KioskToken: ktok, APIKeyRow: ak, APIKey: akey, Dialect: dialect}
}

// applyTestCatalog applies testdata/catalog.json to s.
func applyTestCatalog(t testing.TB, s *survey.Store) { storetest.ApplyCatalog(t, s) }

// testResponse is a raw answer of the server.
type testResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object (nil when it is not one).
func (r testResponse) JSON() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		return nil
	}
	return m
}

// do sends a request with an optional bearer credential; body may be nil, []byte, string or any JSON value.
func (e *testEnv) do(t testing.TB, method, path, auth string, body any) testResponse {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// postJSON POSTs body (raw []byte/string or a value marshalled to JSON) with an optional bearer credential and
// returns the status and the decoded JSON object (nil if the answer is not a JSON object).
func (e *testEnv) postJSON(t testing.TB, path, auth string, body any) (int, map[string]any) {
	t.Helper()
	r := e.do(t, http.MethodPost, path, auth, body)
	return r.Status, r.JSON()
}

// get GETs path with an optional bearer credential.
func (e *testEnv) get(t testing.TB, path, auth string) testResponse {
	t.Helper()
	return e.do(t, http.MethodGet, path, auth, nil)
}

// countResponses counts the stored response rows.
func (e *testEnv) countResponses(t testing.TB) int64 {
	t.Helper()
	n, err := e.Store.DB().NewSelect().Table("responses").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// errorOf returns code and field of a contract error object, failing the test if the shape is wrong.
func errorOf(t testing.TB, body map[string]any) (code, field string) {
	t.Helper()
	eo, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("want an error object, got %v", body)
	}
	code, _ = eo["code"].(string)
	msg, _ := eo["message"].(string)
	if code == "" || msg == "" {
		t.Fatalf("error object needs code and message: %v", eo)
	}
	if f, present := eo["field"]; present {
		field, _ = f.(string)
		if field == "" {
			t.Fatalf("field present but empty: %v", eo)
		}
	}
	return code, field
}

// sendAtOnce sends n requests made by newReq, each from its own goroutine so that they reach the server together,
// and returns their statuses (0 for one that failed, which is a test error).
func sendAtOnce(t testing.TB, n int, newReq func() *http.Request) []int {
	t.Helper()
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.DefaultClient.Do(newReq())
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	return statuses
}
