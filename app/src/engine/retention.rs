//! Change-log retention. The log keeps every change younger than the replay window (a page
//! resuming after a disconnect replays from it; older than that it reloads instead), the last
//! [`Retention::keep_versions`] versions of every record (history pages, restores, merge
//! bases), and whatever a feature still needs (webhook deliveries not yet sent, through
//! [`crate::engine::Parts::log_holds`]). A background task prunes the rest, in small batches so
//! saves never wait long behind it.

use std::sync::Arc;
use std::time::Duration;

use crate::core::error::AppError;
use crate::core::principal::OrgId;
use crate::core::time::now_ms;
use crate::engine::{BoxFuture, Db, Engine};

/// What a feature still needs of an organisation's log: the oldest sequence number it will
/// read again, if any. Nothing from there on is pruned.
pub type LogHold = Arc<
    dyn for<'a> Fn(&'a Db, OrgId) -> BoxFuture<'a, Result<Option<i64>, AppError>> + Send + Sync,
>;

/// How much of the change log is kept.
#[derive(Debug, Clone)]
pub struct Retention {
    /// Versions kept of every record whatever their age (`COURANT_LOG_KEEP_VERSIONS`); 0 keeps
    /// the whole log.
    pub keep_versions: i64,
    /// How often the task runs (`COURANT_LOG_PRUNE_SECS`).
    pub every: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            keep_versions: 100,
            every: Duration::from_secs(3600),
        }
    }
}

impl Retention {
    pub fn from_env() -> Retention {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let d = Retention::default();
        Retention {
            keep_versions: var("COURANT_LOG_KEEP_VERSIONS").map_or(d.keep_versions, |n| n as i64),
            every: var("COURANT_LOG_PRUNE_SECS").map_or(d.every, |s| Duration::from_secs(s.max(1))),
        }
    }
}

/// Rows deleted per statement: short write transactions, so saves interleave with pruning.
const BATCH: i64 = 500;

/// Prune every organisation's log once, as of `now` (ms); returns how many changes went.
pub async fn prune(engine: &Engine, now: i64) -> Result<u64, AppError> {
    let keep = engine.live.retention.keep_versions;
    if keep <= 0 {
        return Ok(0);
    }
    let older_than = now - engine.live.replay_max_age.as_millis() as i64;
    let orgs: Vec<OrgId> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id")
        .fetch_all(&engine.db.read)
        .await?;
    let mut pruned = 0;
    for org in orgs {
        // Never past what a feature still needs, nor the head (the feed's position lives in
        // change_heads, but the newest change also dates the head for a resuming page).
        let mut below = i64::MAX;
        for hold in engine.log_holds.iter() {
            if let Some(seq) = hold(&engine.db, org).await? {
                below = below.min(seq);
            }
        }
        loop {
            let mut conn = engine.db.writer().await?;
            let gone = sqlx::query(
                "DELETE FROM change_log WHERE org_id = $1 AND seq IN ( \
                   SELECT c.seq FROM change_log c WHERE c.org_id = $1 AND c.at < $2 AND c.seq < $3 \
                   AND c.version <= (SELECT MAX(n.version) FROM change_log n \
                       WHERE n.org_id = c.org_id AND n.collection = c.collection \
                       AND n.record_id = c.record_id) - $4 \
                   ORDER BY c.seq LIMIT $5)",
            )
            .bind(org)
            .bind(older_than)
            .bind(below)
            .bind(keep)
            .bind(BATCH)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            drop(conn);
            pruned += gone;
            if gone < BATCH as u64 {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
    Ok(pruned)
}

/// Prune now and then every [`Retention::every`], for as long as the runtime runs.
pub fn spawn(engine: Engine) {
    tokio::spawn(async move {
        loop {
            match prune(&engine, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(pruned = n, "change log: pruned old changes"),
                Err(e) => tracing::warn!(error = %e.explain(), "change log: pruning failed"),
            }
            tokio::time::sleep(engine.live.retention.every).await;
        }
    });
}
