//! In-process fan-out of committed changes to live subscribers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::broadcast;

use crate::core::protocol::{ChangeEvent, ServerMsg};

use crate::core::principal::OrgId;
use crate::engine::store::LoggedChange;

/// How many events a subscriber may fall behind before it catches up from the change log.
const CHANNEL_CAPACITY: usize = 1024;

/// Who is listening: what they may see of each change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everything, private fields and drafts included.
    Staff,
    /// Published records, public fields only.
    Public,
}

/// A published change with its wire frames, serialised once per audience for every subscriber.
#[derive(Debug)]
pub struct Published {
    pub seq: i64,
    staff: Utf8Bytes,
    public: Option<Utf8Bytes>,
}

impl Published {
    /// The frame this audience receives, if any.
    pub fn frame(&self, audience: Audience) -> Option<&Utf8Bytes> {
        match audience {
            Audience::Staff => Some(&self.staff),
            Audience::Public => self.public.as_ref(),
        }
    }
}

#[derive(Clone, Default)]
pub struct Hub {
    channels: Arc<Mutex<HashMap<OrgId, Channel>>>,
}

struct Channel {
    sender: broadcast::Sender<Arc<Published>>,
    /// The highest sequence published here: a change at or below it is not sent again
    /// (another node's doorbell and this node's own save can both bring the same change).
    /// `None` until the first subscriber tells where the log stood when it subscribed.
    published_up_to: Option<i64>,
}

impl Hub {
    pub fn subscribe(&self, org: OrgId) -> broadcast::Receiver<Arc<Published>> {
        self.sender(org).subscribe()
    }

    /// Called after commit. Subscribers tolerate out-of-order and missed publishes (they fill
    /// gaps from the change log), so a lost publish delays an event but never loses it.
    pub fn publish(&self, org: OrgId, change: &LoggedChange) {
        let seq = change.seq();
        let sender = {
            let mut channels = self.lock();
            let channel = channel(&mut channels, org);
            if channel.published_up_to.is_some_and(|p| seq <= p) {
                return;
            }
            channel.published_up_to = Some(seq);
            channel.sender.clone()
        };
        // Serialised once per audience, outside the lock; every socket shares these bytes.
        let published = Published {
            seq,
            staff: change_frame(&change.staff),
            public: change.public.as_ref().map(change_frame),
        };
        // No receiver is fine: nobody is watching this organisation right now.
        let _ = sender.send(Arc::new(published));
    }

    /// The highest sequence of `org` published on this node, if known.
    pub fn published_up_to(&self, org: OrgId) -> Option<i64> {
        self.lock().get(&org).and_then(|c| c.published_up_to)
    }

    /// A subscriber read `head` after subscribing: changes after it will come through here.
    pub fn note_head(&self, org: OrgId, head: i64) {
        channel(&mut self.lock(), org)
            .published_up_to
            .get_or_insert(head);
    }

    /// Organisations someone on this node has subscribed to.
    pub fn orgs(&self) -> Vec<OrgId> {
        self.lock().keys().copied().collect()
    }

    fn sender(&self, org: OrgId) -> broadcast::Sender<Arc<Published>> {
        channel(&mut self.lock(), org).sender.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<OrgId, Channel>> {
        self.channels.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn channel(channels: &mut HashMap<OrgId, Channel>, org: OrgId) -> &mut Channel {
    channels.entry(org).or_insert_with(|| Channel {
        sender: broadcast::channel(CHANNEL_CAPACITY).0,
        published_up_to: None,
    })
}

pub fn change_frame(event: &ChangeEvent) -> Utf8Bytes {
    frame_of(&ServerMsg::Change {
        event: event.clone(),
    })
}

pub fn frame_of(msg: &ServerMsg) -> Utf8Bytes {
    serde_json::to_string(msg)
        .expect("server messages always serialise")
        .into()
}
