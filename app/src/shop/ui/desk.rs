//! The orders desk, `/admin/orders`: the live list of orders (the collection editor on the
//! `ORDERS` spec), with a bar saying how fresh it is — "Dernière mise à jour : il y a 4 s" from
//! the feed's last event, "Hors ligne depuis 14:02" while the socket is down — a refresh
//! button, and an optional short sound when an order arrives. Each order's editor has the
//! status buttons ([`status_actions`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};

use crate::client::{use_live_feed, FeedStatus};
use crate::content::ui::collection_editor::{CollectionAdminPage, RefreshList};
use crate::core::error::AppError;
use crate::core::locale::{relative_time, time_of_day};
use crate::core::protocol::ChangeOp;
use crate::core::roles::{allows, Permission};
use crate::core::time::now_ms;
use crate::i18n::*;
use crate::identity::ui::layout::use_signed_in;
use crate::shop::api::set_order_status;
use crate::shop::model::OrderStatus;
use crate::shop::ui::specs::ORDERS;
use crate::shop::ui::status_label;
use crate::widgets::dialog::use_confirm;
use crate::widgets::indicator::use_second_clock;

const SOUND_KEY: &str = "courant.desk.sound";

#[component]
pub fn OrdersPage() -> impl IntoView {
    view! {
        <CollectionAdminPage spec=&ORDERS>
            <DeskBar/>
        </CollectionAdminPage>
    }
}

#[component]
fn DeskBar() -> impl IntoView {
    let i18n = use_i18n();
    let feed = use_live_feed();
    let refresh = use_context::<RefreshList>();
    let now = use_second_clock();
    // When the socket went down, for "hors ligne depuis".
    let down_since = RwSignal::new(None::<i64>);
    Effect::new(move |_| match feed.status.get() {
        FeedStatus::Live => down_since.set(None),
        FeedStatus::Connecting => {}
        _ => {
            if down_since.get_untracked().is_none() {
                down_since.set(Some(now_ms()));
            }
        }
    });
    let last = feed.last_change_at;
    let line = move || {
        let l = i18n.get_locale();
        match (now.get(), down_since.get(), last.get()) {
            (None, _, _) => String::new(),
            (Some(_), Some(since), _) => {
                td_string!(l, shop.desk.offline_since, time = time_of_day(since, l)).to_string()
            }
            (Some(now), None, Some(at)) => {
                td_string!(l, shop.desk.updated, ago = relative_time(now, at, l)).to_string()
            }
            (Some(_), None, None) => td_string!(l, shop.desk.no_update).to_string(),
        }
    };
    let sound = RwSignal::new(false);
    Effect::new(move |_| sound.set(stored_sound()));
    feed.on_change(move |event| {
        if event.collection == "orders" && event.op == ChangeOp::Created && sound.get_untracked() {
            beep();
        }
    });
    view! {
        <div class="desk-bar" data-testid="desk-bar">
            <span class="desk-fresh" data-testid="desk-updated" role="status"
                data-offline=move || down_since.get().is_some().to_string()>{line}</span>
            {refresh.map(|r| view! {
                <button type="button" class="secondary" data-testid="desk-refresh" on:click=move |_| r.0.run(())>
                    {t!(i18n, shop.desk.refresh)}
                </button>
            })}
            <label class="switch">
                <input type="checkbox" data-testid="desk-sound" prop:checked=move || sound.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        sound.set(on);
                        store_sound(on);
                    }/>
                <span>{t!(i18n, shop.desk.sound)}</span>
            </label>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored_sound() -> bool {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(SOUND_KEY).ok().flatten())
            .is_some_and(|v| v == "on")
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

fn store_sound(on: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(SOUND_KEY, "on")
        } else {
            s.remove_item(SOUND_KEY)
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (on, SOUND_KEY);
}

/// A short, soft tone (the browser's own synthesiser: no sound file to download).
fn beep() {
    #[cfg(feature = "hydrate")]
    {
        let Ok(ctx) = web_sys::AudioContext::new() else {
            return;
        };
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        osc.frequency().set_value(880.0);
        gain.gain().set_value(0.08);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let t = ctx.current_time();
        let _ = osc.start();
        let _ = osc.stop_with_when(t + 0.18);
    }
}

/// The order's status buttons, for who may change orders: the statuses it may move to from
/// the one on screen. A colleague's move meanwhile is refused by the server and said here.
pub fn status_actions(id: String, stored: Signal<Option<Map<String, Value>>>) -> AnyView {
    view! { <StatusActions id stored/> }.into_any()
}

#[component]
fn StatusActions(id: String, stored: Signal<Option<Map<String, Value>>>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_signed_in();
    let confirm = use_confirm();
    let may =
        move || user.with(|u| allows(u.as_ref().and_then(|u| u.role), Permission::WriteCustomers));
    let status = move || {
        stored.with(|s| {
            s.as_ref()
                .and_then(|m| m.get("status"))
                .and_then(Value::as_str)
                .and_then(OrderStatus::parse)
        })
    };
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let act = move |seen: OrderStatus, to: OrderStatus| {
        spawn_local(async move {
            if to == OrderStatus::Cancelled {
                let l = i18n.get_locale_untracked();
                let yes = confirm
                    .ask(
                        td_string!(l, shop.desk.confirm_cancel).to_string(),
                        td_string!(l, shop.desk.cancel_order).to_string(),
                        true,
                    )
                    .await;
                if !yes {
                    return;
                }
            }
            busy.set(true);
            problem.set(None);
            let answer = set_order_status(id.get_value(), seen, to).await;
            busy.set(false);
            let l = i18n.get_locale_untracked();
            match answer {
                Ok(_) => {}
                Err(AppError::Conflict(list)) => {
                    let theirs = list
                        .first()
                        .and_then(|c| c.theirs.as_str())
                        .and_then(OrderStatus::parse)
                        .map(|s| status_label(s, l))
                        .unwrap_or_default();
                    problem.set(Some(
                        td_string!(l, shop.desk.moved_meanwhile, status = theirs).to_string(),
                    ));
                }
                Err(e) => problem.set(Some(e.message(l))),
            }
        });
    };
    view! {
        <div class="status-actions" data-testid="status-actions">
            <span class="chip" data-testid="order-status" data-status=move || status().map(|s| s.as_str()).unwrap_or_default()>
                {move || status().map(|s| status_label(s, i18n.get_locale()))}
            </span>
            {move || {
                let Some(seen) = status() else { return ().into_any() };
                seen.next().iter().map(|to| {
                    let to = *to;
                    let (label, class) = match to {
                        OrderStatus::InProgress => (t_string!(i18n, shop.desk.start), "primary"),
                        OrderStatus::Done => (t_string!(i18n, shop.desk.finish), "primary"),
                        OrderStatus::Cancelled => (t_string!(i18n, shop.desk.cancel_order), "danger"),
                        OrderStatus::Pending => (t_string!(i18n, shop.status.pending), "secondary"),
                    };
                    view! {
                        <button type="button" class=class data-testid=format!("status-{}", to.as_str())
                            disabled=move || busy.get() || !may()
                            on:click=move |_| act(seen, to)>{label}</button>
                    }
                }).collect_view().into_any()
            }}
            <p class="form-error" role="alert" data-testid="status-error">{move || problem.get()}</p>
        </div>
    }
}
