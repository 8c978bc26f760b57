//! One subscriber's position in an organisation's feed: catch-up from the change log, then
//! live events, each sequence number exactly once and in order. Transport-agnostic, so the
//! guarantees are tested without a socket.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use tokio::sync::broadcast::{error::RecvError, Receiver};

use crate::live::ServerMsg;

use super::hub::{change_frame, frame_of, Audience, Published};
use super::store::{self, OrgId};
use super::Engine;

/// Catch-up reads this many log entries at a time.
const BATCH: i64 = 500;

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
}

impl Subscription {
    /// Start after `since`, or from the head when `None` (a page with nothing to catch up on).
    /// Returns the greeting to send first. A `since` beyond the head (the database was
    /// replaced) yields a resync telling the client to reload.
    pub async fn start(
        engine: &Engine,
        org: OrgId,
        audience: Audience,
        since: Option<i64>,
    ) -> Result<(Vec<Utf8Bytes>, Subscription), sqlx::Error> {
        // Subscribe before reading the head: anything committed after this point arrives on
        // the channel, anything before it is in the log, and the overlap is de-duplicated.
        let rx = engine.hub.subscribe(org);
        let mut conn = engine.db.read.acquire().await?;
        let (head, head_at) = store::head(&mut conn, org).await?;
        let mut greeting = vec![frame_of(&ServerMsg::Hello { head, head_at })];
        let since = since.unwrap_or(head);
        let last = if since > head || since < 0 {
            greeting.push(frame_of(&ServerMsg::Resync {
                head,
                reason: "This page is ahead of the server's history; reloading.".into(),
            }));
            head
        } else {
            since
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
            },
        ))
    }

    pub fn last_delivered(&self) -> i64 {
        self.last
    }

    /// The next frames to send, in order; changes this audience may not see are stepped over.
    /// Waits for live events when caught up. Cancel-safe: state only moves once frames are
    /// returned or stepped over.
    pub async fn next(&mut self) -> Result<Vec<Utf8Bytes>, sqlx::Error> {
        loop {
            if self.last < self.catch_up_to {
                let frames = self.read_log(self.catch_up_to).await?;
                if !frames.is_empty() {
                    return Ok(frames);
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(p) if p.seq <= self.last => continue,
                Ok(p) if p.seq == self.last + 1 => {
                    self.last = p.seq;
                    if let Some(frame) = p.frame(self.audience) {
                        return Ok(vec![frame.clone()]);
                    }
                }
                // Published out of order (several writers) or a publish we never saw:
                // the log has everything up to this event.
                Ok(p) => self.catch_up_to = p.seq,
                Err(RecvError::Lagged(_)) => {
                    let mut conn = self.engine.db.read.acquire().await?;
                    self.catch_up_to = store::head(&mut conn, self.org).await?.0;
                }
                Err(RecvError::Closed) => return Ok(vec![]),
            }
        }
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
            let event = match self.audience {
                Audience::Staff => Some(&change.staff),
                Audience::Public => change.public.as_ref(),
            };
            frames.extend(event.map(change_frame));
        }
        Ok(frames)
    }
}
