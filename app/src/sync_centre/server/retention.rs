//! Which backups are kept: the latest `keep_last`, and beyond them the newest of each of
//! the last `keep_daily_days` days (UTC days). Uploaded files are not backups the server
//! made: the last [`UPLOADS_KEPT`] stay until someone deletes them.

use std::collections::HashSet;

use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::{store, Engine};
use crate::sync_centre::model::{Backup, Origin, Schedule};

const DAY_MS: i64 = 86_400_000;

/// Uploaded files kept at most, per organisation: the oldest go first.
pub const UPLOADS_KEPT: usize = 3;

/// The ids of the backups the rule removes, of `backups` (any order).
pub fn to_remove(backups: &[Backup], rule: &Schedule, now: i64) -> Vec<String> {
    let mut uploads: Vec<&Backup> = backups
        .iter()
        .filter(|b| b.origin == Origin::Upload)
        .collect();
    uploads.sort_by(|a, b| {
        b.meta
            .created_at
            .cmp(&a.meta.created_at)
            .then(b.meta.id.cmp(&a.meta.id))
    });
    let old_uploads = uploads.iter().skip(UPLOADS_KEPT).map(|b| b.meta.id.clone());
    let mut made: Vec<&Backup> = backups
        .iter()
        .filter(|b| b.origin != Origin::Upload)
        .collect();
    made.sort_by(|a, b| b.made_at.cmp(&a.made_at).then(b.meta.id.cmp(&a.meta.id)));
    let mut keep: HashSet<&str> = made
        .iter()
        .take(rule.keep_last.max(1) as usize)
        .map(|b| b.meta.id.as_str())
        .collect();
    let today = now.div_euclid(DAY_MS);
    let mut days_kept = HashSet::new();
    for b in &made {
        let day = b.made_at.div_euclid(DAY_MS);
        if today - day < rule.keep_daily_days && days_kept.insert(day) {
            keep.insert(b.meta.id.as_str());
        }
    }
    made.iter()
        .filter(|b| !keep.contains(b.meta.id.as_str()))
        .map(|b| b.meta.id.clone())
        .chain(old_uploads)
        .collect()
}

/// Apply the organisation's rule now. Problems are traced: a backup that was made stays
/// made, whatever happens to older ones.
pub async fn apply(engine: &Engine, who: &Principal) {
    if let Err(e) = try_apply(engine, who).await {
        tracing::warn!(org = who.org, error = %e.explain(), "backup retention");
    }
}

async fn try_apply(
    engine: &Engine,
    who: &Principal,
) -> Result<usize, crate::core::error::AppError> {
    let rule = super::schedule::read(engine, who.org).await?;
    let backups = list(engine, who).await?;
    let gone = to_remove(&backups, &rule, now_ms());
    for id in &gone {
        if let Some(b) = backups.iter().find(|b| &b.meta.id == id) {
            super::backup::remove(engine, who, b).await?;
        }
    }
    Ok(gone.len())
}

/// Every backup record of the organisation.
pub async fn list(
    engine: &Engine,
    who: &Principal,
) -> Result<Vec<Backup>, crate::core::error::AppError> {
    use crate::core::collection::Collection;
    let mut conn = engine.db.read.acquire().await?;
    store::list_records(&mut conn, who.org, Backup::NAME)
        .await?
        .into_iter()
        .map(|r| {
            serde_json::from_value(serde_json::Value::Object(r.to_map()))
                .map_err(|e| crate::core::error::AppError::Internal(e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(id: &str, made_at: i64, origin: Origin) -> Backup {
        let mut b = Backup {
            made_at,
            origin,
            ..Default::default()
        };
        b.meta.id = id.into();
        b
    }

    #[test]
    fn keeps_the_last_n_and_one_per_recent_day() {
        let now = 10 * DAY_MS + 12 * 3_600_000;
        let h = 3_600_000;
        let backups = vec![
            backup("today-3", now - h, Origin::Schedule),
            backup("today-2", now - 2 * h, Origin::Schedule),
            backup("today-1", now - 3 * h, Origin::Manual),
            backup("yesterday-late", now - DAY_MS, Origin::Schedule),
            backup("yesterday-early", now - DAY_MS - 2 * h, Origin::Schedule),
            backup("old", now - 5 * DAY_MS, Origin::Schedule),
            backup("upload", now - 9 * DAY_MS, Origin::Upload),
        ];
        let rule = Schedule {
            keep_last: 2,
            keep_daily_days: 2,
            ..Default::default()
        };
        let mut gone = to_remove(&backups, &rule, now);
        gone.sort();
        assert_eq!(gone, ["old", "today-1", "yesterday-early"]);
        let no_days = Schedule {
            keep_last: 1,
            keep_daily_days: 0,
            ..Default::default()
        };
        assert_eq!(to_remove(&backups, &no_days, now).len(), 5);
        // Only the latest uploads stay.
        let mut many = backups.clone();
        for i in 0..5 {
            let mut b = backup(&format!("up-{i}"), now, Origin::Upload);
            b.meta.created_at = i;
            many.push(b);
        }
        let gone = to_remove(&many, &rule, now);
        assert!(gone.contains(&"upload".to_string()) && gone.contains(&"up-0".to_string()));
        assert!(!gone.contains(&"up-4".to_string()));
    }
}
