package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestForwardedClient(t *testing.T) {
	trusted, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.1 ,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		peer string
		xff  []string
		want string
	}{
		{"203.0.113.9", []string{"198.51.100.1"}, "203.0.113.9"},                     // untrusted peer: XFF ignored
		{"10.1.2.3", nil, "10.1.2.3"},                                                // trusted peer without XFF
		{"10.1.2.3", []string{"198.51.100.1"}, "198.51.100.1"},                       // one proxy
		{"10.1.2.3", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},              // forged hop on the left
		{"10.1.2.3", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},             // two proxies
		{"10.1.2.3", []string{"6.6.6.6", "198.51.100.1, 192.0.2.1"}, "198.51.100.1"}, // several header lines
		{"10.1.2.3", []string{"10.5.5.5, 10.6.6.6"}, "10.5.5.5"},                     // all trusted: the left-most
		{"10.1.2.3", []string{"198.51.100.1, garbage"}, "10.1.2.3"},                  // not an address: stop at the last trusted
		{"10.1.2.3", []string{"198.51.100.1:4711"}, "198.51.100.1"},                  // with a port
		{"10.1.2.3", []string{"[2001:db8::1]:443"}, "2001:db8::1"},                   // IPv6 with a port
		{"10.1.2.3", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},                // IPv4-mapped
		{"::ffff:10.1.2.3", []string{"198.51.100.1"}, "198.51.100.1"},                // a mapped peer is still trusted
		{"fd00::1", []string{"2001:db8::7"}, "2001:db8::7"},                          // IPv6 proxy
		{"10.1.2.3", []string{" , ,198.51.100.1 , "}, "198.51.100.1"},                // empty entries skipped
		{"10.1.2.3", []string{"fe80::1%eth0"}, "10.1.2.3"},                           // zones are not client addresses
	}
	for _, c := range cases {
		got := forwardedClient(netip.MustParseAddr(c.peer), c.xff, trusted)
		if got.String() != c.want {
			t.Errorf("peer %s XFF %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	// A long chain of trusted hops is walked only so far.
	long := strings.Repeat("10.0.0.1, ", 100) + "10.0.0.2"
	if got := forwardedClient(netip.MustParseAddr("10.1.2.3"), []string{"198.51.100.1, " + long}, trusted); got.String() == "198.51.100.1" {
		t.Error("walked past maxForwardedHops")
	}
	for _, bad := range []string{"10.0.0.0/33", "example.org", "fe80::1%eth0", "1.2.3"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
	if p, err := ParseTrustedProxies("10.1.2.3/8"); err != nil || p[0].String() != "10.0.0.0/8" {
		t.Errorf("a CIDR with host bits: %v %v", p, err)
	}
}

// FuzzForwardedClient: whatever the header says, the client is the peer (untrusted peer) or an address that
// appears in the header or is the peer; the walk never panics.
func FuzzForwardedClient(f *testing.F) {
	f.Add("10.1.2.3", "198.51.100.1, 10.9.9.9")
	f.Add("203.0.113.9", "1.2.3.4")
	f.Add("10.1.2.3", "[::1]:80, garbage,,")
	f.Add("::ffff:10.0.0.1", "::ffff:1.2.3.4")
	trusted, _ := ParseTrustedProxies("10.0.0.0/8,::1/128")
	f.Fuzz(func(t *testing.T, peer, xff string) {
		p, err := netip.ParseAddr(peer)
		if err != nil {
			return
		}
		got := forwardedClient(p, []string{xff}, trusted)
		if !got.IsValid() {
			t.Fatalf("invalid client for %q %q", peer, xff)
		}
		if !isTrusted(p.Unmap(), trusted) {
			if got != p.Unmap() {
				t.Fatalf("untrusted peer %s: client %s", p, got)
			}
			return
		}
		if got != p.Unmap() {
			found := false
			for _, h := range strings.Split(xff, ",") {
				if a, ok := parseHop(strings.TrimSpace(h)); ok && a == got {
					found = true
				}
			}
			if !found {
				t.Fatalf("client %s is neither the peer nor a hop of %q", got, xff)
			}
		}
		ParseTrustedProxies(xff) // never panics either
	})
}

func FuzzParseRate(f *testing.F) {
	f.Add("5,120")
	f.Add("0.2, 10")
	f.Add("NaN,1")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if r.PerSecond <= 0 || r.Burst < 1 {
			t.Fatalf("ParseRate(%q) = %+v", s, r)
		}
		if back, err := ParseRate(r.String()); err != nil || back != r {
			t.Fatalf("round trip of %q: %+v %v", s, back, err)
		}
	})
}

func TestLoginSource(t *testing.T) {
	s := &Server{}
	for remote, want := range map[string]string{
		"198.51.100.7:5000":           "198.51.100.7",
		"[2001:db8:1:2:3:4:5:6]:5000": "2001:db8:1:2::/64", // one subscriber's /64 is one source
		"[2001:db8:1:2:ffff::1]:5000": "2001:db8:1:2::/64",
		"[::ffff:198.51.100.7]:5000":  "198.51.100.7",
	} {
		var got string
		r := httptest.NewRequest(http.MethodPost, "/login", nil)
		r.RemoteAddr = remote
		s.withClientIP(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = loginSource(r) })).ServeHTTP(httptest.NewRecorder(), r)
		if got != want {
			t.Errorf("%s: source %q, want %q", remote, got, want)
		}
	}
}
