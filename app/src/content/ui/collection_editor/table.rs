//! A collection as a live table: each record's name and the fields that matter, its status,
//! when it last changed, whether it waits to be sent or has unsaved changes here; reorder
//! buttons; pages of [`PAGE_SIZE`]. A row opens the record's editor.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use serde_json::Value;

use crate::client::list::{id_of, Item};
use crate::content::ui::specs::CollectionSpec;
use crate::core::locale::relative_time;
use crate::i18n::*;

use super::Editing;

/// Rows shown at once; more are on the next pages.
pub(super) const PAGE_SIZE: usize = 20;

/// The rows: `rows` are the ids of the page shown, in order.
#[component]
pub(super) fn RecordTable(
    spec: &'static CollectionSpec,
    list: RwSignal<Vec<Item>>,
    rows: Signal<Vec<String>>,
    editing: RwSignal<HashMap<String, Editing>>,
    /// Ids with a save waiting to be sent.
    pending: Signal<HashSet<String>>,
    /// Ids created in the last moments, highlighted.
    fresh: RwSignal<HashSet<String>>,
    /// Whether reordering makes sense (the whole list is shown, in its order).
    reorderable: Signal<bool>,
    now: Signal<i64>,
    on_open: Callback<String>,
    on_move: Callback<(String, isize)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let has_published = spec.has_field("published");
    let record = move |id: &str| list.with(|l| l.iter().find(|m| id_of(m) == id).cloned());
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="records">
                <thead>
                    <tr>
                        <th scope="col">{move || spec.label_of(spec.label_field, i18n.get_locale())}</th>
                        {spec.columns.iter().map(|c| {
                            let c: &'static str = c;
                            view! { <th scope="col" class="col-secondary">{move || spec.label_of(c, i18n.get_locale())}</th> }
                        }).collect_view()}
                        {has_published.then(|| view! { <th scope="col">{t!(i18n, content.editor.status)}</th> })}
                        <th scope="col" class="col-secondary">{t!(i18n, content.editor.updated)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, content.editor.actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|id| id.clone() let:id>
                        {
                            let id = StoredValue::new(id);
                            let item = Memo::new(move |_| id.with_value(|i| record(i)));
                            let field = move |name: &'static str| item.with(|m| m.as_ref().and_then(|m| m.get(name).cloned()).unwrap_or(Value::Null));
                            let label = move || {
                                let name = field(spec.label_field);
                                name.as_str().filter(|s| !s.is_empty()).map(str::to_string)
                                    .unwrap_or_else(|| t_string!(i18n, content.editor.untitled).to_string())
                            };
                            let published = move || field("published").as_bool().unwrap_or(false);
                            let is_pending = move || id.with_value(|i| pending.with(|p| p.contains(i)));
                            let is_edited = move || id.with_value(|i| editing.with(|e| e.contains_key(i)));
                            let is_fresh = move || id.with_value(|i| fresh.with(|f| f.contains(i)));
                            let updated = move || field("updated_at").as_i64().map(|at| relative_time(now.get(), at, i18n.get_locale())).unwrap_or_default();
                            let open = move |_| on_open.run(id.get_value());
                            view! {
                                <tr data-testid="row" data-label=label data-published=move || published().to_string()
                                    data-pending=move || is_pending().to_string() data-edited=move || is_edited().to_string()
                                    class=move || if is_fresh() { "fresh" } else { "" }>
                                    <th scope="row">
                                        <button type="button" class="row-open link" data-testid="edit" on:click=open>{label}</button>
                                    </th>
                                    {spec.columns.iter().map(|c| {
                                        let c: &'static str = c;
                                        view! { <td class="col-secondary">{move || spec.show_value(c, &field(c), i18n.get_locale())}</td> }
                                    }).collect_view()}
                                    {has_published.then(|| view! {
                                        <td>
                                            <span class=move || if published() { "chip ok" } else { "chip" }>
                                                {move || if published() { t_string!(i18n, content.editor.published) } else { t_string!(i18n, content.editor.draft) }}
                                            </span>
                                        </td>
                                    })}
                                    <td class="col-secondary">
                                        <span class="muted">{updated}</span>
                                        {move || is_pending().then(|| view! { <span class="chip warn" data-testid="row-pending">{t!(i18n, content.editor.pending)}</span> })}
                                        {move || is_edited().then(|| view! { <span class="chip info" data-testid="row-edited">{t!(i18n, content.editor.edited)}</span> })}
                                    </td>
                                    <td class="row-actions">
                                        <Show when=move || reorderable.get()>
                                            <button type="button" class="quiet icon-button" data-testid="move-up"
                                                title=move || t_string!(i18n, content.card.move_up) aria-label=move || format!("{} : {}", t_string!(i18n, content.card.move_up), label())
                                                on:click=move |_| on_move.run((id.get_value(), -1))><span class="icon icon-up" aria-hidden="true"></span></button>
                                            <button type="button" class="quiet icon-button" data-testid="move-down"
                                                title=move || t_string!(i18n, content.card.move_down) aria-label=move || format!("{} : {}", t_string!(i18n, content.card.move_down), label())
                                                on:click=move |_| on_move.run((id.get_value(), 1))><span class="icon icon-down" aria-hidden="true"></span></button>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "1–20 sur 45", with the previous and next pages.
#[component]
pub(super) fn Pagination(page: RwSignal<usize>, total: Signal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let pages = move || total.get().div_ceil(PAGE_SIZE).max(1);
    let first = move || (page.get() * PAGE_SIZE + 1).min(total.get());
    let last = move || ((page.get() + 1) * PAGE_SIZE).min(total.get());
    view! {
        <nav class="pagination" aria-label=move || t_string!(i18n, content.editor.pages) hidden=move || pages() < 2>
            <button type="button" class="secondary" data-testid="previous-page" disabled=move || page.get() == 0
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(i18n, content.editor.previous)}</button>
            <span data-testid="page-range">{move || t_string!(i18n, content.editor.range, first = first(), last = last(), total = total.get()).to_string()}</span>
            <button type="button" class="secondary" data-testid="next-page" disabled=move || page.get() + 1 >= pages()
                on:click=move |_| page.update(|p| *p += 1)>{t!(i18n, content.editor.next)}</button>
        </nav>
    }
}
