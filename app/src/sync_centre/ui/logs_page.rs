//! `/synchronisation/logs`: every operation, newest first, live; filtered by period, type
//! and status, 25 to a page, and the filtered list as a CSV file.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::client::list::Item;
use crate::core::operation::{OperationKind, OperationStatus};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::widgets::indicator::use_second_clock;

use super::ops::{kind_label, operations, status_label, LiveCollection, OperationsTable};

pub const PAGE: usize = 25;
/// Periods offered, in days (0: all).
pub const PERIODS: [i64; 5] = [1, 7, 30, 90, 0];

#[component]
pub fn LogsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, sync.logs.title)/>
            <h1>{t!(i18n, sync.logs.title)}</h1>
            <LiveCollection collection="sync_operations" view=logs/>
        </AdminLayout>
    }
}

fn logs(list: RwSignal<Vec<Item>>) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_second_clock();
    let days = RwSignal::new(7i64);
    let kind = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let page = RwSignal::new(0usize);
    Effect::new(move |_| {
        days.track();
        kind.track();
        status.track();
        page.set(0);
    });
    let filtered = Memo::new(move |_| {
        let since = match days.get() {
            0 => i64::MIN,
            d => now.get().unwrap_or(0) - d * 86_400_000,
        };
        let (k, s) = (kind.get(), status.get());
        list.with(|l| operations(l))
            .into_iter()
            .filter(|o| o.started_at >= since)
            .filter(|o| k.is_empty() || o.kind.as_str() == k)
            .filter(|o| s.is_empty() || o.status.as_str() == s)
            .collect::<Vec<_>>()
    });
    let pages = move || filtered.with(|f| f.len().div_ceil(PAGE).max(1));
    let shown = Signal::derive(move || {
        filtered.with(|f| {
            f.iter()
                .skip(page.get() * PAGE)
                .take(PAGE)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let csv = move || {
        format!(
            "{}?days={}&kind={}&status={}",
            crate::sync_centre::api::LOGS_CSV_PATH,
            days.get(),
            kind.get(),
            status.get()
        )
    };
    view! {
        <form class="toolbar" on:submit=|ev| ev.prevent_default()>
            <label class="filter">{t!(i18n, sync.logs.period)}
                <select data-testid="filter-period" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(7))>
                    {PERIODS.into_iter().map(|d| view! {
                        <option value=d selected=move || days.get() == d>{move || match d {
                            0 => t_string!(i18n, sync.logs.all_time).to_string(),
                            1 => t_string!(i18n, sync.logs.last_day).to_string(),
                            d => t_string!(i18n, sync.logs.last_days, n = d).to_string(),
                        }}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="filter">{t!(i18n, sync.logs.kind)}
                <select data-testid="filter-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, sync.logs.any)}</option>
                    {OperationKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str()>{move || kind_label(k, i18n.get_locale())}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="filter">{t!(i18n, sync.logs.status)}
                <select data-testid="filter-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, sync.logs.any)}</option>
                    {OperationStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str()>{move || status_label(s, i18n.get_locale())}</option>
                    }).collect_view()}
                </select>
            </label>
            <a class="button secondary" href=csv rel="external" download="" data-testid="logs-csv">{t!(i18n, sync.logs.csv)}</a>
        </form>
        <p class="muted" data-testid="logs-count">{move || t_string!(i18n, sync.logs.count, n = filtered.with(Vec::len)).to_string()}</p>
        <Show when=move || !filtered.with(Vec::is_empty)
            fallback=move || view! { <p class="empty-state" data-testid="no-logs">{t!(i18n, sync.logs.empty)}</p> }>
            <OperationsTable ops=shown now/>
        </Show>
        <nav class="pagination" aria-label=move || t_string!(i18n, sync.logs.pages)>
            <button type="button" class="secondary" disabled=move || page.get() == 0
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(i18n, sync.logs.previous)}</button>
            <span>{move || t_string!(i18n, sync.logs.page, n = page.get() + 1, of = pages()).to_string()}</span>
            <button type="button" class="secondary" disabled=move || page.get() + 1 >= pages()
                on:click=move |_| page.update(|p| *p += 1)>{t!(i18n, sync.logs.next)}</button>
        </nav>
    }
}
