//! The backups' health, in the backoffice header (for the roles that read the sync centre)
//! and as the sync centre dashboard's alert: the last backup's age, a warning when the last
//! backup failed or the schedule is late. Read from the schedule's record (`sync_settings`,
//! where every backup notes its outcome) through the generic list, then kept current by that
//! record's changes on the feed: no server function of the sync centre's, so the shell does
//! not depend on the feature.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::core::locale::relative_time;
use crate::core::operation::backup_late;
use crate::i18n::*;
use crate::widgets::indicator::use_second_clock;

/// The collection and record the health is read from.
const SETTINGS: &str = "sync_settings";

#[derive(Debug, Clone, PartialEq, Default)]
struct Health {
    every_secs: i64,
    last_ok_at: Option<i64>,
    last_failure: Option<String>,
}

impl Health {
    fn of(record: &Value) -> Health {
        Health {
            every_secs: record["every_secs"].as_i64().unwrap_or(0),
            last_ok_at: record["last_ok_at"].as_i64(),
            last_failure: record["last_failure"].as_str().map(str::to_string),
        }
    }

    fn late(&self, now: i64) -> bool {
        backup_late(self.every_secs, self.last_ok_at, now)
    }

    fn warning(&self, now: i64) -> bool {
        self.last_failure.is_some() || self.late(now)
    }
}

/// The health, kept current by the feed; `None` until read (or for a role that may not).
fn use_health() -> RwSignal<Option<Health>> {
    let health = RwSignal::new(None::<Health>);
    let feed = crate::client::use_live_feed();
    feed.on_change(move |event| {
        if event.collection == SETTINGS {
            if let Some(data) = &event.data {
                health.set(Some(Health::of(data)));
            }
        }
    });
    Effect::new(move |_| {
        spawn_local(async move {
            if let Ok(snap) = crate::engine::api::staff_list(SETTINGS.to_string()).await {
                let record = snap.record.first().cloned().unwrap_or(Value::Null);
                health.set(Some(Health::of(&record)));
            }
        });
    });
    health
}

/// The header's badge: "Sauvegarde il y a 3 min", or a warning.
#[component]
pub fn BackupBadge() -> impl IntoView {
    let i18n = use_i18n();
    let health = use_health();
    let now = use_second_clock();
    let warning = move || {
        let now = now.get()?;
        health.with(|h| h.as_ref().map(|h| h.warning(now)))
    };
    let text = move || {
        let h = health.get()?;
        let now = now.get()?;
        let l = i18n.get_locale();
        Some(match (&h.last_failure, h.last_ok_at) {
            (Some(_), _) => td_string!(l, sync.badge.failed).to_string(),
            (None, Some(at)) if h.late(now) => {
                td_string!(l, sync.badge.late, age = relative_time(now, at, l)).to_string()
            }
            (None, Some(at)) => {
                td_string!(l, sync.badge.ok, age = relative_time(now, at, l)).to_string()
            }
            (None, None) if h.late(now) => td_string!(l, sync.badge.never_late).to_string(),
            (None, None) => td_string!(l, sync.badge.never).to_string(),
        })
    };
    view! {
        <a class=move || if warning() == Some(true) { "backup-badge chip warn" } else { "backup-badge chip" }
            href="/synchronisation/backups" data-testid="backup-badge"
            data-state=move || warning().map(|w| if w { "warning" } else { "ok" })
            hidden=move || text().is_none()>
            {text}
        </a>
    }
}

/// The dashboard's alert when backups need someone: the failure's reason, or late.
#[component]
pub fn BackupAlert() -> impl IntoView {
    let i18n = use_i18n();
    let health = use_health();
    let now = use_second_clock();
    move || {
        let h = health.get()?;
        let text = match (&h.last_failure, h.late(now.get()?)) {
            (Some(reason), _) => {
                t_string!(i18n, sync.badge.failed_because, reason = reason).to_string()
            }
            (None, true) => t_string!(i18n, sync.badge.late_alert).to_string(),
            (None, false) => return None,
        };
        Some(view! {
            <p class="banner warning" role="alert" data-testid="backup-alert">
                {text} " " <a href="/synchronisation/config">{t!(i18n, sync.badge.check_config)}</a>
            </p>
        })
    }
}
