//! Two ways a page comes alive in the browser.
//!
//! The public pages (home, team, services, solutions and their details, the shop, the cart,
//! an order's receipt, the contact form) are rendered on the server and hydrate only their
//! live parts, the islands (`#[island]`: the header's corner with the live badge, the page's
//! live list or record; the cart and the contact form are lazy islands, whose code is a
//! chunk of their own, widgets/lazy_island.rs): the browser downloads those and what they
//! use, not the router, the layouts nor any other page. The backoffice's pages, signing in
//! and an invitation hydrate whole: the app (router, layouts, those pages) is a chunk of its
//! own, `app`, named in the page's head so it downloads beside the main module, with the sync
//! centre's chunk on its pages (lib.rs, docs/BUNDLE.md).
//!
//! A link from an islands page is an ordinary page load; the server renders the next page
//! in the language the cookie says, so switching language there reloads the page.

/// Whether `path` is one of the pages that hydrate as islands. Keep in step with the routes
/// lib.rs gives as `server_page!`: a page listed here whose route is not one would hydrate
/// none of its parts, and a `server_page!` route missing here would be drawn by the app,
/// which cannot (`LoadFromServer` then leaves the server's page as it is, inert).
pub fn is_island_path(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    matches!(
        segments.as_slice(),
        [] | ["team"
            | "services"
            | "solutions"
            | "boutique"
            | "shop"
            | "panier"
            | "cart"
            | "contact"]
            | ["services" | "solutions" | "commande", _]
    )
}

/// Whether the page being rendered (on the server) or shown (in the browser) hydrates as
/// islands: the request's path, then the `data-islands` mark the server put on `<body>`.
pub fn is_island_page() -> bool {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .is_some_and(|parts| is_island_path(parts.uri.path()))
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
            .is_some_and(|b| b.has_attribute("data-islands"))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        false
    }
}

/// Starts an islands page: the reactive root every island hangs from, with what the whole
/// app's root would give them (the language, one live feed for all, the save hook's slot,
/// the cart), then marks `#root` hydrated once the islands have been.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
    let i18n = crate::i18n::provide_i18n();
    crate::core::locale::set_page_locale(i18n.get_locale_untracked());
    super::provide_live_feed();
    super::provide_sync_slot();
    super::cart::use_cart();
    // leptos's island script hydrates the islands right after this returns, one after the
    // other in microtasks; a timer fires after all of them, or after the first lazy island
    // (widgets/lazy_island.rs) has begun to download its chunk.
    mark_when_settled();
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// Lazy islands whose chunk is on its way: the page is not hydrated before they are.
    static LAZY_PENDING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(feature = "hydrate")]
pub(crate) fn lazy_island_started() {
    LAZY_PENDING.set(LAZY_PENDING.get() + 1);
}

#[cfg(feature = "hydrate")]
pub(crate) fn lazy_island_done() {
    LAZY_PENDING.set(LAZY_PENDING.get().saturating_sub(1));
    // The script goes on with the islands after this one in microtasks: after them too.
    mark_when_settled();
}

#[cfg(feature = "hydrate")]
fn mark_when_settled() {
    leptos::prelude::set_timeout(
        || {
            if LAZY_PENDING.get() == 0 {
                mark_hydrated();
            }
        },
        std::time::Duration::ZERO,
    );
}

/// In a page hydrated whole, a click on a link to an islands page is the browser's own page
/// load, not the router's: the link is marked `rel="external"` (which the router leaves to
/// the browser) just before the router sees the click. The history stays the browser's:
/// "back" is the app's page again.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn load_islands_pages_on_click() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(window) = web_sys::window() else {
        return;
    };
    let mark = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten());
        let Some(link) = link else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        let path = href.split(['?', '#']).next().unwrap_or_default();
        if path.starts_with('/') && !path.starts_with("//") && is_island_path(path) {
            let rel = link.get_attribute("rel").unwrap_or_default();
            if !rel.split(' ').any(|r| r == "external") {
                let _ = link.set_attribute("rel", format!("{rel} external").trim());
            }
        }
    });
    // Capturing, on the window: before the router's own listener.
    let _ = window.add_event_listener_with_callback_and_bool(
        "click",
        mark.as_ref().unchecked_ref(),
        true,
    );
    mark.forget();
}

/// An islands page the app's router was sent to without a link (links are page loads:
/// [`load_islands_pages_on_click`]): the server renders it. The router puts the address in the location bar only once
/// this view is drawn, so the page is loaded a moment later, from the router's address, in
/// place of the history entry the router made (one "back" returns to the app's page).
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
#[leptos::prelude::component]
pub fn LoadFromServer() -> impl leptos::prelude::IntoView {
    use leptos::prelude::GetUntracked;
    let location = leptos_router::hooks::use_location();
    let mut to = location.pathname.get_untracked();
    let (search, hash) = (
        location.search.get_untracked(),
        location.hash.get_untracked(),
    );
    if !search.is_empty() {
        to.push('?');
        to.push_str(&search);
    }
    if !hash.is_empty() && !hash.starts_with('#') {
        to.push('#');
    }
    to.push_str(&hash);
    let Some(window) = web_sys::window() else {
        return;
    };
    let here = |w: &web_sys::Window| {
        let l = w.location();
        format!(
            "{}{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default(),
            l.hash().unwrap_or_default()
        )
    };
    // Drawn while the document this address loaded hydrates: the server sent the whole app
    // for a `server_page!` route (`is_island_path` out of step). Loading it again would do
    // the same, for ever.
    if here(&window) == to {
        leptos::logging::warn!("{to}: an islands page the server sent hydrated whole");
        return;
    }
    // "Back" to the app's page may bring this document back as it was left, drawing this
    // empty view at the app's address: load that page again instead.
    let on_show = leptos::prelude::window_event_listener_untyped("pageshow", |ev| {
        let restored = js_sys::Reflect::get(&ev, &"persisted".into()).is_ok_and(|p| p.is_truthy());
        if let (true, Some(w)) = (restored, web_sys::window()) {
            let _ = w.location().reload();
        }
    });
    std::mem::forget(on_show);
    leptos::prelude::set_timeout(
        move || {
            if let Some(w) = web_sys::window() {
                // The router has made the entry for this address by now: replace it.
                let _ = if here(&w) == to {
                    w.location().replace(&to)
                } else {
                    w.location().assign(&to)
                };
            }
        },
        std::time::Duration::ZERO,
    );
}

/// What `#root`'s `data-hydrated` says on a page hydrated whole (lib.rs's `Pages`), which
/// tests and people wait for.
#[cfg(feature = "hydrate")]
fn mark_hydrated() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("root"));
    if let Some(root) = root {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

/// Keeps the document's title on `title` as it changes: an island cannot reach the page's
/// `<head>` through leptos_meta (its context lives in the app, which an islands page does not
/// hydrate), so the server's `<Title>` gives the first one and this the next ones.
/// `None` leaves the title as it is.
pub fn follow_title(title: impl Fn() -> Option<String> + Send + Sync + 'static) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::Effect::new(move |_| {
        let title = title();
        if let (Some(title), Some(doc)) = (title, web_sys::window().and_then(|w| w.document())) {
            doc.set_title(&title);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = title;
}

#[cfg(test)]
mod tests {
    use super::is_island_path;

    #[test]
    fn the_public_reading_pages_are_islands_and_nothing_else() {
        for path in [
            "/",
            "",
            "/boutique",
            "/shop",
            "/panier",
            "/cart",
            "/contact",
            "/commande/A-1",
            "/team",
            "/services",
            "/solutions/",
            "/services/abc",
            "/solutions/x-1",
        ] {
            assert!(is_island_path(path), "{path}");
        }
        for path in [
            "/admin",
            "/admin/services",
            "/admin/orders/A-1",
            "/contacts",
            "/signin",
            "/services/abc/edit",
            "/teams",
            "/synchronisation",
            "/commande",
            "/commande/A-1/x",
            "/nope",
        ] {
            assert!(!is_island_path(path), "{path}");
        }
    }
}
