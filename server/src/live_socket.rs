//! The `/live` WebSocket: authorise, then pump a [`Subscription`] to the socket with
//! heartbeats. The ordering and resume guarantees live in the subscription, not here.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::time::{interval, Instant, MissedTickBehavior};

use app::error::AppError;
use app::live::{ClientMsg, ServerMsg, MAX_CLIENT_MESSAGE_BYTES};
use app::server::access::{authorize, Permission};
use app::server::hub::{frame_of, Audience};
use app::server::store::OrgId;
use app::server::subscription::Subscription;
use app::server::Engine;

use crate::AppState;

const PING_EVERY: Duration = Duration::from_secs(15);
/// A client silent for this long (it answers every ping) is gone.
const IDLE_TIMEOUT: Duration = Duration::from_secs(45);

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    /// Resume after this sequence number (the one the page's data was read at); absent: from
    /// now on.
    since: Option<i64>,
    /// `staff` for the backoffice (drafts and private fields); anything else is public.
    #[serde(default)]
    audience: Option<String>,
}

pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Query(q): Query<LiveQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (audience, permission) = match q.audience.as_deref() {
        Some("staff") => (Audience::Staff, Permission::ReadContent),
        _ => (Audience::Public, Permission::ReadPublic),
    };
    let who = authorize(&headers, permission)?;
    let engine = state.engine.clone();
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| session(socket, engine, who.org, audience, q.since)))
}

async fn session(
    socket: WebSocket,
    engine: Engine,
    org: OrgId,
    audience: Audience,
    since: Option<i64>,
) {
    let (mut sink, mut stream) = socket.split();
    let (greeting, mut sub) = match Subscription::start(&engine, org, audience, since).await {
        Ok(started) => started,
        Err(e) => {
            tracing::error!(error = %e, "cannot start live subscription");
            let _ = sink.send(Message::Close(None)).await;
            return;
        }
    };
    for frame in greeting {
        if sink.send(Message::Text(frame)).await.is_err() {
            return;
        }
    }
    let mut ping = interval(PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ping.tick().await;
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            frames = sub.next() => match frames {
                Ok(frames) if frames.is_empty() => break,
                Ok(frames) => {
                    for frame in frames {
                        if sink.send(Message::Text(frame)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live subscription failed; the client will resume");
                    break;
                }
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    if let Ok(ClientMsg::Ping) = serde_json::from_str(&text) {
                        if sink.send(Message::Text(frame_of(&ServerMsg::Pong))).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_TIMEOUT {
                    break;
                }
                if sink.send(Message::Text(frame_of(&ServerMsg::Ping))).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = sink.send(Message::Close(None)).await;
    tracing::debug!(org, last = sub.last_delivered(), "live session ended");
}
