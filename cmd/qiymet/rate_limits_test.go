package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/web"
)

// apiKeyOf creates an API key with `qiymet apikey add` and returns it.
func apiKeyOf(t *testing.T, env map[string]string) string {
	t.Helper()
	out := mustRun(t, env, "", "apikey", "add", "--name", "rate test")
	_, key, ok := strings.Cut(out, "key (shown once): ")
	if !ok {
		t.Fatalf("apikey add printed no key: %q", out)
	}
	return strings.TrimSpace(key)
}

// TestRateAPIKeyThroughServe (issue 20, item 2): QIYMET_RATE_APIKEY reaches the router that `qiymet serve`
// runs on a real port. With 2,2 the third quick request of one key is 429 with the documented body (code
// rate_limited, a Retry-After); another key keeps its own budget. Unset, the default (500,1000) applies: the
// same burst of requests passes, and the resolved configuration is the documented default.
func TestRateAPIKeyThroughServe(t *testing.T) {
	for _, d := range cliDialects {
		t.Run(d, func(t *testing.T) {
			env := cliEnv(t, d)
			mustRun(t, env, "", "catalog", "apply", catalogPath(t))
			k1, k2 := apiKeyOf(t, env), apiKeyOf(t, env)

			srv := startServeWith(t, env, map[string]string{"QIYMET_RATE_APIKEY": "2,2"})
			for i := 1; i <= 2; i++ {
				if code, body := srv.call(t, "GET", "/api/v1/publications", k1, ""); code != 200 {
					t.Fatalf("request %d within the burst of 2: %d %s", i, code, body)
				}
			}
			code, hdr, body := callFull(t, srv.base+"/api/v1/publications", k1)
			if code != 429 {
				t.Fatalf("the 3rd quick request with QIYMET_RATE_APIKEY=2,2: %d %s, want 429", code, body)
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "rate_limited" || e.Error.Message == "" {
				t.Fatalf("429 body %q (%v), want {\"error\":{\"code\":\"rate_limited\",…}}", body, err)
			}
			if hdr.ra == "" || hdr.ra == "0" {
				t.Fatalf("429 without a positive Retry-After: %q", hdr.ra)
			}
			if !strings.HasPrefix(hdr.ct, "application/json") {
				t.Fatalf("429 Content-Type %q", hdr.ct)
			}
			if code, body := srv.call(t, "GET", "/api/v1/publications", k2, ""); code != 200 {
				t.Fatalf("another key is limited by the first one's budget: %d %s", code, body)
			}

			// Unset: the default burst (1,000) lets far more than 2 quick requests through.
			def := startServeWith(t, env, nil)
			for i := 1; i <= 40; i++ {
				if code, body := def.call(t, "GET", "/api/v1/publications", k1, ""); code != 200 {
					t.Fatalf("request %d with QIYMET_RATE_APIKEY unset: %d %s (the default is 500,1000)", i, code, body)
				}
			}
		})
	}
	fs, cfg := newFlagSet("test", func(string) string { return "" }, &bytes.Buffer{})
	if _, err := parse(fs, nil); err != nil {
		t.Fatal(err)
	}
	c, err := cfg()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Security.Limits.APIKey, (web.Rate{PerSecond: 500, Burst: 1000}); got != want || web.DefaultLimits().APIKey != want {
		t.Fatalf("QIYMET_RATE_APIKEY unset resolves to %+v (DefaultLimits %+v), want the documented %+v", got, web.DefaultLimits().APIKey, want)
	}
}

type respHeaders struct{ ra, ct string }

// callFull makes one GET with a bearer credential and returns the status, the headers that matter and the body.
func callFull(t *testing.T, url, bearer string) (int, respHeaders, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, respHeaders{ra: resp.Header.Get("Retry-After"), ct: resp.Header.Get("Content-Type")}, string(body)
}

// TestRateParserHostile (issue 20, item 2): every QIYMET_RATE_* and --rate-… value that is not
// PER_SECOND,BURST within bounds stops `qiymet serve` before it listens: exit status 2 (a usage error) and one
// line on stderr naming the variable. The real binary, so the exit status is the process's own.
func TestRateParserHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "qiymet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	vars := []string{"QIYMET_RATE_KIOSK", "QIYMET_RATE_APIKEY", "QIYMET_RATE_IP", "QIYMET_RATE_LOGIN",
		"QIYMET_RATE_BAD_TOKEN", "QIYMET_RATE_SESSION_READ"}
	bad := []string{"abc", "5", "5,", ",5", ",", "0,10", "-1,5", "5,0", "5,-1", "5,1.5", "5,5,5", "NaN,5", "Inf,5",
		"+Inf,5", "1e400,5", "1e7,5", "5,99999999999999999999", "5;5", "５,5", "5,5 5", "5\t,\n5x", "0x1p-1080,5",
		strings.Repeat("9", 4096) + ",1", "1," + strings.Repeat("9", 4096), "' OR 1=1 --"}
	// Every variable gets a few of them; APIKEY gets them all.
	type tc struct{ env, val string }
	var cases []tc
	for i, v := range vars {
		if v == "QIYMET_RATE_APIKEY" {
			for _, b := range bad {
				cases = append(cases, tc{v, b})
			}
			continue
		}
		for j := 0; j < 3; j++ {
			cases = append(cases, tc{v, bad[(i*3+j)%len(bad)]})
		}
	}
	for i, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
		cmd.Env = []string{"QIYMET_DB=" + db, "HOME=" + t.TempDir(), c.env + "=" + c.val}
		if i%2 == 1 { // every other case through the flag of the same name instead
			flagName := "--" + strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(c.env, "QIYMET_")), "_", "-")
			cmd = exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", flagName+"="+c.val)
			cmd.Env = []string{"QIYMET_DB=" + db, "HOME=" + t.TempDir()}
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		short := c.val
		if len(short) > 20 {
			short = short[:20] + "…"
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%s=%q: %v, want exit status 2; stdout %q", c.env, short, err, stdout.String())
			continue
		}
		msg := strings.TrimRight(stderr.String(), "\n")
		if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "qiymet: "+c.env+": ") {
			t.Errorf("%s=%q: stderr %q, want one line \"qiymet: %s: …\"", c.env, short, msg, c.env)
		}
		if strings.Contains(stdout.String(), "serving on") {
			t.Errorf("%s=%q: serve started listening", c.env, short)
		}
	}
}

// TestRateLimitsDocumented: every QIYMET_RATE_* that serve reads is in the usage text and in docs/api.md's
// configuration table with the default it really has.
func TestRateLimitsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(catalogPath(t)), "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range securityDefaults {
		if !strings.HasPrefix(d.env, "QIYMET_RATE_") {
			continue
		}
		n++
		if !regexp.MustCompile(regexp.QuoteMeta(d.env) + `\s+--` + regexp.QuoteMeta(d.flag) + `\s+default ` + regexp.QuoteMeta(d.def) + ` `).MatchString(usage) {
			t.Errorf("the usage text does not list %s (--%s) with its default %s", d.env, d.flag, d.def)
		}
		if row := "| `" + d.env + "` | `--" + d.flag + "` | `" + d.def + "` |"; !strings.Contains(string(doc), row) {
			t.Errorf("docs/api.md lacks the row %q", row)
		}
	}
	if n != 6 {
		t.Errorf("%d QIYMET_RATE_* settings, want the six of web.Limits", n)
	}
}
