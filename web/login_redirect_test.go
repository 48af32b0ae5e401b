package web

import (
	"net/url"
	"strings"
	"testing"
)

// staysOnSite checks a post-login target as a browser would follow it from https://site.example/login: after
// the browser's own clean-up (tabs and newlines dropped, backslashes read as slashes), it must still be a path
// on the same host.
func staysOnSite(t *testing.T, in, got string) {
	t.Helper()
	if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
		t.Fatalf("localPath(%q) = %q: not a plain local path", in, got)
	}
	browser := strings.NewReplacer("\\", "/", "\t", "", "\n", "", "\r", "").Replace(got)
	ref, err := url.Parse(browser)
	if err != nil {
		t.Fatalf("localPath(%q) = %q: does not parse: %v", in, got, err)
	}
	base, _ := url.Parse("https://site.example/login")
	if u := base.ResolveReference(ref); u.Host != "site.example" || u.Scheme != "https" {
		t.Fatalf("localPath(%q) = %q leads to %s", in, got, u)
	}
}

func TestLocalPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/agencies/migration?period=2025-Q3", "/agencies/migration?period=2025-Q3"},
		{"/admin/kiosks", "/admin/kiosks"},
		{"/a/../admin", "/admin"},
		{"/../\\evil.example", "/"}, // the audit's open redirect: cleaned by http.Redirect to /\evil.example
		{"/\\evil.example", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/evil.example"}, // an empty authority: a local path
		{"/.//evil.example", "/evil.example"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"}, // stays a path: browsers do not decode %2F into a slash
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/login", "/"},
		{"/login/../login", "/"},
		{"/x\x00", "/"},
	} {
		got := localPath(c.in)
		if got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.in, got, c.want)
		}
		staysOnSite(t, c.in, got)
	}
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/../\\evil.example", "//evil.example", "/a/./b?c=d", "/%2F%2Fx", "/\t/x", "https://x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		staysOnSite(t, in, localPath(in))
	})
}
