//! One record's card: its fields, save (merged, with the conflict panel when someone else
//! saved the same fields), publish, reorder, delete, and its history.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};

use crate::client::list::{id_of, version_of, Item};
use crate::client::use_realtime_sync;
use crate::content::ui::specs::CollectionSpec;
use crate::core::error::AppError;
use crate::core::merge::RecordEdit;
use crate::core::wire::{SyncOp, SyncOutcome};
use crate::engine::api::{restore, sync, sync_list};
use crate::i18n::*;
use crate::widgets::dialog::confirm;
use crate::widgets::toast::{use_toasts, ToastKind};

use super::conflict_panel::ConflictPanel;
use super::history_panel::HistoryPanel;
use super::map_field::MapField;
use super::{Editing, Filter, Gone};

/// One record: its fields, and the actions on it. `key` is the record id, or `new-N` for a
/// record not saved yet.
#[component]
pub(super) fn ItemCard(
    spec: &'static CollectionSpec,
    list: RwSignal<Vec<Item>>,
    editing: RwSignal<HashMap<String, Editing>>,
    new_keys: RwSignal<Vec<String>>,
    gone: RwSignal<HashMap<String, Gone>>,
    filter: RwSignal<Filter>,
    key: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_new = key.starts_with("new-");
    let key = StoredValue::new(key);
    let stored = Memo::new(move |_| {
        key.with_value(|k| list.with(|l| l.iter().find(|m| id_of(m) == k).cloned()))
    });
    let current = move || {
        key.with_value(|k| editing.with(|e| e.get(k).map(|ed| ed.draft.clone())))
            .or_else(|| stored.get())
            .unwrap_or_default()
    };
    let error = RwSignal::new(None::<AppError>);
    let toasts = use_toasts();
    let sync_state = use_realtime_sync();
    let busy = RwSignal::new(false);

    let set_field = move |field: &'static str, value: Value| {
        let base = stored.get_untracked().unwrap_or_default();
        key.with_value(|k| {
            editing.update(|e| {
                let ed = e.entry(k.clone()).or_insert_with(|| Editing {
                    base: base.clone(),
                    draft: base,
                });
                ed.draft.insert(field.to_string(), value);
            })
        });
    };
    let dirty = move || {
        key.with_value(|k| {
            editing.with(|e| e.get(k).is_some_and(|ed| is_new || ed.has_edits(spec)))
        })
    };
    let deleted_by =
        Memo::new(move |_| key.with_value(|k| gone.with(|g| g.get(k).map(|g| g.by.clone()))));
    let is_gone = move || deleted_by.with(Option::is_some);
    // Shown only because it is being edited: the filter alone would hide it.
    let kept_by_filter =
        move || stored.with(|m| m.as_ref().is_some_and(|m| !filter.get().keeps(m)));

    // The rules the server applies, run as the editor types: a draft it would refuse, or a
    // field whose text cannot be read, cannot be sent.
    let problems = Memo::new(move |_| {
        if dirty() {
            (spec.validate)(&current())
        } else {
            Vec::new()
        }
    });
    let unreadable = RwSignal::new(std::collections::BTreeSet::<&'static str>::new());
    let savable = move || problems.with(Vec::is_empty) && unreadable.with(|u| u.is_empty());

    let save = move |_| {
        let Some(ed) = key.with_value(|k| editing.with_untracked(|e| e.get(k).cloned())) else {
            return;
        };
        let k = key.get_value();
        busy.set(true);
        spawn_local(async move {
            let (op, payload) = if is_new {
                (SyncOp::Create, Value::Object(ed.draft.clone()))
            } else {
                let edit = RecordEdit::between_maps_by(
                    &k,
                    version_of(&ed.base),
                    &ed.base,
                    ed.draft.clone(),
                    |f| spec.is_editable(f),
                );
                (
                    SyncOp::Update,
                    serde_json::to_value(edit).unwrap_or_default(),
                )
            };
            // A new record is sent now or fails: queued, it would show twice once it arrives.
            let result = if is_new {
                sync_state
                    .track(sync(spec.name.to_string(), op, payload, Default::default()))
                    .await
                    .map(Some)
            } else {
                let send = sync(
                    spec.name.to_string(),
                    op,
                    payload.clone(),
                    Default::default(),
                );
                sync_state.save_or_queue(send, spec.name, op, payload).await
            };
            busy.set(false);
            match result {
                // The card keeps the text; the feed brings the stored version when it is sent.
                Ok(None) => {
                    error.set(None);
                    toasts.show(ToastKind::Info, tu_string!(i18n, content.save.queued));
                }
                Ok(Some(r)) => {
                    error.set(None);
                    if r.outcome == SyncOutcome::Saved {
                        toasts.show(ToastKind::Success, tu_string!(i18n, content.save.saved));
                    } else {
                        toasts.show(ToastKind::Info, tu_string!(i18n, content.save.unchanged));
                    }
                    editing.update(|e| {
                        e.remove(&k);
                    });
                    if is_new {
                        // The created event puts the record in the list.
                        if let Some(record) = r.record.as_ref().and_then(Value::as_object) {
                            list.update(|l| {
                                crate::client::list::apply_event(
                                    l,
                                    &created_event(spec.name, record),
                                );
                            });
                        }
                        new_keys.update(|keys| keys.retain(|x| *x != k));
                    }
                }
                Err(AppError::Conflict(conflicts)) => {
                    // Base the conflicting fields on the other person's values, so that saving
                    // again keeps this editor's text on purpose.
                    editing.update(|e| {
                        if let Some(ed) = e.get_mut(&k) {
                            for c in &conflicts {
                                ed.base.insert(c.field.clone(), c.theirs.clone());
                            }
                        }
                    });
                    toasts.show(ToastKind::Error, tu_string!(i18n, content.save.conflict));
                    error.set(Some(AppError::Conflict(conflicts)));
                }
                Err(e) => {
                    let error_text = e.to_string();
                    toasts.show(
                        ToastKind::Error,
                        tu_string!(i18n, content.save.not_saved, error = error_text).to_string(),
                    );
                    error.set(Some(e));
                }
            }
        });
    };

    let cancel = move |_| {
        let k = key.get_value();
        editing.update(|e| {
            e.remove(&k);
        });
        new_keys.update(|keys| keys.retain(|x| *x != k));
        error.set(None);
        unreadable.update(|u| u.clear());
    };

    let toggle_published = move |_| {
        let Some(base) = stored.get_untracked() else {
            return;
        };
        let published = base
            .get("published")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let edit = json!({ "id": id_of(&base), "base_version": version_of(&base),
            "changes": { "published": { "from": published, "to": !published } } });
        // Queued: survives a lost connection or a reload, and is sent in order.
        sync_state.queue_sync(spec.name, SyncOp::Update, edit);
    };

    let move_by = move |step: isize| {
        let items = list.get_untracked();
        let k = key.get_value();
        let Some(i) = items.iter().position(|m| id_of(m) == k) else {
            return;
        };
        let j = i as isize + step;
        if j < 0 || j as usize >= items.len() {
            return;
        }
        let (first, second) = if step < 0 {
            (i, j as usize)
        } else {
            (j as usize, i)
        };
        let pair = vec![
            Value::Object(items[first].clone()),
            Value::Object(items[second].clone()),
        ];
        spawn_local(async move {
            if let Err(e) = sync_state
                .track(sync_list(spec.name.to_string(), pair))
                .await
            {
                error.set(Some(e));
            }
        });
    };

    let delete = move |_| {
        let Some(base) = stored.get_untracked() else {
            return;
        };
        let label = base
            .get(spec.label_field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if !confirm(&tu_string!(i18n, content.card.confirm_delete, label).to_string()) {
            return;
        }
        let id = id_of(&base).to_string();
        // Deleting is a choice about the whole record, unsaved changes included.
        editing.update(|e| {
            e.remove(&id);
        });
        spawn_local(async move {
            let payload = json!({ "id": id });
            let send = sync(
                spec.name.to_string(),
                SyncOp::Delete,
                payload.clone(),
                Default::default(),
            );
            match sync_state
                .save_or_queue(send, spec.name, SyncOp::Delete, payload)
                .await
            {
                Ok(None) => toasts.show(ToastKind::Info, tu_string!(i18n, content.save.queued)),
                Ok(Some(_)) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // Bring the record back at the version this editor started from; its created event
    // rebases the draft, so the changes stay, ready to save.
    let restore_mine = move |_| {
        let k = key.get_value();
        let Some(version) = editing.with_untracked(|e| e.get(&k).map(|ed| version_of(&ed.base)))
        else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let result = sync_state
                .track(restore(spec.name.to_string(), k, version))
                .await;
            busy.set(false);
            match result {
                Ok(_) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let abandon = move |_| {
        let k = key.get_value();
        editing.update(|e| {
            e.remove(&k);
        });
        gone.update(|g| {
            g.remove(&k);
        });
        error.set(None);
    };

    let has_published = spec.has_field("published");
    let label = move || {
        current()
            .get(spec.label_field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let published = move || {
        stored
            .get()
            .and_then(|m| m.get("published").and_then(Value::as_bool))
            .unwrap_or(false)
    };

    view! {
        <li class="card" data-testid="card" data-label=label data-new=is_new.to_string()
            data-gone=move || is_gone().to_string()
            data-published=move || published().to_string()>
            <div class="card-fields">
                {spec.fields.iter().map(|f| {
                    let f = *f;
                    let value = Signal::derive(move || current().get(f.name).cloned().unwrap_or(Value::Null));
                    let message = Signal::derive(move || {
                        error.with(|e| e.as_ref().and_then(|e| e.field_message(f.name)))
                            .or_else(|| problems.with(|p| p.iter().find(|p| p.field == f.name).map(|p| p.message.clone())))
                    });
                    let error_id = key.with_value(|k| format!("card-{k}-{}-error", f.name));
                    let on_unreadable = Callback::new(move |bad: bool| unreadable.update(|u| {
                        if bad { u.insert(f.name); } else { u.remove(f.name); }
                    }));
                    view! { <MapField spec=f value message creating=is_new error_id on_unreadable on_change=Callback::new(move |v| set_field(f.name, v))/> }
                }).collect_view()}
            </div>
            {move || deleted_by.get().map(|who| view! {
                <div class="banner warning" role="status" data-testid="deleted-under-edit">
                    <p>{t!(i18n, content.card.deleted_under_edit, who = who.clone())}</p>
                    <button data-testid="restore-with-edits" on:click=restore_mine disabled=move || busy.get()>
                        {t!(i18n, content.card.restore_with_edits)}
                    </button>
                    <button class="secondary" data-testid="abandon" on:click=abandon>{t!(i18n, content.card.abandon)}</button>
                </div>
            })}
            {move || kept_by_filter().then(|| view! {
                <p class="note" data-testid="kept-by-filter">{t!(i18n, content.card.kept_by_filter)}</p>
            })}
            <div class="card-actions" hidden=is_gone>
                <button data-testid="save-item" on:click=save disabled=move || busy.get() || !dirty() || !savable()>
                    {move || if busy.get() {
                        t_string!(i18n, content.save.saving)
                    } else if is_new {
                        t_string!(i18n, content.save.create)
                    } else {
                        t_string!(i18n, content.save.save)
                    }}
                </button>
                {move || dirty().then(|| view! { <button class="secondary" data-testid="discard" on:click=cancel>{t!(i18n, content.save.discard)}</button> })}
                {(!is_new).then(|| view! {
                    {has_published.then(|| view! {
                        <button class="secondary" data-testid="toggle-published" on:click=toggle_published>
                            {move || if published() {
                                t_string!(i18n, content.card.unpublish)
                            } else {
                                t_string!(i18n, content.card.publish)
                            }}
                        </button>
                    })}
                    <button class="secondary" title=move || t_string!(i18n, content.card.move_up)
                        aria-label=move || t_string!(i18n, content.card.move_up)
                        data-testid="move-up" on:click=move |_| move_by(-1)>"↑"</button>
                    <button class="secondary" title=move || t_string!(i18n, content.card.move_down)
                        aria-label=move || t_string!(i18n, content.card.move_down)
                        data-testid="move-down" on:click=move |_| move_by(1)>"↓"</button>
                    <button class="danger" data-testid="delete" on:click=delete>{t!(i18n, content.card.delete)}</button>
                    <HistoryPanel spec key=key.get_value()/>
                })}
            </div>
            <p class="form-error" role="alert" data-testid="item-error">
                {move || error.get().map(|e| e.to_string()).or_else(|| problems.with(|p| {
                    // A rule on a field the card does not show still says why Save is off.
                    p.iter().find(|p| !spec.has_field(&p.field)).map(|p| p.message.clone())
                }))}
            </p>
            {move || match error.get() {
                Some(AppError::Conflict(conflicts)) => Some(view! {
                    <ConflictPanel spec conflicts on_use_theirs=Callback::new(move |(field, theirs): (String, Value)| {
                        key.with_value(|k| editing.update(|e| {
                            if let Some(ed) = e.get_mut(k) {
                                ed.draft.insert(field, theirs);
                            }
                        }));
                    })/>
                }),
                _ => None,
            }}
        </li>
    }
    // Erasing the card's type keeps the editor's view type shallow enough to compile.
    .into_any()
}

fn created_event(collection: &str, record: &Item) -> crate::core::protocol::ChangeEvent {
    crate::core::protocol::ChangeEvent {
        seq: 0,
        collection: collection.to_string(),
        record_id: id_of(record).to_string(),
        op: crate::core::protocol::ChangeOp::Created,
        version: version_of(record),
        data: Some(Value::Object(record.clone())),
        changed: Vec::new(),
        actor: String::new(),
        at: 0,
    }
}
