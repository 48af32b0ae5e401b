package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a fresh self-signed certificate for 127.0.0.1 and its key; it returns their paths and
// a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qiymet test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

var servingTLSRE = regexp.MustCompile(`serving on (https://\S+) \(links and QR codes use (\S+)\)`)

// startServe runs serve in the background until the test ends; it returns what serve printed as its address
// and base URL.
func startServe(t *testing.T, env map[string]string, args ...string) (addr, base string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingTLSRE.FindStringSubmatch(out.String()); m != nil {
			return m[1], m[2]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve ended early: %v\n%s", err, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no https address: %q", out.String())
		}
	}
}

// TestServeTLS (issue 14, finding 6): serve terminates TLS with QIYMET_TLS_CERT/KEY, sends HSTS, names its
// session cookie __Host-… (Secure, Path=/, no Domain), and guards /metrics with QIYMET_METRICS_TOKEN.
func TestServeTLS(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	certFile, keyFile, pool := selfSigned(t)
	env["QIYMET_TLS_CERT"], env["QIYMET_TLS_KEY"] = certFile, keyFile
	env["QIYMET_SECRET"] = "a test secret of some length"
	env["QIYMET_METRICS_TOKEN"] = "scrape-me-please"
	mustRun(t, env, "", "catalog", "apply", catalogPath(t))
	mustRun(t, env, "correct horse battery\n", "user", "add", "--email", "admin@example.az", "--role", "admin")
	addr, base := startServe(t, env, "--addr", "127.0.0.1:0")
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("the derived base URL of a TLS server is %s", base)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, auth string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, addr+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	r := get("/healthz", "")
	if r.StatusCode != 200 || r.TLS == nil || !strings.HasPrefix(r.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("healthz over TLS: %d tls=%v HSTS=%q", r.StatusCode, r.TLS != nil, r.Header.Get("Strict-Transport-Security"))
	}
	// Plain http to the TLS port is refused.
	if resp, err := http.Get(strings.Replace(addr, "https://", "http://", 1) + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatal("plain http answered 200 on the TLS port")
		}
	}
	// /metrics: 401 without the token, with a wrong one or another scheme; 200 with it.
	for _, auth := range []string{"", "Bearer wrong", "Basic scrape-me-please", "Bearer scrape-me-pleasE", "Bearer scrape-me-please2"} {
		if r := get("/metrics", auth); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("/metrics with %q: %d", auth, r.StatusCode)
		}
	}
	if r := get("/metrics", "Bearer scrape-me-please"); r.StatusCode != 200 {
		t.Fatalf("/metrics with the token: %d", r.StatusCode)
	}
	// Sign-in over https: a __Host- cookie, Secure, Path=/, no Domain.
	form := url.Values{"email": {"admin@example.az"}, "password": {"correct horse battery"}}
	resp, err := c.PostForm(addr+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, ck := range resp.Cookies() {
		if strings.HasSuffix(ck.Name, "qiymet_session") {
			found = true
			if ck.Name != "__Host-qiymet_session" || !ck.Secure || ck.Path != "/" || ck.Domain != "" || !ck.HttpOnly {
				t.Fatalf("session cookie over https: %+v", ck)
			}
		}
	}
	if resp.StatusCode != http.StatusSeeOther || !found {
		t.Fatalf("sign-in over https: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestServeRefusesHTTPSWithoutSecret: an https base URL (or TLS) without QIYMET_SECRET is a clear error.
func TestServeRefusesHTTPSWithoutSecret(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	env["QIYMET_BASE_URL"] = "https://rate.example.az"
	r := cliRun(t, env, "", "serve", "--addr", "127.0.0.1:0")
	if r.Err == nil || !strings.Contains(r.Err.Error(), "QIYMET_SECRET") {
		t.Fatalf("https without a secret: %v", r.Err)
	}
	certFile, keyFile, _ := selfSigned(t)
	env = cliEnv(t, "sqlite-file")
	env["QIYMET_TLS_CERT"], env["QIYMET_TLS_KEY"] = certFile, keyFile
	if r := cliRun(t, env, "", "serve", "--addr", "127.0.0.1:0"); r.Err == nil || !strings.Contains(r.Err.Error(), "QIYMET_SECRET") {
		t.Fatalf("TLS without a secret: %v", r.Err)
	}
	// Half a TLS configuration, or a key that is not the certificate's, are errors too.
	env["QIYMET_SECRET"] = "set"
	delete(env, "QIYMET_TLS_KEY")
	if r := cliRun(t, env, "", "serve", "--addr", "127.0.0.1:0"); r.Err == nil || !r.usage() || !strings.Contains(r.Err.Error(), "QIYMET_TLS_KEY") {
		t.Fatalf("cert without key: %v", r.Err)
	}
	env["QIYMET_TLS_KEY"] = certFile
	if r := cliRun(t, env, "", "serve", "--addr", "127.0.0.1:0"); r.Err == nil || !strings.Contains(r.Err.Error(), "QIYMET_TLS") {
		t.Fatalf("bad key: %v", r.Err)
	}
}
