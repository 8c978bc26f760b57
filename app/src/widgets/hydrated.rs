//! Whether the page has hydrated. A form that needs the WASM (its server function takes JSON,
//! or its answer is shown once) stays disabled until then: submitted earlier, the browser
//! would send it as a GET to the page itself, with every field in the URL.

use leptos::prelude::*;

/// False on the server and in the browser's first render of the calling component (so both
/// agree), true once that component has hydrated. Each caller gets its own signal: a page
/// loaded later (a lazy route's chunk) hydrates after the root, and a flag shared with the
/// root would already be true in its first render, which hydration takes to match the
/// server's `false` and never updates.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
