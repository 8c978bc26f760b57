//! The focused editor of one record, in the drawer: its fields, a save bar (Enter or
//! Ctrl/Cmd+S save too), the conflict panel as soon as someone else saves a field being
//! typed, publish and delete in the "⋯" menu, the record deleted under the editor, and its
//! history.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};

use crate::client::list::{id_of, version_of, Item};
use crate::client::use_realtime_sync;
use crate::content::ui::specs::CollectionSpec;
use crate::core::error::AppError;
use crate::core::merge::{FieldConflict, RecordEdit};
use crate::core::wire::{SyncOp, SyncOutcome};
use crate::engine::api::{restore, sync};
use crate::i18n::*;
use crate::widgets::dialog::use_confirm;
use crate::widgets::toast::{use_toasts, ToastKind};

use super::conflict_panel::ConflictPanel;
use super::history_panel::HistoryPanel;
use super::map_field::MapField;
use super::{Editing, Filter, Gone};

/// The editor of the record `key` (its id, or `new-N` for one not saved yet). `on_close`
/// closes the drawer; `on_created` is told the id a new record was saved under.
#[component]
pub(super) fn RecordEditor(
    spec: &'static CollectionSpec,
    list: RwSignal<Vec<Item>>,
    editing: RwSignal<HashMap<String, Editing>>,
    new_keys: RwSignal<Vec<String>>,
    gone: RwSignal<HashMap<String, Gone>>,
    filter: RwSignal<Filter>,
    /// Records with a save waiting to be sent.
    pending: Signal<std::collections::HashSet<String>>,
    key: String,
    on_close: Callback<()>,
    on_created: Callback<String>,
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
    let confirm = use_confirm();
    let busy = RwSignal::new(false);

    let set_field = move |field: &'static str, value: Value| {
        let base = stored.get_untracked().unwrap_or_default();
        key.with_value(|k| {
            editing.update(|e| {
                let ed = e.entry(k.clone()).or_insert_with(|| Editing {
                    base: base.clone(),
                    draft: base,
                    conflicts: Vec::new(),
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

    // The conflicts to settle: those the server answered the last save with, and those seen
    // live while typing.
    let conflicts = Memo::new(move |_| {
        let mut all = match error.get() {
            Some(AppError::Conflict(c)) => c,
            _ => Vec::new(),
        };
        key.with_value(|k| {
            editing.with(|e| {
                for c in e.get(k).map(|ed| ed.conflicts.clone()).unwrap_or_default() {
                    if !all.iter().any(|a| a.field == c.field) {
                        all.push(c);
                    }
                }
            })
        });
        all
    });
    // A conflict settled: whichever value the editor chose, they have now seen theirs, so the
    // save that follows writes the choice on purpose.
    let settle = move |field: &str| {
        let k = key.get_value();
        let theirs = conflicts.with_untracked(|c| {
            c.iter()
                .find(|c| c.field == field)
                .map(|c| c.theirs.clone())
        });
        editing.update(|e| {
            if let Some(ed) = e.get_mut(&k) {
                ed.conflicts.retain(|c| c.field != field);
                if let Some(theirs) = theirs {
                    ed.base.insert(field.to_string(), theirs);
                }
            }
        });
        error.update(|e| {
            if let Some(AppError::Conflict(c)) = e {
                c.retain(|c| c.field != field);
                if c.is_empty() {
                    *e = None;
                }
            }
        });
    };

    // Nothing is saved over a value the editor has not chosen to replace.
    let settled = move || conflicts.with(Vec::is_empty);
    let save_now = move || {
        if busy.get_untracked() || !dirty() || !savable() || !settled() {
            return;
        }
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
                // The editor keeps the text; the feed brings the stored version when it is sent.
                Ok(None) => {
                    error.set(None);
                    toasts.show(ToastKind::Info, tu_string!(i18n, content.save.queued));
                }
                Ok(Some(r)) => {
                    error.set(None);
                    // The save button goes disabled: the focus goes to the record's title
                    // rather than to nowhere.
                    focus_title();
                    if r.outcome == SyncOutcome::Saved {
                        toasts.show(ToastKind::Success, tu_string!(i18n, content.save.saved));
                    } else {
                        toasts.show(ToastKind::Info, tu_string!(i18n, content.save.unchanged));
                    }
                    editing.update(|e| {
                        e.remove(&k);
                    });
                    if is_new {
                        // The created event puts the record in the list; the answer may come
                        // first.
                        if let Some(record) = r.record.as_ref().and_then(Value::as_object) {
                            list.update(|l| {
                                crate::client::list::apply_event(
                                    l,
                                    &created_event(spec.name, record),
                                );
                            });
                            on_created.run(id_of(record).to_string());
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
                    if let AppError::Validation(list) = &e {
                        if let Some(first) = list.iter().find(|p| spec.has_field(&p.field)) {
                            crate::widgets::field::focus_field(
                                "[data-testid=\"editor\"]",
                                first.field.clone(),
                            );
                        }
                    }
                    // One message, at the fields when they are on screen.
                    if !matches!(e, AppError::Validation(_)) {
                        let error_text = e.to_string();
                        toasts.show(
                            ToastKind::Error,
                            tu_string!(i18n, content.save.not_saved, error = error_text)
                                .to_string(),
                        );
                    }
                    error.set(Some(e));
                }
            }
        });
    };

    // Enter in a one-line field saves, and Ctrl/Cmd+S anywhere in the editor.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let save_key = (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s");
        let enter_in_field = ev.key() == "Enter"
            && !ev.shift_key()
            && event_target::<leptos::web_sys::Element>(&ev)
                .tag_name()
                .eq_ignore_ascii_case("input");
        if save_key || enter_in_field {
            ev.prevent_default();
            save_now();
        }
    };

    let discard = move |_| {
        let k = key.get_value();
        editing.update(|e| {
            e.remove(&k);
        });
        if is_new {
            new_keys.update(|keys| keys.retain(|x| *x != k));
            on_close.run(());
        }
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

    let delete = move |_| {
        let Some(base) = stored.get_untracked() else {
            return;
        };
        let label = base
            .get(spec.label_field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let question = tu_string!(i18n, content.card.confirm_delete, label).to_string();
        let yes = tu_string!(i18n, content.card.delete).to_string();
        let id = id_of(&base).to_string();
        spawn_local(async move {
            if !confirm.ask(question, yes, true).await {
                return;
            }
            // Deleting is a choice about the whole record, unsaved changes included.
            editing.update(|e| {
                e.remove(&id);
            });
            on_close.run(());
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
                Ok(Some(_)) => {
                    toasts.show(ToastKind::Success, tu_string!(i18n, content.save.deleted))
                }
                Err(e) => toasts.show(ToastKind::Error, e.to_string()),
            }
        });
    };

    // Bring the record back as this editor last saw it, then save the changes on top.
    let recreate_mine = move |_| {
        let k = key.get_value();
        let Some(version) = editing.with_untracked(|e| e.get(&k).map(|ed| version_of(&ed.base)))
        else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let result = sync_state
                .track(restore(spec.name.to_string(), k.clone(), version))
                .await;
            busy.set(false);
            match result {
                Ok(_) => {
                    error.set(None);
                    gone.update(|g| {
                        g.remove(&k);
                    });
                    save_now();
                }
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
        on_close.run(());
    };

    // The "⋯" menu folds again once an action is chosen.
    let more = NodeRef::<leptos::html::Details>::new();
    let fold_menu = move |_| {
        if let Some(menu) = more.get() {
            menu.set_open(false);
        }
    };
    let has_published = spec.has_field("published");
    let label = move || {
        current()
            .get(spec.label_field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let title = move || {
        let name = label();
        if name.is_empty() {
            (spec.add)(i18n.get_locale()).to_string()
        } else {
            name
        }
    };
    let published = move || {
        stored
            .get()
            .and_then(|m| m.get("published").and_then(Value::as_bool))
            .unwrap_or(false)
    };
    let status = move || {
        if is_gone() {
            t_string!(i18n, content.editor.status_deleted)
        } else if busy.get() {
            t_string!(i18n, content.save.saving)
        } else if key.with_value(|k| pending.with(|p| p.contains(k))) {
            t_string!(i18n, content.editor.status_pending)
        } else if dirty() {
            t_string!(i18n, content.editor.status_unsaved)
        } else {
            t_string!(i18n, content.editor.status_saved)
        }
    };

    view! {
        <div class="record-editor" data-testid="editor" data-label=label data-new=is_new.to_string()
            data-gone=move || is_gone().to_string() data-dirty=move || dirty().to_string()
            data-published=move || published().to_string() on:keydown=on_keydown>
            <header class="drawer-header">
                <h2 class="drawer-title" id="editor-title" tabindex="-1">{title}</h2>
                {has_published.then(|| view! {
                    <span class=move || if published() { "chip ok" } else { "chip" } data-testid="editor-status">
                        {move || if published() { t_string!(i18n, content.editor.published) } else { t_string!(i18n, content.editor.draft) }}
                    </span>
                })}
                <button type="button" class="quiet icon-button" data-testid="close-editor"
                    aria-label=move || t_string!(i18n, content.editor.close) title=move || t_string!(i18n, content.editor.close)
                    on:click=move |_| on_close.run(())>
                    <span class="icon icon-close" aria-hidden="true"></span>
                </button>
            </header>
            <div class="drawer-body">
                {move || deleted_by.get().map(|who| view! {
                    <div class="banner warning" role="status" data-testid="deleted-under-edit">
                        <p>{if who.is_empty() {
                            t!(i18n, content.card.deleted_while_away).into_any()
                        } else {
                            t!(i18n, content.card.deleted_under_edit, who = who.clone()).into_any()
                        }}</p>
                        <div class="banner-actions">
                            <button type="button" data-testid="restore-with-edits" on:click=recreate_mine disabled=move || busy.get()>
                                {t!(i18n, content.card.restore_with_edits)}
                            </button>
                            <button type="button" class="secondary" data-testid="abandon" on:click=abandon>{t!(i18n, content.card.abandon)}</button>
                        </div>
                    </div>
                })}
                {move || kept_by_filter().then(|| view! {
                    <p class="banner info" data-testid="kept-by-filter">{t!(i18n, content.card.kept_by_filter)}</p>
                })}
                {move || {
                    let list = conflicts.get();
                    (!list.is_empty()).then(|| view! {
                        <ConflictPanel spec conflicts=list
                            on_use_theirs=Callback::new(move |(field, theirs): (String, Value)| {
                                key.with_value(|k| editing.update(|e| {
                                    if let Some(ed) = e.get_mut(k) {
                                        ed.draft.insert(field.clone(), theirs);
                                    }
                                }));
                                settle(&field);
                            })
                            on_keep_mine=Callback::new(move |field: String| settle(&field))/>
                    })
                }}
                {spec.record_actions.filter(|_| !is_new).map(|actions| {
                    let id = key.get_value();
                    let stored = {
                        let id = id.clone();
                        Signal::derive(move || list.with(|l| l.iter().find(|m| crate::client::list::id_of(m) == id).cloned()))
                    };
                    actions(id, stored)
                })}
                <div class="fields">
                    {spec.fields.iter().map(|f| {
                        let f = *f;
                        let value = Signal::derive(move || current().get(f.name).cloned().unwrap_or(Value::Null));
                        let message = Signal::derive(move || {
                            error.with(|e| e.as_ref().and_then(|e| e.field_message(f.name)))
                                .or_else(|| problems.with(|p| p.iter().find(|p| p.field == f.name).map(|p| p.message.clone())))
                        });
                        let error_id = key.with_value(|k| format!("editor-{k}-{}-error", f.name));
                        let on_unreadable = Callback::new(move |bad: bool| unreadable.update(|u| {
                            if bad { u.insert(f.name); } else { u.remove(f.name); }
                        }));
                        view! { <MapField collection=spec spec=f value message creating=is_new error_id on_unreadable on_change=Callback::new(move |v| set_field(f.name, v))/> }
                    }).collect_view()}
                </div>
                // A message no field shows: a rule on a field the editor does not show, or an
                // error that is not about fields. Field errors are at their fields only.
                <p class="form-error" role="alert" data-testid="item-error">
                    {move || match error.get() {
                        Some(AppError::Validation(list)) => list.iter().find(|p| !spec.has_field(&p.field)).map(|p| p.message.clone()),
                        Some(AppError::Conflict(_)) => None,
                        Some(e) => Some(e.to_string()),
                        None => problems.with(|p| p.iter().find(|p| !spec.has_field(&p.field)).map(|p| p.message.clone())),
                    }}
                </p>
                {(!is_new).then(|| view! { <HistoryPanel spec key=key.get_value()/> })}
            </div>
            <footer class="drawer-footer" hidden=is_gone>
                <button type="button" data-testid="save-item" on:click=move |_| save_now() disabled=move || busy.get() || !dirty() || !savable() || !settled()>
                    {move || if busy.get() {
                        t_string!(i18n, content.save.saving)
                    } else if is_new {
                        t_string!(i18n, content.save.create)
                    } else {
                        t_string!(i18n, content.save.save)
                    }}
                </button>
                <button type="button" class="secondary" data-testid="discard" on:click=discard hidden=move || !dirty()>
                    {t!(i18n, content.save.discard)}
                </button>
                <span class="save-status" data-testid="save-status" role="status">{status}</span>
                {(!is_new).then(|| view! {
                    <details class="more-menu" node_ref=more>
                        <summary data-testid="more" aria-label=move || t_string!(i18n, content.editor.more) title=move || t_string!(i18n, content.editor.more)>
                            <span class="icon icon-more" aria-hidden="true"></span>
                        </summary>
                        <div class="menu-panel" role="group" on:click=fold_menu>
                            {has_published.then(|| view! {
                                <button type="button" class="quiet" data-testid="toggle-published" on:click=toggle_published>
                                    {move || if published() {
                                        t_string!(i18n, content.card.unpublish)
                                    } else {
                                        t_string!(i18n, content.card.publish)
                                    }}
                                </button>
                            })}
                            <button type="button" class="quiet danger-text" data-testid="delete" on:click=delete>{t!(i18n, content.card.delete)}</button>
                        </div>
                    </details>
                })}
            </footer>
        </div>
    }
    // Erasing the editor's type keeps the page's view type shallow enough to compile.
    .into_any()
}

/// Put the keyboard focus on the open record's title (after a save, or a new record saved).
fn focus_title() {
    #[cfg(feature = "hydrate")]
    set_timeout(
        || {
            use wasm_bindgen::JsCast;
            if let Some(title) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("editor-title"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = title.focus();
            }
        },
        std::time::Duration::from_millis(50),
    );
}

/// The conflicts the feed found while this editor typed, kept with the draft.
pub(super) fn merge_conflicts(kept: &mut Vec<FieldConflict>, found: Vec<FieldConflict>) {
    for c in found {
        kept.retain(|k| k.field != c.field);
        kept.push(c);
    }
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
