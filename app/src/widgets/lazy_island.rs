//! Islands whose code is a chunk of its own: the cart and the contact form are islands
//! (client/islands.rs), but their code — forms, a server function, the checkout — would make
//! every public page's download heavier; here it comes only on their page, named in the
//! page's head so it downloads beside the main module.
//!
//! leptos's `#[island(lazy)]` does the same but panics when the chunk cannot be downloaded,
//! which aborts the whole WASM module; these try again twice, then say so above the page
//! (as a lazy page does, widgets/lazy_page.rs) and leave the server's HTML readable.

use leptos::prelude::*;
use leptos::tachys::html::islands::Island;
use leptos::tachys::reactive_graph::OwnedView;
use serde::Serialize;

/// `lazy_island!(pub CartIsland(Snapshot<Vec<Value>>) = cart_view in shop as courant_cart);`
/// makes `CartIsland(props)`, the island drawn by `cart_view(props)`, whose code is in the
/// chunk `shop` and whose props travel to the browser as JSON. `courant_cart` names what the
/// browser calls to hydrate it: unique among the islands, and never a Rust item's name in the
/// same module.
macro_rules! lazy_island {
    ($vis:vis $name:ident($props:ty) = $view:ident in $chunk:ident as $export:ident) => {
        #[allow(non_snake_case)]
        $vis fn $name(props: $props) -> impl ::leptos::prelude::IntoView {
            #[cfg(feature = "ssr")]
            ::leptos::prefetch_lazy_fn_on_server(stringify!($chunk));
            $crate::widgets::lazy_island::island(stringify!($export), props, $view)
        }

        /// What leptos's island script calls for the island (by its `data-component`).
        #[cfg(feature = "hydrate")]
        #[::leptos::wasm_bindgen::prelude::wasm_bindgen(
            wasm_bindgen = ::leptos::wasm_bindgen,
            wasm_bindgen_futures = ::leptos::__reexports::wasm_bindgen_futures
        )]
        pub async fn $export(el: ::leptos::web_sys::HtmlElement) {
            $crate::widgets::lazy_island::hydrate(el, |el, owner| $export::$export(el, owner)).await
        }

        #[cfg(feature = "hydrate")]
        mod $export {
            // In a module of its own: wasm-split's names come from the function's.
            #[allow(unused_imports)]
            use super::*;
            #[::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
            pub fn $export(
                el: ::leptos::web_sys::HtmlElement,
                owner: ::leptos::prelude::Owner,
            ) -> Result<(), $crate::widgets::lazy_page::ChunkError> {
                owner.with(|| {
                    $crate::widgets::lazy_island::hydrate_here::<$props, _>(
                        el,
                        stringify!($export),
                        $view,
                    )
                });
                Ok(())
            }
        }
    };
}

pub(crate) use lazy_island;

/// The island's element around `view(props)`, as leptos's `#[island]` writes it: the
/// server's HTML carries the props, the browser hydrates the view inside from them.
pub fn island<T, V>(
    name: &'static str,
    props: T,
    view: impl FnOnce(T) -> V + 'static,
) -> Island<OwnedView<V>>
where
    T: Serialize + 'static,
    V: IntoView + 'static,
{
    let json = serde_json::to_string(&props).unwrap_or_default();
    let body = Owner::new().with(|| Owner::with_hydration(move || OwnedView::new(view(props))));
    Island::new(name, body).with_props(json)
}

/// Downloads the island's chunk (trying again twice) and hydrates it; the page counts as
/// hydrated once it is. When the chunk cannot be downloaded the island stays as the server
/// sent it and the notice says so above the page.
#[cfg(feature = "hydrate")]
pub async fn hydrate<F>(el: web_sys::HtmlElement, chunk: impl Fn(web_sys::HtmlElement, Owner) -> F)
where
    F: std::future::Future<Output = Result<(), super::lazy_page::ChunkError>>,
{
    use crate::client::islands::{lazy_island_done, lazy_island_started};
    // The islands' root (client/islands.rs), whatever the executor left current meanwhile.
    let Some(owner) = Owner::current() else {
        return;
    };
    lazy_island_started();
    match super::lazy_page::fetch(|| chunk(el.clone(), owner.clone())).await {
        Some(()) => lazy_island_done(),
        None => super::lazy_page::notice_above_the_page(),
    }
}

/// Hydrates the island `el` from its props; props it cannot read leave it as the server sent
/// it (they are the server's own JSON: that would be a bug, not a visitor's doing).
#[cfg(feature = "hydrate")]
pub fn hydrate_here<T, V>(
    el: web_sys::HtmlElement,
    name: &'static str,
    view: impl FnOnce(T) -> V + 'static,
) where
    T: Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let props = el
        .dataset()
        .get("props")
        .and_then(|json| serde_json::from_str::<T>(&json).ok());
    let Some(props) = props else {
        leptos::logging::warn!("island {name}: unreadable props");
        return;
    };
    let state = island(name, props, view)
        .hydrate_from_position::<true>(&el, leptos::tachys::view::Position::Current);
    // The island lives as long as the page, as leptos's own islands do.
    std::mem::forget(state);
}
