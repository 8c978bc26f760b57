//! The bell in the backoffice's top bar: how many notifications the member has not seen
//! (live), a panel listing the latest with when they came, "mark all as read", and a toast
//! for each one that arrives while the page is open ("Nouveau prospect", with "Voir le
//! prospect"). The server derives them from the change log (engine/notifications.rs); the
//! page asks again when a change of a collection they come from arrives.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::client::use_live_feed;
use crate::core::locale::relative_time;
use crate::core::notification::Notifications;
use crate::core::time::now_ms;
use crate::engine::api::{mark_notifications_seen, notifications};
use crate::i18n::*;
use crate::widgets::toast::{use_toasts, ToastAction, ToastKind};

/// Arrivals shown as toasts at once, at most: a burst is summed up by the count.
const TOASTS_AT_ONCE: usize = 3;

#[component]
pub fn NotificationBell() -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(None::<Notifications>);
    let toasts = use_toasts();
    let loading = StoredValue::new(false);
    let again = StoredValue::new(false);
    // Read the member's notifications; with `announce`, toast the ones that are new since
    // the last reading.
    let load = move |announce: bool| {
        if loading.get_value() {
            again.set_value(true);
            return;
        }
        loading.set_value(true);
        spawn_local(async move {
            loop {
                again.set_value(false);
                if let Ok(fresh) = notifications().await {
                    let known = state.with_untracked(|s| {
                        s.as_ref()
                            .map(|s| s.items.iter().map(|n| n.seq).max().unwrap_or(s.head))
                    });
                    if let (true, Some(known)) = (announce, known) {
                        for n in fresh
                            .items
                            .iter()
                            .filter(|n| !n.seen && n.seq > known)
                            .take(TOASTS_AT_ONCE)
                        {
                            let link = n.link.clone();
                            let action = ToastAction {
                                label: n.action.clone(),
                                run: Callback::new(move |_| go(&link)),
                            };
                            toasts.show_with_action(
                                ToastKind::Info,
                                format!("{} : {}", n.title, n.text),
                                action,
                            );
                        }
                    }
                    state.set(Some(fresh));
                }
                if !again.get_value() {
                    break;
                }
            }
            loading.set_value(false);
        });
    };
    // After hydration: the server's HTML has no count, and the first render must match it.
    Effect::new(move |_| load(false));
    let feed = use_live_feed();
    feed.on_change(move |event| {
        let news = state.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| event.seq > s.head && s.watched.contains(&event.collection))
        });
        if news {
            // A booking often comes as two changes at once: ask once.
            set_timeout(move || load(true), Duration::from_millis(150));
        }
    });
    let unseen = move || state.with(|s| s.as_ref().map_or(0, |s| s.unseen));
    let mark_all = move |_| {
        let Some(head) = state.with_untracked(|s| {
            s.as_ref().map(|s| {
                s.items
                    .iter()
                    .map(|n| n.seq)
                    .max()
                    .unwrap_or(s.head)
                    .max(s.head)
            })
        }) else {
            return;
        };
        spawn_local(async move {
            if mark_notifications_seen(head).await.is_ok() {
                load(false);
            }
        });
    };
    let label = move || {
        let n = unseen();
        if n == 0 {
            t_string!(i18n, common.notifications.none).to_string()
        } else {
            t_string!(i18n, common.notifications.unseen, n).to_string()
        }
    };
    view! {
        <details class="notifications" data-testid="notifications">
            <summary data-testid="bell" aria-label=label title=label>
                <span class="icon icon-bell" aria-hidden="true"></span>
                <span class="bell-count" data-testid="unseen" hidden=move || unseen() == 0 aria-hidden="true">
                    {move || match unseen() { n if n > 99 => "99+".to_string(), n => n.to_string() }}
                </span>
            </summary>
            <div class="menu-panel notification-panel" role="group" aria-label=move || t_string!(i18n, common.notifications.title)>
                <div class="notification-head">
                    <strong>{t!(i18n, common.notifications.title)}</strong>
                    <button type="button" class="link" data-testid="mark-all-read" on:click=mark_all
                        disabled=move || unseen() == 0>{t!(i18n, common.notifications.mark_all)}</button>
                </div>
                <ul class="notification-list" data-testid="notification-list">
                    {move || {
                        let now = now_ms();
                        let items = state.with(|s| s.as_ref().map(|s| s.items.clone()).unwrap_or_default());
                        if items.is_empty() {
                            return view! { <li class="muted">{t!(i18n, common.notifications.empty)}</li> }.into_any();
                        }
                        items.into_iter().map(|n| view! {
                            <li class=if n.seen { "seen" } else { "unseen" } data-kind=n.kind.clone()>
                                <a href=n.link.clone()>
                                    <strong>{n.title.clone()}</strong>
                                    <span>{n.text.clone()}</span>
                                    <span class="muted">{move || relative_time(now, n.at, i18n.get_locale())}</span>
                                </a>
                            </li>
                        }).collect_view().into_any()
                    }}
                </ul>
            </div>
        </details>
    }
}

/// A full page load of `link` (the page it names may be another page's code).
fn go(link: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(link);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = link;
}
