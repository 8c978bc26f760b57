#!/usr/bin/env bash
# Prints the size of the built WASM bundle, raw and gzipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wasm="$root/target/site/pkg/courant.wasm"
[ -f "$wasm" ] || { echo "no $wasm: run cargo leptos build --release first" >&2; exit 1; }
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'courant.wasm: %d KiB raw, %d KiB gzipped (budget 350 KiB gzipped)\n' $((raw / 1024)) $((gz / 1024))
