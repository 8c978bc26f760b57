//! Pages whose code the browser downloads only when it first shows them: the backoffice,
//! the sign-in and the invitation pages, so a visitor of the public site does not download
//! them (`cargo leptos build --split` cuts the WASM at each page; docs/ARCHITECTURE.md,
//! "Build"). A page whose part cannot be downloaded says so, with a retry, instead of
//! leaving a dead page.

use leptos::prelude::*;

use crate::i18n::*;

/// `lazy_page!(SettingsRoute, settings_page in app, || view! { <AdminSettingsPage/> });`
/// makes the route type `SettingsRoute` for `<Route view={Lazy::<SettingsRoute>::new()}/>`,
/// whose view `settings_page` (a name unique in the crate) is split into the chunk
/// `split_app.wasm`. Few chunks: wasm-split makes a shared chunk for each set of chunks
/// sharing code, so each chunk more made many small files (lib.rs, docs/BUNDLE.md).
// rustfmt re-indents the attribute below a little further on every run.
#[rustfmt::skip]
macro_rules! lazy_page {
    ($route:ident, $page:ident in $chunk:ident, $view:expr) => {
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
                return $crate::widgets::lazy_page::load($page).await;
                #[cfg(not(feature = "hydrate"))]
                $page().unwrap_or_else(|_| $crate::widgets::lazy_page::chunk_failed())
            }
        }

        #[cfg_attr(
            feature = "hydrate",
            ::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $page() -> Result<::leptos::prelude::AnyView, $crate::widgets::lazy_page::ChunkError> {
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

/// Downloads a chunk and runs what it holds, trying again twice (a failed download is not
/// remembered); `None` when it cannot be downloaded.
#[cfg(feature = "hydrate")]
pub(crate) async fn fetch<T, F>(mut chunk: impl FnMut() -> F) -> Option<T>
where
    F: std::future::Future<Output = Result<T, ChunkError>>,
{
    for wait_ms in [0, 500, 2_000] {
        if wait_ms > 0 {
            gloo_timers::future::TimeoutFuture::new(wait_ms).await;
        }
        if let Ok(value) = chunk().await {
            return Some(value);
        }
    }
    None
}

/// Downloads a page's chunk and shows what failed when it cannot. While the page is being
/// hydrated the server's HTML of the page is already on screen and no other view can be
/// hydrated over it: the notice is put above the page and the page stays as the server sent
/// it, readable but inert.
#[cfg(feature = "hydrate")]
pub async fn load<F>(chunk: fn() -> F) -> AnyView
where
    F: std::future::Future<Output = Result<AnyView, ChunkError>>,
{
    let hydrating = Owner::current_shared_context().is_some_and(|c| c.during_hydration());
    if let Some(view) = fetch(chunk).await {
        return view;
    }
    if hydrating {
        notice_above_the_page();
        std::future::pending::<()>().await;
    }
    chunk_failed()
}

/// Downloads the app's chunk and hydrates the page with it (lib.rs's `hydrate_app`); when it
/// cannot be downloaded, the page stays as the server sent it, with the notice above it.
#[cfg(feature = "hydrate")]
pub async fn hydrate_whole<F>(chunk: fn() -> F)
where
    F: std::future::Future<Output = Result<(), ChunkError>>,
{
    if fetch(chunk).await.is_none() {
        notice_above_the_page();
    }
}

/// The same words as [`chunk_failed`], written straight into the document; its retry is a
/// link that loads the page again.
#[cfg(feature = "hydrate")]
pub(crate) fn notice_above_the_page() {
    let locale = crate::core::locale::current();
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let build = || -> Option<web_sys::Element> {
        let notice = doc.create_element("div").ok()?;
        notice.set_class_name("notice error");
        notice.set_attribute("role", "alert").ok()?;
        notice.set_attribute("data-testid", "chunk-failed").ok()?;
        let text = doc.create_element("p").ok()?;
        text.set_text_content(Some(td_string!(locale, common.chunk_failed)));
        let retry = doc.create_element("a").ok()?;
        let here = web_sys::window()?.location().href().ok()?;
        retry.set_attribute("href", &here).ok()?;
        // A full load: the router would otherwise take the click and wait on the same
        // hydration forever.
        retry.set_attribute("rel", "external").ok()?;
        retry.set_class_name("button");
        retry.set_text_content(Some(td_string!(locale, common.retry)));
        notice.append_child(&text).ok()?;
        notice.append_child(&retry).ok()?;
        Some(notice)
    };
    if let (Some(notice), Some(body)) = (build(), doc.body()) {
        let _ = body.prepend_with_node_1(&notice);
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
