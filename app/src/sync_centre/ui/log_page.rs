//! `/synchronisation/log/:id`: one operation — what, from where to where, who started it,
//! when, how long, its counts and its messages — live while it runs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::client::list::Item;
use crate::core::locale::{date_time, duration};
use crate::core::operation::{Level, Operation, OperationKind, OperationStatus};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::widgets::indicator::use_second_clock;

use super::ops::{
    kind_label, operations, trigger_label, LiveCollection, Progress, StatusChip, LOG_PATH,
};

#[component]
pub fn LogPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, sync.log.title)/>
            <p><a href=LOG_PATH>{t!(i18n, sync.log.back)}</a></p>
            <LiveCollection collection="sync_operations" view=detail/>
        </AdminLayout>
    }
}

fn detail(list: RwSignal<Vec<Item>>) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let now = use_second_clock();
    let op = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        list.with(|l| operations(l).into_iter().find(|o| o.meta.id == id))
    });
    move || {
        match op.get() {
        None => view! {
            <div class="empty-state" data-testid="log-missing"><h1>{t!(i18n, sync.log.missing)}</h1></div>
        }
        .into_any(),
        Some(op) => view! { <OperationDetail op now/> }.into_any(),
    }
    }
}

#[component]
fn OperationDetail(op: Operation, now: ReadSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let (kind, status, trigger, started) = (op.kind, op.status, op.trigger, op.started_at);
    let ended = op.ended_at;
    let c = op.counts;
    let shown = op.clone();
    let took = move || {
        now.get()
            .map(|n| duration(shown.duration_ms(n), i18n.get_locale()))
    };
    let subject = (kind == OperationKind::Backup && !op.subject.is_empty())
        .then(|| crate::sync_centre::api::backup_file_path(&op.subject));
    view! {
        <h1 data-testid="log-title">{move || kind_label(kind, i18n.get_locale())} " " <StatusChip status/></h1>
        {(status == OperationStatus::Running).then(|| view! { <Progress op=op.clone() now/> })}
        <p data-testid="log-summary">{op.summary.clone()}</p>
        <dl class="details" data-testid="log-details">
            <dt>{t!(i18n, sync.log.source)}</dt><dd>{op.source.clone()}</dd>
            <dt>{t!(i18n, sync.log.destination)}</dt><dd>{op.destination.clone()}</dd>
            <dt>{t!(i18n, sync.log.started_by)}</dt>
            <dd>{move || trigger_label(trigger, i18n.get_locale())} " · " {op.started_by.clone()}</dd>
            <dt>{t!(i18n, sync.log.started_at)}</dt><dd>{move || date_time(started, i18n.get_locale())}</dd>
            <dt>{t!(i18n, sync.log.ended_at)}</dt>
            <dd>{move || ended.map(|e| date_time(e, i18n.get_locale())).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t!(i18n, sync.log.duration)}</dt><dd>{took}</dd>
        </dl>
        {subject.map(|href| view! { <p><a href=href rel="external" download="">{t!(i18n, sync.log.download)}</a></p> })}
        <h2>{t!(i18n, sync.log.counts)}</h2>
        <ul class="stats" data-testid="log-counts">
            <li><span class="stat-value">{c.total}</span><span class="stat-label">{t!(i18n, sync.count.total)}</span></li>
            <li><span class="stat-value">{c.created}</span><span class="stat-label">{t!(i18n, sync.count.created)}</span></li>
            <li><span class="stat-value">{c.updated}</span><span class="stat-label">{t!(i18n, sync.count.updated)}</span></li>
            <li><span class="stat-value">{c.unchanged}</span><span class="stat-label">{t!(i18n, sync.count.unchanged)}</span></li>
            <li><span class="stat-value">{c.deleted}</span><span class="stat-label">{t!(i18n, sync.count.deleted)}</span></li>
            <li><span class="stat-value">{c.rejected}</span><span class="stat-label">{t!(i18n, sync.count.rejected)}</span></li>
            <li><span class="stat-value">{c.conflicts}</span><span class="stat-label">{t!(i18n, sync.count.conflicts)}</span></li>
        </ul>
        <h2>{t!(i18n, sync.log.messages)}</h2>
        {if op.messages.is_empty() {
            view! { <p class="muted">{t!(i18n, sync.log.no_messages)}</p> }.into_any()
        } else {
            view! {
                <ul class="messages" data-testid="log-messages">
                    {op.messages.iter().map(|m| {
                        let class = match m.level { Level::Info => "chip info", Level::Warning => "chip warn", Level::Error => "chip bad" };
                        let level = m.level;
                        view! {
                            <li>
                                <span class=class>{move || match level {
                                    Level::Info => t_string!(i18n, sync.level.info),
                                    Level::Warning => t_string!(i18n, sync.level.warning),
                                    Level::Error => t_string!(i18n, sync.level.error),
                                }}</span>
                                " " {(!m.item.is_empty()).then(|| view! { <code>{m.item.clone()}</code> " " })}
                                {m.text.clone()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(op.more_messages > 0).then(|| view! { <p class="muted">{t!(i18n, sync.log.more_messages, n = op.more_messages)}</p> })}
            }.into_any()
        }}
    }
}
