//! A record's history with restore, and the collection's deleted records to bring back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::client::use_realtime_sync;
use crate::content::ui::specs::CollectionSpec;
use crate::core::error::AppError;
use crate::core::locale::{current, relative_time};
use crate::core::time::now_ms;
use crate::core::wire::{DeletedRecord, HistoryEntry};
use crate::engine::api::{deleted, history, restore};

#[component]
pub(super) fn HistoryPanel(spec: &'static CollectionSpec, key: String) -> impl IntoView {
    let entries = RwSignal::new(None::<Result<Vec<HistoryEntry>, AppError>>);
    let sync_state = use_realtime_sync();
    let key = StoredValue::new(key);
    let load = move || {
        let id = key.get_value();
        spawn_local(async move { entries.set(Some(history(spec.name.to_string(), id).await)) });
    };
    let open = RwSignal::new(false);
    let on_toggle = toggle_loading(open, load);
    let restore_to =
        move |version: i64| restore_then(sync_state, spec, key.get_value(), version, load);
    let now = now_ms();
    view! {
        <div class="history">
            <button class="secondary" data-testid="history" aria-expanded=move || open.get().to_string() on:click=on_toggle>"History"</button>
            {move || open.get().then(|| entries.get()).flatten().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(list) => {
                    let latest = list.first().map(|e| e.version).unwrap_or(0);
                    view! {
                        <ol data-testid="history-entries">
                            {list.into_iter().map(|e| {
                                let version = e.version;
                                let summary = e.changes.iter().map(|c| match e.op {
                                    crate::core::protocol::ChangeOp::Created => format!("{}: {}", c.field, show(&c.after)),
                                    crate::core::protocol::ChangeOp::Deleted => format!("{}: {}", c.field, show(&c.before)),
                                    crate::core::protocol::ChangeOp::Updated => format!("{}: {} → {}", c.field, show(&c.before), show(&c.after)),
                                }).collect::<Vec<_>>().join("; ");
                                view! {
                                    <li data-version=version>
                                        <strong>{format!("v{} {:?}", e.version, e.op).to_lowercase()}</strong>
                                        " · " {e.actor} " · " {relative_time(now, e.at, current())}
                                        <div class="diff">{summary}</div>
                                        {(version < latest && e.op != crate::core::protocol::ChangeOp::Deleted).then(|| view! {
                                            <button class="secondary" data-testid="restore" on:click=move |_| restore_to(version)>
                                                {format!("Restore v{version}")}
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            })}
        </div>
    }
}

/// Deleted records of this collection, each with a button that brings back its last state.
#[component]
pub(super) fn DeletedPanel(spec: &'static CollectionSpec) -> impl IntoView {
    let open = RwSignal::new(false);
    let items = RwSignal::new(None::<Result<Vec<DeletedRecord>, AppError>>);
    let sync_state = use_realtime_sync();
    let load = move || {
        spawn_local(async move { items.set(Some(deleted(spec.name.to_string()).await)) });
    };
    let toggle = toggle_loading(open, load);
    let bring_back =
        move |id: String, version: i64| restore_then(sync_state, spec, id, version, load);
    let now = now_ms();
    view! {
        <section class="deleted">
            <button class="secondary" data-testid="show-deleted" aria-expanded=move || open.get().to_string() on:click=toggle>
                "Recently deleted"
            </button>
            {move || open.get().then(|| items.get()).flatten().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty">"Nothing deleted."</p> }.into_any(),
                Ok(list) => view! {
                    <ul data-testid="deleted-list">
                        {list.into_iter().map(|d| {
                            let label = d.last.get(spec.label_field).map(show).unwrap_or_default();
                            let data_label = label.clone();
                            let (id, version) = (d.id.clone(), d.deleted_version - 1);
                            view! {
                                <li data-label=data_label>
                                    <strong>{label}</strong>
                                    " · deleted by " {d.deleted_by} " · " {relative_time(now, d.deleted_at, current())} " "
                                    <button class="secondary" data-testid="restore-deleted"
                                        on:click=move |_| bring_back(id.clone(), version)>"Restore"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </section>
    }
}

/// A panel's open/close handler that (re)loads its content each time it opens.
fn toggle_loading(
    open: RwSignal<bool>,
    load: impl Fn() + Copy + 'static,
) -> impl Fn(leptos::ev::MouseEvent) + Copy {
    move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            load();
        }
    }
}

/// Restore `id` to `version` as a tracked save, then reload the panel that asked.
fn restore_then(
    sync_state: crate::client::RealtimeSync,
    spec: &'static CollectionSpec,
    id: String,
    version: i64,
    reload: impl Fn() + 'static,
) {
    spawn_local(async move {
        let _ = sync_state
            .track(restore(spec.name.to_string(), id, version))
            .await;
        reload();
    });
}

pub(super) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
