//! What every sync-centre page shows of operations: their names, a status chip, a progress
//! bar with its count and estimate, and a live list of the log (one socket, one snapshot).

use leptos::prelude::*;
use serde_json::Value;

use crate::client::list::{use_live_list, Item};
use crate::core::locale::{duration, relative_time, Locale};
use crate::core::operation::{Operation, OperationKind, OperationStatus, Trigger};
use crate::core::wire::Snapshot;
use crate::i18n::*;

pub const LOG_PATH: &str = "/synchronisation/logs";

/// Where one operation's detail is.
pub fn log_path(id: &str) -> String {
    format!("/synchronisation/log/{id}")
}

pub fn kind_label(kind: OperationKind, l: Locale) -> &'static str {
    match kind {
        OperationKind::Backup => td_string!(l, sync.kind.backup),
        OperationKind::Restore => td_string!(l, sync.kind.restore),
        OperationKind::Import => td_string!(l, sync.kind.import),
        OperationKind::Export => td_string!(l, sync.kind.export),
        OperationKind::WebhookDelivery => td_string!(l, sync.kind.webhook_delivery),
        OperationKind::BookingReceived => td_string!(l, sync.kind.booking_received),
    }
}

/// A collection's name as people read it (its own name for one this page does not know, a
/// customers' collection of the tests say).
pub fn collection_label(name: &str, l: Locale) -> String {
    match name {
        "site_settings" => td_string!(l, sync.collection.site_settings),
        "team" => td_string!(l, sync.collection.team),
        "services" => td_string!(l, sync.collection.services),
        "solutions" => td_string!(l, sync.collection.solutions),
        "products" => td_string!(l, sync.collection.products),
        "orders" => td_string!(l, sync.collection.orders),
        "prospects" => td_string!(l, sync.collection.prospects),
        other => other,
    }
    .to_string()
}

pub fn status_label(status: OperationStatus, l: Locale) -> &'static str {
    match status {
        OperationStatus::Running => td_string!(l, sync.status.running),
        OperationStatus::Succeeded => td_string!(l, sync.status.succeeded),
        OperationStatus::Partial => td_string!(l, sync.status.partial),
        OperationStatus::Failed => td_string!(l, sync.status.failed),
    }
}

pub fn trigger_label(trigger: Trigger, l: Locale) -> &'static str {
    match trigger {
        Trigger::Member => td_string!(l, sync.trigger.member),
        Trigger::Schedule => td_string!(l, sync.trigger.schedule),
        Trigger::Webhook => td_string!(l, sync.trigger.webhook),
    }
}

fn chip_class(status: OperationStatus) -> &'static str {
    match status {
        OperationStatus::Running => "chip info",
        OperationStatus::Succeeded => "chip ok",
        OperationStatus::Partial => "chip warn",
        OperationStatus::Failed => "chip bad",
    }
}

/// An operation's status as a chip.
#[component]
pub fn StatusChip(status: OperationStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=chip_class(status) data-status=status.as_str()>
            {move || status_label(status, i18n.get_locale())}
        </span>
    }
}

/// The log's records as operations, newest first.
pub fn operations(items: &[Item]) -> Vec<Operation> {
    let mut ops: Vec<Operation> = items
        .iter()
        .filter_map(|m| serde_json::from_value(Value::Object(m.clone())).ok())
        .collect();
    ops.sort_by_key(|o: &Operation| std::cmp::Reverse((o.started_at, o.meta.created_at)));
    ops
}

/// One of the sync centre's collections, live: `view` is given its records once loaded.
#[component]
pub fn LiveCollection<V: IntoView + 'static>(
    collection: &'static str,
    view: fn(RwSignal<Vec<Item>>) -> V,
) -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(
        || (),
        move |_| crate::engine::api::staff_list(collection.to_string()),
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(snap) => view! { <Loaded collection snap view/> }.into_any(),
                    Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Loaded<V: IntoView + 'static>(
    collection: &'static str,
    snap: Snapshot<Vec<Value>>,
    view: fn(RwSignal<Vec<Item>>) -> V,
) -> impl IntoView {
    let list = use_live_list(collection, snap);
    view(list)
}

/// A running operation's bar: done of total, percent, and the time left at this pace.
#[component]
pub fn Progress(op: Operation, now: ReadSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let percent = op.percent();
    let (done, total) = (op.counts.done, op.counts.total);
    let left = move || {
        now.get()
            .and_then(|now| op.estimate_left_ms(now))
            .map(|ms| {
                t_string!(
                    i18n,
                    sync.progress.left,
                    time = duration(ms, i18n.get_locale())
                )
                .to_string()
            })
    };
    view! {
        <div class="progress" data-testid="progress">
            {match percent {
                Some(p) => view! { <progress max="100" value=p aria-label=move || t_string!(i18n, sync.progress.label)>{p}"%"</progress> }.into_any(),
                None => view! { <progress aria-label=move || t_string!(i18n, sync.progress.label)></progress> }.into_any(),
            }}
            <span class="muted" data-testid="progress-count">
                {move || t_string!(i18n, sync.progress.count, done = done, total = total).to_string()}
                {move || left().map(|l| format!(" · {l}"))}
            </span>
        </div>
    }
}

/// A table of operations (the dashboard's latest, the log's page).
#[component]
pub fn OperationsTable(
    #[prop(into)] ops: Signal<Vec<Operation>>,
    now: ReadSignal<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="operations">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, sync.columns.operation)}</th>
                        <th scope="col">{t!(i18n, sync.columns.status)}</th>
                        <th scope="col">{t!(i18n, sync.columns.started)}</th>
                        <th scope="col">{t!(i18n, sync.columns.duration)}</th>
                        <th scope="col">{t!(i18n, sync.columns.summary)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || ops.get() key=|o| (o.meta.id.clone(), o.meta.version) let:op>
                        {
                            let (kind, status, started) = (op.kind, op.status, op.started_at);
                            let running = status == OperationStatus::Running;
                            let href = log_path(&op.meta.id);
                            let summary = op.summary.clone();
                            let shown = op.clone();
                            let took = move || now.get().map(|n| duration(shown.duration_ms(n), i18n.get_locale()));
                            view! {
                                <tr data-testid="operation" data-kind=kind.as_str() data-status=status.as_str()>
                                    <th scope="row"><a href=href>{move || kind_label(kind, i18n.get_locale())}</a></th>
                                    <td><StatusChip status/></td>
                                    <td>{move || now.get().map(|n| relative_time(n, started, i18n.get_locale()))}</td>
                                    <td>{took}</td>
                                    <td>
                                        {running.then(|| view! { <Progress op=op.clone() now/> })}
                                        <span class="muted">{summary}</span>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}
