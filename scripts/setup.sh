#!/usr/bin/env bash
# Installs what Courant needs and is missing; silent about what is already there.
#   scripts/setup.sh run    build tools (wasm target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/setup.sh test   the above, plus Chromium, Playwright's npm packages and PostgreSQL
#   scripts/setup.sh report the `run` tools, plus twiggy (`make size-report`)
# Nothing is downloaded from outside the crates, npm and Debian registries: cargo-leptos is
# built with `no_downloads` and finds the other tools on PATH (the Makefile adds .tools/).
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
CARGO_LEPTOS_VERSION="0.3.10"
BINARYEN_VERSION="132.0.0"
TWIGGY_VERSION="0.8.0"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (install it yourself, then run this again)"; fi
}

apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $* here: no apt-get. Install it with your package manager, then run this again."
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  say "installing $* (Debian packages)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || die "Rust is missing: install the stable toolchain with rustup, then run this again."
command -v cc >/dev/null || apt_install build-essential

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "building cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
  cargo install cargo-leptos@"$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen's CLI must be exactly the library version the lock file pins.
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
[ -n "$wb_version" ] || die "cannot find wasm-bindgen in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_version" ]; then
  say "building wasm-bindgen-cli $wb_version"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

if ! command -v npm >/dev/null; then apt_install nodejs npm; fi

# Debian's binaryen is too old for current Rust output; the npm package ships a recent one.
if [ "$("$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  say "installing wasm-opt (npm binaryen $BINARYEN_VERSION) into .tools/"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null
fi

if [ "$mode" = report ]; then
  if [ "$(twiggy --version 2>/dev/null)" != "twiggy $TWIGGY_VERSION" ]; then
    say "building twiggy $TWIGGY_VERSION (a few minutes, once)"
    cargo install twiggy --version "$TWIGGY_VERSION" --locked
  fi
  exit 0
fi

[ "$mode" = test ] || exit 0

if ! command -v chromium >/dev/null; then apt_install chromium; fi

e2e="$root/end2end"
if [ ! -d "$e2e/node_modules/@playwright/test" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
  say "installing Playwright's npm packages (no browser download: Debian's Chromium is used)"
  (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi

# PostgreSQL: the integration tests create a fresh database on it for every run.
pg_url="${COURANT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
pg_ok() { command -v psql >/dev/null && psql "$pg_url/postgres" -Atqc 'select 1' >/dev/null 2>&1; }
if ! pg_ok && [ -z "${COURANT_TEST_POSTGRES_URL:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql
    # A machine we set up for tests: let the local postgres user in over TCP without a password.
    hba="$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -n 1)"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  fi
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do pg_ok && break; sleep 0.5; done
fi
pg_ok || die "PostgreSQL is not reachable at $pg_url. Start it (Debian: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start) or set COURANT_TEST_POSTGRES_URL to a server where that user may create databases."
