//! The backoffice editor for any content collection: list, create, edit, reorder,
//! publish / unpublish, delete with confirmation, history and restore. Works on records'
//! JSON form, driven by a [`CollectionSpec`].

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use serde_json::{json, Value};

use crate::client::list::{id_of, use_live_list, version_of, Item};
use crate::client::{use_live_feed, use_realtime_sync};
use crate::content::ui::specs::{money_text, parse_money, CollectionSpec, FieldKind, FieldSpec};
use crate::core::error::AppError;
use crate::core::merge::{rebase_maps, RecordEdit};
use crate::core::time::{now_ms, relative_time, Lang};
use crate::core::wire::{DeletedRecord, HistoryEntry, Snapshot, SyncOp, SyncOutcome};
use crate::engine::api::{deleted, history, restore, staff_list, sync, sync_list};
use crate::identity::ui::layout::AdminLayout;
use crate::widgets::dialog::confirm;

/// A record being edited: the stored version it started from and what the editor typed.
#[derive(Clone, Debug, PartialEq)]
struct Editing {
    base: Item,
    draft: Item,
}

#[component]
pub fn CollectionAdminPage(spec: &'static CollectionSpec) -> impl IntoView {
    let snapshot = Resource::new(|| (), move |_| staff_list(spec.name.to_string()));
    view! {
        <AdminLayout>
            <Title text=format!("{} · Courant", spec.title)/>
            <h1>{spec.title}</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => view! { <CollectionEditor spec snap/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn CollectionEditor(spec: &'static CollectionSpec, snap: Snapshot<Vec<Value>>) -> impl IntoView {
    let list = use_live_list(spec.name, snap);
    let editing = RwSignal::new(HashMap::<String, Editing>::new());
    let new_keys = RwSignal::new(Vec::<String>::new());
    // The page's filter; derived from the live list, so records move in and out of view as
    // others publish or unpublish them.
    let filter = RwSignal::new(Filter::All);
    let visible_ids = move || {
        list.with(|l| {
            l.iter()
                .filter(|m| filter.get().keeps(m))
                .map(|m| id_of(m).to_string())
                .collect::<Vec<_>>()
        })
    };
    let next_new = StoredValue::new(0u32);

    // Someone else's save arrives while this editor has unsaved changes to the same record:
    // take their values for untouched fields, keep what is being typed.
    use_live_feed().on_change(move |event| {
        if event.collection != spec.name {
            return;
        }
        let Some(incoming) = event.data.as_ref().and_then(Value::as_object) else {
            return;
        };
        editing.update(|e| {
            if let Some(ed) = e.get_mut(&event.record_id) {
                if version_of(incoming) > version_of(&ed.base) {
                    let (b, d) =
                        rebase_maps(&ed.base, &ed.draft, incoming, |f| spec.is_editable(f));
                    *ed = Editing { base: b, draft: d };
                }
            }
        });
    });

    let add = move |_| {
        let n = next_new.get_value() + 1;
        next_new.set_value(n);
        let key = format!("new-{n}");
        let blank = (spec.blank)().as_object().cloned().unwrap_or_default();
        editing.update(|e| {
            e.insert(
                key.clone(),
                Editing {
                    base: blank.clone(),
                    draft: blank,
                },
            );
        });
        new_keys.update(|k| k.push(key));
    };

    view! {
        <div class="collection">
            <button class="add" data-testid="add" on:click=add>{format!("Add a {}", spec.singular)}</button>
            {spec.has_field("published").then(|| view! {
                <label class="filter">
                    "Show "
                    <select data-testid="filter" on:change=move |ev| filter.set(Filter::parse(&event_target_value(&ev)))>
                        <option value="all">"all"</option>
                        <option value="published">"published only"</option>
                        <option value="drafts">"drafts only"</option>
                    </select>
                </label>
            })}
            <ul class="cards">
                <For each=move || new_keys.get() key=|k| k.clone() let:key>
                    <ItemCard spec list editing new_keys key/>
                </For>
                <For each=visible_ids key=|id| id.clone() let:id>
                    <ItemCard spec list editing new_keys key=id/>
                </For>
            </ul>
            <p class="empty" data-testid="empty">
                {move || (list.with(Vec::is_empty) && new_keys.with(Vec::is_empty)).then(|| format!("No {} yet.", spec.title.to_lowercase()))}
            </p>
            <DeletedPanel spec/>
        </div>
    }
}

/// Which records the editor lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Published,
    Drafts,
}

impl Filter {
    fn parse(value: &str) -> Self {
        match value {
            "published" => Filter::Published,
            "drafts" => Filter::Drafts,
            _ => Filter::All,
        }
    }

    fn keeps(self, item: &Item) -> bool {
        let published = item
            .get("published")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match self {
            Filter::All => true,
            Filter::Published => published,
            Filter::Drafts => !published,
        }
    }
}

/// One record: its fields, and the actions on it. `key` is the record id, or `new-N` for a
/// record not saved yet.
#[component]
fn ItemCard(
    spec: &'static CollectionSpec,
    list: RwSignal<Vec<Item>>,
    editing: RwSignal<HashMap<String, Editing>>,
    new_keys: RwSignal<Vec<String>>,
    key: String,
) -> impl IntoView {
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
    let notice = RwSignal::new(None::<String>);
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
            editing.with(|e| {
                e.get(k).is_some_and(|ed| {
                    is_new
                        || !RecordEdit::between_maps_by(k, 0, &ed.base, ed.draft.clone(), |f| {
                            spec.is_editable(f)
                        })
                        .is_empty()
                })
            })
        })
    };

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
            let result = sync_state
                .track(sync(spec.name.to_string(), op, payload, Default::default()))
                .await;
            busy.set(false);
            match result {
                Ok(r) => {
                    error.set(None);
                    notice.set(Some(if r.outcome == SyncOutcome::Saved {
                        "Saved.".into()
                    } else {
                        "Already up to date.".into()
                    }));
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
                    error.set(Some(AppError::Conflict(conflicts)));
                }
                Err(e) => error.set(Some(e)),
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
        if !confirm(&format!(
            "Delete “{label}”? You can restore it from its history later."
        )) {
            return;
        }
        let id = id_of(&base).to_string();
        spawn_local(async move {
            if let Err(e) = sync_state
                .track(sync(
                    spec.name.to_string(),
                    SyncOp::Delete,
                    json!({ "id": id }),
                    Default::default(),
                ))
                .await
            {
                error.set(Some(e));
            }
        });
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
            data-published=move || published().to_string()>
            <div class="card-fields">
                {spec.fields.iter().map(|f| {
                    let f = *f;
                    let value = Signal::derive(move || current().get(f.name).cloned().unwrap_or(Value::Null));
                    let message = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(f.name))));
                    view! { <MapField spec=f value message creating=is_new on_change=Callback::new(move |v| set_field(f.name, v))/> }
                }).collect_view()}
            </div>
            <div class="card-actions">
                <button data-testid="save-item" on:click=save disabled=move || busy.get() || !dirty()>
                    {move || if busy.get() { "Saving…" } else if is_new { "Create" } else { "Save" }}
                </button>
                {move || dirty().then(|| view! { <button class="secondary" on:click=cancel>"Discard"</button> })}
                {(!is_new).then(|| view! {
                    {has_published.then(|| view! {
                        <button class="secondary" data-testid="toggle-published" on:click=toggle_published>
                            {move || if published() { "Unpublish" } else { "Publish" }}
                        </button>
                    })}
                    <button class="secondary" title="Move up" aria-label="Move up" data-testid="move-up" on:click=move |_| move_by(-1)>"↑"</button>
                    <button class="secondary" title="Move down" aria-label="Move down" data-testid="move-down" on:click=move |_| move_by(1)>"↓"</button>
                    <button class="danger" data-testid="delete" on:click=delete>"Delete"</button>
                    <HistoryPanel spec key=key.get_value()/>
                })}
            </div>
            <p class="form-error" role="alert" data-testid="item-error">{move || error.get().map(|e| e.to_string())}</p>
            {move || match error.get() {
                Some(AppError::Conflict(conflicts)) => Some(view! {
                    <section class="conflicts" role="group" aria-label="Conflicting changes" data-testid="conflicts">
                        <h3>"Someone else changed the same fields. Choose, then save again:"</h3>
                        {conflicts.into_iter().map(|c| {
                            let field = c.field.clone();
                            let theirs = c.theirs.clone();
                            let resolved = RwSignal::new(None::<&'static str>);
                            let use_theirs = move |_| {
                                let field = field.clone();
                                let theirs = theirs.clone();
                                key.with_value(|k| editing.update(|e| {
                                    if let Some(ed) = e.get_mut(k) {
                                        ed.draft.insert(field, theirs);
                                    }
                                }));
                                resolved.set(Some("theirs"));
                            };
                            view! {
                                <div class="conflict" data-field=c.field.clone()>
                                    <strong>{c.field.clone()}</strong>
                                    <span>" theirs: " <q data-testid="theirs">{show(&c.theirs)}</q></span>
                                    <span>" yours: " <q data-testid="mine">{show(&c.mine)}</q></span>
                                    <button class="secondary" data-testid="keep-mine" on:click=move |_| resolved.set(Some("mine"))>"Keep mine"</button>
                                    <button class="secondary" data-testid="use-theirs" on:click=use_theirs>"Use theirs"</button>
                                    <span class="resolved">{move || resolved.get().map(|r| format!("✓ {r}"))}</span>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                }),
                _ => None,
            }}
            <p class="notice" role="status">{move || notice.get()}</p>
        </li>
    }
    // Erasing the card's type keeps the editor's view type shallow enough to compile.
    .into_any()
}

#[component]
fn MapField(
    spec: FieldSpec,
    value: Signal<Value>,
    message: Signal<Option<String>>,
    creating: bool,
    on_change: Callback<Value>,
) -> impl IntoView {
    let text = move || match value.get() {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let invalid_money = RwSignal::new(false);
    let kind = match spec.kind {
        FieldKind::CreateOnly if creating => FieldKind::Text,
        FieldKind::CreateOnly => FieldKind::ReadOnly,
        k => k,
    };
    let control = match kind {
        FieldKind::Text | FieldKind::Email | FieldKind::Url => {
            let input_type = match kind {
                FieldKind::Email => "email",
                FieldKind::Url => "url",
                _ => "text",
            };
            view! { <input type=input_type name=spec.name prop:value=text aria-invalid=move || message.get().is_some().to_string()
                on:input=move |ev| on_change.run(Value::String(event_target_value(&ev)))/> }
            .into_any()
        }
        FieldKind::LongText => view! {
            <textarea name=spec.name rows="3" prop:value=text aria-invalid=move || message.get().is_some().to_string()
                on:input=move |ev| on_change.run(Value::String(event_target_value(&ev)))></textarea>
        }
        .into_any(),
        FieldKind::Money => view! {
            <input type="text" inputmode="decimal" name=spec.name
                prop:value=move || money_text(value.get().as_i64().unwrap_or(0))
                on:change=move |ev| match parse_money(&event_target_value(&ev)) {
                    Some(cents) => { invalid_money.set(false); on_change.run(Value::from(cents)) }
                    None => invalid_money.set(true),
                }/>
        }
        .into_any(),
        FieldKind::Toggle => view! {
            <input type="checkbox" name=spec.name prop:checked=move || value.get().as_bool().unwrap_or(false)
                on:change=move |ev| on_change.run(Value::Bool(event_target_checked(&ev)))/>
        }
        .into_any(),
        FieldKind::ReadOnly | FieldKind::CreateOnly => view! { <output name=spec.name>{text}</output> }.into_any(),
    };
    view! {
        <label class="field">
            <span>{spec.label}</span>
            {control}
            <span class="field-error">
                {move || invalid_money.get().then_some("Enter a price like 4.50.")}
                {move || message.get()}
            </span>
        </label>
    }
}

#[component]
fn HistoryPanel(spec: &'static CollectionSpec, key: String) -> impl IntoView {
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
                                        " · " {e.actor} " · " {relative_time(now, e.at, Lang::En)}
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
fn DeletedPanel(spec: &'static CollectionSpec) -> impl IntoView {
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
                                    " · deleted by " {d.deleted_by} " · " {relative_time(now, d.deleted_at, Lang::En)} " "
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

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_keeps_what_it_names() {
        let item = |published: bool| {
            json!({ "published": published })
                .as_object()
                .unwrap()
                .clone()
        };
        let no_field = json!({ "name": "Ada" }).as_object().unwrap().clone();
        assert!(
            Filter::parse("published").keeps(&item(true)) && !Filter::Published.keeps(&item(false))
        );
        assert!(Filter::parse("drafts").keeps(&item(false)) && !Filter::Drafts.keeps(&item(true)));
        assert!(Filter::parse("anything").keeps(&item(false)) && Filter::All.keeps(&no_field));
    }
}
