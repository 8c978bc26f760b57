//! Several server processes on one PostgreSQL database share one live feed.
//!
//! A save never notifies inside its transaction: `pg_notify` there takes a cluster-wide lock
//! at commit and serialises every save. Instead, after commit the node rings a doorbell: the
//! organisation goes into a pending set, and one task sends a single `NOTIFY` for everything
//! rung since its last one (coalesced: a burst of saves costs one notification, and a node
//! rings at most once per [`RING_EVERY`]). Every other node listens; on a ring it reads the change log after the last sequence it has published, in
//! order, and publishes those entries to its own hub. The change log stays the one source of
//! truth, so a lost notification delays events but never loses them: the listener also
//! catches up after reconnecting and every few seconds.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use crate::core::principal::OrgId;
use crate::engine::store;
use crate::engine::Engine;

const CHANNEL: &str = "courant_feed";
/// The listener's connection names itself so operators (and tests) can find it.
pub const LISTENER_APP_NAME: &str = "courant-feed-listener";
/// Without any ring, heads are still compared this often (a safety net, not the path).
const POLL_EVERY: Duration = Duration::from_secs(5);
/// Changes read from the log per query when catching up.
const BATCH: i64 = 500;
/// The shortest time between two rings of one node: under a stream of saves, notifications
/// (and the other nodes' log reads they cause) stay at a bounded rate instead of one per save,
/// for at most this much delay.
const RING_EVERY: Duration = Duration::from_millis(5);

pub struct Doorbell {
    /// Sent with every ring, so a node does not read the log for its own saves (it publishes
    /// them itself after commit).
    node: String,
    pending: Mutex<HashSet<OrgId>>,
    wake: Notify,
}

impl Default for Doorbell {
    fn default() -> Self {
        Self {
            node: uuid::Uuid::new_v4().simple().to_string(),
            pending: Mutex::default(),
            wake: Notify::default(),
        }
    }
}

impl Doorbell {
    /// Tell the other nodes, soon and outside any transaction, that `org` has new changes.
    pub fn ring(&self, org: OrgId) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(org);
        self.wake.notify_one();
    }

    fn take(&self) -> Vec<OrgId> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.drain().collect()
    }
}

/// Start ringing and listening for this node (PostgreSQL only).
pub fn spawn(engine: Engine, database_url: String, doorbell: Arc<Doorbell>) {
    tokio::spawn(ring_loop(engine.clone(), doorbell.clone()));
    tokio::spawn(listen_loop(engine, database_url, doorbell));
}

async fn ring_loop(engine: Engine, doorbell: Arc<Doorbell>) {
    loop {
        doorbell.wake.notified().await;
        let orgs = doorbell.take();
        if orgs.is_empty() {
            continue;
        }
        let payload = ring_payload(&doorbell.node, &orgs);
        let sent = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&payload)
            .execute(&engine.db.write)
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "cannot ring the other nodes; retrying");
            for org in orgs {
                doorbell.ring(org);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        } else {
            tokio::time::sleep(RING_EVERY).await;
        }
    }
}

/// `<node> <org>,<org>…`
fn ring_payload(node: &str, orgs: &[OrgId]) -> String {
    let orgs: Vec<String> = orgs.iter().map(OrgId::to_string).collect();
    format!("{node} {}", orgs.join(","))
}

/// The organisations a ring from another node names; none for this node's own rings.
fn rung_orgs(payload: &str, this_node: &str) -> Vec<OrgId> {
    let (node, orgs) = payload.split_once(' ').unwrap_or(("", payload));
    if node == this_node {
        return Vec::new();
    }
    orgs.split(',').filter_map(|o| o.parse().ok()).collect()
}

async fn listen_loop(engine: Engine, database_url: String, doorbell: Arc<Doorbell>) {
    let url = with_app_name(&database_url);
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut listener = match connect(&url).await {
            Ok(l) => {
                backoff = Duration::from_millis(100);
                l
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for other nodes' changes; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        // Whatever was committed while this node was not listening.
        catch_up_all(&engine).await;
        loop {
            match tokio::time::timeout(POLL_EVERY, listener.try_recv()).await {
                Ok(Ok(Some(n))) => {
                    for org in rung_orgs(n.payload(), &doorbell.node) {
                        catch_up(&engine, org).await;
                    }
                }
                // The connection dropped (sqlx reconnects on the next call); notifications
                // sent meanwhile are lost, so read the log.
                Ok(Ok(None)) => {
                    tracing::warn!("lost the listener connection; reconnected, catching up");
                    catch_up_all(&engine).await;
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "listener failed; reconnecting");
                    break;
                }
                Err(_quiet) => catch_up_all(&engine).await,
            }
        }
    }
}

async fn connect(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

fn with_app_name(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}application_name={LISTENER_APP_NAME}")
}

async fn catch_up_all(engine: &Engine) {
    for org in engine.hub.orgs() {
        catch_up(engine, org).await;
    }
}

/// Publish every change of `org` this node has not published yet, in order.
async fn catch_up(engine: &Engine, org: OrgId) {
    let result: Result<(), sqlx::Error> = async {
        let mut conn = engine.db.read.acquire().await?;
        let (head, _) = store::head(&mut conn, org).await?;
        loop {
            // Unknown until a subscriber noted the head: nobody here is waiting yet.
            let Some(after) = engine.hub.published_up_to(org) else {
                return Ok(());
            };
            if after >= head {
                return Ok(());
            }
            let changes = store::changes_between(&mut conn, org, after, head, BATCH).await?;
            if changes.is_empty() {
                return Ok(());
            }
            for change in &changes {
                engine.hub.publish(org, change);
            }
        }
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(org, error = %e, "cannot read other nodes' changes; will retry");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_hears_other_nodes_rings_not_its_own() {
        let ring = ring_payload("a1", &[1, 42]);
        assert_eq!(rung_orgs(&ring, "b2"), vec![1, 42]);
        assert_eq!(rung_orgs(&ring, "a1"), Vec::<OrgId>::new());
        assert_eq!(
            rung_orgs("7", "a1"),
            vec![7],
            "a ring without a node id is heard"
        );
    }
}
