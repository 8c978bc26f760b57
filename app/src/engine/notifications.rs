//! The members' notifications: each feature says what a change of its collection means for
//! one member ([`Notifier`]); the engine reads the latest changes of those collections the
//! member may read, derives their notifications, and keeps per member the sequence they have
//! seen up to. Nothing is stored per notification: the change log is the record, so a member
//! who was away finds what they missed, each once.

use std::sync::Arc;

use crate::core::error::AppError;
use crate::core::notification::{Notification, Notifications};
use crate::core::principal::{Identity, Principal};
use crate::core::protocol::ChangeEvent;
use crate::core::roles::allows;
use crate::engine::{store, Engine};

/// What a change of a feature's collection means for `member` (`None`: nothing to tell).
pub type Notifier = Arc<dyn Fn(&ChangeEvent, &Identity) -> Option<Notification> + Send + Sync>;

/// Changes read per collection: the notifications of the latest ones.
const SCANNED: i64 = 200;
/// Notifications a member is shown at once.
const SHOWN: usize = 30;

/// The member's latest notifications and how many they have not seen.
pub async fn list(engine: &Engine, who: &Principal) -> Result<Notifications, AppError> {
    let me = who.signed_in()?;
    let mut conn = engine.db.read.acquire().await?;
    let (head, _) = store::head(&mut conn, who.org).await?;
    let seen: i64 =
        sqlx::query_scalar("SELECT seq FROM notifications_seen WHERE org_id = $1 AND user_id = $2")
            .bind(who.org)
            .bind(me.user)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0);
    let mut items = Vec::new();
    let mut watched = Vec::new();
    for (collection, notifier) in engine.notifiers.iter() {
        let readable = engine
            .registry
            .get(collection)
            .is_ok_and(|entry| allows(me.role, entry.read()));
        if !readable {
            continue;
        }
        watched.push(collection.to_string());
        for event in
            store::recent_changes(&mut conn, who.org, collection, i64::MAX, SCANNED).await?
        {
            if let Some(mut n) = notifier(&event, me) {
                n.seen = n.seq <= seen;
                items.push(n);
            }
        }
    }
    items.sort_by_key(|n| std::cmp::Reverse(n.seq));
    let unseen = items.iter().filter(|n| !n.seen).count();
    items.truncate(SHOWN);
    Ok(Notifications {
        items,
        unseen,
        head,
        watched,
    })
}

/// The member has seen everything up to `through` (never back: a stale page cannot unsee).
pub async fn mark_seen(engine: &Engine, who: &Principal, through: i64) -> Result<(), AppError> {
    let me = who.signed_in()?;
    let mut conn = engine.db.writer().await?;
    let (head, _) = store::head(&mut conn, who.org).await?;
    let through = through.clamp(0, head);
    sqlx::query(
        "INSERT INTO notifications_seen (org_id, user_id, seq) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id, user_id) DO UPDATE SET seq = \
         CASE WHEN notifications_seen.seq > excluded.seq THEN notifications_seen.seq ELSE excluded.seq END",
    )
    .bind(who.org)
    .bind(me.user)
    .bind(through)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
