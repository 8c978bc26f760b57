//! `/synchronisation`: what is running (with its progress), the health of each kind of
//! operation (its last run), the alerts (failures of the last day, a late or failing backup
//! schedule), the latest operations, and "Sauvegarder maintenant".

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::client::list::Item;
use crate::core::locale::relative_time;
use crate::core::operation::{OperationKind, OperationStatus};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::widgets::indicator::use_second_clock;
use crate::widgets::toast::{use_toasts, ToastKind};

use super::ops::{
    kind_label, operations, LiveCollection, OperationsTable, Progress, StatusChip, LOG_PATH,
};

const DAY_MS: i64 = 86_400_000;

#[component]
pub fn SyncDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, sync.dashboard.title)/>
            <h1>{t!(i18n, sync.dashboard.title)}</h1>
            <BackupNowButton/>
            <LiveCollection collection="sync_operations" view=dashboard/>
        </AdminLayout>
    }
}

/// "Sauvegarder maintenant": the backup's progress and its entry appear in the lists below
/// through the live feed; the button only says when it is done or why it failed.
#[component]
pub fn BackupNowButton() -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let toasts = use_toasts();
    let run = move |_| {
        busy.set(true);
        spawn_local(async move {
            match super::super::api::backup_now().await {
                Ok(_) => toasts.show(
                    ToastKind::Success,
                    tu_string!(i18n, sync.backups.made).to_string(),
                ),
                Err(e) => toasts.show(ToastKind::Error, e.to_string()),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="actions">
            <button type="button" class="primary" data-testid="backup-now" disabled=move || busy.get() on:click=run>
                {move || if busy.get() { t_string!(i18n, sync.backups.making) } else { t_string!(i18n, sync.backups.backup_now) }}
            </button>
        </p>
    }
}

fn dashboard(list: RwSignal<Vec<Item>>) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_second_clock();
    let ops = Memo::new(move |_| list.with(|l| operations(l)));
    let running = Memo::new(move |_| {
        ops.with(|o| {
            o.iter()
                .filter(|o| o.status == OperationStatus::Running)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let latest =
        Signal::derive(move || ops.with(|o| o.iter().take(10).cloned().collect::<Vec<_>>()));
    let failures = Memo::new(move |_| {
        let since = now.get().unwrap_or(0) - DAY_MS;
        ops.with(|o| {
            o.iter()
                .filter(|o| o.status == OperationStatus::Failed && o.started_at >= since)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section aria-labelledby="running-heading">
            <h2 id="running-heading">{t!(i18n, sync.dashboard.running)}</h2>
            <Show when=move || !running.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" data-testid="nothing-running">{t!(i18n, sync.dashboard.nothing_running)}</p> }>
                <ul class="running" data-testid="running">
                    <For each=move || running.get() key=|o| (o.meta.id.clone(), o.meta.version) let:op>
                        {
                            let kind = op.kind;
                            view! {
                                <li>
                                    <a href=super::ops::log_path(&op.meta.id)>{move || kind_label(kind, i18n.get_locale())}</a>
                                    <Progress op=op.clone() now/>
                                    <span class="muted">{op.summary.clone()}</span>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
        <section aria-labelledby="alerts-heading">
            <h2 id="alerts-heading">{t!(i18n, sync.dashboard.alerts)}</h2>
            <crate::widgets::backup_badge::BackupAlert/>
            <Show when=move || !failures.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" data-testid="no-alerts">{t!(i18n, sync.dashboard.no_failures)}</p> }>
                <ul class="alerts" data-testid="alerts">
                    <For each=move || failures.get() key=|o| o.meta.id.clone() let:op>
                        {
                            let (kind, at) = (op.kind, op.started_at);
                            view! {
                                <li class="banner error">
                                    <a href=super::ops::log_path(&op.meta.id)>{move || kind_label(kind, i18n.get_locale())}</a>
                                    " · " {move || now.get().map(|n| relative_time(n, at, i18n.get_locale()))}
                                    " · " {op.summary.clone()}
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
        <section aria-labelledby="health-heading">
            <h2 id="health-heading">{t!(i18n, sync.dashboard.health)}</h2>
            <ul class="stats" data-testid="health">
                {OperationKind::ALL.into_iter().map(|kind| {
                    let last = Memo::new(move |_| ops.with(|o| o.iter().find(|o| o.kind == kind).map(|o| (o.status, o.started_at))));
                    view! {
                        <li data-kind=kind.as_str()>
                            <span class="stat-label">{move || kind_label(kind, i18n.get_locale())}</span>
                            {move || match last.get() {
                                Some((status, at)) => view! {
                                    <span><StatusChip status/> " "
                                        <span class="muted">{move || now.get().map(|n| relative_time(n, at, i18n.get_locale()))}</span></span>
                                }.into_any(),
                                None => view! { <span class="muted">{t!(i18n, sync.dashboard.never)}</span> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="latest-heading">
            <h2 id="latest-heading">{t!(i18n, sync.dashboard.latest)}</h2>
            <Show when=move || !latest.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{t!(i18n, sync.logs.empty)}</p> }>
                <OperationsTable ops=latest now/>
            </Show>
            <p><a href=LOG_PATH>{t!(i18n, sync.dashboard.all_logs)}</a></p>
        </section>
    }
}
