use std::time::Duration;

use leptos::prelude::*;

use crate::client::{current_realtime_sync, use_live_feed, FeedStatus};
use crate::core::locale::relative_time;
use crate::core::time::now_ms;
use crate::i18n::*;

/// The time now, ticking every second once the browser has taken over: `None` until then, so
/// the server and the hydrating client render the same markup ("il y a 12 s" badges).
pub fn use_second_clock() -> ReadSignal<Option<i64>> {
    let now = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        now.set(Some(now_ms()));
        if let Ok(handle) =
            set_interval_with_handle(move || now.set(Some(now_ms())), Duration::from_secs(1))
        {
            on_cleanup(move || handle.clear());
        }
    });
    now.read_only()
}

/// Small status badge: is this page live, and how long ago did anything change?
#[component]
pub fn RealtimeSyncIndicator() -> impl IntoView {
    let i18n = use_i18n();
    let feed = use_live_feed();
    // Until this badge has hydrated it shows what the server rendered (connecting, nothing
    // saving or waiting): on a page whose code arrived later (a lazy route) the feed and the
    // queue have moved on by then, and hydration must meet the server's markup.
    let hydrated = crate::widgets::hydrated::use_hydrated();
    // Saving, waiting and failed saves exist once a page that saves has made the save hook
    // (the backoffice); a public page only follows the feed.
    let sync = move || hydrated.get().then(current_realtime_sync).flatten();
    let syncing = move || sync().is_some_and(|s| s.is_syncing());
    let pending = move || sync().map_or(0, |s| s.pending_count());
    let error = move || sync().and_then(|s| s.sync_error().get());
    let now = use_second_clock();
    let status = move || {
        if hydrated.get() {
            feed.status.get()
        } else {
            FeedStatus::Connecting
        }
    };
    let last = feed.last_change_at;
    let ago = move || match (now.get(), last.get()) {
        (Some(now), Some(at)) => {
            let locale = i18n.get_locale();
            td_string!(
                locale,
                common.sync.updated,
                ago = relative_time(now, at, locale)
            )
            .to_string()
        }
        _ => String::new(),
    };

    view! {
        <div class="sync-indicator" data-testid="sync-indicator" data-status=move || status().as_str()>
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-label" role="status" aria-live="polite">
                {move || status().label(i18n.get_locale())}
                {move || syncing().then(|| t_string!(i18n, common.sync.saving))}
                {move || match pending() {
                    0 => None,
                    n => Some(t_string!(i18n, common.sync.pending, n).to_string()),
                }}
                {move || error().map(|_| t_string!(i18n, common.sync.failed))}
            </span>
            <span class="sync-ago" data-testid="sync-ago">{ago}</span>
        </div>
    }
}
