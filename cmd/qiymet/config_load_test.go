package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/qiymet/qiymet/web"
)

// The load settings (and the session read budget): defaults, environment, flags, and a usage error naming the
// variable for a bad value.
func TestLoadLimitsConfig(t *testing.T) {
	cfgOf := func(env map[string]string, args ...string) (*config, error) {
		fs, cfg := newFlagSet("test", func(k string) string { return env[k] }, io.Discard)
		if _, err := parse(fs, args); err != nil {
			return nil, err
		}
		return cfg()
	}
	c, err := cfgOf(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (web.LoadLimits{MaxExports: 8, MaxReports: 2, ExportTimeout: 30 * time.Minute}); c.Load != want {
		t.Errorf("defaults %+v, want %+v", c.Load, want)
	}
	c, err = cfgOf(map[string]string{"QIYMET_MAX_EXPORTS": "3", "QIYMET_EXPORT_TIMEOUT": "90s"}, "--max-reports", "4")
	if err != nil {
		t.Fatal(err)
	}
	if want := (web.LoadLimits{MaxExports: 3, MaxReports: 4, ExportTimeout: 90 * time.Second}); c.Load != want {
		t.Errorf("set %+v, want %+v", c.Load, want)
	}
	c, err = cfgOf(map[string]string{"QIYMET_RATE_SESSION_READ": "2,20"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Security.Limits.SessionRead; got != (web.Rate{PerSecond: 2, Burst: 20}) {
		t.Errorf("QIYMET_RATE_SESSION_READ=2,20: %+v", got)
	}
	for env, val := range map[string]string{"QIYMET_MAX_EXPORTS": "0", "QIYMET_MAX_REPORTS": "many", "QIYMET_EXPORT_TIMEOUT": "5s",
		"QIYMET_RATE_SESSION_READ": "5"} {
		_, err := cfgOf(map[string]string{env: val})
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: want a usage error naming it, got %v", env, val, err)
		}
	}
}
