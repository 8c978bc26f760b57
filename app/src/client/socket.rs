//! The browser end of the live socket: connect, resume after the last sequence, answer pings,
//! and reconnect with backoff when the connection drops or goes quiet.
#![cfg(feature = "hydrate")]

use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::feed::{FeedStatus, LiveFeed};
use crate::core::protocol::{close, ClientMsg, ServerMsg, LIVE_PATH};
use crate::core::time::now_ms;

/// How often the loop looks at the browser's connectivity and the socket's silence: the
/// indicator says "offline" within this long of the browser losing the network.
const TICK_MS: u32 = 500;
/// The browser pings this often; the server answers at once (and pings every 15 s itself).
const PING_EVERY_MS: i64 = 3_000;
/// This much silence, two pings unanswered, means the connection is dead, whatever the
/// browser believes: reconnect.
const SILENCE_MS: i64 = 7_000;
/// After this many failed attempts in a row the indicator says "offline" (retries go on).
const OFFLINE_AFTER: u32 = 5;
/// Refused for holding too many sockets from this address: other tabs hold them, so try
/// again much later rather than adding to the load.
const TOO_MANY_WAIT_MS: u32 = 30_000;

/// `since`: resume after this sequence; `None`: from the head the server reports.
pub(super) async fn run(feed: LiveFeed, mut since: Option<i64>) {
    let mut failures = 0u32;
    // The epoch `since` belongs to; unknown for the first connection of the page.
    let mut epoch: Option<String> = None;
    loop {
        if feed.session_ended() {
            // No retrying: the page offers to sign in again.
            feed.status.set(FeedStatus::SessionEnded);
            return;
        }
        if !online() {
            feed.status.set(FeedStatus::Offline);
            back_online().await;
        }
        // The code of the server's Close frame, when it sent one; whether the server greeted.
        let mut closed_with = None;
        let mut greeted = false;
        if let Ok(ws) = WebSocket::open(&url(since, epoch.as_deref(), feed.is_staff())) {
            let (mut tx, mut rx) = ws.split();
            let (mut heard_at, mut pinged_at) = (now_ms(), now_ms());
            loop {
                let msg = match select(rx.next(), TimeoutFuture::new(TICK_MS)).await {
                    Either::Left((Some(Ok(Message::Text(text))), _)) => text,
                    Either::Left((Some(Ok(Message::Bytes(_))), _)) => continue,
                    Either::Left((Some(Err(WebSocketError::ConnectionClose(event))), _)) => {
                        closed_with = Some(event.code);
                        break;
                    }
                    // Closed or failed: reconnect.
                    Either::Left(_) => break,
                    Either::Right(_) => {
                        let now = now_ms();
                        if !online() || now - heard_at > SILENCE_MS {
                            break;
                        }
                        if now - pinged_at >= PING_EVERY_MS {
                            pinged_at = now;
                            let ping = serde_json::to_string(&ClientMsg::Ping).unwrap_or_default();
                            if tx.send(Message::Text(ping)).await.is_err() {
                                break;
                            }
                        }
                        continue;
                    }
                };
                heard_at = now_ms();
                match serde_json::from_str::<ServerMsg>(&msg) {
                    Ok(ServerMsg::Hello {
                        head,
                        head_at,
                        epoch: e,
                    }) => {
                        failures = 0;
                        greeted = true;
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
                    // Its length, not serde's error: formatting that error costs every public
                    // visitor's download more than it tells (the server logs what it sent).
                    Err(_) => leptos::logging::warn!(
                        "ignoring a live message I cannot read ({} bytes)",
                        msg.len()
                    ),
                }
            }
        }
        // The server ended this socket because the credential changed, or a staff socket was
        // refused before it opened (the browser does not say why): is anyone signed in?
        if closed_with == Some(close::ACCESS_CHANGED) || (feed.is_staff() && !greeted && online()) {
            feed.check_access();
        }
        failures += 1;
        feed.status.set(if failures >= OFFLINE_AFTER || !online() {
            FeedStatus::Offline
        } else {
            FeedStatus::Reconnecting
        });
        let wait = match closed_with {
            Some(close::TOO_MANY_SOCKETS) => TOO_MANY_WAIT_MS,
            _ => backoff_ms(failures),
        };
        wait_or_back_online(wait).await;
    }
}

/// Until the browser says it has a network again.
pub(super) async fn back_online() {
    while !online() {
        TimeoutFuture::new(TICK_MS).await;
    }
}

/// `ms`, or less if the browser regains its network meanwhile: then reconnect at once.
pub(super) async fn wait_or_back_online(ms: u32) {
    let was_online = online();
    let mut waited = 0;
    while waited < ms {
        let step = TICK_MS.min(ms - waited);
        TimeoutFuture::new(step).await;
        waited += step;
        if !was_online && online() {
            return;
        }
    }
}

/// 250 ms, 500 ms, 1 s, … capped at 5 s, with jitter so a restarted server is not stampeded.
fn backoff_ms(failures: u32) -> u32 {
    let base = 250u32
        .saturating_mul(1 << failures.min(6).saturating_sub(1))
        .min(5_000);
    base + (js_sys::Math::random() * 250.0) as u32
}

pub(super) fn online() -> bool {
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
