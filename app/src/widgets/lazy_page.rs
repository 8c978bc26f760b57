//! Pages whose code the browser downloads only when it first shows them: the backoffice,
//! the sign-in and the invitation pages, so a visitor of the public site does not download
//! them (`cargo leptos build --split` cuts the WASM at each page; docs/ARCHITECTURE.md,
//! "Build"). A page whose part cannot be downloaded says so, with a retry, instead of
//! leaving a dead page.

use leptos::prelude::*;

use crate::i18n::*;

/// `lazy_page!(SettingsRoute, settings_page, || view! { <AdminSettingsPage/> });` makes the
/// route type `SettingsRoute` for `<Route view={Lazy::<SettingsRoute>::new()}/>`, whose view
/// is split into the chunk `settings_page` (a name unique in the crate).
// rustfmt re-indents the attribute below a little further on every run.
#[rustfmt::skip]
macro_rules! lazy_page {
    ($route:ident, $chunk:ident, $view:expr) => {
        pub struct $route;

        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> ::leptos::prelude::AnyView {
                // The page's chunk is named in the server's response, so the browser fetches
                // it while it reads the page instead of after the main module has started.
                #[cfg(feature = "ssr")]
                ::leptos::prefetch_lazy_fn_on_server(stringify!($chunk));
                // In the browser the call downloads the chunk first; elsewhere it is a plain call.
                #[cfg(feature = "hydrate")]
                let page = $chunk().await;
                #[cfg(not(feature = "hydrate"))]
                let page = $chunk();
                page.unwrap_or_else(|_| $crate::widgets::lazy_page::chunk_failed())
            }
        }

        #[cfg_attr(
            feature = "hydrate",
            ::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $chunk() -> Result<::leptos::prelude::AnyView, $crate::widgets::lazy_page::ChunkError> {
            Ok(::leptos::prelude::IntoAny::into_any(($view)()))
        }
    };
}

pub(crate) use lazy_page;

/// A page's part could not be downloaded.
pub struct ChunkError;

#[cfg(feature = "hydrate")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// What a page shows when its part could not be downloaded (offline, a new release replaced
/// it): what happened, and a retry that loads the page again.
pub fn chunk_failed() -> AnyView {
    let i18n = use_i18n();
    let retry = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <div class="notice error" role="alert" data-testid="chunk-failed">
            <p>{t!(i18n, common.chunk_failed)}</p>
            <button type="button" on:click=retry>{t!(i18n, common.retry)}</button>
        </div>
    }
    .into_any()
}
