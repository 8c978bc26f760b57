#!/usr/bin/env bash
# The sync centre's backup and restore of a large organisation, for BENCHMARKS.md
# (`make bench-backups`): on a fresh database (SQLite file; PostgreSQL when reachable), a
# release server pinned to core 0 and `courant-load backups` on core 1 seed $RECORDS records,
# back them up, change $CHANGED of them, and restore the backup with a page (staff socket)
# open: time and the server's peak memory for each step, and the time until the open page has
# the restored data. Results: target/bench/backups-<time>.jsonl and the JSON on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

RECORDS="${RECORDS:-100000}"
CHANGED="${CHANGED:-2000}"
PORT="${PORT:-3902}"
pg_url="${COURANT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
export COURANT_ADMIN_EMAIL="bench@courant.test" COURANT_ADMIN_PASSWORD="bench password 1"

LEPTOS_OUTPUT_NAME=courant cargo build --release -p server -p courant-load
mkdir -p target/bench
results="$root/target/bench/backups-$(date +%Y%m%d-%H%M%S).jsonl"
server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT
pin=(); gen_pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 0); gen_pin=(taskset -c 1); fi

run_on() { # backend, database URL, backup directory
  DATABASE_URL="$2" COURANT_DEMO_CONTENT=0 RUST_LOG=warn LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    LEPTOS_SITE_ROOT="$root/target/site" COURANT_BACKUP_DIR="$3" \
    "${pin[@]}" target/release/server &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  echo "==> $1"
  "${gen_pin[@]}" target/release/courant-load backups --url "http://127.0.0.1:$PORT" --backend "$1" \
    --records "$RECORDS" --changed "$CHANGED" --server-pid "$server_pid" --json "$results"
  stop_server
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/courant-bench-XXXXXX")"
run_on sqlite "sqlite://$dir/courant.db" "$dir/backups"
rm -rf "$dir"
if psql "$pg_url/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
  db="courant_bench_backups_$$"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/courant-bench-XXXXXX")"
  psql "$pg_url/postgres" -Atqc "CREATE DATABASE $db" >/dev/null
  run_on postgres "$pg_url/$db" "$dir/backups"
  psql "$pg_url/postgres" -Atqc "DROP DATABASE $db" >/dev/null
  rm -rf "$dir"
else
  echo "(PostgreSQL not reachable at $pg_url: skipped its row)"
fi
echo
echo "Machine: $(nproc) cores, $(uname -sr); results in $results"
