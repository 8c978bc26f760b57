//! One's own account: password, personal API tokens (shown once when created), and one's
//! organisations (a new one makes its creator its admin).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::core::error::AppError;
use crate::core::locale::{current, relative_time};
use crate::core::time::now_ms;
use crate::identity::api::{
    create_api_token, create_organisation, list_api_tokens, revoke_api_token, switch_organisation,
    ChangePassword,
};
use crate::identity::form_problem::FormProblem;
use crate::identity::ui::layout::AdminLayout;
use crate::identity::ui::layout::{reload, use_signed_in};
use crate::widgets::hydrated::use_hydrated;

#[component]
pub fn AccountPage() -> impl IntoView {
    // Nothing here is live data, but the indicator should say the page is connected.
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    view! {
        <AdminLayout own_account=true>
            <Title text="Account · Courant"/>
            <h1>"Your account"</h1>
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
                .map(FormProblem::message),
        }
    };
    // What is not about one field: a session that ended, the server, the connection.
    let general = move || match result() {
        Some(Err(e))
            if e.field_message("current").is_none() && e.field_message("password").is_none() =>
        {
            Some(e.to_string())
        }
        Some(_) => None,
        None => problem()
            .filter(|p| p.field().is_none())
            .map(FormProblem::message),
    };
    view! {
        <h2>"Password"</h2>
        <ActionForm action=action node_ref=form attr:class="editor">
            <label class="field">
                <span>"Current password"</span>
                <input id="current" name="current" type="password" autocomplete="current-password"/>
                <span class="field-error">{message("current")}</span>
            </label>
            <label class="field">
                <span>"New password (at least 10 characters)"</span>
                <input id="new-password" name="new" type="password" autocomplete="new-password"/>
                <span class="field-error">{message("password")}</span>
            </label>
            <label class="check">
                <input type="checkbox" name="revoke_tokens" data-testid="revoke-tokens"/>
                " Also revoke my API tokens (scripts using them stop working)"
            </label>
            <p class="error" role="alert" data-testid="password-error">{general}</p>
            <button type="submit" data-testid="change-password" disabled=move || action.pending().get()>
                "Change password"
            </button>
            <Show when=done>
                <p class="notice" role="status" data-testid="password-changed">"Password changed. Your other sessions were signed out."</p>
            </Show>
        </ActionForm>
    }
}

#[component]
fn Tokens() -> impl IntoView {
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
        <h2>"API tokens"</h2>
        <p class="meta">"For scripts: send a token as " <code>"Authorization: Bearer …"</code>
            ", or as " <code>"access_token"</code> " when opening the live socket. It acts with your role in this organisation."</p>
        <form class="editor" on:submit=create>
            <fieldset class="frame" disabled=move || !hydrated.get()>
            <label class="field">
                <span>"Token name"</span>
                <input id="token-name" type="text" placeholder="deploy script" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <span class="field-error">{move || error.with(|e| e.as_ref().map(|e| e.field_message("name").unwrap_or_else(|| e.to_string())))}</span>
            </label>
            <button type="submit" data-testid="create-token">"Create token"</button>
            </fieldset>
        </form>
        {move || created.get().map(|secret| view! {
            <p class="notice" role="status">"Copy this token now; it will not be shown again: "
                <code data-testid="new-token">{secret}</code></p>
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! { <p class="meta">"No tokens yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards">
                            {list.into_iter().map(|t| {
                                let id = t.id.clone();
                                view! {
                                    <li class="card" data-testid="token">
                                        <strong>{t.name}</strong>
                                        " · created " {relative_time(now_ms(), t.created_at, current())}
                                        <button type="button" on:click=move |_| revoke(id.clone())>"Revoke"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Organisations() -> impl IntoView {
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
        <h2>"Organisations"</h2>
        <ul class="orgs" data-testid="orgs">
            {move || user.get().map(|u| u.orgs.into_iter().map(|o| view! {
                <li>
                    <strong>{o.name}</strong> " · " {o.role.as_str()}
                    {(o.id == u.org).then_some(" · current")}
                </li>
            }).collect_view())}
        </ul>
        <form class="editor" on:submit=create>
            <fieldset class="frame" disabled=move || !hydrated.get()>
            <label class="field">
                <span>"New organisation"</span>
                <input id="org-name" type="text" placeholder="Acme" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <span class="field-error">{move || error.with(|e| e.as_ref().map(|e| e.field_message("name").unwrap_or_else(|| e.to_string())))}</span>
            </label>
            <p class="meta">"You become its admin and the backoffice switches to it; switch back with the menu at the top."</p>
            <button type="submit" data-testid="create-org">"Create organisation"</button>
            </fieldset>
        </form>
    }
}
