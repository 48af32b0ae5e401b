package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestChromiumRendersAPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="az"><title>Qiymət</title><h1 id="h">Əla xidmət</h1></html>`))
	}))
	defer srv.Close()
	ctx := New(t)
	var text string
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL), chromedp.Text("#h", &text)); err != nil {
		t.Fatal(err)
	}
	if text != "Əla xidmət" {
		t.Fatalf("got %q", text)
	}
}
