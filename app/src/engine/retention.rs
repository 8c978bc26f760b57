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
    /// Days the operations log keeps its entries (`COURANT_OPERATIONS_KEEP_DAYS`; the
    /// statistics' longest period is 90); 0 keeps them all.
    pub operations_days: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            keep_versions: 100,
            every: Duration::from_secs(3600),
            operations_days: 90,
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
            operations_days: var("COURANT_OPERATIONS_KEEP_DAYS")
                .map_or(d.operations_days, |n| n as i64),
        }
    }
}

/// Rows deleted per statement: short write transactions, so saves interleave with pruning.
const BATCH: i64 = 500;

/// Beyond the replay window, a margin: a page that passed the window check as it connected
/// reads its catch-up a moment later, and must find every change still there.
const MARGIN_MS: i64 = 3_600_000;

/// Prune every organisation's log once, as of `now` (ms); returns how many changes went.
/// Candidates are found on a reader (SQLite's writer is never held for the search), then
/// deleted by sequence number in short write statements.
pub async fn prune(engine: &Engine, now: i64) -> Result<u64, AppError> {
    let keep = engine.live.retention.keep_versions;
    if keep <= 0 {
        return Ok(0);
    }
    let older_than = now - engine.live.replay_max_age.as_millis() as i64 - MARGIN_MS;
    let orgs: Vec<OrgId> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id")
        .fetch_all(&engine.db.read)
        .await?;
    let mut pruned = 0;
    for org in orgs {
        // Never what a feature still needs.
        let mut below = i64::MAX;
        for hold in engine.log_holds.iter() {
            if let Some(seq) = hold(&engine.db, org).await? {
                below = below.min(seq);
            }
        }
        let mut after = 0;
        loop {
            // A change is kept while it is one of its record's last `keep` (by sequence, so a
            // record created again under an old id counts its own changes).
            let doomed: Vec<i64> = sqlx::query_scalar(
                "SELECT c.seq FROM change_log c WHERE c.org_id = $1 AND c.seq > $2 \
                   AND c.at < $3 AND c.seq < $4 \
                   AND c.seq < (SELECT n.seq FROM change_log n WHERE n.org_id = c.org_id \
                       AND n.collection = c.collection AND n.record_id = c.record_id \
                       ORDER BY n.seq DESC LIMIT 1 OFFSET $5) \
                 ORDER BY c.seq LIMIT $6",
            )
            .bind(org)
            .bind(after)
            .bind(older_than)
            .bind(below)
            .bind(keep - 1)
            .bind(BATCH)
            .fetch_all(&engine.db.read)
            .await?;
            let Some(&last) = doomed.last() else { break };
            after = last;
            let list = doomed
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let mut conn = engine.db.writer().await?;
            // Numbers the database gave, never input.
            pruned += sqlx::query(&format!(
                "DELETE FROM change_log WHERE org_id = $1 AND seq IN ({list})"
            ))
            .bind(org)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            drop(conn);
            if doomed.len() < BATCH as usize {
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
            let days = engine.live.retention.operations_days;
            if days > 0 {
                let before = now_ms() - days * 86_400_000;
                match super::operations::prune(&engine, before).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(pruned = n, "operations log: pruned old entries"),
                    Err(e) => {
                        tracing::warn!(error = %e.explain(), "operations log: pruning failed")
                    }
                }
            }
            tokio::time::sleep(engine.live.retention.every).await;
        }
    });
}
