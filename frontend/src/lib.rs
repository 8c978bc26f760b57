//! The browser entry point: hydrate the server-rendered page, as islands or whole
//! (app/src/client/islands.rs).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    if app::client::islands::is_island_page() {
        app::client::islands::hydrate_islands();
    } else {
        // The app's chunk is fetched first; spawning needs the executor before hydration
        // would start it.
        let _ = any_spawner::Executor::init_wasm_bindgen();
        leptos::task::spawn_local(app::hydrate_app());
    }
}
