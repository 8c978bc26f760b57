//! In-process fan-out of committed changes to live subscribers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::broadcast;

use serde_json::Value;

use crate::core::protocol::{ChangeEvent, ServerMsg};
use crate::core::roles::{allows, Role};

use crate::core::principal::OrgId;
use crate::engine::registry::{Entry, Registry};
use crate::engine::store::LoggedChange;

/// How many events a subscriber may fall behind before it catches up from the change log.
const CHANNEL_CAPACITY: usize = 1024;

/// Who is listening: what they may see of each change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Published records, public fields only.
    Public,
    /// A member with this role: the collections it may read, with the fields it may see.
    Role(Role),
}

/// A published change with its wire frames, serialised once per audience (not per socket):
/// at most one for the public and one per role, and roles that see the same event share one.
#[derive(Debug)]
pub struct Published {
    pub seq: i64,
    public: Option<Utf8Bytes>,
    roles: [Option<Utf8Bytes>; Role::ALL.len()],
}

impl Published {
    pub fn of(change: &LoggedChange, registry: &Registry) -> Published {
        let entry = registry.get(&change.staff.collection).ok();
        // The whole event, for every role that sees all of it: serialised once, if at all.
        let mut whole: Option<Utf8Bytes> = None;
        let mut narrowed: Vec<(ChangeEvent, Utf8Bytes)> = Vec::new();
        let roles = Role::ALL.map(|role| match role_view(entry, role) {
            RoleView::Nothing => None,
            RoleView::Whole => Some(
                whole
                    .get_or_insert_with(|| change_frame(&change.staff))
                    .clone(),
            ),
            RoleView::Narrowed(entry) => {
                let event = narrowed_event(change, entry, role)?;
                if let Some((_, frame)) = narrowed.iter().find(|(e, _)| *e == event) {
                    return Some(frame.clone());
                }
                let frame = change_frame(&event);
                narrowed.push((event, frame.clone()));
                Some(frame)
            }
        });
        Published {
            seq: change.seq(),
            public: change.public.as_ref().map(change_frame),
            roles,
        }
    }

    /// The frame this audience receives, if any.
    pub fn frame(&self, audience: Audience) -> Option<&Utf8Bytes> {
        match audience {
            Audience::Public => self.public.as_ref(),
            Audience::Role(role) => self.roles[role_index(role)].as_ref(),
        }
    }
}

/// What `audience` receives of a logged change: nothing from a collection it may not read,
/// and only the fields it may see (the public's copy was made when the change was logged).
pub fn event_for(
    change: &LoggedChange,
    registry: &Registry,
    audience: Audience,
) -> Option<ChangeEvent> {
    let Audience::Role(role) = audience else {
        return change.public.clone();
    };
    match role_view(registry.get(&change.staff.collection).ok(), role) {
        RoleView::Nothing => None,
        RoleView::Whole => Some(change.staff.clone()),
        RoleView::Narrowed(entry) => narrowed_event(change, entry, role),
    }
}

/// How much of a change to `entry`'s collection a role receives: the one rule the live path
/// and the catch-up path share.
enum RoleView<'a> {
    Nothing,
    Whole,
    /// Without the restricted fields the role may not see.
    Narrowed(&'a dyn Entry),
}

fn role_view(entry: Option<&dyn Entry>, role: Role) -> RoleView<'_> {
    match entry {
        // `None`: a collection no feature registers any more, nobody's to read.
        Some(e) if allows(Some(role), e.read()) => {
            if e.hides_from(role) {
                RoleView::Narrowed(e)
            } else {
                RoleView::Whole
            }
        }
        _ => RoleView::Nothing,
    }
}

/// The change without the fields `role` may not see (from its data and its `changed`).
fn narrowed_event(change: &LoggedChange, entry: &dyn Entry, role: Role) -> Option<ChangeEvent> {
    let mut event = change.staff.clone();
    if let Some(Value::Object(data)) = &event.data {
        let seen = entry.projection_for(Some(role), data)?;
        event.changed.retain(|f| seen.contains_key(f));
        event.data = Some(Value::Object(seen));
    }
    Some(event)
}

fn role_index(role: Role) -> usize {
    Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
}

#[derive(Clone)]
pub struct Hub {
    channels: Arc<Mutex<HashMap<OrgId, Channel>>>,
    registry: Arc<Registry>,
}

struct Channel {
    sender: broadcast::Sender<Arc<Published>>,
    /// The highest sequence published here: a change at or below it is not sent again
    /// (another node's doorbell and this node's own save can both bring the same change).
    /// `None` until the first subscriber tells where the log stood when it subscribed.
    published_up_to: Option<i64>,
}

impl Hub {
    /// A hub for the collections of `registry` (what each role may read of them).
    pub fn new(registry: Arc<Registry>) -> Hub {
        Hub {
            channels: Default::default(),
            registry,
        }
    }

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
        // Nobody is watching this organisation on this node: nothing to serialise. One who
        // subscribes now reads the log's head after subscribing, and this change is in it.
        if sender.receiver_count() == 0 {
            return;
        }
        // Serialised once per audience, outside the lock; every socket shares these bytes.
        let published = Published::of(change, &self.registry);
        // The last receiver may have gone meanwhile: fine.
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
