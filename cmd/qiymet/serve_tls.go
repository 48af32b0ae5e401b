package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
)

// serveTLS loads QIYMET_TLS_CERT and QIYMET_TLS_KEY (docs/api.md, configuration): with both, serve terminates
// TLS itself (TLS 1.2 at least); with neither it serves plain http, for a reverse proxy in front. The files
// are read once at start: a renewed certificate takes a restart.
func serveTLS(c *config) (*tls.Config, error) {
	if c.Security.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.Security.TLSCert, c.Security.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("serve: QIYMET_TLS_CERT/QIYMET_TLS_KEY: %w", err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
}

// requireSecret refuses a public (https) service without QIYMET_SECRET: without it a copy of the database is
// enough to rebuild every live one-time link (docs/api.md, configuration).
func requireSecret(c *config, getenv func(string) string) error {
	if !strings.HasPrefix(c.BaseURL, "https://") && c.Security.TLSCert == "" {
		return nil
	}
	if getenv("QIYMET_SECRET") == "" {
		return errors.New("serve: the public base URL is https but QIYMET_SECRET is not set; without it a copy of the " +
			"database rebuilds every live one-time link. Set QIYMET_SECRET to a long random value (e.g. `openssl rand -hex 32`) " +
			"in the service's environment, the same on every instance")
	}
	return nil
}
