package main

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web"
)

// securityConfig is the hardening part of the configuration (docs/api.md, configuration): rate limits,
// sign-in throttling, trusted reverse proxies and TLS. QIYMET_METRICS_TOKEN, like QIYMET_SECRET, is read from
// the environment only (serve), so that it never shows in ps.
type securityConfig struct {
	Limits         web.Limits
	Throttle       survey.LoginThrottle
	TrustedProxies []netip.Prefix
	TLSCert        string
	TLSKey         string
}

var securityDefaults = func() []struct{ flag, env, def, help string } {
	l := web.DefaultLimits()
	return []struct{ flag, env, def, help string }{
		{"rate-kiosk", "QIYMET_RATE_KIOSK", l.Kiosk.String(), "requests per second,burst per kiosk"},
		{"rate-apikey", "QIYMET_RATE_APIKEY", l.APIKey.String(), "requests per second,burst per API key"},
		{"rate-ip", "QIYMET_RATE_IP", l.IP.String(), "requests per second,burst per client without a credential (links, pairing)"},
		{"rate-login", "QIYMET_RATE_LOGIN", l.Login.String(), "sign-in attempts per second,burst per client"},
		{"rate-bad-token", "QIYMET_RATE_BAD_TOKEN", l.BadToken.String(), "failed bearer-token checks per second,burst per client"},
		{"rate-session-read", "QIYMET_RATE_SESSION_READ", l.SessionRead.String(), "API reads per second,burst per signed-in user"},
		{"login-free-failures", "QIYMET_LOGIN_FREE_FAILURES", "5", "failed sign-ins per account and client before delays begin"},
		{"login-max-delay", "QIYMET_LOGIN_MAX_DELAY_SECONDS", "900", "longest delay between sign-in tries of one account from one client"},
		{"trusted-proxies", "QIYMET_TRUSTED_PROXIES", "", "CIDRs of reverse proxies whose X-Forwarded-For is believed (comma-separated)"},
		{"tls-cert", "QIYMET_TLS_CERT", "", "PEM certificate (chain) file: serve terminates TLS itself"},
		{"tls-key", "QIYMET_TLS_KEY", "", "PEM private key file of QIYMET_TLS_CERT"},
	}
}()

// parseSecurity reads the values of securityDefaults.
func parseSecurity(vals map[string]*string) (securityConfig, error) {
	var c securityConfig
	for _, r := range []struct {
		flag, env string
		into      *web.Rate
	}{
		{"rate-kiosk", "QIYMET_RATE_KIOSK", &c.Limits.Kiosk}, {"rate-apikey", "QIYMET_RATE_APIKEY", &c.Limits.APIKey},
		{"rate-ip", "QIYMET_RATE_IP", &c.Limits.IP}, {"rate-login", "QIYMET_RATE_LOGIN", &c.Limits.Login},
		{"rate-bad-token", "QIYMET_RATE_BAD_TOKEN", &c.Limits.BadToken},
		{"rate-session-read", "QIYMET_RATE_SESSION_READ", &c.Limits.SessionRead},
	} {
		rate, err := web.ParseRate(*vals[r.flag])
		if err != nil {
			return c, usagef("%s: %v", r.env, err)
		}
		*r.into = rate
	}
	free, err := strconv.Atoi(*vals["login-free-failures"])
	if err != nil || free < 1 || free > 1000 {
		return c, usagef("QIYMET_LOGIN_FREE_FAILURES: want a whole number from 1 to 1000, got %q", *vals["login-free-failures"])
	}
	delay, err := strconv.ParseFloat(*vals["login-max-delay"], 64)
	if err != nil || delay < 1 || delay > 86400 {
		return c, usagef("QIYMET_LOGIN_MAX_DELAY_SECONDS: want seconds from 1 to 86400, got %q", *vals["login-max-delay"])
	}
	c.Throttle = survey.LoginThrottle{Free: free, MaxDelay: time.Duration(delay * float64(time.Second))}
	if c.TrustedProxies, err = web.ParseTrustedProxies(*vals["trusted-proxies"]); err != nil {
		return c, usagef("QIYMET_TRUSTED_PROXIES: %v", err)
	}
	c.TLSCert, c.TLSKey = *vals["tls-cert"], *vals["tls-key"]
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, usagef("QIYMET_TLS_CERT and QIYMET_TLS_KEY go together: set both or neither")
	}
	return c, nil
}
