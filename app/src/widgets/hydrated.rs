//! Whether the page has hydrated. A form that needs the WASM (its server function takes JSON,
//! or its answer is shown once) stays disabled until then: submitted earlier, the browser
//! would send it as a GET to the page itself, with every field in the URL.

use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Hydrated(ReadSignal<bool>);

/// For the app's root: false on the server and in the browser's first render (so both
/// agree), true once the WASM runs.
pub fn provide_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    provide_context(Hydrated(hydrated));
    hydrated
}

pub fn use_hydrated() -> Signal<bool> {
    use_context::<Hydrated>().map_or(Signal::stored(false), |h| h.0.into())
}
