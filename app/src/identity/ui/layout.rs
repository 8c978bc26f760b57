use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::core::locale::Locale;
use crate::core::roles::{allows, Permission, Role};
use crate::i18n::*;
use crate::identity::api::{me, sign_out, switch_organisation, CurrentUser};
use crate::identity::return_to::{home_for, DESK_PATH};
use crate::widgets::indicator::RealtimeSyncIndicator;
use crate::widgets::language_switch::LanguageSwitch;

#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="public">
            <header class="topbar">
                <a class="brand" href="/">{t!(i18n, common.brand)}</a>
                <nav aria-label=move || t_string!(i18n, common.nav.label)>
                    <A href="/team">{t!(i18n, common.nav.team)}</A>
                    <A href="/services">{t!(i18n, common.nav.services)}</A>
                    <A href="/solutions">{t!(i18n, common.nav.solutions)}</A>
                </nav>
                <RealtimeSyncIndicator/>
                <LanguageSwitch/>
            </header>
            <main>{children()}</main>
            <footer class="footer"><a href="/admin/settings">{t!(i18n, common.nav.backoffice)}</a></footer>
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

/// The backoffice frame: navigation for what the role may use, the signed-in user with the
/// organisation switcher and sign-out, and a read-only frame for roles that cannot write
/// (the server refuses their writes anyway; this only saves them the attempt).
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
    crate::client::use_live_feed().use_staff_audience();
    // Loaded in the browser after hydration, so the server's HTML and the first hydrated
    // render agree (nothing user-specific in either); then the frame fills in.
    let user = RwSignal::new(None::<CurrentUser>);
    provide_context(SignedIn(user));
    Effect::new(move |_| {
        spawn_local(async move {
            match me().await {
                Ok(Some(u)) => user.set(Some(u)),
                // Not signed in: go to the sign-in page and come back here afterwards.
                Ok(None) => go_to_sign_in(),
                Err(e) => leptos::logging::warn!("cannot tell who is signed in: {e}"),
            }
        });
    });
    let may = move |p: Permission| user.get().is_some_and(|u| allows(u.role, p));
    let not_for_role = move || !own_account && user.get().is_some_and(|u| !allows(u.role, read));
    let read_only = move || {
        !own_account && !not_for_role() && user.get().is_some_and(|u| !allows(u.role, write))
    };
    // The account page's password form works without the WASM; it gates its other forms.
    let hydrated = crate::widgets::hydrated::use_hydrated();
    let frame_disabled = move || read_only() || not_for_role() || (!own_account && !hydrated.get());
    let i18n = use_i18n();
    let menu_open = RwSignal::new(false);
    let viewer_role = move || {
        let locale = i18n.get_locale();
        user.get()
            .and_then(|u| u.role)
            .map_or(td_string!(locale, common.user.a_visitor), |r| {
                role_name(r, locale)
            })
    };

    view! {
        <div class="admin">
            <header class="topbar" data-menu=move || if menu_open.get() { "open" } else { "closed" }>
                <a class="brand" href="/admin" rel="external">{t!(i18n, common.brand_backoffice)}</a>
                // Narrow screens fold the menu and the user bar behind this button.
                <button type="button" class="menu-toggle secondary" data-testid="menu-toggle" aria-controls="admin-menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)>{t!(i18n, common.nav.menu)}</button>
                <div class="topbar-menu" id="admin-menu">
                <nav aria-label=move || t_string!(i18n, common.nav.label) on:click=move |_| menu_open.set(false)>
                    <Show when=move || may(Permission::ReadContent)>
                        <A href="/admin/settings">{t!(i18n, common.nav.settings)}</A>
                        <A href="/admin/team">{t!(i18n, common.nav.team)}</A>
                        <A href="/admin/services">{t!(i18n, common.nav.services)}</A>
                        <A href="/admin/solutions">{t!(i18n, common.nav.solutions)}</A>
                    </Show>
                    <Show when=move || may(Permission::ReadCustomers)>
                        <A href={DESK_PATH}>{t!(i18n, common.nav.desk)}</A>
                    </Show>
                    <Show when=move || may(Permission::ReadSyncCentre)>
                        <A href="/admin/webhooks">{t!(i18n, common.nav.webhooks)}</A>
                        <A href="/admin/members">{t!(i18n, common.nav.members)}</A>
                    </Show>
                    <a href="/" target="_blank" rel="noopener">{t!(i18n, common.nav.view_site)}</a>
                </nav>
                {move || user.get().map(|u| view! { <UserBar user=u/> })}
                </div>
                <RealtimeSyncIndicator/>
                <LanguageSwitch/>
            </header>
            <Show when=read_only>
                <p class="notice read-only" data-testid="read-only">
                    {t!(i18n, common.user.read_only, role = viewer_role())}
                </p>
            </Show>
            <Show when=not_for_role>
                <p class="notice" role="status" data-testid="not-for-role">
                    {t!(i18n, common.user.not_for_role, role = viewer_role())} " "
                    <a href=move || home_for(user.get().and_then(|u| u.role))>{t!(i18n, common.user.go_home)}</a>
                </p>
            </Show>
            // Hidden rather than dropped: the server rendered the page before it knew the role.
            <main hidden=not_for_role>
                <fieldset class="frame" disabled=frame_disabled>{children()}</fieldset>
            </main>
        </div>
    }
}

#[component]
fn UserBar(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = user.role;
    let role_text = move || {
        let locale = i18n.get_locale();
        role.map_or(td_string!(locale, common.user.no_role), |r| {
            role_name(r, locale)
        })
    };
    let orgs = user.orgs.clone();
    let several = orgs.len() > 1;
    let switch = move |ev: leptos::ev::Event| {
        if let Ok(org) = event_target_value(&ev).parse::<i64>() {
            spawn_local(async move {
                if switch_organisation(org).await.is_ok() {
                    reload();
                }
            });
        }
    };
    let out = move |_| {
        spawn_local(async move {
            let _ = sign_out().await;
            go_to("/signin");
        });
    };
    view! {
        <div class="user" data-testid="user">
            {several.then(|| view! {
                <select data-testid="org-switcher" aria-label=move || t_string!(i18n, common.user.organisation) on:change=switch>
                    {orgs.iter().map(|o| view! {
                        <option value=o.id.to_string() selected=o.id == user.org>{o.name.clone()}</option>
                    }).collect_view()}
                </select>
            })}
            <a href="/admin/account" data-testid="user-email">{user.email.clone()}</a>
            <span class="role" data-testid="user-role">{role_text}</span>
            <button type="button" data-testid="sign-out" on:click=out>{t!(i18n, common.user.sign_out)}</button>
        </div>
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
