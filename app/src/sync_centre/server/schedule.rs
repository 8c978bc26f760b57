//! The backup schedule: one record per organisation (`sync_settings`/`backups`) with the
//! interval, the retention rule, and the server-owned health the header's badge shows (last
//! success, last failure). A task started with the server looks at every organisation's
//! schedule each tick and claims a due backup in a write — the claim is one committed
//! change, so two server processes on one PostgreSQL database never both run it.

use futures::FutureExt;

use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::principal::{OrgId, Principal};
use crate::core::time::now_ms;
use crate::engine::{save, store, Engine};
use crate::sync_centre::model::{BackupHealth, Origin, Schedule, SCHEDULE_ID};

use super::config::BackupConfig;

/// The organisation's schedule, as stored or the defaults (nothing stored yet).
pub async fn read(engine: &Engine, org: OrgId) -> Result<Schedule, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let stored = store::load_record(&mut conn, org, Schedule::NAME, SCHEDULE_ID, "").await?;
    match stored {
        Some(stored) => typed(stored),
        None => Ok(Schedule::default()),
    }
}

fn typed(stored: store::StoredRecord) -> Result<Schedule, AppError> {
    serde_json::from_value(serde_json::Value::Object(stored.to_map()))
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// What the header's badge shows.
pub async fn health(engine: &Engine, who: &Principal) -> Result<BackupHealth, AppError> {
    let schedule = read(engine, who.org).await?;
    Ok(BackupHealth {
        late: schedule.late(schedule.last_ok_at, now_ms()),
        last_ok_at: schedule.last_ok_at,
        last_failure: schedule.last_failure,
        schedule_every_secs: schedule.every_secs,
    })
}

/// Change the schedule (interval and retention; the server keeps when it last ran). A new
/// interval counts from now: the first scheduled backup comes one interval later.
pub async fn save(
    engine: &Engine,
    who: &Principal,
    wanted: Schedule,
) -> Result<Schedule, AppError> {
    let min = engine.feature::<BackupConfig>().min_every_secs;
    let problems = wanted.problems(min);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let (db, who2) = (engine.db.clone(), who.clone());
    engine
        .write(who.org, move |conn| {
            async move {
                let who = who2;
                let (schedule, change) = ensure(&db, conn, &who).await?;
                let mut changes: Vec<_> = change.into_iter().collect();
                let now = now_ms();
                let restart = schedule.every_secs != wanted.every_secs;
                let updated =
                    save::update_owned_in::<Schedule>(&db, conn, &who, SCHEDULE_ID, |s| {
                        s.every_secs = wanted.every_secs;
                        s.keep_last = wanted.keep_last;
                        s.keep_daily_days = wanted.keep_daily_days;
                        if restart {
                            s.last_run_at = now;
                        }
                    })
                    .await?;
                let schedule = match updated {
                    Some((s, change)) => {
                        changes.push(change);
                        s
                    }
                    None => schedule,
                };
                Ok((schedule, changes))
            }
            .boxed()
        })
        .await
}

/// The schedule record, made with the defaults if the organisation has none yet.
async fn ensure(
    db: &crate::engine::Db,
    conn: &mut sqlx::AnyConnection,
    who: &Principal,
) -> Result<(Schedule, Option<store::LoggedChange>), AppError> {
    match store::load_record(conn, who.org, Schedule::NAME, SCHEDULE_ID, db.for_update()).await? {
        Some(stored) => Ok((typed(stored)?, None)),
        None => {
            let (s, change) = save::create_in(db, conn, who, Schedule::default()).await?;
            Ok((s, Some(change)))
        }
    }
}

/// Note how the latest backup went, for the badge: `Ok(time)` of a success, or the failure's
/// message. A failure to note it is only traced (the backup's own log says what happened).
pub async fn record_outcome(engine: &Engine, who: &Principal, outcome: Result<i64, String>) {
    let (db, who2) = (engine.db.clone(), who.clone());
    let noted = engine
        .write(who.org, move |conn| {
            async move {
                let who = who2;
                let (_, created) = ensure(&db, conn, &who).await?;
                let mut changes: Vec<_> = created.into_iter().collect();
                let change = update_health(&db, conn, &who, outcome).await?;
                changes.extend(change);
                Ok(((), changes))
            }
            .boxed()
        })
        .await;
    if let Err(e) = noted {
        tracing::error!(error = %e.explain(), "cannot note a backup's outcome");
    }
}

async fn update_health(
    db: &crate::engine::Db,
    conn: &mut sqlx::AnyConnection,
    who: &Principal,
    outcome: Result<i64, String>,
) -> Result<Option<store::LoggedChange>, AppError> {
    let updated =
        save::update_owned_in::<Schedule>(db, conn, who, SCHEDULE_ID, |s| match outcome {
            Ok(at) => {
                s.last_ok_at = Some(at);
                s.last_failure = None;
            }
            Err(message) => s.last_failure = Some(message),
        })
        .await?;
    Ok(updated.map(|(_, change)| change))
}

/// Start the task that runs scheduled backups (and the retention after them).
pub fn spawn(engine: Engine) {
    let tick = engine.feature::<BackupConfig>().tick;
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(e) = run_due(&engine).await {
                tracing::warn!(error = %e.explain(), "backup schedule");
            }
        }
    });
}

/// Claim and start every due scheduled backup; returns how many started.
pub async fn run_due(engine: &Engine) -> Result<usize, AppError> {
    let schedules = {
        let mut conn = engine.db.read.acquire().await?;
        store::records_everywhere(&mut conn, Schedule::NAME).await?
    };
    let now = now_ms();
    let mut started = 0;
    for (org, stored) in schedules {
        if stored.id != SCHEDULE_ID {
            continue;
        }
        let due = typed(stored).is_ok_and(|s| s.due(now));
        if !due {
            continue;
        }
        let who = Principal::system(org, crate::sync_centre::SCHEDULE_ACTOR);
        // One organisation's trouble never stops the others' schedules.
        match claim(engine, &who, now).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(org, error = %e.explain(), "cannot claim a scheduled backup");
                continue;
            }
        }
        started += 1;
        let engine = engine.clone();
        tokio::spawn(async move {
            if let Err(e) = super::backup::make(&engine, &who, Origin::Schedule).await {
                tracing::warn!(org, error = %e.explain(), "scheduled backup failed");
            }
        });
    }
    Ok(started)
}

/// Mark the schedule as run at `now` if it is still due: true when this caller won it.
async fn claim(engine: &Engine, who: &Principal, now: i64) -> Result<bool, AppError> {
    let (db, who) = (engine.db.clone(), who.clone());
    engine
        .write(who.org, move |conn| {
            async move {
                let claimed =
                    save::update_owned_in::<Schedule>(&db, conn, &who, SCHEDULE_ID, |s| {
                        if s.due(now) {
                            s.last_run_at = now;
                        }
                    })
                    .await?;
                Ok(match claimed {
                    Some((_, change)) => (true, vec![change]),
                    None => (false, Vec::new()),
                })
            }
            .boxed()
        })
        .await
}
