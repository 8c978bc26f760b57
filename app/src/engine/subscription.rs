//! One subscriber's position in an organisation's feed: catch-up from the change log, then
//! live events, each sequence number exactly once and in order. Transport-agnostic, so the
//! guarantees are tested without a socket.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::broadcast::Receiver;

use crate::core::protocol::ServerMsg;

use crate::core::principal::OrgId;
use crate::engine::hub::{change_frame, event_for, frame_of, Audience, Published};
use crate::engine::store;
use crate::engine::Engine;
use crate::i18n::*;

/// Catch-up reads this many log entries at a time.
const BATCH: i64 = 500;

/// At most this many live events already waiting are handed over together (written to the
/// socket in one go).
const LIVE_BATCH: usize = 32;

pub struct Subscription {
    engine: Engine,
    org: OrgId,
    audience: Audience,
    /// Last sequence delivered to (or, if invisible to this audience, stepped over for) this
    /// subscriber.
    last: i64,
    /// The log holds entries up to here that have not been delivered yet.
    catch_up_to: i64,
    rx: Receiver<Arc<Published>>,
    /// The channel dropped events for this subscriber: read the head before going on.
    lagged: bool,
}

impl Subscription {
    /// Start after `since`, or from the head when `None` (a page with nothing to catch up on).
    /// Returns the greeting to send first. The client gets a `resync` (it reloads its data)
    /// instead of a replay when `since` cannot be resumed from: it is beyond the head or from
    /// another `epoch` (the database was replaced), or further back than the replay window.
    pub async fn start(
        engine: &Engine,
        org: OrgId,
        audience: Audience,
        since: Option<i64>,
        epoch: Option<&str>,
    ) -> Result<(Vec<Utf8Bytes>, Subscription), sqlx::Error> {
        // Subscribe before reading the head: anything committed after this point arrives on
        // the channel, anything before it is in the log, and the overlap is de-duplicated.
        let rx = engine.hub.subscribe(org);
        let mut conn = engine.db.read.acquire().await?;
        let (head, head_at) = store::head(&mut conn, org).await?;
        engine.hub.note_head(org, head);
        let mut greeting = vec![frame_of(&ServerMsg::Hello {
            head,
            head_at,
            epoch: engine.epoch.to_string(),
        })];
        let since = since.unwrap_or(head);
        let refused = if epoch.is_some_and(|e| e != &*engine.epoch) || since > head || since < 0 {
            Some(td_string!(
                crate::core::locale::current(),
                errors.resync.replaced
            ))
        } else if since < head && beyond_replay_window(engine, &mut conn, org, since, head).await? {
            Some(td_string!(
                crate::core::locale::current(),
                errors.resync.too_far
            ))
        } else {
            None
        };
        let last = match refused {
            Some(reason) => {
                greeting.push(frame_of(&ServerMsg::Resync {
                    head,
                    reason: reason.into(),
                }));
                head
            }
            None => since,
        };
        let engine = engine.clone();
        Ok((
            greeting,
            Subscription {
                engine,
                org,
                audience,
                last,
                catch_up_to: head,
                rx,
                lagged: false,
            },
        ))
    }

    pub fn last_delivered(&self) -> i64 {
        self.last
    }

    /// The next frames to send, in order; changes this audience may not see are stepped over.
    /// Waits for live events when caught up, and hands over those already waiting with the
    /// first (up to [`LIVE_BATCH`]). Cancel-safe: state only moves once frames are returned or
    /// stepped over.
    pub async fn next(&mut self) -> Result<Vec<Utf8Bytes>, sqlx::Error> {
        loop {
            // The database reads are boxed: they are rare, and inline they would make every
            // idle subscriber's task as big as the largest of them.
            if self.lagged {
                self.catch_up_to = Box::pin(self.read_head()).await?;
                self.lagged = false;
            }
            if self.last < self.catch_up_to {
                let frames = Box::pin(self.read_log(self.catch_up_to)).await?;
                if !frames.is_empty() {
                    return Ok(frames);
                }
                continue;
            }
            let mut frames = Vec::new();
            let mut received = Some(self.rx.recv().await);
            while let Some(r) = received.take() {
                match r {
                    Ok(p) if p.seq <= self.last => {}
                    Ok(p) if p.seq == self.last + 1 => {
                        self.last = p.seq;
                        frames.extend(p.frame(self.audience).cloned());
                    }
                    // Published out of order (several writers) or a publish we never saw:
                    // the log has everything up to this event.
                    Ok(p) => self.catch_up_to = p.seq,
                    Err(RecvError::Lagged(_)) => self.lagged = true,
                    Err(RecvError::Closed) => return Ok(frames),
                }
                if self.lagged || self.last < self.catch_up_to || frames.len() >= LIVE_BATCH {
                    break;
                }
                received = match self.rx.try_recv() {
                    Ok(p) => Some(Ok(p)),
                    Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
                    Err(TryRecvError::Empty | TryRecvError::Closed) => None,
                };
            }
            if !frames.is_empty() {
                return Ok(frames);
            }
        }
    }

    /// The subscription's organisation.
    pub fn org(&self) -> OrgId {
        self.org
    }

    async fn read_head(&self) -> Result<i64, sqlx::Error> {
        let mut conn = self.engine.db.read.acquire().await?;
        Ok(store::head(&mut conn, self.org).await?.0)
    }

    async fn read_log(&mut self, until: i64) -> Result<Vec<Utf8Bytes>, sqlx::Error> {
        let mut conn = self.engine.db.read.acquire().await?;
        let changes = store::changes_between(&mut conn, self.org, self.last, until, BATCH).await?;
        if changes.is_empty() {
            // Nothing more to read: the head moved back (should not happen); stop catching up.
            self.catch_up_to = self.last;
        }
        let mut frames = Vec::with_capacity(changes.len());
        for change in changes {
            if change.seq() != self.last + 1 {
                // Never skip silently: a hole in the log is a bug worth hearing about.
                tracing::error!(
                    org = self.org,
                    expected = self.last + 1,
                    got = change.seq(),
                    "gap in change log"
                );
            }
            self.last = change.seq();
            let event = event_for(&change, &self.engine.registry, self.audience);
            frames.extend(event.as_ref().map(change_frame));
        }
        Ok(frames)
    }
}

/// Whether resuming after `since` would replay more changes, or older ones, than the feed
/// keeps for replay.
async fn beyond_replay_window(
    engine: &Engine,
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    since: i64,
    head: i64,
) -> Result<bool, sqlx::Error> {
    if head - since > engine.live.replay_max_changes {
        return Ok(true);
    }
    let oldest_missed = store::change_time(conn, org, since + 1).await?;
    let limit = crate::core::time::now_ms() - engine.live.replay_max_age.as_millis() as i64;
    Ok(oldest_missed.is_none_or(|at| at < limit))
}
