#!/usr/bin/env bash
# `make size-report`: what takes the room in the WASM the browser downloads. Builds the release
# WASM exactly as `make run` does (same profile, same split, same wasm-opt -Oz) into
# target/size-report/site, but with wasm-opt keeping the function names (-g), then lists with
# twiggy, for the main module and each chunk: its size (raw and gzipped), the 30 largest
# crates and the 30 largest items. Writes target/size-report/report.md (docs/BUNDLE.md quotes
# it) and prints it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/size-report"
site="$out/site"
mkdir -p "$out"

# The names are the only difference from the shipped build: -g keeps binaryen from dropping
# them and changes no code. The frontend's cargo build is shared with `make run`'s.
LEPTOS_SITE_ROOT="$site" \
LEPTOS_WASM_OPT_FEATURES="-Oz,-g,--enable-bulk-memory,--enable-nontrapping-float-to-int" \
  cargo leptos build --release --split --frontend-only

report="$out/report.md"
{
  printf '# Size report (%s, %s)\n\n' "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(date -u +%Y-%m-%d)"
  printf 'Sizes in KiB; "gzipped" is the file without its names, as shipped, gzipped (-9).\n\n'
  printf 'Which files each lazy part loads (`__wasm_split_manifest.json`):\n\n```\n%s\n```\n' "$(cat "$site"/pkg/__wasm_split_manifest*.json)"
  # The main module first, then the lazy parts, then the chunks they share.
  for wasm in "$site"/pkg/courant*.wasm "$site"/pkg/split_*.wasm "$site"/pkg/chunk_*.wasm; do
    name="$(basename "$wasm")"
    # A chunk of data only (no code) is listed by its size alone.
    if ! twiggy top --format csv "$wasm" > "$out/$name.csv" 2>/dev/null; then
      printf '\n## %s: data only, %s bytes\n' "$name" "$(stat -c %s "$wasm")"
      continue
    fi
    # The shipped file has no names: strip them to weigh it as a visitor downloads it.
    wasm-opt --strip-debug --enable-bulk-memory --enable-nontrapping-float-to-int "$wasm" -o "$out/$name.stripped"
    python3 "$root/scripts/size-report.py" "$name" "$out/$name.csv" "$out/$name.stripped"
  done
} > "$report"
cat "$report"
