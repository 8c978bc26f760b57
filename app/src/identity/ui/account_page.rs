//! One's own account: password, personal API tokens (shown once when created), and one's
//! organisations (a new one makes its creator its admin).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::core::error::AppError;
use crate::core::locale::relative_time;
use crate::core::time::now_ms;
use crate::i18n::*;
use crate::identity::api::{
    create_api_token, create_organisation, list_api_tokens, revoke_api_token, switch_organisation,
    ChangePassword,
};
use crate::identity::form_problem::FormProblem;
use crate::identity::ui::layout::AdminLayout;
use crate::identity::ui::layout::{reload, role_name, use_signed_in};
use crate::widgets::hydrated::use_hydrated;

#[component]
pub fn AccountPage() -> impl IntoView {
    // Nothing here is live data, but the indicator should say the page is connected.
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    view! {
        <AdminLayout own_account=true>
            <Title text=move || t_string!(i18n, identity.account.page_title)/>
            <h1>{t!(i18n, identity.account.heading)}</h1>
            <PasswordForm/>
            <Tokens/>
            <Organisations/>
        </AdminLayout>
    }
}

/// Posts to `change_password` as a plain form too, so it works before the WASM has loaded
/// (the server then comes back to this page with `?changed=password` or a problem code).
#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    let query = use_query_map();
    // Before this page submits anything itself, only the URL's fixed codes count (see the
    // sign-in page for why the action's own URL error is not shown).
    let submitted = move || action.version().get() > 0;
    let result = move || action.value().get().filter(|_| submitted());
    let problem =
        move || query.with(|q| FormProblem::from_query(q.get_str("problem"), q.get_str("wait")));
    let done = move || match result() {
        Some(r) => r.is_ok(),
        None => query.with(|q| q.get_str("changed") == Some("password")),
    };
    // The fields are the browser's own (a plain form posts them); empty them once saved.
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(form)) = (result(), form.get_untracked()) {
            form.reset();
        }
    });
    let message = move |field: &'static str| {
        move || match result() {
            Some(r) => r.err().and_then(|e| e.field_message(field)),
            None => problem()
                .filter(|p| p.field() == Some(field))
                .map(|p| p.message_in(i18n.get_locale())),
        }
    };
    // What is not about one field: a session that ended, the server, the connection.
    let general = move || match result() {
        Some(Err(e))
            if e.field_message("current").is_none() && e.field_message("password").is_none() =>
        {
            Some(e.message(i18n.get_locale()))
        }
        Some(_) => None,
        None => problem()
            .filter(|p| p.field().is_none())
            .map(|p| p.message_in(i18n.get_locale())),
    };
    view! {
        <h2>{t!(i18n, identity.password.heading)}</h2>
        <ActionForm action=action node_ref=form attr:class="editor">
            <label class="field">
                <span>{t!(i18n, identity.password.current)}</span>
                <input id="current" name="current" type="password" autocomplete="current-password" aria-describedby="current-error"/>
                <span class="field-error" id="current-error">{message("current")}</span>
            </label>
            <label class="field">
                <span>{t!(i18n, identity.password.new)}</span>
                <input id="new-password" name="new" type="password" autocomplete="new-password" aria-describedby="new-password-error"/>
                <span class="field-error" id="new-password-error">{message("password")}</span>
            </label>
            <label class="check">
                <input type="checkbox" name="revoke_tokens" data-testid="revoke-tokens"/>
                " " {t!(i18n, identity.password.revoke_tokens)}
            </label>
            <p class="error" role="alert" data-testid="password-error">{general}</p>
            <button type="submit" data-testid="change-password" disabled=move || action.pending().get()>
                {t!(i18n, identity.password.submit)}
            </button>
            <Show when=done>
                <p class="notice" role="status" data-testid="password-changed">{t!(i18n, identity.password.changed)}</p>
            </Show>
        </ActionForm>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let i18n = use_i18n();
    let tokens = Resource::new(|| (), |_| list_api_tokens());
    let hydrated = use_hydrated();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let created = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match create_api_token(name.get_untracked()).await {
                Ok(t) => {
                    created.set(Some(t.secret));
                    error.set(None);
                    name.set(String::new());
                    tokens.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            match revoke_api_token(id).await {
                Ok(()) => tokens.refetch(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h2>{t!(i18n, identity.tokens.heading)}</h2>
        <p class="meta">{t_view!(i18n, identity.tokens.help,
            header = || view! { <code>"Authorization: Bearer …"</code> },
            param = || view! { <code>"access_token"</code> })}</p>
        <form class="editor" on:submit=create>
            <fieldset class="frame" disabled=move || !hydrated.get()>
            <label class="field">
                <span>{t!(i18n, identity.tokens.name)}</span>
                <input id="token-name" type="text" placeholder=move || t_string!(i18n, identity.tokens.name_placeholder) prop:value=name
                    aria-describedby="token-name-error" on:input=move |ev| name.set(event_target_value(&ev))/>
                <span class="field-error" id="token-name-error">{move || error.with(|e| e.as_ref().map(|e| e.field_message("name").unwrap_or_else(|| e.message(i18n.get_locale()))))}</span>
            </label>
            <button type="submit" data-testid="create-token">{t!(i18n, identity.tokens.create)}</button>
            </fieldset>
        </form>
        {move || created.get().map(|secret| view! {
            <p class="notice" role="status">{t!(i18n, identity.tokens.copy_now)} " "
                <code data-testid="new-token">{secret}</code></p>
        })}
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, identity.loading)}</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! { <p class="meta">{t!(i18n, identity.tokens.none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards">
                            {list.into_iter().map(|t| {
                                let id = t.id.clone();
                                view! {
                                    <li class="card" data-testid="token">
                                        <strong>{t.name}</strong>
                                        " · " {t!(i18n, identity.tokens.created,
                                            ago = relative_time(now_ms(), t.created_at, i18n.get_locale()))}
                                        <button type="button" on:click=move |_| revoke(id.clone())>{t!(i18n, identity.tokens.revoke)}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{move || e.message(i18n.get_locale())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Organisations() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_signed_in();
    let hydrated = use_hydrated();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            // The new organisation is where its creator wants to work next.
            let switched = match create_organisation(name.get_untracked()).await {
                Ok(org) => switch_organisation(org.id).await,
                Err(e) => Err(e),
            };
            match switched {
                Ok(()) => reload(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h2>{t!(i18n, identity.orgs.heading)}</h2>
        <ul class="orgs" data-testid="orgs">
            {move || user.get().map(|u| u.orgs.into_iter().map(|o| view! {
                <li>
                    <strong>{o.name}</strong> " · " {move || role_name(o.role, i18n.get_locale())}
                    {(o.id == u.org).then(|| view! { " · " {t!(i18n, identity.orgs.current)} })}
                </li>
            }).collect_view())}
        </ul>
        <form class="editor" on:submit=create>
            <fieldset class="frame" disabled=move || !hydrated.get()>
            <label class="field">
                <span>{t!(i18n, identity.orgs.new)}</span>
                <input id="org-name" type="text" placeholder=move || t_string!(i18n, identity.orgs.name_placeholder) prop:value=name
                    aria-describedby="org-name-error" on:input=move |ev| name.set(event_target_value(&ev))/>
                <span class="field-error" id="org-name-error">{move || error.with(|e| e.as_ref().map(|e| e.field_message("name").unwrap_or_else(|| e.message(i18n.get_locale()))))}</span>
            </label>
            <p class="meta">{t!(i18n, identity.orgs.help)}</p>
            <button type="submit" data-testid="create-org">{t!(i18n, identity.orgs.create)}</button>
            </fieldset>
        </form>
    }
}
