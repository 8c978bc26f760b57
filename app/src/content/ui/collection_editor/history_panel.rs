//! A record's history with restore, and the collection's deleted records to bring back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::client::use_realtime_sync;
use crate::content::ui::specs::{actor_name, CollectionSpec};
use crate::core::error::AppError;
use crate::core::locale::relative_time;
use crate::core::protocol::ChangeOp;
use crate::core::time::now_ms;
use crate::core::wire::{DeletedRecord, HistoryEntry};
use crate::engine::api::{deleted, history, restore};
use crate::i18n::*;

#[component]
pub(super) fn HistoryPanel(spec: &'static CollectionSpec, key: String) -> impl IntoView {
    let i18n = use_i18n();
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
            <button class="secondary" data-testid="history" aria-expanded=move || open.get().to_string() on:click=on_toggle>{t!(i18n, content.history.button)}</button>
            {move || open.get().then(|| entries.get()).flatten().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(list) => {
                    let latest = list.first().map(|e| e.version).unwrap_or(0);
                    // Retention prunes old changes (and the page shows the latest ones): when
                    // the record's creation is not in the list, say where its history starts.
                    let starts_at = list
                        .last()
                        .filter(|e| e.op != ChangeOp::Created)
                        .map(|e| e.version);
                    view! {
                        <ol data-testid="history-entries">
                            {list.into_iter().map(|e| {
                                let (version, op, at) = (e.version, e.op, e.at);
                                let changes = e.changes;
                                let summary = move || {
                                    let l = i18n.get_locale();
                                    changes.iter().map(|c| {
                                        let field = spec.label_of(&c.field, l);
                                        match op {
                                            ChangeOp::Created => td_string!(l, content.history.change_set, field, value = spec.show_value(&c.field, &c.after, l)).to_string(),
                                            ChangeOp::Deleted => td_string!(l, content.history.change_set, field, value = spec.show_value(&c.field, &c.before, l)).to_string(),
                                            ChangeOp::Updated => td_string!(l, content.history.change_from_to, field, before = spec.show_value(&c.field, &c.before, l), after = spec.show_value(&c.field, &c.after, l)).to_string(),
                                        }
                                    }).collect::<Vec<_>>().join("; ")
                                };
                                let heading = move || match op {
                                    ChangeOp::Created => t_string!(i18n, content.history.created, version).to_string(),
                                    ChangeOp::Updated => t_string!(i18n, content.history.updated, version).to_string(),
                                    ChangeOp::Deleted => t_string!(i18n, content.history.deleted, version).to_string(),
                                };
                                view! {
                                    <li data-version=version>
                                        <strong>{heading}</strong>
                                        " · " {let actor = e.actor.clone(); move || actor_name(&actor, i18n.get_locale())} " · " {move || relative_time(now, at, i18n.get_locale())}
                                        <div class="diff">{summary}</div>
                                        {(version < latest && op != ChangeOp::Deleted).then(|| view! {
                                            <button class="secondary" data-testid="restore" on:click=move |_| restore_to(version)>
                                                {t!(i18n, content.history.restore_version, version)}
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        {starts_at.map(|version| view! {
                            <p class="note" data-testid="history-starts">{t!(i18n, content.history.starts_at, version)}</p>
                        })}
                    }.into_any()
                }
            })}
        </div>
    }
}

/// Deleted records of this collection, each with a button that brings back its last state.
#[component]
pub(super) fn DeletedPanel(spec: &'static CollectionSpec) -> impl IntoView {
    let i18n = use_i18n();
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
                {t!(i18n, content.history.recently_deleted)}
            </button>
            {move || open.get().then(|| items.get()).flatten().map(|r| match r {
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty">{t!(i18n, content.history.nothing_deleted)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul data-testid="deleted-list">
                        {list.into_iter().map(|d| {
                            let label = d.last.get(spec.label_field).map(show).unwrap_or_default();
                            let data_label = label.clone();
                            let (id, version) = (d.id.clone(), d.deleted_version - 1);
                            let (who, at) = (d.deleted_by, d.deleted_at);
                            view! {
                                <li data-label=data_label>
                                    <strong>{label}</strong>
                                    " · " {t!(i18n, content.history.deleted_by, who = who.clone())}
                                    " · " {move || relative_time(now, at, i18n.get_locale())} " "
                                    <button class="secondary" data-testid="restore-deleted"
                                        on:click=move |_| bring_back(id.clone(), version)>{t!(i18n, content.history.restore)}</button>
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
