//! `/synchronisation/stats`: success rate, operations per day, durations and errors per type
//! over 7, 30 or 90 days — charts drawn by the server (SVG), each followed by its figures in
//! a table for screen readers and for anyone who wants the numbers.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::locale::{duration, iso_day};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::sync_centre::api::sync_stats;
use crate::sync_centre::model::Stats;

use super::ops::kind_label;

#[component]
pub fn StatsPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    let days = RwSignal::new(7i64);
    let stats = Resource::new(move || days.get(), sync_stats);
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, sync.stats.title)/>
            <h1>{t!(i18n, sync.stats.title)}</h1>
            <label class="filters">{t!(i18n, sync.logs.period)}
                <select data-testid="stats-period" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(7))>
                    {[7i64, 30, 90].into_iter().map(|d| view! {
                        <option value=d selected=move || days.get() == d>{move || t_string!(i18n, sync.logs.last_days, n = d).to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(s) => view! { <Figures s/> }.into_any(),
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </AdminLayout>
    }
}

#[component]
fn Figures(s: Stats) -> impl IntoView {
    let i18n = use_i18n();
    let rate = (s.finished > 0).then(|| s.succeeded * 100 / s.finished);
    let charts = s.charts.clone();
    let chart = move |i: usize| charts.get(i).cloned().unwrap_or_default();
    view! {
        <ul class="stats" data-testid="stats">
            <li><span class="stat-value" data-testid="success-rate">{rate.map_or("—".to_string(), |r| format!("{r} %"))}</span>
                <span class="stat-label">{t!(i18n, sync.stats.success_rate)}</span></li>
            <li><span class="stat-value" data-testid="operations-total">{s.operations}</span>
                <span class="stat-label">{t!(i18n, sync.stats.operations)}</span></li>
        </ul>
        <figure class="sync-chart" data-testid="chart-per-day">
            <div role="img" aria-label=move || t_string!(i18n, sync.stats.per_day) inner_html=chart(0)></div>
            <figcaption class="muted">{t!(i18n, sync.stats.per_day_legend)}</figcaption>
        </figure>
        <div class="table-wrap">
            <table class="table compact" data-testid="per-day-table">
                <caption>{t!(i18n, sync.stats.per_day)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, sync.stats.day)}</th>
                    <th scope="col">{t!(i18n, sync.stats.operations)}</th>
                    <th scope="col">{t!(i18n, sync.stats.items)}</th>
                    <th scope="col">{t!(i18n, sync.stats.failed)}</th>
                </tr></thead>
                <tbody>
                    {s.per_day.iter().rev().filter(|d| d.operations > 0).map(|d| {
                        let day = d.day.clone();
                        let shown = move || iso_day(&day, i18n.get_locale()).unwrap_or_else(|| day.clone());
                        view! {
                            <tr><th scope="row">{shown}</th><td>{d.operations}</td><td>{d.items}</td><td>{d.failed}</td></tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <figure class="sync-chart" data-testid="chart-durations">
            <div role="img" aria-label=move || t_string!(i18n, sync.stats.durations) inner_html=chart(1)></div>
            <figcaption class="muted">{t!(i18n, sync.stats.durations_legend)}</figcaption>
        </figure>
        <figure class="sync-chart" data-testid="chart-errors">
            <div role="img" aria-label=move || t_string!(i18n, sync.stats.errors) inner_html=chart(2)></div>
        </figure>
        <div class="table-wrap">
            <table class="table compact" data-testid="kinds-table">
                <caption>{t!(i18n, sync.stats.per_kind)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, sync.logs.kind)}</th>
                    <th scope="col">{t!(i18n, sync.stats.operations)}</th>
                    <th scope="col">{t!(i18n, sync.stats.error_count)}</th>
                    <th scope="col">"p50"</th>
                    <th scope="col">"p95"</th>
                </tr></thead>
                <tbody>
                    {s.kinds.iter().map(|k| {
                        let (kind, p50, p95) = (k.kind, k.p50_ms, k.p95_ms);
                        view! {
                            <tr data-kind=kind.as_str()>
                                <th scope="row">{move || kind_label(kind, i18n.get_locale())}</th>
                                <td>{k.operations}</td><td>{k.errors}</td>
                                <td>{move || duration(p50, i18n.get_locale())}</td>
                                <td>{move || duration(p95, i18n.get_locale())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
