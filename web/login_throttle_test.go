package web_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey/storetest"
)

// clientFrom is a browser-like client (no redirects followed) whose connections leave from ip, a loopback
// address other than 127.0.0.1: a distinct source as the server sees it.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn posts the sign-in form through c.
func (e *testEnv) signIn(t testing.TB, c *http.Client, email, password string) testResponse {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	resp, err := c.Post(e.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// TestLoginThrottlePerSource (issue 14, finding 2): an attacker from one address fails 20 times; the owner
// signs in from another at once; the attacker's own tries wait with Retry-After; an admin's unlock clears.
func TestLoginThrottlePerSource(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newDashEnv(t, dialect, 0, "")
			attacker, owner := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")
			email := e.Users["analyst"]
			for i := 1; i <= 20; i++ {
				r := e.signIn(t, attacker, email, "guess number "+strconv.Itoa(i))
				want := http.StatusUnauthorized
				if i > 5 {
					want = http.StatusTooManyRequests
				}
				if r.Status != want || r.Header.Get("Set-Cookie") != "" {
					t.Fatalf("attempt %d from the attacker: %d, want %d", i, r.Status, want)
				}
				if want == http.StatusTooManyRequests {
					if s, _ := strconv.Atoi(r.Header.Get("Retry-After")); s < 1 {
						t.Fatalf("attempt %d: Retry-After %q", i, r.Header.Get("Retry-After"))
					}
				}
			}
			// Even the right password waits from the attacker's address…
			if r := e.signIn(t, attacker, email, testPassword); r.Status != http.StatusTooManyRequests {
				t.Fatalf("right password from the throttled address: %d", r.Status)
			}
			// …while the owner, elsewhere, is in at once.
			r := e.signIn(t, owner, email, testPassword)
			if r.Status != http.StatusSeeOther || sessionCookieOf(t, r).Value == "" {
				t.Fatalf("owner from another address: %d %s", r.Status, r.Body)
			}
			// The users page shows the slowdown; the admin lifts it.
			admin := e.login(t, e.Users["admin"])
			page := e.page(t, http.MethodGet, "/admin/users", admin, nil)
			if !strings.Contains(string(page.Body), `value="unlock"`) {
				t.Fatal("the users page offers no unlock for a throttled account")
			}
			id := userID(t, e, email)
			if r := e.page(t, http.MethodPost, "/admin/users/"+id, admin, url.Values{"action": {"unlock"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("unlock: %d", r.Status)
			}
			if r := e.signIn(t, attacker, email, testPassword); r.Status != http.StatusSeeOther {
				t.Fatalf("after unlock: %d", r.Status)
			}
		})
	}
}

// userID is the id of the user with email, as text.
func userID(t testing.TB, e *dashEnv, email string) string {
	t.Helper()
	users, err := e.Store.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Email == email {
			return strconv.FormatInt(u.ID, 10)
		}
	}
	t.Fatalf("no user %s", email)
	return ""
}

// TestLoginSameAnswerForUnknownEmail: a wrong password for a real account and any password for an unknown
// e-mail of the same length get byte-identical answers, as do their throttled answers.
func TestLoginSameAnswerForUnknownEmail(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	known, unknown := e.Users["analyst"], "analyxt@example.az"
	if len(known) != len(unknown) {
		t.Fatal("the two e-mails must have the same length")
	}
	c := clientFrom("127.0.0.4")
	same := func(what string) {
		t.Helper()
		a, b := e.signIn(t, c, known, "wrong password here"), e.signIn(t, c, unknown, "wrong password here")
		bodyB := strings.ReplaceAll(string(b.Body), unknown, known) // the form echoes the e-mail typed
		if a.Status != b.Status || string(a.Body) != bodyB {
			t.Fatalf("%s: known %d, unknown %d; bodies equal: %v", what, a.Status, b.Status, string(a.Body) == bodyB)
		}
		for _, h := range []string{"Retry-After", "Content-Length", "Content-Type", "Set-Cookie", "Cache-Control"} {
			if a.Header.Get(h) != b.Header.Get(h) {
				t.Fatalf("%s: header %s: %q vs %q", what, h, a.Header.Get(h), b.Header.Get(h))
			}
		}
		if a.Status != http.StatusUnauthorized && a.Status != http.StatusTooManyRequests {
			t.Fatalf("%s: status %d", what, a.Status)
		}
	}
	for i := 0; i < 5; i++ {
		same("failure " + strconv.Itoa(i+1))
	}
	same("throttled") // the sixth try of each waits
	r := e.signIn(t, c, unknown, "x")
	if r.Status != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "Bu ünvandan çox sayda uğursuz cəhd") {
		t.Fatalf("throttled unknown e-mail: %d", r.Status)
	}
}
