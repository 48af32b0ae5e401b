package web

import (
	"net/http/httptest"
	"testing"
)

func TestWantsPage(t *testing.T) {
	for _, c := range []struct {
		path, accept string
		want         bool
	}{
		{"/x", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true}, // Chromium, Firefox
		{"/x", "application/xhtml+xml", true},
		{"/x", "", false},
		{"/x", "*/*", false}, // curl
		{"/x", "application/json", false},
		{"/x", "application/json, text/html;q=0.5", false},
		{"/x", "text/html;q=0.9, application/json;q=0.9", true},
		{"/x", "text/html;q=0", false},
		{"/x", "text/html;q=banana", false},
		{"/api/v1/nothing", "text/html", false},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		r.Header.Set("Accept", c.accept)
		if got := wantsPage(r); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.path, c.accept, got, c.want)
		}
	}
}

func FuzzAcceptQ(f *testing.F) {
	for _, s := range []string{"text/html", "*/*", "application/json;q=0.3, text/html", ";;,,q=", "text/html;q=1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		html, json := acceptQ(h)
		if html < 0 || html > 1 || json < 0 || json > 1 {
			t.Fatalf("%q: qualities %v, %v out of [0,1]", h, html, json)
		}
	})
}
