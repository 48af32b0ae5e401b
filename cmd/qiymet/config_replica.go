package main

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qiymet/qiymet/survey"
)

// The read replica (docs/scaling.md#read-replicas): QIYMET_DB_READ serves the read-heavy paths of serve,
// export and report while its lag stays within QIYMET_DB_READ_MAX_LAG.
var replicaEnvDefaults = []struct{ flag, env, def, help string }{
	{"db-read", "QIYMET_DB_READ", "", "PostgreSQL streaming replica of QIYMET_DB for dashboards, rankings, exports and reports (postgres://…; the sslmode rule of QIYMET_DB)"},
	{"db-read-max-lag", "QIYMET_DB_READ_MAX_LAG", survey.DefaultReadMaxLag.String(), "replica lag beyond which reads go to QIYMET_DB until it catches up (e.g. 30s)"},
}

func init() { envDefaults = append(envDefaults, replicaEnvDefaults...) }

// readConfig is QIYMET_DB_READ and QIYMET_DB_READ_MAX_LAG.
type readConfig struct {
	DSN    string
	MaxLag time.Duration
}

// readsFromReplica are the commands whose reads a replica may serve; the others only write, or must read
// their own writes, and never open it.
var readsFromReplica = map[string]bool{"serve": true, "export": true, "report": true}

// readConfigOf reads the replica settings from the parsed flag values.
func readConfigOf(vals map[string]*string) (readConfig, error) {
	c := readConfig{DSN: strings.TrimSpace(*vals["db-read"])}
	if c.DSN != "" && !strings.HasPrefix(c.DSN, "postgres://") && !strings.HasPrefix(c.DSN, "postgresql://") {
		return c, usagef("QIYMET_DB_READ: want a postgres://… DSN of a streaming replica")
	}
	var err error
	if c.MaxLag, err = time.ParseDuration(*vals["db-read-max-lag"]); err != nil || c.MaxLag < time.Second || c.MaxLag > 24*time.Hour {
		return c, usagef("QIYMET_DB_READ_MAX_LAG: want a duration from 1s to 24h (e.g. 30s), got %q", *vals["db-read-max-lag"])
	}
	return c, nil
}

// registerReadMetrics exports the replica's lag and whether reads use it, when one is configured.
func registerReadMetrics(reg *prometheus.Registry, s *survey.Store) {
	if _, ok := s.ReadReplica(); !ok {
		return
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "qiymet_db_read_lag_seconds",
			Help: "How far the read replica (QIYMET_DB_READ) was behind the primary at its last check, in seconds."},
			func() float64 { st, _ := s.ReadReplica(); return st.Lag.Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "qiymet_db_read_replica_in_use",
			Help: "1 while the read-heavy paths read from the replica, 0 while it is bypassed (lagging or unreachable)."},
			func() float64 {
				if st, _ := s.ReadReplica(); st.InUse {
					return 1
				}
				return 0
			}))
}
