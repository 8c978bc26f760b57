use leptos::prelude::*;

use crate::api::{save_settings, SaveOutcome};
use crate::error::AppError;
use crate::merge::RecordEdit;
use crate::model::SiteSettings;

/// Saving from the browser: the one way pages send edits, with shared progress and errors
/// that the [`RealtimeSyncIndicator`](crate::ui::RealtimeSyncIndicator) shows.
#[derive(Clone, Copy)]
pub struct RealtimeSync {
    in_flight: RwSignal<u32>,
    error: RwSignal<Option<AppError>>,
}

impl RealtimeSync {
    /// True while any save is on its way.
    pub fn syncing(&self) -> Signal<bool> {
        let in_flight = self.in_flight;
        Signal::derive(move || in_flight.get() > 0)
    }

    /// The last save's error, until the next success or [`RealtimeSync::clear_error`].
    pub fn sync_error(&self) -> Signal<Option<AppError>> {
        self.error.into()
    }

    pub fn clear_error(&self) {
        self.error.set(None);
    }

    pub async fn sync_settings(
        &self,
        edit: RecordEdit,
    ) -> Result<SaveOutcome<SiteSettings>, AppError> {
        self.track(save_settings(edit)).await
    }

    /// Run any server call as a tracked save: `syncing` while it runs, `sync_error` after.
    pub async fn track<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        self.in_flight.update(|n| *n += 1);
        let result = fut.await;
        self.in_flight.update(|n| *n = n.saturating_sub(1));
        self.error.set(result.as_ref().err().cloned());
        result
    }
}

pub fn provide_realtime_sync() -> RealtimeSync {
    let sync = RealtimeSync {
        in_flight: RwSignal::new(0),
        error: RwSignal::new(None),
    };
    provide_context(sync);
    sync
}

pub fn use_realtime_sync() -> RealtimeSync {
    use_context::<RealtimeSync>().unwrap_or_else(provide_realtime_sync)
}
