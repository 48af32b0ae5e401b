package main

import (
	"strconv"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web"
)

// Limits on long reads (docs/api.md, configuration): how many CSV downloads and PDF reports one instance runs
// at once, and how long a download may take. (Reads per signed-in user: QIYMET_RATE_SESSION_READ, config_security.go.)
var loadEnvDefaults = []struct{ flag, env, def, help string }{
	{"max-exports", "QIYMET_MAX_EXPORTS", strconv.Itoa(web.DefaultMaxExports), "CSV downloads in flight at once; more are answered 503"},
	{"max-reports", "QIYMET_MAX_REPORTS", strconv.Itoa(web.DefaultMaxReports), "PDF reports built at once; more are answered 503"},
	{"ingest-committers", "QIYMET_INGEST_COMMITTERS", strconv.Itoa(survey.DefaultCommitters), "PostgreSQL: submission batches committed at once (1-16; SQLite: always 1)"},
	{"export-timeout", "QIYMET_EXPORT_TIMEOUT", web.DefaultExportTimeout.String(), "longest time one CSV download may take (e.g. 30m)"},
}

func init() { envDefaults = append(envDefaults, loadEnvDefaults...) }

// loadLimitsOf reads the load settings from the parsed flag values.
func loadLimitsOf(vals map[string]*string) (web.LoadLimits, error) {
	var l web.LoadLimits
	var err error
	if l.MaxExports, err = strconv.Atoi(*vals["max-exports"]); err != nil || l.MaxExports < 1 || l.MaxExports > 10000 {
		return l, usagef("QIYMET_MAX_EXPORTS: want a whole number from 1 to 10000, got %q", *vals["max-exports"])
	}
	if l.MaxReports, err = strconv.Atoi(*vals["max-reports"]); err != nil || l.MaxReports < 1 || l.MaxReports > 1000 {
		return l, usagef("QIYMET_MAX_REPORTS: want a whole number from 1 to 1000, got %q", *vals["max-reports"])
	}
	if l.ExportTimeout, err = time.ParseDuration(*vals["export-timeout"]); err != nil || l.ExportTimeout < 10*time.Second || l.ExportTimeout > 24*time.Hour {
		return l, usagef("QIYMET_EXPORT_TIMEOUT: want a duration from 10s to 24h (e.g. 30m), got %q", *vals["export-timeout"])
	}
	return l, nil
}

// committersOf reads QIYMET_INGEST_COMMITTERS.
func committersOf(vals map[string]*string) (int, error) {
	n, err := strconv.Atoi(*vals["ingest-committers"])
	if err != nil || n < 1 || n > 16 {
		return 0, usagef("QIYMET_INGEST_COMMITTERS: want a whole number from 1 to 16, got %q", *vals["ingest-committers"])
	}
	return n, nil
}
