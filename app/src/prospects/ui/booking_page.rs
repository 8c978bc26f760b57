//! `/admin/booking`: the booking webhook for admins — its address to copy into the booking
//! tool, its signing key (set or changed; the previous one keeps working until the next
//! change), and every request it received, accepted or refused, with the reason.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::core::error::AppError;
use crate::core::locale::{date_time, relative_time, Locale};
use crate::core::roles::Permission;
use crate::core::time::now_ms;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::prospects::api::{
    booking_config, booking_receipts, set_booking_secret, BookingInfo, ReceiptInfo,
};

#[component]
pub fn BookingPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, prospects.booking_page.page_title)/>
            <h1>{t!(i18n, prospects.booking_page.heading)}</h1>
            <p class="muted">{t!(i18n, prospects.booking_page.intro)}</p>
            <Webhook/>
            <Receipts/>
        </AdminLayout>
    }
}

#[component]
fn Webhook() -> impl IntoView {
    let i18n = use_i18n();
    let config = RwSignal::new(None::<BookingInfo>);
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let secret = RwSignal::new(String::new());
    let copied = RwSignal::new(false);
    // The address with this site's origin, known in the browser only.
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(o) = web_sys::window().and_then(|w| w.location().origin().ok()) {
            origin.set(o);
        }
        spawn_local(async move {
            match booking_config().await {
                Ok(c) => config.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let url = move || {
        config
            .get()
            .map(|c| format!("{}{}", origin.get(), c.path))
            .unwrap_or_default()
    };
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&url());
            copied.set(true);
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match set_booking_secret(secret.get_untracked()).await {
                Ok(c) => {
                    config.set(Some(c));
                    error.set(None);
                    saved.set(true);
                    secret.set(String::new());
                }
                Err(e) => {
                    saved.set(false);
                    error.set(Some(e));
                }
            }
        });
    };
    let field_error = move || error.with(|e| e.as_ref().and_then(|e| e.field_message("secret")));
    view! {
        <section class="card">
            <h2>{t!(i18n, prospects.booking_page.address)}</h2>
            <p>{t!(i18n, prospects.booking_page.address_help)}</p>
            <div class="actions">
                <code data-testid="booking-url">{url}</code>
                <button type="button" class="secondary" data-testid="copy-url" on:click=copy>
                    {move || if copied.get() { t_string!(i18n, prospects.booking_page.copied) } else { t_string!(i18n, prospects.booking_page.copy) }}
                </button>
            </div>
            <h2>{t!(i18n, prospects.booking_page.key)}</h2>
            <p data-testid="key-state">{move || match config.get() {
                Some(c) if c.has_previous_secret => t_string!(i18n, prospects.booking_page.two_keys),
                Some(c) if c.has_secret => t_string!(i18n, prospects.booking_page.one_key),
                _ => t_string!(i18n, prospects.booking_page.no_key),
            }}</p>
            <form class="editor form-grid" on:submit=save novalidate>
                <div class="field">
                    <label for="booking-secret">{t!(i18n, prospects.booking_page.new_key)}</label>
                    <input id="booking-secret" name="secret" type="password" autocomplete="off"
                        aria-describedby="booking-secret-error" aria-invalid=move || field_error().is_some().to_string()
                        prop:value=move || secret.get() on:input=move |ev| secret.set(event_target_value(&ev))/>
                    <p class="field-error" id="booking-secret-error">{field_error}</p>
                </div>
                <div class="actions">
                    <button type="submit" data-testid="save-key">{t!(i18n, prospects.booking_page.save_key)}</button>
                    {move || saved.get().then(|| view! { <span class="chip ok" role="status" data-testid="key-saved">{t!(i18n, prospects.booking_page.saved)}</span> })}
                </div>
                <p class="form-error" role="alert">{move || error.get().filter(|e| e.field_message("secret").is_none()).map(|e| e.to_string())}</p>
            </form>
        </section>
    }
}

#[component]
fn Receipts() -> impl IntoView {
    let i18n = use_i18n();
    let items = RwSignal::new(Vec::<ReceiptInfo>::new());
    let more = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let load = move |before: Option<i64>| {
        spawn_local(async move {
            match booking_receipts(before).await {
                Ok(page) => {
                    more.set(page.len() >= 50);
                    if before.is_none() {
                        items.set(page);
                    } else {
                        items.update(|i| i.extend(page));
                    }
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| load(None));
    let now = now_ms();
    view! {
        <section class="card">
            <div class="actions">
                <h2>{t!(i18n, prospects.booking_page.received)}</h2>
                <button type="button" class="secondary" data-testid="refresh-receipts" on:click=move |_| load(None)>{t!(i18n, prospects.booking_page.refresh)}</button>
            </div>
            <p class="error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            <div class="table-wrap">
                <table class="table" data-testid="receipts">
                    <thead><tr>
                        <th scope="col">{t!(i18n, prospects.booking_page.when)}</th>
                        <th scope="col">{t!(i18n, prospects.booking_page.event)}</th>
                        <th scope="col">{t!(i18n, prospects.booking_page.outcome)}</th>
                        <th scope="col" class="col-secondary">{t!(i18n, prospects.booking_page.reason)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || items.get() key=|r| r.id let:r>
                            {
                                let (chip, label): (&str, fn(Locale) -> &'static str) = match r.outcome.as_str() {
                                    "accepted" => ("chip ok", |l| td_string!(l, prospects.booking_page.accepted)),
                                    "duplicate" => ("chip info", |l| td_string!(l, prospects.booking_page.duplicate)),
                                    "ignored" => ("chip", |l| td_string!(l, prospects.booking_page.ignored)),
                                    _ => ("chip bad", |l| td_string!(l, prospects.booking_page.refused)),
                                };
                                let at = r.received_at;
                                let prospect = r.prospect_id.clone().filter(|p| !p.is_empty());
                                view! {
                                    <tr data-testid="receipt" data-outcome=r.outcome.clone()>
                                        <td title=move || date_time(at, i18n.get_locale())>{move || relative_time(now, at, i18n.get_locale())}</td>
                                        <td title=r.event.clone()>{event_name(&r.event, i18n.get_locale())}</td>
                                        <td><span class=chip>{move || label(i18n.get_locale())}</span></td>
                                        <td class="col-secondary">
                                            {r.reason.clone()} " "
                                            {prospect.map(|p| view! { <a href=format!("/admin/prospects/{p}")>{t!(i18n, prospects.notifications.see)}</a> })}
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <p class="empty" hidden=move || !items.with(Vec::is_empty)>{t!(i18n, prospects.booking_page.nothing)}</p>
            <button type="button" class="secondary" data-testid="more-receipts" hidden=move || !more.get()
                on:click=move |_| load(items.with_untracked(|i| i.last().map(|r| r.id)))>{t!(i18n, prospects.booking_page.more)}</button>
        </section>
    }
}

/// A booking tool's event in words; its own name when Courant does not handle it.
fn event_name(event: &str, l: Locale) -> String {
    match event {
        "invitee.created" => td_string!(l, prospects.booking_page.event_created).to_string(),
        "invitee.canceled" => td_string!(l, prospects.booking_page.event_canceled).to_string(),
        "" => "—".to_string(),
        other => other.to_string(),
    }
}
