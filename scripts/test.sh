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

# Browser tests, first on the release build that `make run` serves (what users run), then on
# the debug build (debug assertions catch more). Each test starts its own servers from the
# binary just built, on fresh databases; any page error or console error fails it.
browser_tests() {
  local build="$1" bin="$2"; shift 2
  step "browser tests on the $build build (Chromium)"
  local start; start=$(date +%s)
  cargo leptos build "$@"
  (cd end2end && COURANT_BUILD="$build" COURANT_SERVER_BIN="$root/target/$bin/server" npx playwright test)
  printf '%s build: built and tested in %d s\n' "$build" $(( $(date +%s) - start ))
}
mkdir -p target/e2e
browser_tests release release --release --split --precompress
# The release build just tested is the one users download: it must fit its budgets
# (end2end/bundle-size.mjs, as `make size`).
step "bundle size of the release build"
(cd end2end && COURANT_SERVER_BIN="$root/target/release/server" node bundle-size.mjs)
# How long `/` takes to go live on an emulated phone: reported, not gated (timings drift on a
# shared machine); it fails only if the page never goes live.
(cd end2end && COURANT_SERVER_BIN="$root/target/release/server" node time-to-live.mjs)
browser_tests debug debug --split
