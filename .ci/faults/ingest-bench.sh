#!/usr/bin/env bash
# Ingest benchmark: qiymet-load against `qiymet serve` on a fresh PostgreSQL database (CLIENTS concurrent
# clients for DURATION seconds), then pgbench inserting one comparable response row per transaction with the
# same number of clients on the same server, then the same load against a SQLite file database.
# Prints a Markdown summary (rates, ratio, latency, server peak RSS). Loopback only; bounded; cleans up.
#   bash .ci/faults/ingest-bench.sh            (CLIENTS=32 DURATION=20 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20}
MIX=${MIX:-kiosk=60,api=30,link=10}
ADMIN=${QIYMET_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
command -v pgbench >/dev/null || { echo "ingest-bench: pgbench missing (apt-get install postgresql-contrib)" >&2; exit 1; }

work=$(mktemp -d)
db="qiymet_bench_$(date +%s)_$$"
srv_pid=""
psql_admin() { psql "$ADMIN" -v ON_ERROR_STOP=1 -qAt "$@"; }
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null || true
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/qiymet" ./cmd/qiymet
go build -o "$work/qiymet-load" ./cmd/qiymet-load
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_server DSN → sets srv_pid and url
start_server() {
  local port; port=$(free_port)
  QIYMET_DB="$1" QIYMET_ADDR="127.0.0.1:$port" "$work/qiymet" serve >"$work/serve.log" 2>&1 &
  srv_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "ingest-bench: server did not start" >&2; tail -20 "$work/serve.log" >&2; exit 1
}
stop_server() { kill "$srv_pid"; wait "$srv_pid" 2>/dev/null || true; srv_pid=""; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$srv_pid/stat"; }
rss() { awk '/^VmHWM|^VmRSS/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$srv_pid/status"; }

# load LABEL DSN: provision, warm up 3 s, measure DURATION s
load() {
  local label=$1 dsn=$2
  QIYMET_DB="$dsn" "$work/qiymet" catalog apply testdata/catalog.json >/dev/null
  "$work/qiymet-load" provision --db "$dsn" --kiosks 256 --api-keys 16 >"$work/creds.env"
  start_server "$dsn"
  # distinct submitted_at windows per run, so the warm-up's kiosk responses never make the measured ones bursts
  "$work/qiymet-load" run --quiet --url "$url" --creds "$work/creds.env" --concurrency "$CLIENTS" --duration 3s \
    --since "$(date -u -d '-6 days' +%FT%TZ)" >/dev/null
  local cpu0; cpu0=$(cpu_s)
  /usr/bin/time -f "%U %S" -o "$work/$label.gencpu" "$work/qiymet-load" run --quiet --url "$url" --creds "$work/creds.env" \
    --concurrency "$CLIENTS" --duration "${DURATION}s" --since "$(date -u -d '-3 days' +%FT%TZ)" --mix "$MIX" \
    --json "$work/$label.json" | tee "$work/$label.txt"
  echo "server $label: $(rss)"
  { rss; awk -v a="$cpu0" -v b="$(cpu_s)" -v d="$DURATION" '{printf "CPU: server %.2f cores, generator %.2f cores", (b-a)/d, ($1+$2)/d}' "$work/$label.gencpu"; } | tee "$work/$label.rss"; echo
  stop_server
}

echo "== qiymet-load → qiymet serve → PostgreSQL ($CLIENTS clients, ${DURATION}s)"
psql_admin -c "CREATE DATABASE $db"
pgdsn=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$ADMIN" "$db")
load pg "$pgdsn"

echo "== pgbench: one-row INSERT of a comparable response row ($CLIENTS clients, ${DURATION}s)"
psql "$pgdsn" -v ON_ERROR_STOP=1 -qAt -c "CREATE TABLE bench_responses (LIKE responses INCLUDING ALL)"
cat >"$work/insert.sql" <<'SQL'
\set score random(0, 100)
INSERT INTO bench_responses (id, submitted_us, received_us, agency_code, service_code, center_code, channel,
  survey_code, survey_version, lang, status, comment, answers, score, top2, content_hash)
VALUES (gen_random_uuid()::text, (extract(epoch FROM clock_timestamp()) * 1e6)::bigint,
  (extract(epoch FROM clock_timestamp()) * 1e6)::bigint, 'migration', 'temp-residence', 'baku-1', 'api',
  'visit', 1, 'az', 'counted', NULL, '{"overall":5,"resolved":true,"waiting":4}', :score, true, md5(random()::text));
SQL
pgbench -n -h 127.0.0.1 -U postgres -c "$CLIENTS" -j 2 -T "$DURATION" -f "$work/insert.sql" "$db" | tee "$work/pgbench.txt"

echo "== pgbench: the six statements qiymet sends per API submission ($CLIENTS clients, ${DURATION}s): the ceiling of today's design"
cat >"$work/six.sql" <<'SQL'
\set score random(0, 100)
\set r random(1, 2000000000)
SELECT id, name, key_hash, created_us, revoked_us, last_used_us FROM api_keys WHERE key_hash = md5('x' || :r) AND revoked_us IS NULL;
SELECT value FROM meta WHERE key = 'catalog_rev';
BEGIN;
SELECT seq, id FROM bench_responses WHERE id = 'x' || :r;
INSERT INTO bench_responses (id, submitted_us, received_us, agency_code, service_code, center_code, channel,
  survey_code, survey_version, lang, status, comment, answers, score, top2, content_hash)
VALUES (gen_random_uuid()::text, (extract(epoch FROM clock_timestamp()) * 1e6)::bigint,
  (extract(epoch FROM clock_timestamp()) * 1e6)::bigint, 'migration', 'temp-residence', 'baku-1', 'api',
  'visit', 1, 'az', 'counted', NULL, '{"overall":5,"resolved":true,"waiting":4}', :score, true, md5(random()::text));
COMMIT;
SQL
pgbench -n -h 127.0.0.1 -U postgres -c "$CLIENTS" -j 2 -T "$DURATION" -f "$work/six.sql" "$db" | tee "$work/pgbench6.txt"

echo "== qiymet-load → qiymet serve → SQLite file ($CLIENTS clients, ${DURATION}s)"
load sqlite "sqlite:$work/bench.db"

py_field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }
pg_rate=$(py_field "$work/pg.json" throughput_per_s)
sq_rate=$(py_field "$work/sqlite.json" throughput_per_s)
bench_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.txt" | head -1)
ratio=$(python3 -c "print(f'{$pg_rate/$bench_tps:.2f}')")
echo
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3), mix $MIX"
echo "| measure | rate/s | p50 ms | p95 ms | p99 ms | server peak RSS, CPU |"
echo "|---|---|---|---|---|---|"
printf "| qiymet, PostgreSQL, %s clients | %.0f | %s | %s | %s | %s |\n" "$CLIENTS" "$pg_rate" \
  "$(py_field "$work/pg.json" latency_ms.p50)" "$(py_field "$work/pg.json" latency_ms.p95)" "$(py_field "$work/pg.json" latency_ms.p99)" "$(cat "$work/pg.rss")"
printf "| pgbench one-row INSERT, %s clients | %.0f | | | | |\n" "$CLIENTS" "$bench_tps"
printf "| pgbench qiymet's 6 statements (API), %s clients | %.0f | | | | |\n" "$CLIENTS" "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench6.txt" | head -1)"
printf "| qiymet, SQLite file, %s clients | %.0f | %s | %s | %s | %s |\n" "$CLIENTS" "$sq_rate" \
  "$(py_field "$work/sqlite.json" latency_ms.p50)" "$(py_field "$work/sqlite.json" latency_ms.p95)" "$(py_field "$work/sqlite.json" latency_ms.p99)" "$(cat "$work/sqlite.rss")"
echo
echo "ratio qiymet/pgbench on PostgreSQL: $ratio (target ≥ 0.5)"
