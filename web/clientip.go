package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Who the client is (docs/api.md, configuration: QIYMET_TRUSTED_PROXIES). Rate limits and sign-in
// throttling key on it. Without trusted proxies it is the TCP peer and X-Forwarded-For is ignored: anyone can
// write that header. Behind a reverse proxy whose address is trusted, the client is the right-most address of
// X-Forwarded-For that is not itself a trusted proxy: each proxy appends the peer it saw, so hops to the
// right of that one were written by trusted proxies and hops to the left by whoever sent the request.

// ParseTrustedProxies reads QIYMET_TRUSTED_PROXIES: comma-separated CIDRs or single addresses.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is neither a CIDR (10.0.0.0/8, fd00::/8) nor an address", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// maxForwardedHops bounds the walk through X-Forwarded-For (headers are bounded anyway; this bounds work).
const maxForwardedHops = 64

// forwardedClient is the client of a request from peer carrying X-Forwarded-For values xff (every header
// line, in order): peer itself unless peer is trusted; otherwise, walking the hops from the right, the
// first that is not trusted. A hop that is not an address stops the walk at the last trusted one: no proxy
// of ours wrote it. When every hop is trusted the left-most is the client.
func forwardedClient(peer netip.Addr, xff []string, trusted []netip.Prefix) netip.Addr {
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer
	}
	client, hops := peer, 0
	for i := len(xff) - 1; i >= 0; i-- {
		rest := xff[i]
		for rest != "" {
			var hop string
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				hop, rest = rest[j+1:], rest[:j]
			} else {
				hop, rest = rest, ""
			}
			hop = strings.TrimSpace(hop)
			if hop == "" {
				continue
			}
			if hops++; hops > maxForwardedHops {
				return client
			}
			a, ok := parseHop(hop)
			if !ok {
				return client
			}
			if !isTrusted(a, trusted) {
				return a
			}
			client = a
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port ("1.2.3.4:5", "[::1]:5").
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

type clientKey struct{}

// withClientIP works out the client once per request (for limits, throttling and logs).
func (s *Server) withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ap, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		ip := forwardedClient(ap.Addr(), r.Header.Values("X-Forwarded-For"), s.trusted)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, ip.String())))
	})
}

// clientIP is the request's client (withClientIP); the TCP peer for a request that did not pass through it.
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientKey{}).(string); ok {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
