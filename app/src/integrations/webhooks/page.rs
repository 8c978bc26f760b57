//! Sync centre: outbound webhooks. Register an endpoint (its secret is shown once), see each
//! delivery's status and attempts, delete an endpoint.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::core::error::AppError;
use crate::core::locale::{current, relative_time};
use crate::core::time::now_ms;
use crate::identity::ui::layout::AdminLayout;
use crate::integrations::webhooks::api::{
    create_webhook, delete_webhook, list_webhooks, webhook_deliveries, DeliveryInfo, WebhookInfo,
};
use crate::widgets::dialog::confirm;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    let hooks = Resource::new(|| (), |_| list_webhooks());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let created = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match create_webhook(url.get_untracked(), secret.get_untracked()).await {
                Ok(c) => {
                    created.set(Some((c.webhook.url, c.secret)));
                    error.set(None);
                    url.set(String::new());
                    secret.set(String::new());
                    hooks.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    view! {
        <AdminLayout>
            <Title text="Webhooks · Courant"/>
            <h1>"Webhooks"</h1>
            <p class="meta">"Every saved change is POSTed as JSON to each endpoint, signed with its secret, and retried until it is accepted."</p>
            <form class="editor" on:submit=add novalidate>
                <label class="field">
                    <span>"Endpoint URL"</span>
                    <input name="url" type="url" placeholder="https://example.com/courant-hook" prop:value=url
                        on:input=move |ev| url.set(event_target_value(&ev))/>
                    <span class="field-error">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("url")))}</span>
                </label>
                <label class="field">
                    <span>"Secret (leave empty to generate one)"</span>
                    <input name="secret" type="text" autocomplete="off" prop:value=secret
                        on:input=move |ev| secret.set(event_target_value(&ev))/>
                    <span class="field-error">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("secret")))}</span>
                </label>
                <div class="actions">
                    <button type="submit" data-testid="add-webhook" disabled=move || busy.get()>"Add endpoint"</button>
                </div>
                {move || created.get().map(|(u, s)| view! {
                    <p class="notice" role="status" data-testid="webhook-secret">
                        "Added " {u} ". Its signing secret, shown only now: " <code>{s}</code>
                    </p>
                })}
            </form>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No endpoints yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="cards">
                                {list.into_iter().map(|h| view! { <HookCard hook=h on_deleted=Callback::new(move |_| hooks.refetch())/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn HookCard(hook: WebhookInfo, on_deleted: Callback<()>) -> impl IntoView {
    let deliveries = RwSignal::new(None::<Result<Vec<DeliveryInfo>, AppError>>);
    let id = StoredValue::new(hook.id.clone());
    let load = move |_| {
        spawn_local(async move { deliveries.set(Some(webhook_deliveries(id.get_value()).await)) });
    };
    let url = hook.url.clone();
    let remove = move |_| {
        if !confirm(&format!("Stop sending changes to {url}?")) {
            return;
        }
        spawn_local(async move {
            if delete_webhook(id.get_value()).await.is_ok() {
                on_deleted.run(());
            }
        });
    };
    let now = now_ms();
    view! {
        <li class="card" data-testid="webhook">
            <strong>{hook.url.clone()}</strong>
            <span class="meta">" · added " {relative_time(now, hook.created_at, current())}</span>
            <div class="card-actions">
                <button class="secondary" data-testid="deliveries" on:click=load>"Show deliveries"</button>
                <button class="danger" on:click=remove>"Delete"</button>
            </div>
            {move || deliveries.get().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(ds) if ds.is_empty() => view! { <p class="empty">"Nothing sent yet."</p> }.into_any(),
                Ok(ds) => view! {
                    <table class="deliveries">
                        <thead><tr><th>"Change"</th><th>"Status"</th><th>"Attempts"</th><th>"Last answer"</th></tr></thead>
                        <tbody>
                            {ds.into_iter().map(|d| view! {
                                <tr data-status=d.status.clone()>
                                    <td>{format!("#{}", d.seq)}</td>
                                    <td>{d.status.clone()}</td>
                                    <td>{d.attempts}</td>
                                    <td>{d.last_error.clone().or(d.last_status.map(|s| format!("HTTP {s}"))).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </li>
    }
}
