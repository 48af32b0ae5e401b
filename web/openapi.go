package web

import (
	"bytes"
	_ "embed"
	"net/http"
	"time"
)

// openAPIDocument describes every /api/v1 endpoint (OpenAPI 3.1). web/openapi_test.go keeps it true: it checks
// every route against it and validates the real requests and answers of the HTTP tests. docs/api.md is the prose.
//
//go:embed openapi/openapi.json
var openAPIDocument []byte

var openAPITag = etagOf(openAPIDocument)

// getOpenAPI serves GET /api/v1/openapi.json to anyone. It changes only with the binary, so clients may keep it
// for an hour and then revalidate with the ETag.
func (s *Server) getOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", openAPITag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(openAPIDocument))
}
