#!/usr/bin/env bash
# Side-by-side A/B of the PostgreSQL ingest path, each
# run DURATION s with CLIENTS clients through qiymet-load → qiymet serve, in interleaved pairs (order A B, then
# B A, …, PAIRS pairs), with pgbench's one-row INSERT before every pair on the same server. One database for
# all runs (provisioned once). Prints one line per run and the ratios. Loopback only; bounded; cleans up.
# KNOB=committers (default): QIYMET_INGEST_COMMITTERS=A against =B (default 1 and 4).
# KNOB=low-share: the share of answers in the bottom two points, each opening a case (default 0 and 0.1; issue 18's
# "10% of responses opening cases" against none), with the server's default committers.
# KNOB=rev: the server built from git revision A against the one built from B (default HEAD~1 and HEAD; the
# migrations of both applied, B's last), everything else the same; SHARE: the low share of both (default 0).
#   A=1 B=4 PAIRS=3 DURATION=10 bash .ci/faults/ingest-ab.sh
#   KNOB=low-share PAIRS=6 bash .ci/faults/ingest-ab.sh
#   KNOB=rev A=main~3 B=main bash .ci/faults/ingest-ab.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/faults/lib.sh
KNOB=${KNOB:-committers}
case "$KNOB" in
  committers) A=${A:-1} B=${B:-4} ;;
  low-share) A=${A:-0} B=${B:-0.1} ;;
  rev) A=${A:-HEAD~1} B=${B:-HEAD} ;;
  *) echo "ingest-ab: KNOB must be committers, low-share or rev" >&2; exit 2 ;;
esac
PAIRS=${PAIRS:-3} CLIENTS=${CLIENTS:-32} DURATION=${DURATION:-10}
MIX=${MIX:-kiosk=60,api=30,link=10}
ADMIN=${QIYMET_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
work=$(mktemp -d)
db="qiymet_ab_$(date +%s)_$$"
srv_pid=""
psql_admin() { psql "$ADMIN" -v ON_ERROR_STOP=1 -qAt "$@"; }
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null || true
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/qiymet" ./cmd/qiymet
if [ "$KNOB" = rev ]; then
  for v in A B; do
    rev=${!v}
    mkdir -p "$work/src-$v" && git archive "$rev" | tar -x -C "$work/src-$v"
    (cd "$work/src-$v" && go build -o "$work/qiymet-$v" ./cmd/qiymet)
  done
fi
go build -o "$work/qiymet-load" ./cmd/qiymet-load
psql_admin -c "CREATE DATABASE $db"
dsn=$(dsn_for "$ADMIN" "$db")
if [ "$KNOB" = rev ]; then
  QIYMET_DB="$dsn" "$work/qiymet-A" migrate up >/dev/null
  QIYMET_DB="$dsn" "$work/qiymet-B" migrate up >/dev/null
else
  QIYMET_DB="$dsn" "$work/qiymet" migrate up >/dev/null
fi
QIYMET_DB="$dsn" "$work/qiymet" catalog apply testdata/catalog.json >/dev/null
"$work/qiymet-load" provision --db "$dsn" --kiosks ${KIOSKS:-2048} --api-keys 16 >"$work/creds.env"
pgbench_table "$dsn" "$work/insert.sql"
pgb() { pgbench -n -h 127.0.0.1 -U postgres -c "$CLIENTS" -j 2 -T "$DURATION" -f "$work/insert.sql" "$db" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1; }
run=0
# one V: a qiymet run with the knob at V → its rate
one() {
  local port; port=$(free_port); run=$((run + 1))
  local committers="" share=0 bin="$work/qiymet"
  case "$KNOB" in
    committers) committers=$1 ;;
    low-share) share=$1 ;;
    rev) share=${SHARE:-0}; if [ "$1" = "$A" ]; then bin="$work/qiymet-A"; else bin="$work/qiymet-B"; fi ;;
  esac
  env QIYMET_DB="$dsn" QIYMET_ADDR="127.0.0.1:$port" QIYMET_LOG_LEVEL=warn ${committers:+QIYMET_INGEST_COMMITTERS=$committers} "$bin" serve >"$work/serve.log" 2>&1 &
  srv_pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  # distinct submitted_at windows per run, so no run's kiosk responses make another's bursts
  "$work/qiymet-load" run --quiet --url "http://127.0.0.1:$port" --creds "$work/creds.env" --concurrency "$CLIENTS" --duration 2s \
    --since "$(date -u -d "-$((run * 2 + 1)) days" +%FT%TZ)" --low-share "$share" >/dev/null
  GOMAXPROCS=${GEN_PROCS:-2} "$work/qiymet-load" run --quiet --url "http://127.0.0.1:$port" --creds "$work/creds.env" \
    --concurrency "$CLIENTS" --duration "${DURATION}s" --since "$(date -u -d "-$((run * 2)) days" +%FT%TZ)" --mix "$MIX" \
    --low-share "$share" --json "$work/r$run.json" >/dev/null
  kill "$srv_pid"; wait "$srv_pid" 2>/dev/null || true; srv_pid=""
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f %s" % (d["throughput_per_s"], d["latency_ms"]["p99"]))' "$work/r$run.json"
}
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $CLIENTS clients, ${DURATION}s a run, mix $MIX"
echo "| pair | pgbench /s | $KNOB=$A /s (p99 ms) | $KNOB=$B /s (p99 ms) | ratio A | ratio B | B/A |"
echo "|---|---|---|---|---|---|---|"
for p in $(seq 1 "$PAIRS"); do
  bench=$(pgb)
  if [ $((p % 2)) -eq 1 ]; then ra=$(one "$A"); rb=$(one "$B"); else rb=$(one "$B"); ra=$(one "$A"); fi
  python3 - "$p" "$bench" "$ra" "$rb" <<'PY'
import sys
p, b = sys.argv[1], float(sys.argv[2])
ra, pa = sys.argv[3].split(); rb, pb = sys.argv[4].split()
ra, rb = float(ra), float(rb)
print(f"| {p} | {b:.0f} | {ra:.0f} ({pa}) | {rb:.0f} ({pb}) | {ra/b:.2f} | {rb/b:.2f} | {rb/ra:.2f} |")
PY
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
