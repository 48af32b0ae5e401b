package web_test

// The API document (web/openapi/openapi.json) is kept true by the HTTP tests themselves: newTestEnvWith wraps
// the server in validateAPITraffic, so every /api/v1 request the suite sends and every answer it gets is checked
// against the document with kin-openapi's openapi3filter, and TestMain fails a full run in which some documented
// operation was never exercised.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

const openAPIFile = "openapi/openapi.json"

// apiSpec is the loaded document, its router and what the suite has exercised of it.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router

	mu        sync.Mutex
	exercised map[string]int // operationId → validated exchanges
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		return nil, err
	}
	return parseSpec(raw)
})

// parseSpec loads and validates an OpenAPI 3.1 document.
func parseSpec(raw []byte) (*apiSpec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.IsOpenAPI32OrLater() {
		return nil, fmt.Errorf("openapi is %q, want 3.1.x", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	return &apiSpec{doc: doc, router: router, exercised: map[string]int{}}, nil
}

func mustSpec(t testing.TB) *apiSpec {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		t.Fatalf("%s: %v", openAPIFile, err)
	}
	return spec
}

func init() {
	// The CSV export is a stream of text: its schema is a string, so the body only needs reading.
	openapi3filter.RegisterBodyDecoder("text/csv", func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	})
}

// presentCredential passes a security requirement when the request carries that kind of credential; the server
// decides whether it is a valid one.
func presentCredential(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r, s := in.RequestValidationInput.Request, in.SecurityScheme
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != "" {
			return nil
		}
	case s.Type == "apiKey" && s.In == "cookie":
		if c, err := r.Cookie(s.Name); err == nil && c.Value != "" {
			return nil
		}
		// The document names the https cookie (__Host-qiymet_session); over http it goes without the prefix.
		if c, err := r.Cookie(strings.TrimPrefix(s.Name, "__Host-")); err == nil && c.Value != "" {
			return nil
		}
	default:
		return fmt.Errorf("security scheme %q of type %q is not checked by the tests", in.SecuritySchemeName, s.Type)
	}
	return errors.New("no " + in.SecuritySchemeName + " credential")
}

// exchange is one request and its answer as the server saw them.
type exchange struct {
	req     *http.Request
	reqBody []byte
	status  int
	header  http.Header
	body    []byte
}

// check validates one exchange and answers the operation it matched ("" for none). The rules:
//   - a request the server accepted (status < 400) must satisfy the document, credential included; a refused
//     one may break it (tests send malformed requests on purpose);
//   - every answer must be documented for its operation and status, headers and body included;
//   - a path or method the document does not describe may only be answered 404 or 405 with an error object.
func (s *apiSpec) check(x exchange) (string, error) {
	ctx := context.Background()
	req := x.req.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(x.reqBody))
	if len(x.reqBody) > 0 && req.Header.Get("Content-Type") == "" {
		// The server reads every body as JSON, labelled or not (the document says so); curl-style clients
		// often send none.
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		if x.status != http.StatusNotFound && x.status != http.StatusMethodNotAllowed {
			return "", fmt.Errorf("not in the document (%v), yet answered %d", err, x.status)
		}
		return "", s.checkErrorBody(x.body)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: presentCredential}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && x.status < 400 {
		return route.Operation.OperationID, fmt.Errorf("the server accepted a request the document rejects: %w", err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.status, Header: x.header,
		Body: io.NopCloser(bytes.NewReader(x.body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return route.Operation.OperationID, fmt.Errorf("answer: %w", err)
	}
	return route.Operation.OperationID, nil
}

// checkErrorBody validates an error answer of an undocumented path against the Error schema.
func (s *apiSpec) checkErrorBody(body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("error answer is not JSON: %w", err)
	}
	schema := s.doc.Components.Schemas["Error"].Value
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("error answer: %w", err)
	}
	return nil
}

func (s *apiSpec) record(op string) {
	if op == "" {
		return
	}
	s.mu.Lock()
	s.exercised[op]++
	s.mu.Unlock()
}

// operations lists every operation of the document as "METHOD /path" → operationId.
func (s *apiSpec) operations() map[string]string {
	out := map[string]string{}
	for path, item := range s.doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[method+" "+path] = op.OperationID
		}
	}
	return out
}

// validateAPITraffic wraps the server of a test: every /api/ exchange is checked against the document and a
// mismatch fails t, naming the request. Benchmarks run unwrapped.
func validateAPITraffic(t testing.TB, next http.Handler) http.Handler {
	if _, bench := t.(*testing.B); bench {
		return next
	}
	return validateAPITrafficOf(t, mustSpec(t), next)
}

// validateAPITrafficOf is validateAPITraffic against a given document (which records what was exercised).
func validateAPITrafficOf(t testing.TB, spec *apiSpec, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		reqBody, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("OpenAPI: %s %s: reading the request: %v", r.Method, r.URL.RequestURI(), err)
		}
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := &answerRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r) // an aborted stream panics through: there is no answer to check
		op, err := spec.check(exchange{req: r, reqBody: reqBody, status: rec.statusOr200(), header: w.Header(), body: rec.body.Bytes()})
		spec.record(op)
		if err != nil {
			t.Errorf("OpenAPI: %s %s → %d: %s\nanswer: %.300s", r.Method, r.URL.RequestURI(), rec.statusOr200(), briefly(err), rec.body.Bytes())
		}
	})
}

// briefly drops the schema and value dumps kin-openapi appends to a schema error: the answer is printed anyway.
func briefly(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\nSchema:")
	return msg
}

// answerRecorder keeps the status and (the first MiB of) the body of an answer while passing it on.
type answerRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

const recordedBodyLimit = 1 << 20

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerRecorder) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if room := recordedBodyLimit - a.body.Len(); room > 0 {
		a.body.Write(p[:min(len(p), room)])
	}
	return a.ResponseWriter.Write(p)
}

func (a *answerRecorder) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (the CSV export extends its write deadline).
func (a *answerRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }

func (a *answerRecorder) statusOr200() int {
	if a.status == 0 {
		return http.StatusOK
	}
	return a.status
}

// TestMain adds one check to a full run of the package: every documented operation was exercised.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if testing.Verbose() {
		if spec, err := loadSpec(); err == nil {
			spec.mu.Lock()
			fmt.Printf("OpenAPI: validated exchanges by operation: %v\n", spec.exercised)
			spec.mu.Unlock()
		}
	}
	if code == 0 && isFullRun() {
		if missing := unexercisedOperations(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: OpenAPI operations that no test exercised (add a test): %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// isFullRun reports whether every test of the package ran (no -run, -skip or -short).
func isFullRun() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return !testing.Short()
}

func unexercisedOperations() []string {
	spec, err := loadSpec()
	if err != nil {
		return []string{err.Error()}
	}
	spec.mu.Lock()
	defer spec.mu.Unlock()
	var missing []string
	for route, op := range spec.operations() {
		if spec.exercised[op] == 0 {
			missing = append(missing, route)
		}
	}
	slices.Sort(missing)
	return missing
}

// TestOpenAPIDocumentServed: GET /api/v1/openapi.json answers the document, to anyone, cacheable.
func TestOpenAPIDocumentServed(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	r := env.get(t, "/api/v1/openapi.json", "")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q: want a cacheable answer", cc)
	}
	if !bytes.Equal(r.Body, mustRead(t, openAPIFile)) {
		t.Fatalf("served document differs from %s", openAPIFile)
	}
	if _, err := parseSpec(r.Body); err != nil {
		t.Fatalf("served document: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/api/v1/openapi.json", nil)
	req.Header.Set("If-None-Match", r.Header.Get("ETag"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with the ETag: status %d, want 304", resp.StatusCode)
	}
}

var muxVarPattern = regexp.MustCompile(`\{([a-zA-Z_]+):[^}]*\}`)

// TestOpenAPIDescribesEveryRoute: the /api/v1 routes of routes.go and the operations of the document are the
// same set.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	spec := mustSpec(t)
	env := newTestEnv(t, "sqlite")
	documented := spec.operations()
	registered := map[string]bool{}
	for _, rt := range env.Server.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/") {
			continue
		}
		path := muxVarPattern.ReplaceAllString(rt.Path, "{$1}")
		for _, m := range rt.Methods {
			registered[m+" "+path] = true
			if _, ok := documented[m+" "+path]; !ok {
				t.Errorf("route %s %s is not in %s", m, path, openAPIFile)
			}
		}
	}
	for route := range documented {
		if !registered[route] {
			t.Errorf("%s documents %s, which routes.go does not register", openAPIFile, route)
		}
	}
	if len(registered) < 9 {
		t.Fatalf("only %d /api routes found: %v", len(registered), registered)
	}
	for route, op := range documented {
		if op == "" {
			t.Errorf("%s has no operationId", route)
		}
	}
}

// TestOpenAPIRejectsWrongTraffic: the validation is not a rubber stamp. Each exchange breaks the document in one
// way and must be refused; the control exchange must pass.
func TestOpenAPIRejectsWrongTraffic(t *testing.T) {
	spec := mustSpec(t)
	get := func(uri string, auth bool) *http.Request {
		r := httptest.NewRequest(http.MethodGet, uri, nil)
		if auth {
			r.Header.Set("Authorization", "Bearer qa_test")
		}
		return r
	}
	post := func(uri string, auth bool) *http.Request {
		r := httptest.NewRequest(http.MethodPost, uri, nil)
		r.Header.Set("Content-Type", "application/json")
		if auth {
			r.Header.Set("Authorization", "Bearer qk_test")
		}
		return r
	}
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	submission := `{"agency":"migration","answers":{"overall":5}}`
	result := `{"id":"1b4e28ba-2fa1-4d2e-8a3c-5f2d9b1c7e01","status":"counted","reason":null,"score":100}`
	period := `"period":{"label":"2025-Q3","start":"2025-07-01T00:00:00+04:00","end":"2025-10-01T00:00:00+04:00","complete":false,"as_of":"2025-08-14T10:00:00+04:00"}`
	methodology := `"methodology":{"min_n":30,"confidence":0.95,"prior_weight":0}`
	row := `{"rank":1,"agency":"migration","name":"M","index":92.78,"ci_low":92.1,"ci_high":93.43,"adjusted":92.78,"n":40,` +
		`"csat":95.1,"csat_low":94.38,"csat_high":95.71,"previous_rank":null,"change":{"previous_period":1.23,"previous_year":null},"streak":4,"status":"ranked",` +
		`"change_significant":{"previous_period":true,"previous_year":null},"rank_low":1,"rank_high":2,"clear_first":false,"clear_streak":0,"cases":{"opened":2,"resolved_in_sla":50}}`
	rankings := func(r string) string {
		return `{` + period + `,` + methodology + `,"groups":[{"group":"central","name":"C","index":88.4,"n":40,"rows":[` + r + `]}]}`
	}
	cases := []struct {
		name string
		x    exchange
		want string // "" = must pass; otherwise a part of the error
	}{
		{"control: a stored response", exchange{req: post("/api/v1/responses", true), reqBody: []byte(submission), status: 201, header: jsonHeader, body: []byte(result)}, ""},
		{"control: a ranking", exchange{req: get("/api/v1/rankings?period=2025-Q3", true), status: 200, header: jsonHeader, body: []byte(rankings(row))}, ""},
		{"score is a string", exchange{req: post("/api/v1/responses", true), reqBody: []byte(submission), status: 201, header: jsonHeader,
			body: []byte(strings.Replace(result, `"score":100`, `"score":"100"`, 1))}, "score"},
		{"unknown status value", exchange{req: post("/api/v1/responses", true), reqBody: []byte(submission), status: 201, header: jsonHeader,
			body: []byte(strings.Replace(result, `"counted"`, `"maybe"`, 1))}, "status"},
		{"an extra field", exchange{req: post("/api/v1/responses", true), reqBody: []byte(submission), status: 201, header: jsonHeader,
			body: []byte(strings.Replace(result, `{`, `{"channel":"kiosk",`, 1))}, "channel"},
		{"accepted without answers", exchange{req: post("/api/v1/responses", true), reqBody: []byte(`{"agency":"migration"}`), status: 201, header: jsonHeader,
			body: []byte(result)}, "accepted a request"},
		{"accepted without a credential", exchange{req: get("/api/v1/rankings?period=2025-Q3", false), status: 200, header: jsonHeader,
			body: []byte(rankings(row))}, "accepted a request"},
		{"methodology missing", exchange{req: get("/api/v1/rankings?period=2025-Q3", true), status: 200, header: jsonHeader,
			body: []byte(strings.Replace(rankings(row), methodology+",", "", 1))}, "methodology"},
		{"rank zero", exchange{req: get("/api/v1/rankings?period=2025-Q3", true), status: 200, header: jsonHeader,
			body: []byte(rankings(strings.Replace(row, `"rank":1`, `"rank":0`, 1)))}, "rank"},
		{"index above 100", exchange{req: get("/api/v1/rankings?period=2025-Q3", true), status: 200, header: jsonHeader,
			body: []byte(rankings(strings.Replace(row, `"index":92.78`, `"index":192.78`, 1)))}, "index"},
		{"undocumented status", exchange{req: get("/api/v1/rankings?period=2025-Q3", true), status: http.StatusTeapot, header: jsonHeader,
			body: []byte(`{"error":{"code":"internal","message":"x"}}`)}, "status"},
		{"error code of another status", exchange{req: post("/api/v1/responses", true), reqBody: []byte(submission), status: 410, header: jsonHeader,
			body: []byte(`{"error":{"code":"token_used","message":"used","field":"token"}}`)}, "token_expired"},
		{"error without message", exchange{req: post("/api/v1/responses", true), reqBody: []byte(`{`), status: 400, header: jsonHeader,
			body: []byte(`{"error":{"code":"invalid_json"}}`)}, "message"},
		{"429 without Retry-After", exchange{req: get("/api/v1/rankings?period=2025-Q3", true), status: 429, header: jsonHeader,
			body: []byte(`{"error":{"code":"rate_limited","message":"slow down"}}`)}, "Retry-After"},
		{"CSV as JSON", exchange{req: get("/api/v1/responses.csv", true), status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "Content-Disposition": {`attachment; filename="responses.csv"`}}, body: []byte(`{}`)}, "Content-Type"},
		{"an undocumented endpoint", exchange{req: get("/api/v1/secrets", true), status: 200, header: jsonHeader, body: []byte(`{}`)}, "not in the document"},
		{"404 without the error shape", exchange{req: get("/api/v1/secrets", true), status: 404, header: jsonHeader, body: []byte(`{"error":"no"}`)}, "error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := spec.check(c.x)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("a valid exchange was refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("a wrong exchange passed")
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error does not name %q: %v", c.want, err)
			}
			if err != nil {
				t.Logf("refused: %.400v", err)
			}
		})
	}

	// And through the harness: a server that answers a wrong body fails the test that called it.
	fake := &recordingTB{TB: t}
	private, err := parseSpec(mustRead(t, openAPIFile)) // its own copy: this exchange must not count as coverage
	if err != nil {
		t.Fatal(err)
	}
	h := validateAPITrafficOf(fake, private, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"status":"fine"}`)
	}))
	hs := httptest.NewServer(h)
	defer hs.Close()
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/kiosk/heartbeat", strings.NewReader(`{"version":"1"}`))
	req.Header.Set("Authorization", "Bearer qk_test")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(fake.errors) != 1 || !strings.Contains(fake.errors[0], "POST /api/v1/kiosk/heartbeat → 200") {
		t.Fatalf("the harness did not report the wrong answer: %q", fake.errors)
	}
}

// recordingTB stands in for a test whose failures we want to see instead of suffer.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
