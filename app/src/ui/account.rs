//! One's own account: password, personal API tokens (shown once when created), and one's
//! organisations (a new one makes its creator its admin).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use super::layout::{reload, use_signed_in};
use super::AdminLayout;
use crate::api::{
    change_password, create_api_token, create_organisation, list_api_tokens, revoke_api_token,
    switch_organisation,
};
use crate::error::AppError;
use crate::time::{now_ms, relative_time, Lang};

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

#[component]
fn PasswordForm() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match change_password(current.get_untracked(), new.get_untracked()).await {
                Ok(()) => {
                    error.set(None);
                    done.set(true);
                    current.set(String::new());
                    new.set(String::new());
                }
                Err(e) => {
                    done.set(false);
                    error.set(Some(e));
                }
            }
        });
    };
    let message = move |field: &'static str| {
        move || error.with(|e| e.as_ref().and_then(|e| e.field_message(field)))
    };
    view! {
        <h2>"Password"</h2>
        <form class="editor" on:submit=submit>
            <label class="field">
                <span>"Current password"</span>
                <input id="current" type="password" autocomplete="current-password" prop:value=current
                    on:input=move |ev| current.set(event_target_value(&ev))/>
                <span class="field-error">{message("current")}</span>
            </label>
            <label class="field">
                <span>"New password (at least 10 characters)"</span>
                <input id="new-password" type="password" autocomplete="new-password" prop:value=new
                    on:input=move |ev| new.set(event_target_value(&ev))/>
                <span class="field-error">{message("password")}</span>
            </label>
            <button type="submit" data-testid="change-password">"Change password"</button>
            <Show when=move || done.get()>
                <p class="notice" role="status">"Password changed. Your other sessions were signed out."</p>
            </Show>
        </form>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let tokens = Resource::new(|| (), |_| list_api_tokens());
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
            <label class="field">
                <span>"Token name"</span>
                <input id="token-name" type="text" placeholder="deploy script" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <span class="field-error">{move || error.with(|e| e.as_ref().map(|e| e.field_message("name").unwrap_or_else(|| e.to_string())))}</span>
            </label>
            <button type="submit" data-testid="create-token">"Create token"</button>
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
                                        " · created " {relative_time(now_ms(), t.created_at, Lang::En)}
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
            <label class="field">
                <span>"New organisation"</span>
                <input id="org-name" type="text" placeholder="Acme" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <span class="field-error">{move || error.with(|e| e.as_ref().map(|e| e.field_message("name").unwrap_or_else(|| e.to_string())))}</span>
            </label>
            <p class="meta">"You become its admin and the backoffice switches to it; switch back with the menu at the top."</p>
            <button type="submit" data-testid="create-org">"Create organisation"</button>
        </form>
    }
}
