//! Courant's shared crate: the core, the engine, the features (identity, content,
//! integrations), the client state and widgets, and the routes that put them together.
//! Compiled for the server (`ssr`) and for the browser (`hydrate`).
// The backoffice editor's view types nest deeply; the WASM release build needs more room.
#![recursion_limit = "256"]

// The server and the browser must render the same hydration markers, so both are built with
// erased components; a build without the cfg would hydrate nothing (issue 12).
#[cfg(not(erase_components))]
compile_error!(
    "build with `--cfg erase_components`, as .cargo/config.toml does: the server and the \
     browser must be built alike. A RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS variable, or \
     `[target.<triple>] rustflags` in another cargo config, replaces that list: add the cfg there"
);

pub mod client;
pub mod content;
pub mod core;
pub mod csp;
pub mod engine;
pub mod i18n;
pub mod identity;
pub mod integrations;
pub mod prospects;
pub mod shop;
#[cfg(feature = "ssr")]
pub mod startup;
pub mod sync_centre;
#[cfg(feature = "test-collections")]
pub mod testing;
pub mod widgets;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, MetaTags, Title};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{Lazy, ParamSegment, SsrMode, StaticSegment};

use crate::client::{provide_live_feed, provide_sync_slot};
#[cfg(any(feature = "ssr", not(feature = "hydrate")))]
use crate::content::ui::home_page::HomePage;
#[cfg(any(feature = "ssr", not(feature = "hydrate")))]
use crate::content::ui::public_pages::{
    ServiceDetailPage, ServicesPage, SolutionDetailPage, SolutionsPage, TeamPage,
};
#[cfg(any(feature = "ssr", not(feature = "hydrate")))]
use crate::prospects::ui::contact_page::ContactPage;
#[cfg(any(feature = "ssr", not(feature = "hydrate")))]
use crate::shop::ui::{cart_page::CartPage, receipt_page::ReceiptPage, shop_page::ShopPage};
use crate::widgets::lazy_page::lazy_page;

// The backoffice, sign-in and invitation pages: lazy routes whose code is in the app's own
// chunk, `app` (the one `hydrate_app` downloads for every page not hydrated as islands), but
// the sync centre, in `sync`, which only admins and supervisors open (widgets/lazy_page.rs).
// Measured on the emulated phone (docs/BUNDLE.md): five chunks by kind of work made an
// editor's first page 713 KiB in 74 files, this 880 KiB in 11, live in the same 4.6 s — and
// the whole site 1175 against 1088 KiB, `/` 192.0 against 188.4 (wasm-split's loader lists
// every chunk, and each split point multiplies its shared chunks).
lazy_page!(SettingsRoute, settings_page in app, || {
    view! { <crate::content::ui::settings_page::AdminSettingsPage/> }
});
lazy_page!(TeamAdminRoute, team_admin_page in app, || {
    use crate::content::ui::{collection_editor::CollectionAdminPage, specs::TEAM};
    view! { <CollectionAdminPage spec=&TEAM/> }
});
lazy_page!(ServicesAdminRoute, services_admin_page in app, || {
    use crate::content::ui::{collection_editor::CollectionAdminPage, specs::SERVICES};
    view! { <CollectionAdminPage spec=&SERVICES/> }
});
lazy_page!(SolutionsAdminRoute, solutions_admin_page in app, || {
    use crate::content::ui::{collection_editor::CollectionAdminPage, specs::SOLUTIONS};
    view! { <CollectionAdminPage spec=&SOLUTIONS/> }
});
lazy_page!(WebhooksRoute, webhooks_page in app, || {
    view! { <crate::integrations::webhooks::page::WebhooksPage/> }
});
lazy_page!(MembersRoute, members_page in app, || {
    view! { <crate::identity::ui::members_page::MembersPage/> }
});
lazy_page!(DashboardRoute, dashboard_page in app, || {
    view! { <crate::shop::ui::dashboard_page::DashboardPage/> }
});
lazy_page!(OrdersRoute, orders_page in app, || {
    view! { <crate::shop::ui::desk::OrdersPage/> }
});
lazy_page!(ProductsRoute, products_page in app, || {
    use crate::{content::ui::collection_editor::CollectionAdminPage, shop::ui::specs::PRODUCTS};
    view! { <CollectionAdminPage spec=&PRODUCTS/> }
});
lazy_page!(DesignRoute, design_page in app, || {
    view! { <crate::identity::ui::design_page::DesignPage/> }
});
lazy_page!(ProspectsRoute, prospects_page in app, || {
    use crate::{content::ui::collection_editor::CollectionAdminPage, prospects::ui::spec::PROSPECTS};
    view! { <CollectionAdminPage spec=&PROSPECTS/> }
});
lazy_page!(SyncDashboardRoute, sync_dashboard_page in sync, || {
    view! { <crate::sync_centre::ui::dashboard_page::SyncDashboardPage/> }
});
lazy_page!(SyncLogsRoute, sync_logs_page in sync, || {
    view! { <crate::sync_centre::ui::logs_page::LogsPage/> }
});
lazy_page!(SyncLogRoute, sync_log_page in sync, || {
    view! { <crate::sync_centre::ui::log_page::LogPage/> }
});
lazy_page!(SyncBackupsRoute, sync_backups_page in sync, || {
    view! { <crate::sync_centre::ui::backups_page::BackupsPage/> }
});
lazy_page!(SyncConfigRoute, sync_config_page in sync, || {
    view! { <crate::sync_centre::ui::config_page::ConfigPage/> }
});
lazy_page!(SyncStatsRoute, sync_stats_page in sync, || {
    view! { <crate::sync_centre::ui::stats_page::StatsPage/> }
});
lazy_page!(BookingRoute, booking_page in app, || {
    view! { <crate::prospects::ui::booking_page::BookingPage/> }
});
lazy_page!(AccountRoute, account_page in app, || {
    view! { <crate::identity::ui::account_page::AccountPage/> }
});
lazy_page!(SignInRoute, sign_in_page in app, || {
    view! { <crate::identity::ui::signin_page::SignInPage/> }
});
lazy_page!(InvitationRoute, invitation_page in app, || {
    view! { <crate::identity::ui::invitation_page::InvitationPage/> }
});

/// An islands page's route (client/islands.rs): in the browser the app never draws one, it
/// loads it from the server (the router has just put its address in the location bar), so
/// the app's chunk does not carry the public pages' code.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
macro_rules! server_page {
    ($page:ident) => {
        client::islands::LoadFromServer
    };
}
#[cfg(any(feature = "ssr", not(feature = "hydrate")))]
macro_rules! server_page {
    ($page:ident) => {
        $page
    };
}

/// Hydrates a page whole (every page but the islands ones, client/islands.rs): the app —
/// router, layouts, the backoffice's pages — is the chunk `app`, which the server names in the
/// page's head so the browser fetches it beside the main module; a public visitor of an
/// islands page never downloads it.
#[cfg(feature = "hydrate")]
pub async fn hydrate_app() {
    widgets::lazy_page::hydrate_whole(hydrate_app_chunk).await
}

#[cfg(feature = "hydrate")]
#[leptos::wasm_split::wasm_split(app, wasm_split_path = ::leptos::wasm_split, fallible)]
fn hydrate_app_chunk() -> Result<(), widgets::lazy_page::ChunkError> {
    leptos::mount::hydrate_lazy(App);
    Ok(())
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::send_content_security_policy();
    // The public pages hydrate only their islands; the others the whole app (client/islands.rs).
    let islands = client::islands::is_island_page();
    view! {
        <!DOCTYPE html>
        // `lang` is set by the i18n context, from the same cookie and header the page uses.
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The stylesheet's name carries its hash (`hash-files`): only the server knows it.
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands/>
                <ServiceWorker/>
                <MetaTags/>
            </head>
            <body data-islands=islands.then_some("")>
                <App/>
            </body>
        </html>
    }
}

/// On backoffice pages, the service worker that keeps them reachable offline (public/sw.js):
/// registered, then told which files the page loaded before it took over. A small inline
/// script with the page's nonce; it costs the WASM nothing.
#[component]
fn ServiceWorker() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let backoffice = use_context::<http::request::Parts>()
        .is_some_and(|p| crate::identity::return_to::needs_sign_in(p.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let backoffice = false;
    backoffice.then(|| {
        view! { <script nonce=leptos::nonce::use_nonce() inner_html=REGISTER_SERVICE_WORKER></script> }
    })
}

/// Registers public/sw.js and hands it the page and the /pkg files loaded before it
/// controlled the page, and those still arriving (the WASM can finish after the worker is
/// ready), so the first visit is already kept.
const REGISTER_SERVICE_WORKER: &str = "if('serviceWorker' in navigator){\
navigator.serviceWorker.register('/sw.js').then(function(){return navigator.serviceWorker.ready})\
.then(function(r){var o=location.origin;\
var keep=function(l){if(l.length&&r.active)r.active.postMessage({keep:l})};\
var pkg=function(es){return es.map(function(e){return e.name}).filter(function(n){return n.indexOf(o+'/pkg/')===0})};\
keep([location.href].concat(pkg(performance.getEntriesByType('resource'))));\
new PerformanceObserver(function(l){keep(pkg(l.getEntries()))}).observe({type:'resource'})})\
.catch(function(){})}";

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // A page hydrated whole needs the app's chunk: named in the response, so the browser
    // fetches it beside the main module rather than after it.
    #[cfg(feature = "ssr")]
    if !client::islands::is_island_page() {
        leptos::prefetch_lazy_fn_on_server("app");
    }
    let i18n = crate::i18n::provide_i18n();
    view! {
        <Html attr:lang=move || i18n.get_locale().as_str()/>
        <Pages/>
    }
}

#[component]
fn Pages() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    #[cfg(not(feature = "ssr"))]
    {
        crate::core::locale::set_page_locale(i18n.get_locale_untracked());
        Effect::new(move |_| crate::core::locale::set_page_locale(i18n.get_locale()));
    }
    provide_live_feed();
    provide_sync_slot();
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    client::islands::load_islands_pages_on_click();
    // Lets tests (and people) tell when the page has become interactive.
    let hydrated = crate::widgets::hydrated::use_hydrated();
    crate::widgets::toast::provide_toasts();

    view! {
        <Title text=move || crate::i18n::t_string!(i18n, common.brand)/>
        <Router>
            <div id="root" data-hydrated=move || hydrated.get().to_string()>
                // Before the routes: a lazy page hydrates once its chunk has arrived, and
                // whatever follows the routes would be hydrated against the wrong nodes
                // meanwhile. The stack is fixed on screen, so its place in the page is free.
                <crate::widgets::toast::ToastStack/>
                // Flat: with nested `<Routes>` a lazy page's hydration panicked (leptos_router 0.8.17).
                <FlatRoutes fallback=crate::widgets::not_found::NotFoundPage>
                    // The public page waits for its data so the title and content are in the first
                    // response, as search engines and link previews need.
                    <Route path=StaticSegment("") view=server_page!(HomePage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("team") view=server_page!(TeamPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("services") view=server_page!(ServicesPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("solutions") view=server_page!(SolutionsPage) ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("services"), ParamSegment("id")) view=server_page!(ServiceDetailPage) ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("solutions"), ParamSegment("id")) view=server_page!(SolutionDetailPage) ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("settings")) view={Lazy::<SettingsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("team")) view={Lazy::<TeamAdminRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("services")) view={Lazy::<ServicesAdminRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("solutions")) view={Lazy::<SolutionsAdminRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("webhooks")) view={Lazy::<WebhooksRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("members")) view={Lazy::<MembersRoute>::new()}/>
                    <Route path=StaticSegment("admin") view={Lazy::<DashboardRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("orders")) view={Lazy::<OrdersRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("orders"), ParamSegment("id")) view={Lazy::<OrdersRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("products")) view={Lazy::<ProductsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("account")) view={Lazy::<AccountRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("design")) view={Lazy::<DesignRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("prospects")) view={Lazy::<ProspectsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("prospects"), ParamSegment("id")) view={Lazy::<ProspectsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("booking")) view={Lazy::<BookingRoute>::new()}/>
                    <Route path=StaticSegment("synchronisation") view={Lazy::<SyncDashboardRoute>::new()}/>
                    <Route path=(StaticSegment("synchronisation"), StaticSegment("logs")) view={Lazy::<SyncLogsRoute>::new()}/>
                    <Route path=(StaticSegment("synchronisation"), StaticSegment("log"), ParamSegment("id")) view={Lazy::<SyncLogRoute>::new()}/>
                    <Route path=(StaticSegment("synchronisation"), StaticSegment("backups")) view={Lazy::<SyncBackupsRoute>::new()}/>
                    <Route path=(StaticSegment("synchronisation"), StaticSegment("config")) view={Lazy::<SyncConfigRoute>::new()}/>
                    <Route path=(StaticSegment("synchronisation"), StaticSegment("stats")) view={Lazy::<SyncStatsRoute>::new()}/>
                    // Islands pages too; the cart's and the contact form's islands are lazy
                    // (widgets/lazy_island.rs: in the chunks `shop` and `contact`).
                    <Route path=StaticSegment("contact") view=server_page!(ContactPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("boutique") view=server_page!(ShopPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("shop") view=server_page!(ShopPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("panier") view=server_page!(CartPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("cart") view=server_page!(CartPage) ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("commande"), ParamSegment("number")) view=server_page!(ReceiptPage) ssr=SsrMode::Async/>
                    <Route path=StaticSegment("signin") view={Lazy::<SignInRoute>::new()}/>
                    // Whole before it is sent: its form must work without the WASM.
                    <Route path=(StaticSegment("invite"), ParamSegment("token")) view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async/>
                </FlatRoutes>
            </div>
        </Router>
    }
}
