#!/usr/bin/env bash
# Ingest benchmark: pgbench inserting one comparable response row per transaction, then qiymet-load against
# `qiymet serve` on a fresh PostgreSQL database, then pgbench again (CLIENTS concurrent clients for DURATION
# seconds each, same server), then the same load against a SQLite file database (SKIP_SQLITE=1 skips it).
# Each qiymet run is done twice (SKIP_CASES=1: once): with no answer in the bottom two points, and with
# LOW_SHARE (default 0.1) of them there, so that each opens a case (CONTRACT §11) in its response's
# transaction; the case variant on PostgreSQL gets a fresh database and a third pgbench run after it.
# Prints a Markdown summary (rates, ratio, latency, server peak RSS). Loopback only; bounded; cleans up.
# LINKS_AHEAD=N issues N invitations before each measured run (qiymet-load --links-ahead), so that its link
# submissions are measured without issuing their links.
# SPLIT=1 puts PostgreSQL on half the CPUs and the side that talks to it (pgbench; qiymet and its load generator)
# on the other half, as if PostgreSQL had a machine of its own (lib.sh, split_cpus); both sides of the comparison
# run so.
#   bash .ci/faults/ingest-bench.sh            (CLIENTS=32 DURATION=20 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/faults/lib.sh
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20}
MIX=${MIX:-kiosk=60,api=30,link=10}
LOW_SHARE=${LOW_SHARE:-0.1}
ADMIN=${QIYMET_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
command -v pgbench >/dev/null || { echo "ingest-bench: pgbench missing (apt-get install postgresql-contrib)" >&2; exit 1; }

work=$(mktemp -d)
db="qiymet_bench_$(date +%s)_$$"
db_cases="${db}_cases"
srv_pid=""
psql_admin() { psql "$ADMIN" -v ON_ERROR_STOP=1 -qAt "$@"; }
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null || true
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  psql_admin -c "DROP DATABASE IF EXISTS $db_cases WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
  unsplit_cpus
}
trap cleanup EXIT

go build -o "$work/qiymet" ./cmd/qiymet
go build -o "$work/qiymet-load" ./cmd/qiymet-load
split_cpus

# start_server DSN → sets srv_pid and url
start_server() {
  local port; port=$(free_port)
  QIYMET_DB="$1" QIYMET_ADDR="127.0.0.1:$port" "${on_clients[@]}" "$work/qiymet" serve >"$work/serve.log" 2>&1 &
  srv_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "ingest-bench: server did not start" >&2; tail -20 "$work/serve.log" >&2; exit 1
}
stop_server() { kill "$srv_pid"; wait "$srv_pid" 2>/dev/null || true; srv_pid=""; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$srv_pid/stat"; }
# cases_count: the cases stored in QIYMET_DB (psql for PostgreSQL, the sqlite3 module for SQLite)
cases_count() {
  case "$QIYMET_DB" in
    postgres*) psql "$QIYMET_DB" -qAt -c "SELECT count(*) FROM cases" ;;
    sqlite:*) python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM cases").fetchone()[0])' "${QIYMET_DB#sqlite:}" ;;
  esac
}
rss() { awk '/^VmHWM|^VmRSS/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$srv_pid/status"; }
# ingest_counters: the server's committer counters (web/middleware.go): batches, the submissions in them, seconds
ingest_counters() {
  curl -fsS "$url/metrics" | awk '$1 == "qiymet_ingest_batches_total" {b = $2} $1 == "qiymet_ingest_batched_submissions_total" {n = $2}
    $1 == "qiymet_ingest_commit_seconds_total" {s = $2} END {print b, n, s}'
}

# load LABEL DSN SHARE: provision, warm up 3 s, measure DURATION s with SHARE of the answers opening a case
load() {
  local label=$1 dsn=$2 share=$3
  QIYMET_DB="$dsn" "$work/qiymet" catalog apply testdata/catalog.json >/dev/null
  "$work/qiymet-load" provision --db "$dsn" --kiosks ${KIOSKS:-2048} --api-keys 16 >"$work/creds.env"
  start_server "$dsn"
  # distinct submitted_at windows per run, so the warm-up's kiosk responses never make the measured ones bursts
  "${on_clients[@]}" "$work/qiymet-load" run --quiet --url "$url" --creds "$work/creds.env" --concurrency "$CLIENTS" --duration 3s \
    --since "$(date -u -d '-6 days' +%FT%TZ)" --low-share "$share" >/dev/null
  local cpu0 pg0 ic0; cpu0=$(cpu_s); pg0=$(pg_cpu); ic0=$(ingest_counters)
  GOMAXPROCS=${GEN_PROCS:-2} /usr/bin/time -f "%U %S" -o "$work/$label.gencpu" "${on_clients[@]}" "$work/qiymet-load" run --quiet --url "$url" --creds "$work/creds.env" \
    --concurrency "$CLIENTS" --duration "${DURATION}s" --since "$(date -u -d '-3 days' +%FT%TZ)" --mix "$MIX" --low-share "$share" \
    ${LINKS_AHEAD:+--links-ahead "$LINKS_AHEAD"} --json "$work/$label.json" | tee "$work/$label.txt"
  echo "server $label: $(rss)"
  echo "cases opened by $label: $(QIYMET_DB="$dsn" cases_count)"
  local pg1 ic1; pg1=$(pg_cpu); ic1=$(ingest_counters)
  { rss; awk -v a="$cpu0" -v b="$(cpu_s)" -v d="$DURATION" -v p="$pg0" -v q="$pg1" '{printf "CPU: server %.2f cores, generator %.2f cores, PostgreSQL %.2f cores", (b-a)/d, ($1+$2)/d, (q-p)/d}' "$work/$label.gencpu"
    # the committers' busy time per second of the run (near QIYMET_INGEST_COMMITTERS: they are the limit) and mean batch
    echo "$ic0 $ic1" | awk -v d="$DURATION" '$4 > $1 {printf "; committers busy %.2f, %.1f submissions a batch", ($6-$3)/d, ($5-$2)/($4-$1)}'; } | tee "$work/$label.rss"; echo
  stop_server
}

psql_admin -c "CREATE DATABASE $db"
pgdsn=$(dsn_for "$ADMIN" "$db")
QIYMET_DB="$pgdsn" "$work/qiymet" migrate up >/dev/null
pgbench_table "$pgdsn" "$work/insert.sql"
# settle: wait (5 s at most) until no backend serves the benchmark's databases. pg_cpu reads the postmaster (with
# its reaped children) and then its live children: a backend reaped between the two readings is missed, so
# readings taken while pgbench's or qiymet's 32 backends were exiting came out far too low or too high.
settle() {
  for _ in $(seq 50); do
    [ "$(psql_admin -c "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '${db}%'")" = 0 ] && break
    sleep 0.1
  done
  sleep 0.2 # the postmaster reaps them just after
}
# pgbench N: one-row INSERTs for DURATION s → $work/pgbenchN.{txt,rss}
run_pgbench() {
  echo "== pgbench run $1: one-row INSERT of a comparable response row ($CLIENTS clients, ${DURATION}s)"
  settle
  local pg0; pg0=$(pg_cpu)
  /usr/bin/time -f "%U %S" -o "$work/pgbench$1.cpu" "${on_clients[@]}" pgbench -n -h 127.0.0.1 -U postgres -c "$CLIENTS" -j 2 -T "$DURATION" -f "$work/insert.sql" "$db" | tee "$work/pgbench$1.txt"
  settle
  awk -v p="$pg0" -v q="$(pg_cpu)" -v d="$DURATION" '{printf "CPU: pgbench %.2f cores, PostgreSQL %.2f cores", ($1+$2)/d, (q-p)/d}' "$work/pgbench$1.cpu" | tee "$work/pgbench$1.rss"; echo
}

# The machine's speed drifts by tens of percent from minute to minute (shared host), so pgbench runs just
# before and just after qiymet, and the ratio is taken against their mean.
run_pgbench 1
echo "== qiymet-load → qiymet serve → PostgreSQL ($CLIENTS clients, ${DURATION}s, no case)"
load pg "$pgdsn" 0
run_pgbench 2
if [ -z "${SKIP_CASES:-}" ]; then
  psql_admin -c "CREATE DATABASE $db_cases"
  pgdsn_cases=$(dsn_for "$ADMIN" "$db_cases")
  echo "== qiymet-load → qiymet serve → PostgreSQL ($CLIENTS clients, ${DURATION}s, $LOW_SHARE of the answers opening a case)"
  load pgcases "$pgdsn_cases" "$LOW_SHARE"
  run_pgbench 3
fi

if [ -z "${SKIP_SQLITE:-}" ]; then
  echo "== qiymet-load → qiymet serve → SQLite file ($CLIENTS clients, ${DURATION}s, no case)"
  load sqlite "sqlite:$work/bench.db" 0
  if [ -z "${SKIP_CASES:-}" ]; then
    echo "== qiymet-load → qiymet serve → SQLite file ($CLIENTS clients, ${DURATION}s, $LOW_SHARE opening a case)"
    load sqlitecases "sqlite:$work/bench-cases.db" "$LOW_SHARE"
  fi
fi

py_field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }
pg_rate=$(py_field "$work/pg.json" throughput_per_s)
tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench$1.txt" | head -1; }
bench1=$(tps 1) bench2=$(tps 2)
ratio=$(python3 -c "print(f'{$pg_rate/(($bench1+$bench2)/2):.2f}')")
row() { # row LABEL NAME: one qiymet line of the table
  printf "| %s | %.0f | %s | %s | %s | %s |\n" "$2" "$(py_field "$work/$1.json" throughput_per_s)" \
    "$(py_field "$work/$1.json" latency_ms.p50)" "$(py_field "$work/$1.json" latency_ms.p95)" "$(py_field "$work/$1.json" latency_ms.p99)" "$(cat "$work/$1.rss")"
}
echo
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3), mix $MIX${LINKS_AHEAD:+, $LINKS_AHEAD links issued before each measured run (their CPU is in the CPU columns, not in the rates)}${SPLIT:+, PostgreSQL on half the CPUs and the clients on the other half (SPLIT)}"
echo "| measure | rate/s | p50 ms | p95 ms | p99 ms | peak RSS, CPU |"
echo "|---|---|---|---|---|---|"
printf "| pgbench one-row INSERT (before), %s clients | %.0f | | | | %s |\n" "$CLIENTS" "$bench1" "$(cat "$work/pgbench1.rss")"
row pg "qiymet, PostgreSQL, $CLIENTS clients, no case"
printf "| pgbench one-row INSERT (after), %s clients | %.0f | | | | %s |\n" "$CLIENTS" "$bench2" "$(cat "$work/pgbench2.rss")"
if [ -z "${SKIP_CASES:-}" ]; then
  bench3=$(tps 3)
  row pgcases "qiymet, PostgreSQL, $CLIENTS clients, $LOW_SHARE opening a case"
  printf "| pgbench one-row INSERT (after the cases run), %s clients | %.0f | | | | %s |\n" "$CLIENTS" "$bench3" "$(cat "$work/pgbench3.rss")"
fi
if [ -z "${SKIP_SQLITE:-}" ]; then
  row sqlite "qiymet, SQLite file, $CLIENTS clients, no case"
  [ -n "${SKIP_CASES:-}" ] || row sqlitecases "qiymet, SQLite file, $CLIENTS clients, $LOW_SHARE opening a case"
fi
echo
echo "ratio qiymet/pgbench on PostgreSQL (against the mean of the two pgbench runs): $ratio (target ≥ 1.0, issue 20)"
if [ -z "${SKIP_CASES:-}" ]; then
  pgc_rate=$(py_field "$work/pgcases.json" throughput_per_s)
  python3 - "$pg_rate" "$bench1" "$bench2" "$pgc_rate" "$bench3" "$LOW_SHARE" <<'PY'
import sys
pg, b1, b2, pgc, b3, share = map(float, sys.argv[1:])
r0, r1 = pg / ((b1 + b2) / 2), pgc / ((b2 + b3) / 2)
print(f"ratio with {share:g} of the responses opening a case (against the mean of pgbench runs 2 and 3): {r1:.2f}, "
      f"{(r1 / r0 - 1) * 100:+.1f}% against the run without cases (target: within 10%)")
PY
fi
