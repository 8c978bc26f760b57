//! `/admin`, the dashboard of who serves customers: today's orders and revenue, the orders
//! waiting, today's new prospects — read again whenever an order or a prospect changes on
//! the feed — and the last 14 days' orders as bars (an SVG drawn here: no chart library in
//! the download), with the same figures in a table for screen readers.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::client::use_live_feed;
use crate::core::locale::{date, money};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::shop::api::{dashboard, Day};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = use_live_feed();
    let version = RwSignal::new(0u64);
    let figures = Resource::new(move || version.get(), |_| dashboard());
    let starting = feed.clone();
    Effect::new(move |_| starting.start_at_head());
    feed.on_change(move |event| {
        if event.collection == "orders" || event.collection == "prospects" {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <AdminLayout read=Permission::ReadCustomers write=Permission::WriteCustomers>
            <Title text=move || t_string!(i18n, shop.dashboard.title)/>
            <h1>{t!(i18n, shop.dashboard.title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match figures.await {
                        Ok(f) => {
                            let revenue = f.revenue_today_cents;
                            view! {
                                <ul class="stats" data-testid="dashboard">
                                    <li><span class="stat-value" data-testid="orders-today">{f.orders_today}</span>
                                        <span class="stat-label">{t!(i18n, shop.dashboard.orders_today)}</span></li>
                                    <li><span class="stat-value" data-testid="revenue-today">{move || money(revenue, i18n.get_locale())}</span>
                                        <span class="stat-label">{t!(i18n, shop.dashboard.revenue_today)}</span></li>
                                    <li><span class="stat-value" data-testid="pending-orders">{f.pending}</span>
                                        <span class="stat-label">{t!(i18n, shop.dashboard.pending)}</span></li>
                                    <li><span class="stat-value" data-testid="prospects-today">{f.prospects_today}</span>
                                        <span class="stat-label">{t!(i18n, shop.dashboard.prospects_today)}</span></li>
                                </ul>
                                <p><a href="/admin/orders">{t!(i18n, shop.dashboard.to_desk)}</a></p>
                                <OrdersChart days=f.days/>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </AdminLayout>
    }
}

const BAR: i64 = 20;
const GAP: i64 = 8;
const HEIGHT: i64 = 120;

#[component]
fn OrdersChart(days: Vec<Day>) -> impl IntoView {
    let i18n = use_i18n();
    let most = days.iter().map(|d| d.orders).max().unwrap_or(0).max(1);
    let width = days.len() as i64 * (BAR + GAP);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let h = d.orders * (HEIGHT - 16) / most;
            let x = i as i64 * (BAR + GAP);
            view! {
                <rect x=x y=HEIGHT - h width=BAR height=h rx="2"></rect>
                <text x=x + BAR / 2 y=(HEIGHT - h - 4).max(10) text-anchor="middle">{(d.orders > 0).then_some(d.orders)}</text>
            }
        })
        .collect_view();
    let rows = days.clone();
    view! {
        <figure class="chart" data-testid="orders-chart">
            <figcaption>{t!(i18n, shop.dashboard.chart)}</figcaption>
            <svg viewBox=format!("0 0 {width} {HEIGHT}") role="img" aria-hidden="true" preserveAspectRatio="none">{bars}</svg>
            // In a box of its own: a table hidden this way would still be laid out full width.
            <div class="visually-hidden"><table>
                <thead><tr>
                    <th scope="col">{t!(i18n, shop.dashboard.day)}</th>
                    <th scope="col">{t!(i18n, shop.dashboard.orders)}</th>
                    <th scope="col">{t!(i18n, shop.dashboard.revenue)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|d| view! {
                        <tr>
                            <td>{move || date(d.start, i18n.get_locale())}</td>
                            <td>{d.orders}</td>
                            <td>{move || money(d.revenue_cents, i18n.get_locale())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </figure>
    }
}
