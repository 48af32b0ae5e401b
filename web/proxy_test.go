package web_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/qiymet/qiymet/web"
)

// The reverse-proxy tests (issue 14, finding 5) put a real proxy in front of the server. The proxy's
// connections to the server leave from proxyAddr, the one trusted address; citizens reach the proxy from
// their own loopback addresses, which the proxy appends to X-Forwarded-For.
const proxyAddr = "127.0.0.5"

// proxiedEnv is a server that trusts proxyAddr, with a per-client limit of 3 link-page requests.
func proxiedEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 1,
		Limits:         web.Limits{IP: web.Rate{PerSecond: 0.001, Burst: 3}},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix(proxyAddr + "/32")}})
}

// linkStatus GETs a link page (rate-limited per client) at base through c, with an optional X-Forwarded-For.
func linkStatus(t *testing.T, c *http.Client, base, xff string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/r/no-such-token", nil)
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// checkSeparateBuckets runs the citizens' side through the proxy at proxyURL: each citizen has their own
// budget of 3, and a citizen who writes X-Forwarded-For themselves gains nothing.
func checkSeparateBuckets(t *testing.T, proxyURL string) {
	t.Helper()
	a, b := clientFrom("127.0.0.6"), clientFrom("127.0.0.7")
	for i := 1; i <= 3; i++ {
		if st := linkStatus(t, a, proxyURL, ""); st == http.StatusTooManyRequests {
			t.Fatalf("citizen A, request %d through the proxy: 429 within the budget", i)
		}
	}
	if st := linkStatus(t, a, proxyURL, ""); st != http.StatusTooManyRequests {
		t.Fatalf("citizen A, request 4: %d, want 429", st)
	}
	// Citizen B, through the same proxy, has a budget of their own.
	for i := 1; i <= 3; i++ {
		if st := linkStatus(t, b, proxyURL, ""); st == http.StatusTooManyRequests {
			t.Fatalf("citizen B, request %d: 429 — the proxy's citizens share one bucket", i)
		}
	}
	// A forged hop is left of the one the proxy wrote: A is still A.
	for _, forged := range []string{"203.0.113.50", "203.0.113.51, 127.0.0.5", "garbage"} {
		if st := linkStatus(t, a, proxyURL, forged); st != http.StatusTooManyRequests {
			t.Fatalf("citizen A forging X-Forwarded-For %q: %d, want 429", forged, st)
		}
	}
}

// TestTrustedProxyReverseProxy: httputil.ReverseProxy on its own port in front of the server.
func TestTrustedProxyReverseProxy(t *testing.T) {
	e := proxiedEnv(t)
	target, _ := url.Parse(e.URL)
	rp := httputil.NewSingleHostReverseProxy(target) // appends the citizen's address to X-Forwarded-For
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(proxyAddr)}}
	rp.Transport = &http.Transport{DialContext: d.DialContext}
	proxy := httptest.NewServer(rp)
	defer proxy.Close()
	checkSeparateBuckets(t, proxy.URL)

	// Straight to the server from an untrusted address, X-Forwarded-For is ignored: one bucket whatever it says.
	direct := clientFrom("127.0.0.8")
	for i := 1; i <= 3; i++ {
		if st := linkStatus(t, direct, e.URL, fmt.Sprintf("198.51.100.%d", i)); st == http.StatusTooManyRequests {
			t.Fatalf("direct request %d: 429 within the budget", i)
		}
	}
	if st := linkStatus(t, direct, e.URL, "198.51.100.99"); st != http.StatusTooManyRequests {
		t.Fatalf("a spoofed X-Forwarded-For from an untrusted peer bought a fresh bucket: %d", st)
	}
	// Without trusted proxies (the default), the proxy's citizens are one client: the proxy.
	plain := newTestEnvWith(t, "sqlite", testEnvOptions{RateScale: 1, Limits: web.Limits{IP: web.Rate{PerSecond: 0.001, Burst: 3}}})
	target, _ = url.Parse(plain.URL)
	rp2 := httputil.NewSingleHostReverseProxy(target)
	rp2.Transport = &http.Transport{DialContext: d.DialContext}
	proxy2 := httptest.NewServer(rp2)
	defer proxy2.Close()
	for i := 0; i < 3; i++ {
		linkStatus(t, clientFrom("127.0.0.6"), proxy2.URL, "")
	}
	if st := linkStatus(t, clientFrom("127.0.0.7"), proxy2.URL, ""); st != http.StatusTooManyRequests {
		t.Fatalf("untrusted proxy: X-Forwarded-For was believed (%d)", st)
	}
}

// TestTrustedProxyNginx: the same through Debian's nginx, when it is installed (.ci/deps installs it; Debian puts
// it in /usr/sbin, which a user's PATH may lack). In CI it must run.
func TestTrustedProxyNginx(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin, err = exec.LookPath("/usr/sbin/nginx")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nginx is not installed (.ci/deps installs it)")
		}
		t.Skip("nginx is not installed")
	}
	e := proxiedEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  server {
    listen 127.0.0.1:%[2]d;
    location / {
      proxy_pass %[3]s;
      proxy_bind %[4]s;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`, dir, port, e.URL, proxyAddr)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", confFile, "-p", dir, "-e", filepath.Join(dir, "error.log"))
	if err := cmd.Start(); err != nil {
		t.Skipf("nginx did not start: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	proxyURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx is not listening: %s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkSeparateBuckets(t, proxyURL)
}
