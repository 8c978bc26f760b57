#!/usr/bin/env bash
# What arrives on the staff's screens, for BENCHMARKS.md, on each database:
#   `make bench-bookings` (WHAT=bookings): signed booking webhooks — $LATENCY_POSTS one at a
#     time (POST → the prospect's event on every socket, p50/p99), then $POSTS with
#     $CONCURRENCY in flight (accepted per second), then the same again as redeliveries
#     (answered 200, nothing on any socket);
#   `make bench-checkouts` (WHAT=checkouts): shop checkouts — $LATENCY_POSTS one at a time
#     (checkout → the order on every desk socket, p50/p99, no webhook registered), then $POSTS
#     by $CONCURRENCY buyers at once (checkouts per second).
# Each: a release server on a fresh database (SQLite file; PostgreSQL when reachable) pinned
# to core 0, its first admin the generator's account; `courant-load` pinned to core 1 with
# $SOCKETS staff sockets (default 100) open through the run.
# Results: target/bench/<what>-<time>.jsonl and the Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

WHAT="${WHAT:-bookings}"
SOCKETS="${SOCKETS:-100}"
LATENCY_POSTS="${LATENCY_POSTS:-200}"
POSTS="${POSTS:-2000}"
CONCURRENCY="${CONCURRENCY:-8}"
PORT="${PORT:-3901}"
pg_url="${COURANT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
export COURANT_ADMIN_EMAIL="bench@courant.test" COURANT_ADMIN_PASSWORD="bench password 1"

LEPTOS_OUTPUT_NAME=courant cargo build --release -p server -p courant-load
mkdir -p target/bench
results="$root/target/bench/$WHAT-$(date +%Y%m%d-%H%M%S).jsonl"
server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT
pin=(); gen_pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 0); gen_pin=(taskset -c 1); fi

run_on() { # backend, database URL
  DATABASE_URL="$2" COURANT_DEMO_CONTENT=0 RUST_LOG=warn LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    LEPTOS_SITE_ROOT="$root/target/site" COURANT_LIVE_MAX_PER_ADDRESS=100000 \
    COURANT_CHECKOUTS_PER_HOUR=1000000 \
    "${pin[@]}" target/release/server &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  echo "==> $1"
  case "$WHAT" in
    bookings) counts=(--latency-posts "$LATENCY_POSTS" --posts "$POSTS") ;;
    checkouts) counts=(--latency-checkouts "$LATENCY_POSTS" --checkouts "$POSTS") ;;
    *) echo "WHAT must be bookings or checkouts" >&2; exit 1 ;;
  esac
  "${gen_pin[@]}" target/release/courant-load "$WHAT" --url "http://127.0.0.1:$PORT" --backend "$1" \
    --sockets "$SOCKETS" "${counts[@]}" \
    --concurrency "$CONCURRENCY" --server-pid "$server_pid" --json "$results"
  stop_server
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/courant-bench-XXXXXX")"
run_on sqlite "sqlite://$dir/courant.db"
rm -rf "$dir"
if psql "$pg_url/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
  db="courant_bench_${WHAT}_$$"
  psql "$pg_url/postgres" -Atqc "CREATE DATABASE $db" >/dev/null
  run_on postgres "$pg_url/$db"
  psql "$pg_url/postgres" -Atqc "DROP DATABASE $db" >/dev/null
else
  echo "(PostgreSQL not reachable at $pg_url: skipped its row)"
fi

echo
echo "Machine: $(nproc) cores, $(uname -sr); results in $results"
echo
target/release/courant-load table "$results"
