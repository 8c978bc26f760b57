//! The layout's rules, checked on the source (docs/ARCHITECTURE.md): the core depends on
//! nothing else of Courant's but the message files (`crate::i18n`), the engine only on those two, a feature never on another
//! feature's server-side code, and no two folders depend on each other in a circle.
//! Test modules (`#[cfg(test)] mod tests`) may use any part as a fixture and are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FEATURES: [&str; 6] = [
    "identity",
    "content",
    "integrations",
    "prospects",
    "shop",
    "sync_centre",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The folder a file belongs to (`core`, `engine`, a feature, …), or `root` for the files
/// that put everything together (lib.rs, startup.rs, csp.rs).
fn folder_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts = rel.components();
    let first = parts
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .to_string();
    if parts.next().is_none() {
        "root".into()
    } else {
        first
    }
}

/// `crate::…` paths in the code outside test modules.
fn crate_paths(text: &str) -> Vec<String> {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    // Comments (doc links) are no dependency.
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let path = path_at(rest);
        if path.is_empty() && rest.starts_with('{') {
            // `use crate::{a::b, c::{d, e}}`: each top-level item is a path of its own.
            let inner = &rest[1..rest.find(';').unwrap_or(rest.len())];
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        paths.push(group_item(&inner[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths.push(group_item(&inner[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            paths.push(path);
        }
    }
    paths
}

/// One item of a grouped import, nested groups flattened into its segments
/// (`identity::{server::access, api}` → `identity::server::access::api`).
fn group_item(text: &str) -> String {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("::")
}

fn path_at(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect()
}

#[test]
fn grouped_imports_are_read_as_paths() {
    let paths = crate_paths("use crate::{engine::save, identity::{server::access, api}};\n");
    assert_eq!(paths, ["engine::save", "identity::server::access::api"]);
}

#[test]
fn folders_follow_the_layering_rules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    for file in &files {
        let from = folder_of(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        if text.contains("\n#![cfg(test)]\n") {
            continue;
        }
        for path in crate_paths(&text) {
            let to = path.split("::").next().unwrap_or_default().to_string();
            if to.is_empty() || to == from || from == "root" {
                continue;
            }
            let name = file.strip_prefix(&src).unwrap().display().to_string();
            // `i18n` is generated from locales/ by build.rs and uses nothing of Courant's:
            // the message files are as basic as the core.
            let allowed = match from.as_str() {
                "core" => to == "i18n",
                "engine" => to == "core" || to == "i18n",
                _ => true,
            };
            if !allowed {
                broken.push(format!("{name}: {from} must not use crate::{path}"));
            }
            let other_feature = FEATURES.contains(&from.as_str())
                && FEATURES.contains(&to.as_str())
                && path.split("::").any(|p| p == "server");
            if other_feature {
                broken.push(format!(
                    "{name}: a feature must not use another feature's server code (crate::{path}); \
                     meet through the engine and the change log"
                ));
            }
            if ["root", "testing"].contains(&to.as_str()) {
                continue;
            }
            edges.entry(from.clone()).or_default().insert(to);
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));

    // No circle between folders: walk from each folder and never come back to it.
    for start in edges.keys() {
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, trail)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                assert!(
                    next != start,
                    "folders depend on each other in a circle: {} -> {next}",
                    trail.join(" -> ")
                );
                if !trail.contains(next) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
}
