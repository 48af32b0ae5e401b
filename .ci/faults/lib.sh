# Shared by the ingest scripts (ingest-bench.sh, ingest-ab.sh): sourced, not run.

# free_port: a TCP port free on loopback now
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# dsn_for URL DB: URL with its database replaced by DB
dsn_for() { python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$1" "$2"; }

# pgbench_table DSN SQLFILE: pgbench's side of the comparison in DSN's database, a table shaped like responses
# with its indexes (LIKE … INCLUDING ALL; no trigger) and a unique id (on PostgreSQL, responses is partitioned
# and keeps id unique in response_keys, so the copy has no index on id of its own), and in SQLFILE the one-row
# INSERT of a comparable response that pgbench runs.
pgbench_table() {
  psql "$1" -v ON_ERROR_STOP=1 -qAt -c "CREATE TABLE bench_responses (LIKE responses INCLUDING ALL)" \
    -c "CREATE UNIQUE INDEX bench_responses_id ON bench_responses (id)"
  cat >"$2" <<'SQL'
\set score random(0, 100)
INSERT INTO bench_responses (id, submitted_us, received_us, agency_code, service_code, center_code, channel,
  survey_code, survey_version, lang, status, comment, answers, score, top2, content_hash)
VALUES (gen_random_uuid()::text, (extract(epoch FROM clock_timestamp()) * 1e6)::bigint,
  (extract(epoch FROM clock_timestamp()) * 1e6)::bigint, 'migration', 'temp-residence', 'baku-1', 'api',
  'visit', 1, 'az', 'counted', NULL, '{"overall":5,"resolved":true,"waiting":4}', :score, true, md5(random()::text));
SQL
}

# postmaster_pid: the pid of the local PostgreSQL's postmaster (empty: none found)
postmaster_pid() { head -1 /var/run/postgresql/*.pid 2>/dev/null | head -1; }

# pg_cpu: CPU seconds PostgreSQL used so far (postmaster with its reaped children, plus the live ones)
pg_cpu() {
  local pm tot t
  pm=$(postmaster_pid)
  [ -n "$pm" ] && [ -r "/proc/$pm/stat" ] || { echo 0; return; }
  tot=$(awk '{print $14+$15+$16+$17}' "/proc/$pm/stat")
  for c in $(pgrep -P "$pm"); do t=$(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || echo 0); tot=$((tot + ${t:-0})); done
  awk -v t="$tot" 'BEGIN {printf "%.2f", t/100}'
}

# SPLIT=1 (split_cpus): PostgreSQL on a machine of its own, modelled within this one. PostgreSQL (its postmaster,
# whose new backends inherit the setting, and every process it runs now) gets the first half of the CPUs, and
# whatever talks to it (pgbench, or qiymet with its load generator) the other half, through $on_clients;
# unsplit_cpus gives PostgreSQL every CPU again. Without SPLIT both do nothing.
on_clients=()
split_cpus() {
  [ -n "${SPLIT:-}" ] || return 0
  local n; n=$(nproc)
  [ "$n" -ge 2 ] || { echo "SPLIT needs 2 CPUs or more" >&2; exit 1; }
  pin_pg 0 $((n / 2 - 1))
  on_clients=(taskset -c "$((n / 2))-$((n - 1))")
}
unsplit_cpus() { [ -z "${SPLIT:-}" ] || pin_pg 0 $(($(nproc) - 1)); }
# can_pin_pg: whether this user may move PostgreSQL's processes between CPUs (root or PostgreSQL's own user)
can_pin_pg() {
  local pm
  pm=$(postmaster_pid)
  [ -n "$pm" ] && [ "$(nproc)" -ge 2 ] && taskset -p -c "0-$(($(nproc) - 1))" "$pm" >/dev/null 2>&1
}
# pin_pg FIRST LAST: PostgreSQL's postmaster and its processes on CPUs FIRST to LAST; fails unless the postmaster
# is then there (pinning another user's processes needs root or that user)
pin_pg() {
  local pm c want
  pm=$(postmaster_pid)
  [ -n "$pm" ] || { echo "pin_pg: no PostgreSQL postmaster found" >&2; exit 1; }
  for c in "$pm" $(pgrep -P "$pm"); do taskset -a -p -c "$1-$2" "$c" >/dev/null 2>&1 || true; done
  want=$1; [ "$1" = "$2" ] || want="$1-$2"
  grep -qx "Cpus_allowed_list:[[:space:]]*$want" "/proc/$pm/status" ||
    { echo "pin_pg: could not put PostgreSQL (pid $pm) on CPUs $want" >&2; exit 1; }
}
