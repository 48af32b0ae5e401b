package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestReadReplicaConfig: QIYMET_DB_READ and QIYMET_DB_READ_MAX_LAG come from the environment or flags with
// their defaults; bad values are usage errors naming the variable; only serve, export and report use the replica.
func TestReadReplicaConfig(t *testing.T) {
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
	if c.Read != (readConfig{MaxLag: 30 * time.Second}) {
		t.Fatalf("defaults: %+v", c.Read)
	}
	c, err = cfgOf(map[string]string{"QIYMET_DB_READ": "postgres://ro@replica.internal/q?sslmode=verify-full"}, "--db-read-max-lag", "2m")
	if err != nil {
		t.Fatal(err)
	}
	if c.Read.DSN != "postgres://ro@replica.internal/q?sslmode=verify-full" || c.Read.MaxLag != 2*time.Minute {
		t.Fatalf("configured: %+v", c.Read)
	}
	for env, bad := range map[string]string{
		"QIYMET_DB_READ": "sqlite:replica.db", "QIYMET_DB_READ_MAX_LAG": "30", // a number without unit
	} {
		for _, v := range []string{bad, "0s", "48h", "-5s", "soon"} {
			if env == "QIYMET_DB_READ" && v != bad {
				continue
			}
			_, err := cfgOf(map[string]string{env: v})
			var u usageError
			if err == nil || !errors.As(err, &u) || !strings.Contains(err.Error(), env) {
				t.Errorf("%s=%q: %v", env, v, err)
			}
		}
	}
	// A command that writes never opens the replica (an unreachable one would not even be tried).
	if readsFromReplica["import"] || readsFromReplica["migrate"] || !readsFromReplica["serve"] || !readsFromReplica["report"] || !readsFromReplica["export"] {
		t.Fatalf("readsFromReplica: %v", readsFromReplica)
	}
	// The replica's DSN follows the primary's sslmode rule, before anything connects.
	r := cliRun(t, map[string]string{"QIYMET_DB": "sqlite:" + t.TempDir() + "/q.db", "QIYMET_DB_READ": "postgres://u:secret@10.1.2.3/q"}, "", "export")
	if r.Err == nil || strings.Contains(r.Err.Error(), "secret") {
		t.Fatalf("export with a replica for a SQLite primary: %v", r.Err)
	}
	// The usage text names both.
	if !strings.Contains(usage, "QIYMET_DB_READ (--db-read") || !strings.Contains(usage, "QIYMET_DB_READ_MAX_LAG (--db-read-max-lag") {
		t.Fatal("usage text does not name the replica settings")
	}
}
