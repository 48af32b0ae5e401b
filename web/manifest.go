package web

import (
	"net/http"
)

// manifest lets a phone add the dashboard to its home screen: Azerbaijani names, the layout header's
// colour, the SVG icon (web/static/dash/icon.svg).
const manifest = `{
  "name": "Qiymət — dövlət xidmətlərinin qiymətləndirilməsi",
  "short_name": "Qiymət",
  "lang": "az",
  "start_url": "/",
  "scope": "/",
  "display": "standalone",
  "theme_color": "#10253d",
  "background_color": "#ffffff",
  "icons": [{"src": "/static/dash/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]
}
`

func (s *Server) webManifest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if r.Method != http.MethodHead {
		w.Write([]byte(manifest))
	}
}

// favicon answers browsers' /favicon.ico with the SVG icon the layout links, rather than a 404.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	b, err := dashFS.ReadFile("static/dash/icon.svg")
	if err != nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}
