//! The browser end of the live socket: connect, resume after the last sequence, answer pings,
//! and reconnect with backoff when the connection drops or goes quiet.
#![cfg(feature = "hydrate")]

use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::feed::{FeedStatus, LiveFeed};
use crate::core::protocol::{ClientMsg, ServerMsg, LIVE_PATH};

/// The server pings every 15 s; this much silence means the connection is dead.
const SILENCE_MS: u32 = 40_000;
/// After this many failed attempts in a row the indicator says "offline" (retries go on).
const OFFLINE_AFTER: u32 = 5;

/// `since`: resume after this sequence; `None`: from the head the server reports.
pub(super) async fn run(feed: LiveFeed, mut since: Option<i64>) {
    let mut failures = 0u32;
    // The epoch `since` belongs to; unknown for the first connection of the page.
    let mut epoch: Option<String> = None;
    loop {
        if let Ok(ws) = WebSocket::open(&url(since, epoch.as_deref(), feed.is_staff())) {
            let (mut tx, mut rx) = ws.split();
            loop {
                let msg = match select(rx.next(), TimeoutFuture::new(SILENCE_MS)).await {
                    Either::Left((Some(Ok(Message::Text(text))), _)) => text,
                    Either::Left((Some(Ok(Message::Bytes(_))), _)) => continue,
                    // Closed, failed, or silent for too long: reconnect.
                    _ => break,
                };
                match serde_json::from_str::<ServerMsg>(&msg) {
                    Ok(ServerMsg::Hello {
                        head,
                        head_at,
                        epoch: e,
                    }) => {
                        failures = 0;
                        epoch = Some(e);
                        if since.is_none() {
                            since = Some(head);
                            feed.last_seq.set(head);
                        }
                        feed.status.set(FeedStatus::Live);
                        if feed.last_change_at.get_untracked().is_none() {
                            feed.last_change_at.set(head_at);
                        }
                    }
                    Ok(ServerMsg::Change { event }) => {
                        since = Some(since.unwrap_or(0).max(event.seq));
                        feed.deliver(&event);
                    }
                    Ok(ServerMsg::Resync { .. }) => {
                        // The page's data cannot be brought up to date by events: load it again.
                        let _ = web_sys::window().map(|w| w.location().reload());
                        return;
                    }
                    Ok(ServerMsg::Ping) => {
                        let pong = serde_json::to_string(&ClientMsg::Pong).unwrap_or_default();
                        if tx.send(Message::Text(pong)).await.is_err() {
                            break;
                        }
                    }
                    Ok(ServerMsg::Pong) => {}
                    Err(e) => leptos::logging::warn!("ignoring a live message I cannot read: {e}"),
                }
            }
        }
        failures += 1;
        feed.status.set(if failures >= OFFLINE_AFTER || !online() {
            FeedStatus::Offline
        } else {
            FeedStatus::Reconnecting
        });
        TimeoutFuture::new(backoff_ms(failures)).await;
    }
}

/// 250 ms, 500 ms, 1 s, … capped at 5 s, with jitter so a restarted server is not stampeded.
fn backoff_ms(failures: u32) -> u32 {
    let base = 250u32
        .saturating_mul(1 << failures.min(6).saturating_sub(1))
        .min(5_000);
    base + (js_sys::Math::random() * 250.0) as u32
}

fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

fn url(since: Option<i64>, epoch: Option<&str>, staff: bool) -> String {
    let location = web_sys::window().expect("a browser window").location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let mut query = Vec::new();
    if let Some(since) = since {
        query.push(format!("since={since}"));
    }
    if let Some(epoch) = epoch.filter(|e| !e.is_empty()) {
        query.push(format!("epoch={}", js_sys::encode_uri_component(epoch)));
    }
    if staff {
        query.push("audience=staff".to_string());
    }
    format!("{scheme}://{host}{LIVE_PATH}?{}", query.join("&"))
}
