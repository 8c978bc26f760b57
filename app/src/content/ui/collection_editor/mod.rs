//! The backoffice editor for any content collection (this page; each record's card, its
//! conflict panel, its history and the deleted records have files of their own): list, create, edit, reorder,
//! publish / unpublish, delete with confirmation, history and restore. Works on records'
//! JSON form, driven by a [`CollectionSpec`].

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::Value;

use crate::client::list::{id_of, use_live_list, version_of, Item};
use crate::client::use_live_feed;
use crate::content::ui::specs::CollectionSpec;
use crate::core::merge::{rebase_maps, RecordEdit};
use crate::core::protocol::ChangeOp;
use crate::core::wire::Snapshot;
use crate::engine::api::staff_list;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;

mod conflict_panel;
mod history_panel;
mod item_card;
mod map_field;

use history_panel::DeletedPanel;
use item_card::ItemCard;

/// A record being edited: the stored version it started from and what the editor typed.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Editing {
    pub(super) base: Item,
    pub(super) draft: Item,
}

impl Editing {
    /// Whether the draft changes a field the editor may write.
    pub(super) fn has_edits(&self, spec: &CollectionSpec) -> bool {
        !RecordEdit::between_maps_by("", 0, &self.base, self.draft.clone(), |f| {
            spec.is_editable(f)
        })
        .is_empty()
    }
}

/// Someone else deleted a record this editor has unsaved changes to: the card stays, with
/// their name, until it is restored or the changes are abandoned.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Gone {
    pub(super) by: String,
}

#[component]
pub fn CollectionAdminPage(spec: &'static CollectionSpec) -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), move |_| staff_list(spec.name.to_string()));
    let title = move || (spec.title)(i18n.get_locale());
    view! {
        <AdminLayout>
            <Title text=move || t_string!(i18n, content.editor.page_title, title = title()).to_string()/>
            <h1>{title}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
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
    let i18n = use_i18n();
    let list = use_live_list(spec.name, snap);
    let editing = RwSignal::new(HashMap::<String, Editing>::new());
    let new_keys = RwSignal::new(Vec::<String>::new());
    let gone = RwSignal::new(HashMap::<String, Gone>::new());
    // The page's filter; derived from the live list, so records move in and out of view as
    // others publish or unpublish them — except a record being edited, which stays with its
    // text, and a deleted one with unsaved changes, which stays until restored or abandoned.
    let filter = RwSignal::new(Filter::All);
    let visible_ids = move || {
        let held = |id: &str| editing.with(|e| e.contains_key(id));
        let f = filter.get();
        let mut ids = list.with(|l| {
            l.iter()
                .filter(|m| f.keeps(m) || held(id_of(m)))
                .map(|m| id_of(m).to_string())
                .collect::<Vec<_>>()
        });
        let mut lost = gone.with(|g| {
            g.keys()
                .filter(|id| !ids.contains(id))
                .cloned()
                .collect::<Vec<_>>()
        });
        lost.sort();
        ids.extend(lost);
        ids
    };
    let next_new = StoredValue::new(0u32);

    // Someone else's save arrives while this editor has unsaved changes to the same record:
    // take their values for untouched fields, keep what is being typed.
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
        if gone.with_untracked(|g| g.contains_key(&event.record_id)) {
            gone.update(|g| {
                g.remove(&event.record_id);
            });
        }
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
            <button class="add" data-testid="add" on:click=add>{move || (spec.add)(i18n.get_locale())}</button>
            {spec.has_field("published").then(|| view! {
                <label class="filter">
                    {t!(i18n, content.editor.show)} " "
                    <select data-testid="filter" on:change=move |ev| filter.set(Filter::parse(&event_target_value(&ev)))>
                        <option value="all">{t!(i18n, content.editor.filter_all)}</option>
                        <option value="published">{t!(i18n, content.editor.filter_published)}</option>
                        <option value="drafts">{t!(i18n, content.editor.filter_drafts)}</option>
                    </select>
                </label>
            })}
            <ul class="cards">
                <For each=move || new_keys.get() key=|k| k.clone() let:key>
                    <ItemCard spec list editing new_keys gone filter key/>
                </For>
                <For each=visible_ids key=|id| id.clone() let:id>
                    <ItemCard spec list editing new_keys gone filter key=id/>
                </For>
            </ul>
            <p class="empty" data-testid="empty">
                {move || (list.with(Vec::is_empty) && new_keys.with(Vec::is_empty)).then(|| (spec.empty)(i18n.get_locale()))}
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
