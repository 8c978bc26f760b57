use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use leptos::prelude::*;

use crate::core::collection::Collection;
use crate::core::locale::Locale;
use crate::core::merge::to_map;
use crate::core::protocol::ChangeEvent;
use crate::core::wire::Snapshot;
use crate::i18n::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedStatus {
    Connecting,
    Live,
    Reconnecting,
    Offline,
    /// The page's session ended (signed out elsewhere, password changed, removed): the
    /// socket stopped trying, and the page offers to sign in again.
    SessionEnded,
}

impl FeedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedStatus::Connecting => "connecting",
            FeedStatus::Live => "live",
            FeedStatus::Reconnecting => "reconnecting",
            FeedStatus::Offline => "offline",
            FeedStatus::SessionEnded => "session-ended",
        }
    }

    /// What the indicator says, in `locale`.
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            FeedStatus::Connecting => td_string!(locale, common.sync.connecting),
            FeedStatus::Live => td_string!(locale, common.sync.live),
            FeedStatus::Reconnecting => td_string!(locale, common.sync.reconnecting),
            FeedStatus::Offline => td_string!(locale, common.sync.offline),
            FeedStatus::SessionEnded => td_string!(locale, common.sync.session_ended),
        }
    }
}

type Listener = Arc<dyn Fn(&ChangeEvent) + Send + Sync>;

/// The page's one connection to the live feed, shared through context.
#[derive(Clone)]
pub struct LiveFeed {
    pub status: RwSignal<FeedStatus>,
    /// Commit time of the newest change seen (from the page's data or the feed).
    pub last_change_at: RwSignal<Option<i64>>,
    /// Highest sequence number delivered to listeners.
    pub last_seq: RwSignal<i64>,
    /// Bumped when the page's access may have ended: the server closed the socket because the
    /// credential changed, a staff socket could not connect, or a save was refused as signed
    /// out. The backoffice layout then asks who is signed in and calls [`LiveFeed::end_session`]
    /// if nobody is.
    pub access_check: RwSignal<u64>,
    ended: Arc<AtomicBool>,
    listeners: Arc<Mutex<Vec<(u64, Listener)>>>,
    next_id: Arc<AtomicU64>,
    started: Arc<AtomicBool>,
    staff: Arc<AtomicBool>,
}

impl LiveFeed {
    fn new() -> Self {
        Self {
            status: RwSignal::new(FeedStatus::Connecting),
            last_change_at: RwSignal::new(None),
            last_seq: RwSignal::new(0),
            access_check: RwSignal::new(0),
            ended: Default::default(),
            listeners: Default::default(),
            next_id: Default::default(),
            started: Default::default(),
            staff: Default::default(),
        }
    }

    /// Call `f` for every change delivered while the calling component lives.
    pub fn on_change(&self, f: impl Fn(&ChangeEvent) + Send + Sync + 'static) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().push((id, Arc::new(f)));
        let listeners = self.listeners.clone();
        on_cleanup(move || {
            listeners
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .retain(|(i, _)| *i != id)
        });
    }

    /// Ask for the staff view of changes (drafts, private fields); set by the backoffice
    /// layout before any page starts the feed. The server decides whether it is allowed.
    pub fn use_staff_audience(&self) {
        self.staff.store(true, Ordering::SeqCst);
    }

    pub fn is_staff(&self) -> bool {
        self.staff.load(Ordering::SeqCst)
    }

    /// Ask whether the page's access still stands (see [`LiveFeed::access_check`]).
    pub fn check_access(&self) {
        self.access_check.update(|n| *n += 1);
    }

    /// Nobody is signed in any more: stop the socket for good and say so.
    pub fn end_session(&self) {
        self.ended.store(true, Ordering::SeqCst);
        self.status.set(FeedStatus::SessionEnded);
    }

    pub fn session_ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    /// Open the socket, resuming after `since` (the sequence the page's data was read at).
    /// Later calls are ignored: one page has one feed.
    pub fn start(&self, since: i64, since_at: Option<i64>) {
        if self.last_change_at.get_untracked().is_none() {
            self.last_change_at.set(since_at);
        }
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        self.last_seq.set(since);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(super::socket::run(self.clone(), Some(since)));
    }

    /// For pages with no live data of their own: connect from the current head, so the
    /// indicator is live and the page's listeners hear what happens from now on.
    pub fn start_at_head(&self) {
        let first = !self.started.swap(true, Ordering::SeqCst);
        #[cfg(feature = "hydrate")]
        if first {
            leptos::task::spawn_local(super::socket::run(self.clone(), None));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = first;
    }

    /// Hand one event, in sequence order, to every listener.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn deliver(&self, event: &ChangeEvent) {
        if event.seq <= self.last_seq.get_untracked() {
            return;
        }
        self.last_seq.set(event.seq);
        self.last_change_at.set(Some(event.at));
        // Listeners may register or drop others; call a snapshot of the list.
        let listeners: Vec<Listener> = self.lock().iter().map(|(_, l)| l.clone()).collect();
        for l in listeners {
            l(event);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Listener)>> {
        self.listeners.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub fn provide_live_feed() -> LiveFeed {
    let feed = LiveFeed::new();
    provide_context(feed.clone());
    feed
}

pub fn use_live_feed() -> LiveFeed {
    use_context::<LiveFeed>().unwrap_or_else(provide_live_feed)
}

/// A record that stays current: starts from the server-rendered snapshot, starts the feed from
/// the snapshot's sequence, and takes every newer version the feed delivers.
pub fn use_live_record<T: Collection>(snap: Snapshot<T>, id: &'static str) -> RwSignal<T> {
    let record = RwSignal::new(snap.record);
    let feed = use_live_feed();
    feed.on_change(move |event| {
        if event.collection != T::NAME || event.record_id != id {
            return;
        }
        let newer = record.with_untracked(|r| version_of(r) < event.version);
        if let (true, Some(next)) = (newer, event.record::<T>()) {
            record.set(next);
        }
    });
    Effect::new(move |_| feed.start(snap.seq, snap.seq_at));
    record
}

pub(crate) fn version_of<T: Collection>(r: &T) -> i64 {
    to_map(r)
        .get("version")
        .and_then(|v| v.as_i64())
        .unwrap_or(0)
}
