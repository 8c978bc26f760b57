use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::core::locale::Locale;
use crate::core::roles::{allows, Permission, Role};
use crate::i18n::*;
use crate::identity::api::{me, sign_out, switch_organisation, CurrentUser};
use crate::identity::return_to::{home_for, DESK_PATH};
use crate::widgets::cart_badge::{shop_path, CartBadge};
use crate::widgets::indicator::RealtimeSyncIndicator;
use crate::widgets::language_switch::LanguageSwitch;

#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // One cart for the header's badge and the page (the shop's cards, the cart page): the
    // badge is inside an island, whose own scope the page cannot see into, so the cart is
    // made here, above both. (An islands page gets it from the islands' root.)
    crate::client::cart::use_cart();
    view! {
        <div class="public">
            <header class="topbar">
                <a class="brand" href="/">{t!(i18n, common.brand)}</a>
                <nav aria-label=move || t_string!(i18n, common.nav.label)>
                    <A href="/team">{t!(i18n, common.nav.team)}</A>
                    <A href="/services">{t!(i18n, common.nav.services)}</A>
                    <A href="/solutions">{t!(i18n, common.nav.solutions)}</A>
                    <a href=move || shop_path(i18n.get_locale())>{t!(i18n, common.nav.shop)}</a>
                    <A href="/contact">{t!(i18n, common.nav.contact)}</A>
                </nav>
                <PublicTools/>
            </header>
            <main>{children()}</main>
            <footer class="footer"><a href="/admin/settings">{t!(i18n, common.nav.backoffice)}</a></footer>
        </div>
    }
}

/// The public header's live corner: the cart's count, the live badge and the language
/// switch. An island: on the public reading pages only this and the page's live part
/// hydrate (client/islands.rs).
#[island]
fn PublicTools() -> impl IntoView {
    view! {
        <CartBadge/>
        <RealtimeSyncIndicator/>
        <LanguageSwitch/>
    }
}

/// Signing in and accepting an invitation: a card of their own with the brand and the
/// language switch, before anyone is in the backoffice.
#[component]
pub fn AuthLayout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="auth">
            <header class="auth-header">
                <a class="brand" href="/">{t!(i18n, common.brand)}</a>
                <LanguageSwitch/>
            </header>
            <main class="auth-card">{children()}</main>
        </div>
    }
}

/// Who is signed in, once the backoffice frame has asked the server (`None` until then).
#[derive(Clone, Copy)]
pub struct SignedIn(pub RwSignal<Option<CurrentUser>>);

/// The signed-in user, for pages inside [`AdminLayout`].
pub fn use_signed_in() -> RwSignal<Option<CurrentUser>> {
    use_context::<SignedIn>()
        .map(|s| s.0)
        .unwrap_or_else(|| RwSignal::new(None))
}

/// The backoffice frame: a sidebar of what the role may use (folded behind a button under
/// 768 px), a top bar with the organisation, the sync indicator, the notifications, the
/// language switch and the user menu; a read-only frame for roles that cannot write (the
/// server refuses their writes anyway; this only saves them the attempt); and the dialogs
/// every page shares (confirmations, the end of the session).
#[component]
pub fn AdminLayout(
    children: Children,
    /// The page is about one's own account, which every role may change.
    #[prop(optional)]
    own_account: bool,
    /// What reading the page takes: a role without it is told the page is not for them
    /// and pointed to theirs, instead of meeting refusals.
    #[prop(default = Permission::ReadContent)]
    read: Permission,
    /// What changing anything on the page takes: a role without it sees the page read-only.
    #[prop(default = Permission::WriteContent)]
    write: Permission,
) -> impl IntoView {
    let feed = crate::client::use_live_feed();
    feed.use_staff_audience();
    crate::widgets::dialog::provide_confirm();
    // Loaded in the browser after hydration, so the server's HTML and the first hydrated
    // render agree (nothing user-specific in either); then the frame fills in.
    let user = RwSignal::new(None::<CurrentUser>);
    provide_context(SignedIn(user));
    Effect::new(move |_| {
        spawn_local(async move {
            match me().await {
                Ok(Some(u)) => {
                    remembered_me(Some(&u));
                    user.set(Some(u))
                }
                // Not signed in: go to the sign-in page and come back here afterwards.
                Ok(None) => go_to_sign_in(),
                // Offline (a page reloaded from the service worker's copy): the last known.
                Err(e) => match remembered_me(None) {
                    Some(u) => user.set(Some(u)),
                    None => leptos::logging::warn!("cannot tell who is signed in: {e}"),
                },
            }
        });
    });
    watch_session(feed.clone(), user);
    let may = move |p: Permission| user.get().is_some_and(|u| allows(u.role, p));
    let not_for_role = move || !own_account && user.get().is_some_and(|u| !allows(u.role, read));
    let read_only = move || {
        !own_account && !not_for_role() && user.get().is_some_and(|u| !allows(u.role, write))
    };
    // A page not for the role loads no data of its own: the indicator still goes live.
    let feed_for_notice = feed.clone();
    Effect::new(move |_| {
        if not_for_role() {
            feed_for_notice.start_at_head();
        }
    });
    // The account page's password form works without the WASM; it gates its other forms.
    let hydrated = crate::widgets::hydrated::use_hydrated();
    let frame_disabled = move || read_only() || not_for_role() || (!own_account && !hydrated.get());
    let i18n = use_i18n();
    let nav_open = RwSignal::new(false);
    let viewer_role = move || {
        let locale = i18n.get_locale();
        user.get()
            .and_then(|u| u.role)
            .map_or(td_string!(locale, common.user.a_visitor), |r| {
                role_name(r, locale)
            })
    };

    view! {
        <div class="shell" data-nav=move || if nav_open.get() { "open" } else { "closed" }>
            <a class="skip-link" href="#main">{t!(i18n, common.nav.skip)}</a>
            <header class="topbar">
                // Narrow screens fold the sidebar behind this button.
                <button type="button" class="menu-toggle quiet" data-testid="menu-toggle" aria-controls="sidebar"
                    aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| nav_open.update(|o| *o = !*o)>
                    <span class="icon icon-menu" aria-hidden="true"></span>
                    <span class="menu-toggle-label">{t!(i18n, common.nav.menu)}</span>
                </button>
                <a class="brand" href="/admin" rel="external">{t!(i18n, common.brand)}</a>
                {move || user.get().map(|u| view! { <Organisation user=u/> })}
                <div class="topbar-end">
                    <RealtimeSyncIndicator/>
                    <Show when=move || may(Permission::ReadSyncCentre)>
                        <crate::widgets::backup_badge::BackupBadge/>
                    </Show>
                    <crate::widgets::notification_bell::NotificationBell/>
                    <LanguageSwitch/>
                    {move || user.get().map(|u| view! { <UserMenu user=u/> })}
                </div>
            </header>
            <nav id="sidebar" class="sidebar" aria-label=move || t_string!(i18n, common.nav.label)
                on:click=move |ev| {
                    // Choosing a page folds the menu on a phone.
                    if event_target::<leptos::web_sys::Element>(&ev).closest("a").ok().flatten().is_some() {
                        nav_open.set(false);
                    }
                }>
                <Show when=move || may(Permission::ReadContent)>
                    <div class="nav-section">
                        <h2 class="nav-heading">{t!(i18n, common.nav.content)}</h2>
                        <A href="/admin/settings">{t!(i18n, common.nav.settings)}</A>
                        <A href="/admin/team">{t!(i18n, common.nav.team)}</A>
                        <A href="/admin/services">{t!(i18n, common.nav.services)}</A>
                        <A href="/admin/solutions">{t!(i18n, common.nav.solutions)}</A>
                        <A href="/admin/products">{t!(i18n, common.nav.products)}</A>
                    </div>
                </Show>
                <Show when=move || may(Permission::ReadCustomers)>
                    <div class="nav-section">
                        <h2 class="nav-heading">{t!(i18n, common.nav.activity)}</h2>
                        <A href={DESK_PATH} exact=true>{t!(i18n, common.nav.dashboard)}</A>
                        <A href="/admin/orders">{t!(i18n, common.nav.orders)}</A>
                        <A href="/admin/prospects">{t!(i18n, common.nav.prospects)}</A>
                    </div>
                </Show>
                <Show when=move || may(Permission::ReadSyncCentre)>
                    <div class="nav-section">
                        <h2 class="nav-heading">{t!(i18n, common.nav.synchronisation)}</h2>
                        <A href="/synchronisation" exact=true>{t!(i18n, common.nav.sync_dashboard)}</A>
                        <A href="/synchronisation/logs">{t!(i18n, common.nav.sync_logs)}</A>
                        <A href="/synchronisation/backups">{t!(i18n, common.nav.sync_backups)}</A>
                        <A href="/synchronisation/stats">{t!(i18n, common.nav.sync_stats)}</A>
                        <A href="/synchronisation/config">{t!(i18n, common.nav.sync_config)}</A>
                    </div>
                </Show>
                <Show when=move || may(Permission::ReadSyncCentre)>
                    <div class="nav-section">
                        <h2 class="nav-heading">{t!(i18n, common.nav.administration)}</h2>
                        <A href="/admin/members">{t!(i18n, common.nav.members)}</A>
                        <A href="/admin/webhooks">{t!(i18n, common.nav.webhooks)}</A>
                        <A href="/admin/booking">{t!(i18n, common.nav.booking)}</A>
                        <Show when=move || may(Permission::ManagePeople)>
                            <A href="/admin/design">{t!(i18n, common.nav.design)}</A>
                        </Show>
                    </div>
                </Show>
                <div class="nav-section">
                    <A href="/admin/account">{t!(i18n, common.nav.account)}</A>
                    <a href="/" target="_blank" rel="noopener">{t!(i18n, common.nav.view_site)}</a>
                </div>
            </nav>
            <div class="nav-scrim" aria-hidden="true" on:click=move |_| nav_open.set(false)></div>
            <main id="main" tabindex="-1">
                <Show when=read_only>
                    <p class="banner info read-only" data-testid="read-only">
                        {t!(i18n, common.user.read_only, role = viewer_role())}
                    </p>
                </Show>
                <Show when=not_for_role>
                    <div class="empty-state" role="status" data-testid="not-for-role">
                        <h1>{t!(i18n, common.user.not_for_role_title)}</h1>
                        <p>{t!(i18n, common.user.not_for_role, role = viewer_role())}</p>
                        <a class="button" href=move || home_for(user.get().and_then(|u| u.role))>{t!(i18n, common.user.go_home)}</a>
                    </div>
                </Show>
                // Hidden rather than dropped: the server rendered the page before it knew the role.
                <div class="page" hidden=not_for_role>
                    <fieldset class="frame" disabled=frame_disabled>{children()}</fieldset>
                </div>
            </main>
            <crate::widgets::dialog::ConfirmHost/>
            <SessionEnded/>
        </div>
    }
}

/// When the feed says the page's access may have changed, ask who is signed in: nobody, and
/// the session has ended (the socket stops, the dialog offers to sign in again); someone in
/// another organisation or role, and the page reloads with what they may see now.
fn watch_session(feed: crate::client::LiveFeed, user: RwSignal<Option<CurrentUser>>) {
    let check = feed.access_check;
    Effect::new(move |previous: Option<u64>| {
        let n = check.get();
        if previous.is_some_and(|p| p != n) {
            let feed = feed.clone();
            spawn_local(async move {
                match me().await {
                    Ok(None) => feed.end_session(),
                    Ok(Some(now)) => {
                        // Another organisation: this page's data is not its own any more.
                        // Another role: the frame follows (read-only, or not for the role).
                        if user.get_untracked().is_some_and(|w| w.org != now.org) {
                            reload();
                        } else {
                            user.set(Some(now));
                        }
                    }
                    // Unreachable: the socket's own retries and the offline state cover it.
                    Err(_) => {}
                }
            });
        }
        n
    });
}

/// The session ended while the page was open: say so, keep what is queued, and offer to sign
/// in again and come back to this page.
#[component]
fn SessionEnded() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    let status = feed.status;
    let open = Signal::derive(move || status.get() == crate::client::FeedStatus::SessionEnded);
    let pending = crate::client::use_realtime_sync().pending();
    let label = Signal::derive(move || t_string!(i18n, common.session.title).to_string());
    view! {
        <crate::widgets::dialog::Modal open on_close=Callback::new(|_| {}) label testid="session-ended">
            <h2 class="modal-title">{t!(i18n, common.session.title)}</h2>
            <p>{t!(i18n, common.session.why)}</p>
            {move || (pending.get() > 0).then(|| view! {
                <p data-testid="session-pending">{t!(i18n, common.session.pending, n = pending.get())}</p>
            })}
            <div class="modal-actions">
                <a class="button" data-testid="sign-in-again" href=here_after_sign_in autofocus>{t!(i18n, common.session.sign_in)}</a>
            </div>
        </crate::widgets::dialog::Modal>
    }
}

/// The sign-in page, asked to come back to the page open now.
fn here_after_sign_in() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let location = w.location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        return crate::identity::return_to::sign_in_url(&here);
    }
    crate::identity::return_to::SIGN_IN_PATH.to_string()
}

/// The organisation: its name, or a switcher when the account belongs to several.
#[component]
fn Organisation(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let orgs = user.orgs.clone();
    let name = orgs
        .iter()
        .find(|o| o.id == user.org)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let switch = move |ev: leptos::ev::Event| {
        if let Ok(org) = event_target_value(&ev).parse::<i64>() {
            spawn_local(async move {
                if switch_organisation(org).await.is_ok() {
                    reload();
                }
            });
        }
    };
    if orgs.len() > 1 {
        view! {
            <div class="organisation">
                <select class="select-compact" data-testid="org-switcher" aria-label=move || t_string!(i18n, common.user.organisation) on:change=switch>
                    {orgs.iter().map(|o| view! {
                        <option value=o.id.to_string() selected=o.id == user.org>{o.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any()
    } else {
        view! { <div class="organisation" data-testid="org-name">{name}</div> }.into_any()
    }
}

/// Who is signed in, with their account and signing out behind one button.
#[component]
fn UserMenu(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = user.role;
    let role_text = move || {
        let locale = i18n.get_locale();
        role.map_or(td_string!(locale, common.user.no_role), |r| {
            role_name(r, locale)
        })
    };
    let initial = user
        .email
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let out = move |_| {
        spawn_local(async move {
            let _ = sign_out().await;
            forget_this_browser();
            go_to("/signin");
        });
    };
    view! {
        <details class="user-menu" data-testid="user">
            <summary data-testid="user-menu">
                <span class="avatar" aria-hidden="true">{initial}</span>
                <span class="visually-hidden">{t!(i18n, common.user.menu)}</span>
                <span class="user-who">
                    <span class="user-email" data-testid="user-email">{user.email.clone()}</span>
                    <span class="user-role" data-testid="user-role">{role_text}</span>
                </span>
            </summary>
            <div class="menu-panel" role="group">
                <a href="/admin/account" data-testid="account-link">{t!(i18n, common.nav.account)}</a>
                <button type="button" class="quiet" data-testid="sign-out" on:click=out>{t!(i18n, common.user.sign_out)}</button>
            </div>
        </details>
    }
}

/// What this browser kept of the person's work and pages (unsent drafts, who they are, the
/// service worker's copies of backoffice pages): not for whoever uses it next.
fn forget_this_browser() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        if let Ok(Some(storage)) = window.local_storage() {
            let len = storage.length().unwrap_or(0);
            let keys: Vec<String> = (0..len)
                .filter_map(|i| storage.key(i).ok().flatten())
                .collect();
            for key in keys
                .into_iter()
                .filter(|k| k.starts_with("courant.drafts.") || k == ME_KEY)
            {
                let _ = storage.remove_item(&key);
            }
        }
        if let Ok(caches) = window.caches() {
            let _ = caches.delete("courant-v1");
        }
    }
}

/// Where the last answer to "who is signed in" is kept, for a page reloaded offline.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const ME_KEY: &str = "courant.me.v1";

/// Remember who is signed in (`Some`), or read it back (`None`) when the server cannot be
/// reached: a page reloaded offline still knows whose drafts to show.
fn remembered_me(now: Option<&CurrentUser>) -> Option<CurrentUser> {
    #[cfg(feature = "hydrate")]
    {
        let storage = web_sys::window()?.local_storage().ok()??;
        match now {
            Some(user) => {
                if let Ok(text) = serde_json::to_string(user) {
                    let _ = storage.set_item(ME_KEY, &text);
                }
                None
            }
            None => serde_json::from_str(&storage.get_item(ME_KEY).ok()??).ok(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = now;
        None
    }
}

/// A role as people read it, in `locale`.
pub fn role_name(role: Role, locale: Locale) -> &'static str {
    match role {
        Role::Admin => td_string!(locale, common.roles.admin),
        Role::Editor => td_string!(locale, common.roles.editor),
        Role::Supervisor => td_string!(locale, common.roles.supervisor),
        Role::Operator => td_string!(locale, common.roles.operator),
    }
}

/// A full page load of `path`.
pub(super) fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

pub(super) fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// The server sends signed-out visitors of the backoffice to the sign-in page before any page
/// renders; this covers a session that ends while the page is open.
fn go_to_sign_in() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let location = w.location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let _ = location.assign(&crate::identity::return_to::sign_in_url(&here));
    }
}
