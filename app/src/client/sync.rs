use leptos::prelude::*;
use serde_json::Value;

use super::queue::{enqueue, QueuedSave};
use crate::core::error::AppError;
use crate::core::wire::{SyncOp, SyncResult};
use crate::engine::api::sync;

/// Saving from the browser: the one way pages send edits, with shared progress and errors
/// that the [`RealtimeSyncIndicator`](crate::widgets::indicator::RealtimeSyncIndicator) shows.
#[derive(Clone, Copy)]
pub struct RealtimeSync {
    in_flight: RwSignal<u32>,
    error: RwSignal<Option<AppError>>,
    queue: RwSignal<Vec<QueuedSave>>,
    draining: StoredValue<bool>,
    /// The feed's [`super::LiveFeed::access_check`]: a save refused as signed out asks it.
    access_check: Option<RwSignal<u64>>,
}

impl RealtimeSync {
    /// True while any save is on its way.
    pub fn syncing(&self) -> Signal<bool> {
        let this = *self;
        Signal::derive(move || this.is_syncing())
    }

    /// [`RealtimeSync::syncing`] now, tracked, without making a signal (for a closure that
    /// reads it on every run).
    pub fn is_syncing(&self) -> bool {
        self.in_flight.get() > 0
    }

    /// Saves waiting in the queue (including one on its way).
    pub fn pending(&self) -> Signal<usize> {
        let this = *self;
        Signal::derive(move || this.pending_count())
    }

    /// [`RealtimeSync::pending`] now, tracked, without making a signal.
    pub fn pending_count(&self) -> usize {
        self.queue.with(Vec::len)
    }

    /// The records of `collection` with a save waiting in the queue (their rows say so).
    pub fn pending_ids(
        &self,
        collection: &'static str,
    ) -> Signal<std::collections::HashSet<String>> {
        let queue = self.queue;
        Signal::derive(move || {
            queue.with(|q| {
                q.iter()
                    .filter(|s| s.collection == collection)
                    .filter_map(|s| s.payload.get("id").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
        })
    }

    /// The last save's error, until the next success or [`RealtimeSync::clear_error`].
    pub fn sync_error(&self) -> Signal<Option<AppError>> {
        self.error.into()
    }

    pub fn clear_error(&self) {
        self.error.set(None);
    }

    /// Any operation on any collection (the escape hatch), saved now.
    pub async fn sync(
        &self,
        collection: &str,
        op: SyncOp,
        payload: Value,
    ) -> Result<SyncResult, AppError> {
        self.track(sync(
            collection.to_string(),
            op,
            payload,
            Default::default(),
        ))
        .await
    }

    /// A save that keeps its turn: sent now (`send`, tracked like [`RealtimeSync::track`])
    /// when the browser is online and no earlier save is waiting; otherwise, or when it cannot
    /// reach the server, queued as `collection`/`op`/`payload` and sent in order when the
    /// connection returns. `Ok(None)`: queued, not failed.
    pub async fn save_or_queue<T>(
        &self,
        send: impl std::future::Future<Output = Result<T, AppError>>,
        collection: &str,
        op: SyncOp,
        payload: Value,
    ) -> Result<Option<T>, AppError> {
        if !online() || self.queue.with_untracked(|q| !q.is_empty()) {
            self.queue_sync(collection, op, payload);
            return Ok(None);
        }
        self.in_flight.update(|n| *n += 1);
        let result = send.await;
        self.in_flight.update(|n| *n = n.saturating_sub(1));
        match result {
            Err(AppError::Transport(_)) => {
                self.queue_sync(collection, op, payload);
                Ok(None)
            }
            result => {
                self.note(&result);
                result.map(Some)
            }
        }
    }

    /// Save later, in order, surviving reloads and lost connections; see [`super::queue`].
    pub fn queue_sync(&self, collection: &str, op: SyncOp, payload: Value) {
        let item = QueuedSave {
            collection: collection.to_string(),
            op,
            payload,
        };
        let in_flight = self.draining.get_value();
        let mut accepted = true;
        self.queue
            .update(|q| accepted = enqueue(q, item, in_flight));
        if !accepted {
            self.error.set(Some(AppError::TooManyRequests));
        }
        self.drain();
    }

    /// Run any server call as a tracked save: `syncing` while it runs, `sync_error` after.
    pub async fn track<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        self.in_flight.update(|n| *n += 1);
        let result = fut.await;
        self.in_flight.update(|n| *n = n.saturating_sub(1));
        self.note(&result);
        result
    }

    /// Show a save's error; one refused as signed out asks whether the session ended.
    fn note<T>(&self, result: &Result<T, AppError>) {
        if let (Err(AppError::Unauthorized), Some(check)) = (result, self.access_check) {
            check.update(|n| *n += 1);
        }
        self.error.set(result.as_ref().err().cloned());
    }

    /// Send queued saves one at a time, oldest first. A save the server refuses (conflict,
    /// invalid) leaves the queue with its error shown; one that cannot reach the server stays
    /// first in line and is tried again with backoff.
    fn drain(self) {
        #[cfg(feature = "hydrate")]
        {
            if self.draining.get_value() {
                return;
            }
            self.draining.set_value(true);
            leptos::task::spawn_local(async move {
                let mut failures = 0u32;
                while let Some(item) = self.queue.with_untracked(|q| q.first().cloned()) {
                    super::socket::back_online().await;
                    self.in_flight.update(|n| *n += 1);
                    let result = sync(
                        item.collection.clone(),
                        item.op,
                        item.payload.clone(),
                        Default::default(),
                    )
                    .await;
                    self.in_flight.update(|n| *n = n.saturating_sub(1));
                    match result {
                        // Signed out meanwhile: the save waits, kept, for the next session;
                        // the page offers to sign in again.
                        Err(AppError::Unauthorized) => {
                            if let Some(check) = self.access_check {
                                check.update(|n| *n += 1);
                            }
                            break;
                        }
                        Err(AppError::Transport(_)) => {
                            failures += 1;
                            let wait = (500u32 << failures.min(5)).min(10_000);
                            super::socket::wait_or_back_online(wait).await;
                            continue;
                        }
                        Ok(_) => self.error.set(None),
                        Err(e) => self.error.set(Some(e)),
                    }
                    failures = 0;
                    self.queue.update(|q| {
                        if q.first() == Some(&item) {
                            q.remove(0);
                        }
                    });
                }
                self.draining.set_value(false);
            });
        }
    }
}

/// Whether the browser believes it has a network (always, on the server).
fn online() -> bool {
    #[cfg(feature = "hydrate")]
    return super::socket::online();
    #[cfg(not(feature = "hydrate"))]
    true
}

/// Where the page's save hook lives: made the first time a page that saves asks for it
/// ([`use_realtime_sync`]), under the root so it outlives that page and keeps its queue
/// across the backoffice's pages. Public pages never ask, so the queue, its storage and its
/// sending stay out of the code they download (docs/BUNDLE.md); the indicator reads the slot.
#[derive(Clone)]
struct SyncSlot {
    root: Owner,
    sync: RwSignal<Option<RealtimeSync>>,
}

/// Makes room for the page's save hook; called once, at the root of the page.
pub fn provide_sync_slot() {
    if let Some(root) = Owner::current() {
        provide_context(SyncSlot {
            root,
            sync: RwSignal::new(None),
        });
    }
}

/// The page's save hook if a page has made it (tracked: a page that saves, shown later,
/// makes it), without making it.
pub fn current_realtime_sync() -> Option<RealtimeSync> {
    use_context::<SyncSlot>().and_then(|slot| slot.sync.get())
}

/// The page's save hook, made at the root on first use.
pub fn use_realtime_sync() -> RealtimeSync {
    let Some(slot) = use_context::<SyncSlot>() else {
        return use_context::<RealtimeSync>().unwrap_or_else(provide_realtime_sync);
    };
    if let Some(sync) = slot.sync.get_untracked() {
        return sync;
    }
    let sync = slot.root.with(provide_realtime_sync);
    slot.sync.set(Some(sync));
    sync
}

fn provide_realtime_sync() -> RealtimeSync {
    let sync = RealtimeSync {
        in_flight: RwSignal::new(0),
        error: RwSignal::new(None),
        queue: RwSignal::new(Vec::new()),
        draining: StoredValue::new(false),
        access_check: use_context::<super::LiveFeed>().map(|f| f.access_check),
    };
    provide_context(sync);
    // In the browser only, after hydration: pick up saves queued before a reload, keep the
    // stored queue in step, and send what is waiting.
    Effect::new(move |loaded: Option<()>| {
        if loaded.is_none() {
            if let Some(saved) = storage::load() {
                sync.queue.set(saved);
            }
        }
        sync.queue.with(|q| storage::store(q));
        sync.drain();
    });
    sync
}

mod storage {
    use super::QueuedSave;

    #[cfg(feature = "hydrate")]
    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    #[cfg(feature = "hydrate")]
    pub fn load() -> Option<Vec<QueuedSave>> {
        let text = local()?.get_item(super::super::queue::STORAGE_KEY).ok()??;
        serde_json::from_str(&text).ok()
    }

    #[cfg(feature = "hydrate")]
    pub fn store(queue: &[QueuedSave]) {
        if let (Some(s), Ok(text)) = (local(), serde_json::to_string(queue)) {
            let _ = s.set_item(super::super::queue::STORAGE_KEY, &text);
        }
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn load() -> Option<Vec<QueuedSave>> {
        None
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn store(_queue: &[QueuedSave]) {}
}
