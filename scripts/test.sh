#!/usr/bin/env bash
# Every test, in order of speed: unit, integration (SQLite and PostgreSQL), then Playwright.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

# Each test makes its own database; drop what earlier or interrupted runs left behind, and
# what this run makes once it is over.
pg_url="${COURANT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
cleanup() {
  psql "$pg_url/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'courant\_test\_%'" 2>/dev/null |
    while read -r db; do psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true; done
  rm -rf "${TMPDIR:-/tmp}/courant-tests" "$root/target/e2e"
}
cleanup
trap cleanup EXIT

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test -p app --features ssr
cargo test -p server
cargo test -p courant-load

step "browser tests (cargo leptos end-to-end, Chromium)"
# cargo-leptos starts the server on 127.0.0.1:3000 with this fresh database; Playwright's global
# set-up waits for it, and tests that restart a server start their own.
mkdir -p target/e2e
export DATABASE_URL="sqlite://$root/target/e2e/courant-$(date +%s)-$$.db"
export COURANT_SERVER_BIN="$root/target/debug/server"
# The first admin of every test server (end2end/tests/support knows these).
export COURANT_ADMIN_EMAIL="admin@courant.test" COURANT_ADMIN_PASSWORD="correct horse battery"
cargo leptos end-to-end
