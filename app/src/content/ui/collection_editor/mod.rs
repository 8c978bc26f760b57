//! The backoffice editor for any content collection: a live table (search, status filter,
//! pages; new rows highlighted, updates in place) and, in a drawer, the focused editor of one
//! record (its own file), with its conflict panel, history and the deleted records to bring
//! back. Nothing typed is lost: drafts stay across reloads, a field being typed that someone
//! else saves is a conflict at once, a record deleted under its editor keeps the text.
//! Works on records' JSON form, driven by a [`CollectionSpec`].

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::list::{id_of, use_live_list, version_of, Item};
use crate::client::{use_live_feed, use_realtime_sync};
use crate::content::ui::specs::CollectionSpec;
use crate::core::merge::{live_conflicts, rebase_maps, FieldConflict, RecordEdit};
use crate::core::protocol::ChangeOp;
use crate::core::time::now_ms;
use crate::core::wire::Snapshot;
use crate::engine::api::{staff_list, sync_list};
use crate::i18n::*;
use crate::identity::ui::layout::{use_signed_in, AdminLayout};
use crate::widgets::dialog::Modal;

mod conflict_panel;
mod drafts;
mod editor;
mod history_panel;
mod map_field;
mod table;

use editor::{merge_conflicts, RecordEditor};
use history_panel::DeletedPanel;
use table::{Pagination, RecordTable, PAGE_SIZE};

/// A record being edited: the stored version it started from, what the editor typed, and the
/// fields someone else saved meanwhile to another value (shown until settled).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Editing {
    pub(super) base: Item,
    pub(super) draft: Item,
    #[serde(default)]
    pub(super) conflicts: Vec<FieldConflict>,
}

impl Editing {
    /// Whether the draft changes a field the editor may write.
    pub(super) fn has_edits(&self, spec: &CollectionSpec) -> bool {
        !RecordEdit::between_maps_by("", 0, &self.base, self.draft.clone(), |f| {
            spec.is_editable(f)
        })
        .is_empty()
    }

    /// Take `incoming` (someone else's newer version): their values for untouched fields,
    /// this editor's where they typed, and a conflict where both changed the same field.
    fn take(&mut self, spec: &CollectionSpec, incoming: &Item) {
        if version_of(incoming) <= version_of(&self.base) {
            return;
        }
        let found = live_conflicts(&self.base, &self.draft, incoming, |f| spec.is_editable(f));
        let (mut base, draft) =
            rebase_maps(&self.base, &self.draft, incoming, |f| spec.is_editable(f));
        // Their value is now what this editor has seen: saving keeps theirs or mine on purpose.
        for c in &found {
            base.insert(c.field.clone(), c.theirs.clone());
        }
        self.base = base;
        self.draft = draft;
        merge_conflicts(&mut self.conflicts, found);
    }
}

/// Someone else deleted a record this editor has unsaved changes to (`by` empty: while the
/// page was closed): the editor keeps the text until it is recreated or abandoned.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Gone {
    pub(super) by: String,
}

/// Reads the page's list again from the server (a desk's "refresh" button).
#[derive(Clone, Copy)]
pub struct RefreshList(pub Callback<()>);

#[component]
pub fn CollectionAdminPage(
    spec: &'static CollectionSpec,
    /// What the feature shows between the title and the list (the orders desk's bar).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), move |_| staff_list(spec.name.to_string()));
    provide_context(RefreshList(Callback::new(move |_| snapshot.refetch())));
    let title = move || (spec.title)(i18n.get_locale());
    view! {
        <AdminLayout read=spec.read write=spec.write>
            <Title text=move || t_string!(i18n, content.editor.page_title, title = title()).to_string()/>
            <h1>{title}</h1>
            {children.map(|c| c())}
            <Suspense fallback=move || view! { <TableSkeleton/> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => view! { <CollectionEditor spec snap/> }.into_any(),
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

/// Grey rows while the list loads.
#[component]
fn TableSkeleton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="skeleton-table" aria-busy="true" aria-label=move || t_string!(i18n, content.loading)>
            {(0..5).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

#[component]
fn CollectionEditor(spec: &'static CollectionSpec, snap: Snapshot<Vec<Value>>) -> impl IntoView {
    let i18n = use_i18n();
    let list = use_live_list(spec.name, snap);
    let editing = RwSignal::new(HashMap::<String, Editing>::new());
    let new_keys = RwSignal::new(Vec::<String>::new());
    let gone = RwSignal::new(HashMap::<String, Gone>::new());
    let sync_state = use_realtime_sync();
    // What waits in the queue shows once this page has hydrated: its code can arrive after
    // the queue was read back from the browser's storage, and hydration must meet the
    // server's markup first (docs/ARCHITECTURE.md, "Build").
    let hydrated = crate::widgets::hydrated::use_hydrated();
    let waiting = sync_state.pending_ids(spec.name);
    let pending = Signal::derive(move || {
        if hydrated.get() {
            waiting.get()
        } else {
            HashSet::new()
        }
    });
    // The record in the drawer (its id, or `new-N`); `?edit=` keeps it across a reload.
    let open =
        RwSignal::new(leptos_router::hooks::use_query_map().with_untracked(|q| q.get("edit")));
    // The page's filter and search; derived from the live list, so records move in and out
    // of view as others change them — except a record being edited, which stays with its
    // text, and a deleted one with unsaved changes, which stays until recreated or abandoned.
    let filter = RwSignal::new(Filter::All);
    // The spec's own filters: the value chosen for each field ("": all).
    let choices = RwSignal::new(HashMap::<&'static str, String>::new());
    let search = RwSignal::new(String::new());
    // An inbox's period: records made in the last N days (0: any time); and its order.
    let period_days = RwSignal::new(0i64);
    let sort = RwSignal::new(Sort::Newest);
    let page = RwSignal::new(0usize);
    let fresh = RwSignal::new(HashSet::<String>::new());
    let matching = Memo::new(move |_| {
        let held = |id: &str| editing.with(|e| e.contains_key(id));
        let (f, words) = (filter.get(), search.get().to_lowercase());
        let chosen = choices.get();
        let since = match period_days.get() {
            0 => i64::MIN,
            days => now_ms() - days * 86_400_000,
        };
        let keeps = |m: &Item| {
            m.get("created_at").and_then(Value::as_i64).unwrap_or(0) >= since
                && chosen.iter().all(|(field, want)| {
                    want.is_empty()
                        || m.get(*field).and_then(Value::as_str).unwrap_or_default() == want
                })
        };
        let mut ids: Vec<String> = list.with(|l| {
            let mut kept: Vec<&Item> = l
                .iter()
                .filter(|m| (f.keeps(m) && keeps(m) && matches(m, &words)) || held(id_of(m)))
                .collect();
            if spec.newest_first {
                let created = |m: &Item| m.get("created_at").and_then(Value::as_i64).unwrap_or(0);
                match sort.get() {
                    Sort::Newest => kept.sort_by_key(|m| std::cmp::Reverse(created(m))),
                    Sort::Oldest => kept.sort_by_key(|m| created(m)),
                    Sort::Updated => kept.sort_by_key(|m| {
                        std::cmp::Reverse(m.get("updated_at").and_then(Value::as_i64).unwrap_or(0))
                    }),
                    Sort::Name => kept.sort_by_cached_key(|m| {
                        m.get(spec.label_field)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_lowercase()
                    }),
                }
            }
            kept.into_iter().map(|m| id_of(m).to_string()).collect()
        });
        let mut lost: Vec<String> =
            gone.with(|g| g.keys().filter(|id| !ids.contains(id)).cloned().collect());
        lost.sort();
        ids.extend(lost);
        ids
    });
    let total = Signal::derive(move || matching.with(Vec::len));
    // Back to the first page when the search or filter changes.
    Effect::new(move |_| {
        filter.track();
        search.track();
        choices.track();
        period_days.track();
        sort.track();
        page.set(0);
    });
    let rows = Signal::derive(move || {
        let start = page.get() * PAGE_SIZE;
        matching.with(|m| m.iter().skip(start).take(PAGE_SIZE).cloned().collect())
    });
    let reorderable =
        Signal::derive(move || filter.get() == Filter::All && search.with(String::is_empty));
    let now = RwSignal::new(now_ms());
    Effect::new(move |_| {
        if let Ok(handle) =
            set_interval_with_handle(move || now.set(now_ms()), std::time::Duration::from_secs(5))
        {
            on_cleanup(move || handle.clear());
        }
    });
    let next_new = StoredValue::new(0u32);

    restore_drafts(spec, list, editing, new_keys, gone, next_new);

    // Someone else's save arrives while this editor has unsaved changes to the same record:
    // take their values for untouched fields, keep what is being typed, show a conflict.
    use_live_feed().on_change(move |event| {
        if event.collection != spec.name {
            return;
        }
        let Some(incoming) = event.data.as_ref().and_then(Value::as_object) else {
            if event.op == ChangeOp::Deleted {
                let id = &event.record_id;
                if editing.with_untracked(|e| e.get(id).is_some_and(|ed| ed.has_edits(spec))) {
                    let by = event.actor.clone();
                    gone.update(|g| {
                        g.insert(id.clone(), Gone { by });
                    });
                } else {
                    editing.update(|e| {
                        e.remove(id);
                    });
                }
            }
            return;
        };
        if event.op == ChangeOp::Created {
            highlight(fresh, event.record_id.clone());
        }
        if gone.with_untracked(|g| g.contains_key(&event.record_id)) {
            gone.update(|g| {
                g.remove(&event.record_id);
            });
        }
        editing.update(|e| {
            if let Some(ed) = e.get_mut(&event.record_id) {
                ed.take(spec, incoming);
                // The stored record now holds everything typed (a queued save arrived): no
                // draft left.
                if !ed.has_edits(spec) && ed.conflicts.is_empty() {
                    e.remove(&event.record_id);
                }
            }
        });
    });

    let show = move |key: Option<String>| {
        open.set(key.clone());
        remember_open(key.as_deref());
    };
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
                    conflicts: Vec::new(),
                },
            );
        });
        new_keys.update(|k| k.push(key.clone()));
        show(Some(key));
    };
    let move_by = Callback::new(move |(id, step): (String, isize)| {
        let items = list.get_untracked();
        let Some(i) = items.iter().position(|m| id_of(m) == id) else {
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
        leptos::task::spawn_local(async move {
            let _ = sync_state
                .track(sync_list(spec.name.to_string(), pair))
                .await;
        });
    });
    let drawer_label = Signal::derive(move || {
        open.get()
            .and_then(|k| {
                editing
                    .with(|e| e.get(&k).map(|ed| ed.draft.clone()))
                    .or_else(|| list.with(|l| l.iter().find(|m| id_of(m) == k).cloned()))
            })
            .and_then(|m| {
                m.get(spec.label_field)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| (spec.add)(i18n.get_locale()).to_string())
    });
    // A new record not saved: its draft stays on the list of drafts, reachable by "Ajouter".
    let unsaved_new = move || new_keys.with(Vec::len);

    view! {
        <div class="collection">
            <div class="toolbar">
                <label class="search">
                    <span class="visually-hidden">{t!(i18n, content.editor.search)}</span>
                    <input type="search" data-testid="search" placeholder=move || t_string!(i18n, content.editor.search_placeholder)
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                </label>
                {spec.has_field("published").then(|| view! {
                    <label class="filter">
                        <span>{t!(i18n, content.editor.show)}</span>
                        <select data-testid="filter" on:change=move |ev| filter.set(Filter::parse(&event_target_value(&ev)))>
                            <option value="all">{t!(i18n, content.editor.filter_all)}</option>
                            <option value="published">{t!(i18n, content.editor.filter_published)}</option>
                            <option value="drafts">{t!(i18n, content.editor.filter_drafts)}</option>
                        </select>
                    </label>
                })}
                {spec.filters.iter().map(|fs| view! { <ChoiceFilter spec fs list choices/> }).collect_view()}
                {spec.newest_first.then(|| view! {
                    <label class="filter">
                        <span>{t!(i18n, content.editor.period)}</span>
                        <select data-testid="filter-period" on:change=move |ev| period_days.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">{t!(i18n, content.editor.period_any)}</option>
                            <option value="1">{t!(i18n, content.editor.period_day)}</option>
                            <option value="7">{t!(i18n, content.editor.period_week)}</option>
                            <option value="30">{t!(i18n, content.editor.period_month)}</option>
                        </select>
                    </label>
                    <label class="filter">
                        <span>{t!(i18n, content.editor.sort)}</span>
                        <select data-testid="sort" on:change=move |ev| sort.set(Sort::parse(&event_target_value(&ev)))>
                            <option value="newest">{t!(i18n, content.editor.sort_newest)}</option>
                            <option value="oldest">{t!(i18n, content.editor.sort_oldest)}</option>
                            <option value="updated">{t!(i18n, content.editor.sort_updated)}</option>
                            <option value="name">{t!(i18n, content.editor.sort_name)}</option>
                        </select>
                    </label>
                })}
                {spec.can_add.then(move || view! {
                    <button type="button" class="add" data-testid="add" on:click=add>{move || (spec.add)(i18n.get_locale())}</button>
                })}
            </div>
            {move || (unsaved_new() > 0).then(|| view! {
                <div class="banner info" data-testid="new-drafts">
                    <span>{t!(i18n, content.editor.new_drafts, n = unsaved_new())}</span>
                    {move || new_keys.get().into_iter().map(|k| {
                        let label = editing.with(|e| e.get(&k).and_then(|ed| ed.draft.get(spec.label_field).and_then(Value::as_str).map(str::to_string)))
                            .filter(|s| !s.is_empty())
                            .unwrap_or_else(|| t_string!(i18n, content.editor.untitled).to_string());
                        view! { <button type="button" class="link" data-testid="open-new-draft" on:click=move |_| show(Some(k.clone()))>{label}</button> }
                    }).collect_view()}
                </div>
            })}
            <RecordTable spec list rows editing pending fresh reorderable now=now.into()
                on_open=Callback::new(move |id| show(Some(id))) on_move=move_by/>
            <Pagination page total/>
            <div class="empty-state" data-testid="empty" hidden=move || total.get() > 0>
                <p>{move || if list.with(Vec::is_empty) {
                    (spec.empty)(i18n.get_locale()).to_string()
                } else {
                    t_string!(i18n, content.editor.no_match).to_string()
                }}</p>
            </div>
            <DeletedPanel spec/>
            <Modal kind="drawer" open=Signal::derive(move || open.with(Option::is_some))
                on_close=Callback::new(move |_| show(None)) label=drawer_label testid="drawer">
                {move || open.get().map(|key| view! {
                    <RecordEditor spec list editing new_keys gone filter pending key
                        on_close=Callback::new(move |_| show(None))
                        on_created=Callback::new(move |id| show(Some(id)))/>
                })}
            </Modal>
        </div>
    }
}

/// A select over one field's values: the spec's, or those found in the list.
#[component]
fn ChoiceFilter(
    spec: &'static CollectionSpec,
    fs: &'static crate::content::ui::specs::FilterSpec,
    list: RwSignal<Vec<Item>>,
    choices: RwSignal<HashMap<&'static str, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = move || -> Vec<(String, String)> {
        let l = i18n.get_locale();
        match fs.options {
            Some(options) => options
                .iter()
                .map(|(v, label)| (v.to_string(), label(l).to_string()))
                .collect(),
            None => {
                let mut found: Vec<String> = list.with(|items| {
                    items
                        .iter()
                        .filter_map(|m| m.get(fs.field).and_then(Value::as_str))
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .collect()
                });
                found.sort();
                found.dedup();
                found.into_iter().map(|v| (v.clone(), v)).collect()
            }
        }
    };
    let _ = spec;
    view! {
        <label class="filter">
            <span>{move || (fs.label)(i18n.get_locale())}</span>
            <select data-testid=format!("filter-{}", fs.field)
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    choices.update(|c| {
                        c.insert(fs.field, value);
                    });
                }>
                <option value="">{t!(i18n, content.editor.filter_all)}</option>
                {move || options().into_iter().map(|(v, label)| view! { <option value=v>{label}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// How an inbox list (newest first by default) is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Newest,
    Oldest,
    /// Last changed first.
    Updated,
    /// By the field that names a record.
    Name,
}

impl Sort {
    fn parse(text: &str) -> Self {
        match text {
            "oldest" => Sort::Oldest,
            "updated" => Sort::Updated,
            "name" => Sort::Name,
            _ => Sort::Newest,
        }
    }
}

/// Whether a record holds every word of the search in one of its texts.
fn matches(item: &Item, words: &str) -> bool {
    words.split_whitespace().all(|w| {
        item.values()
            .any(|v| v.as_str().is_some_and(|s| s.to_lowercase().contains(w)))
    })
}

/// Mark a record as new for a few seconds (its row is highlighted).
fn highlight(fresh: RwSignal<HashSet<String>>, id: String) {
    fresh.update(|f| {
        f.insert(id.clone());
    });
    set_timeout(
        move || {
            fresh.update(|f| {
                f.remove(&id);
            })
        },
        std::time::Duration::from_secs(3),
    );
}

/// Keep the open record in the address (`?edit=`), so a reload opens it again.
fn remember_open(key: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let location = w.location();
        let path = location.pathname().unwrap_or_default();
        let url = match key {
            Some(k) => format!("{path}?edit={}", js_sys::encode_uri_component(k)),
            None => path,
        };
        if let Ok(history) = w.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Once the signed-in person is known: bring back the drafts this browser kept for them,
/// each rebased on the record as it is now; then keep every change to the drafts.
fn restore_drafts(
    spec: &'static CollectionSpec,
    list: RwSignal<Vec<Item>>,
    editing: RwSignal<HashMap<String, Editing>>,
    new_keys: RwSignal<Vec<String>>,
    gone: RwSignal<HashMap<String, Gone>>,
    next_new: StoredValue<u32>,
) {
    let user = use_signed_in();
    let storage_key = Memo::new(move |_| {
        user.with(|u| u.as_ref().map(|u| drafts::key(&u.email, u.org, spec.name)))
    });
    Effect::new(move |restored: Option<bool>| {
        let Some(key) = storage_key.get() else {
            return false;
        };
        if restored != Some(true) {
            if let Some(saved) = drafts::load(&key) {
                let stored = list.get_untracked();
                let mut lost = Vec::new();
                editing.update(|e| {
                    for (k, mut ed) in saved.editing {
                        if let Some(n) = k.strip_prefix("new-").and_then(|n| n.parse::<u32>().ok())
                        {
                            next_new.set_value(next_new.get_value().max(n));
                        } else {
                            match stored.iter().find(|m| id_of(m) == k) {
                                Some(now) => ed.take(spec, now),
                                None => lost.push(k.clone()),
                            }
                        }
                        e.entry(k).or_insert(ed);
                    }
                });
                new_keys.update(|keys| {
                    for k in saved.new_keys {
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                });
                gone.update(|g| {
                    for k in lost {
                        g.insert(k, Gone { by: String::new() });
                    }
                });
            }
        }
        let current = drafts::Drafts {
            editing: editing.get(),
            new_keys: new_keys.get(),
        };
        drafts::store(&key, &current);
        true
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
