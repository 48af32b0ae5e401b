#!/usr/bin/env bash
# Fault tests (`make faults`): kill -9 of `qiymet serve` mid-load (SQLite file and PostgreSQL), PostgreSQL
# stopped and started mid-load, two instances on one fresh PostgreSQL database; then, with BENCH=1, the
# ingest benchmark. The short forms of the first and last run in every `go test ./...` (so in `make test`);
# this runs the long forms and the PostgreSQL stop, which needs QIYMET_FAULTS_PG=1 and pg_ctlcluster.
# PostgreSQL is stopped for about 5 s at most and is ALWAYS started again, even if the test dies.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
CLUSTER=${QIYMET_FAULTS_PG_CLUSTER:-15 main}
pg_start() {
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    pg_ctlcluster --skip-systemctl-redirect $CLUSTER start >/dev/null 2>&1 || true # already running: fine
  fi
}
trap pg_start EXIT INT TERM
bash .ci/deps
export QIYMET_FAULTS_PG=${QIYMET_FAULTS_PG:-1} QIYMET_FAULTS_LONG=1 QIYMET_FAULTS_PG_CLUSTER="$CLUSTER"
set +e
$GO test -count=1 -timeout 10m -v -run '^TestFault' ./cmd/qiymet-load
status=$?
set -e
if [ "${BENCH:-0}" = 1 ]; then
  bash .ci/faults/ingest-bench.sh
fi
exit "$status"
