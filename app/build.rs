//! Turns the message files in `locales/` into the `i18n` module (typed keys: a key the code
//! uses and French lacks fails the build) and refuses a key one language has and another
//! lacks, which leptos_i18n would only warn about and show in French.

use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};

use leptos_i18n_build::options::CodegenOptions;
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

/// French first: the default when neither the cookie nor the browser asks for English.
const LOCALES: [&str; 2] = ["fr", "en"];
/// One file per feature, as the code is laid out.
const NAMESPACES: [&str; 5] = ["common", "identity", "content", "webhooks", "errors"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    println!("cargo::rerun-if-changed=locales");

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("locales");
    let mut problems = Vec::new();
    for ns in NAMESPACES {
        let keys: Vec<(&str, BTreeSet<String>)> = LOCALES
            .iter()
            .map(|l| (*l, keys_of(&root.join(l).join(format!("{ns}.json")))))
            .collect();
        let all: BTreeSet<&String> = keys.iter().flat_map(|(_, k)| k).collect();
        for key in all {
            for (locale, have) in &keys {
                if !have.contains(key) {
                    problems.push(format!("locales/{locale}/{ns}.json has no `{key}`"));
                }
            }
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            println!("cargo::error={p}");
        }
        return Err(format!("{} message(s) missing a translation", problems.len()).into());
    }

    let options = ParseOptions::default().interpolate_display(true);
    let mut cfg = Config::new(LOCALES[0])?.parse_options(options);
    for l in &LOCALES[1..] {
        cfg = cfg.add_locale(l)?;
    }
    let cfg = cfg.add_namespaces(NAMESPACES)?;
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("i18n");
    // Generated code is not ours to lint; no docs, nobody reads them.
    let allow: proc_macro2::TokenStream = "#![allow(clippy::all)]".parse()?;
    let codegen = CodegenOptions::default()
        .top_level_attributes(Some(allow))
        .gen_docs(false);
    infos.generate_i18n_module_with_options(out, codegen)?;
    Ok(())
}

/// Every key of a message file, nested keys joined with dots.
fn keys_of(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
    let mut keys = BTreeSet::new();
    walk(&value, String::new(), &mut keys);
    keys
}

fn walk(value: &serde_json::Value, prefix: String, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                walk(v, path, keys);
            }
        }
        _ => {
            keys.insert(prefix);
        }
    }
}
