//! Sync centre: outbound webhooks. Register an endpoint (its secret is shown once), see each
//! delivery's status and attempts, delete an endpoint.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::core::error::AppError;
use crate::core::locale::{relative_time, Locale};
use crate::core::roles::Permission;
use crate::core::time::now_ms;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::integrations::webhooks::api::{
    create_webhook, delete_webhook, list_webhooks, webhook_deliveries, DeliveryInfo, WebhookInfo,
};
use crate::widgets::dialog::use_confirm;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let i18n = use_i18n();
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
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, webhooks.page.title)/>
            <h1>{t!(i18n, webhooks.page.heading)}</h1>
            <p class="meta">{t!(i18n, webhooks.page.intro)}</p>
            <form class="editor" on:submit=add novalidate>
                <label class="field">
                    <span>{t!(i18n, webhooks.page.url_label)}</span>
                    <input id="webhook-url" name="url" type="url" aria-describedby="webhook-url-error" placeholder=move || t_string!(i18n, webhooks.page.url_placeholder) prop:value=url
                        on:input=move |ev| url.set(event_target_value(&ev))/>
                    <span class="field-error" id="webhook-url-error">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("url")))}</span>
                </label>
                <label class="field">
                    <span>{t!(i18n, webhooks.page.secret_label)}</span>
                    <input id="webhook-secret" name="secret" type="text" autocomplete="off" aria-describedby="webhook-secret-error" prop:value=secret
                        on:input=move |ev| secret.set(event_target_value(&ev))/>
                    <span class="field-error" id="webhook-secret-error">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("secret")))}</span>
                </label>
                <div class="actions">
                    <button type="submit" data-testid="add-webhook" disabled=move || busy.get()>{t!(i18n, webhooks.page.add)}</button>
                </div>
                {move || created.get().map(|(u, s)| view! {
                    <p class="notice" role="status" data-testid="webhook-secret">
                        {t!(i18n, webhooks.page.added, url = u.clone())} " " <code>{s}</code>
                    </p>
                })}
            </form>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, webhooks.page.loading)}</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t!(i18n, webhooks.page.empty)}</p> }.into_any(),
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
    let i18n = use_i18n();
    let deliveries = RwSignal::new(None::<Result<Vec<DeliveryInfo>, AppError>>);
    let id = StoredValue::new(hook.id.clone());
    let load = move |_| {
        spawn_local(async move { deliveries.set(Some(webhook_deliveries(id.get_value()).await)) });
    };
    let url = hook.url.clone();
    let confirm = use_confirm();
    let remove = move |_| {
        let question =
            tu_string!(i18n, webhooks.card.confirm_delete, url = url.clone()).to_string();
        let yes = tu_string!(i18n, webhooks.card.delete).to_string();
        spawn_local(async move {
            if !confirm.ask(question, yes, true).await {
                return;
            }
            if delete_webhook(id.get_value()).await.is_ok() {
                on_deleted.run(());
            }
        });
    };
    let now = now_ms();
    let created_at = hook.created_at;
    let added = move || relative_time(now, created_at, i18n.get_locale());
    view! {
        <li class="card" data-testid="webhook">
            <strong>{hook.url.clone()}</strong>
            <span class="meta">" · " {t!(i18n, webhooks.card.added, ago = added())}</span>
            <div class="card-actions">
                <button class="secondary" data-testid="deliveries" on:click=load>{t!(i18n, webhooks.card.show_deliveries)}</button>
                <button class="danger" data-testid="delete-webhook" on:click=remove>{t!(i18n, webhooks.card.delete)}</button>
            </div>
            {move || deliveries.get().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(ds) if ds.is_empty() => view! { <p class="empty">{t!(i18n, webhooks.card.nothing_sent)}</p> }.into_any(),
                Ok(ds) => view! {
                    <table class="deliveries">
                        <thead><tr>
                            <th>{t!(i18n, webhooks.card.change)}</th>
                            <th>{t!(i18n, webhooks.card.status)}</th>
                            <th>{t!(i18n, webhooks.card.attempts)}</th>
                            <th>{t!(i18n, webhooks.card.last_answer)}</th>
                        </tr></thead>
                        <tbody>
                            {ds.into_iter().map(|d| view! {
                                <tr data-status=d.status.clone()>
                                    <td>{format!("#{}", d.seq)}</td>
                                    <td>{let status = d.status.clone(); move || status_name(&status, i18n.get_locale())}</td>
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

/// A delivery's state as people read it; a state this page does not know is shown as stored.
fn status_name(status: &str, locale: Locale) -> String {
    match status {
        "pending" => td_string!(locale, webhooks.status.pending).to_string(),
        "delivered" => td_string!(locale, webhooks.status.delivered).to_string(),
        "failed" => td_string!(locale, webhooks.status.failed).to_string(),
        other => other.to_string(),
    }
}
