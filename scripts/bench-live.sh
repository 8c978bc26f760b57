#!/usr/bin/env bash
# The standard live-feed sweep for BENCHMARKS.md (`make bench-live`):
#   - a release server on a fresh SQLite database, pinned to core 0, for each subscriber count
#     in $SWEEP (default 1 100 1000 10000; 10% staff sockets, the rest public);
#   - the load generator pinned to core 1: 2 editors, $RATE merged saves/s (open loop) for
#     $DURATION s, then waits until every subscriber has every save. RATE_<n> overrides the
#     rate for n subscribers, DURATION_<n> the duration: at 10,000 the default is 2 saves/s
#     for 60 s (120 saves, so the p99 is not the maximum; 20,000 deliveries/s, what one core serves with room to spare; 20 saves/s
#     asks for 200,000/s and saturates it);
#   - the merged-save rate against a bare sqlx update transaction on SQLite and PostgreSQL
#     (SAVES=0 skips it: SWEEP="1000 1000 1000" SAVES=0 repeats one point).
# Results: target/bench/results-<time>.jsonl and the Markdown tables on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

SWEEP="${SWEEP:-1 100 1000 10000}"
RATE="${RATE:-20}"
RATE_10000="${RATE_10000:-2}"
DURATION_10000="${DURATION_10000:-60}"
rate_for() { local v="RATE_$1"; echo "${!v:-$RATE}"; }
duration_for() { local v="DURATION_$1"; echo "${!v:-$DURATION}"; }
DURATION="${DURATION:-10}"
PORT="${PORT:-3900}"
pg_url="${COURANT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
export COURANT_ADMIN_EMAIL="bench@courant.test" COURANT_ADMIN_PASSWORD="bench password 1"

# Outside cargo-leptos, Leptos wants the output name it would have set.
LEPTOS_OUTPUT_NAME=courant cargo build --release -p server -p courant-load
mkdir -p target/bench
results="$root/target/bench/results-$(date +%Y%m%d-%H%M%S).jsonl"
server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT

# Server on core 0, load generator on core 1 (when there are two cores and taskset).
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 0); gen_pin=(taskset -c 1); else gen_pin=(); fi

for n in $SWEEP; do
  dir="$(mktemp -d "${TMPDIR:-/tmp}/courant-bench-XXXXXX")"
  ulimit -n "$(ulimit -Hn)"
  # Every subscriber connects from loopback: lift the per-address cap on live sockets.
  DATABASE_URL="sqlite://$dir/courant.db" COURANT_DEMO_CONTENT=0 RUST_LOG=warn \
    COURANT_LIVE_MAX_PER_ADDRESS=100000 LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$root/target/site" \
    "${pin[@]}" target/release/server &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  echo "==> $n subscribers"
  "${gen_pin[@]}" target/release/courant-load live --url "http://127.0.0.1:$PORT" --subscribers "$n" \
    --editors 2 --rate "$(rate_for "$n")" --duration "$(duration_for "$n")" --server-pid "$server_pid" --json "$results"
  stop_server
  rm -rf "$dir"
done

if [ "${SAVES:-1}" = 1 ]; then
  echo "==> merged saves against bare updates"
  "${gen_pin[@]}" target/release/courant-load saves --backend sqlite --json "$results"
  if psql "$pg_url/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    "${gen_pin[@]}" target/release/courant-load saves --backend postgres --postgres "$pg_url" --json "$results"
  else
    echo "(PostgreSQL not reachable at $pg_url: skipped its row)"
  fi
fi

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); results in $results"
echo
target/release/courant-load table "$results"
