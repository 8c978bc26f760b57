"""One module's part of the size report: its size, then its 30 largest crates and items, from
twiggy's CSV (`twiggy top --format csv`). Called by scripts/size-report.sh."""
import csv
import gzip
import os
import re
import sys
from collections import defaultdict

name, table, stripped = sys.argv[1:4]
raw = os.path.getsize(stripped)
with open(stripped, "rb") as f:
    packed = len(gzip.compress(f.read(), 9))

rows = []
with open(table, newline="") as f:
    for row in csv.DictReader(f):
        item = row["Name"]
        # The names kept for this report, and the linker's sections: not in the shipped file.
        if item.startswith("custom section") or item.endswith("subsection"):
            continue
        rows.append((item, int(row["ShallowSize"])))
total = sum(size for _, size in rows) or 1

HASH = re.compile(r"::h[0-9a-f]{16}$")


def crate_of(item: str) -> str:
    """The crate an item's code comes from: the first path segment of its demangled name; for
    `<T as Trait>::f`, T's crate when T is a path (a derive, an impl in T's crate), else the
    trait's (`<f64 as core::fmt::Display>::fmt` is core's). Data and the module's own sections
    apart."""
    if item.startswith("data segment") or item.startswith("data["):
        return "(data: strings, tables)"
    s = re.sub(r"\[[0-9a-f]+\]", "", item)
    if "::" not in s:
        if s.startswith("__wbg") or s.startswith("__wbindgen") or "wasm_bindgen" in s:
            return "wasm-bindgen glue"
        return "(wasm sections: " + s.split("[")[0].split(" ")[0] + ")"
    if s.startswith("<"):
        inner = s[1:]
        self_ty, _, rest = inner.partition(" as ")
        self_ty = self_ty.lstrip("&*(").replace("mut ", "").replace("dyn ", "").replace("const ", "")
        s = self_ty if "::" in self_ty.split("<")[0] or not rest else rest
    first = s.lstrip("&*(").split("::", 1)[0].split("<")[0].rstrip(">")
    # Methods of primitive types (`<str>::to_uppercase`) are core's and alloc's.
    if first in PRIMITIVES or first.startswith("["):
        return "core (primitive types)"
    return first or "?"


PRIMITIVES = {"str", "char", "bool", "f32", "f64", "u8", "u16", "u32", "u64", "u128", "usize",
              "i8", "i16", "i32", "i64", "i128", "isize"}


by_crate = defaultdict(int)
for item, size in rows:
    by_crate[crate_of(item)] += size

kib = lambda b: f"{b / 1024:.1f}"
print(f"\n## {name}: {kib(raw)} KiB, {kib(packed)} KiB gzipped\n")
print("| crate | KiB | share |\n|---|---:|---:|")
for crate, size in sorted(by_crate.items(), key=lambda kv: -kv[1])[:30]:
    print(f"| {crate} | {kib(size)} | {100 * size / total:.1f} % |")
print("\n| largest items | KiB | share |\n|---|---:|---:|")
for item, size in sorted(rows, key=lambda kv: -kv[1])[:30]:
    shown = HASH.sub("", item).replace("|", "\\|")
    if len(shown) > 110:
        shown = shown[:107] + "…"
    print(f"| `{shown}` | {kib(size)} | {100 * size / total:.1f} % |")
