//! The `/live` WebSocket: authorise, then pump a [`Subscription`] to the socket with
//! heartbeats. The ordering and resume guarantees live in the subscription, not here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{interval_at, Instant, MissedTickBehavior};

use app::core::error::AppError;
use app::core::principal::{Credential, Identity, Principal};
use app::core::protocol::{close, ClientMsg, ServerMsg, MAX_CLIENT_MESSAGE_BYTES};
use app::core::roles::Permission;
use app::engine::hub::{frame_of, Audience};
use app::engine::sockets::SocketSlot;
use app::engine::subscription::Subscription;
use app::engine::Engine;
use app::identity::server::access::authorize;
use app::identity::server::csrf::check_same_site;
use app::identity::server::sessions::{self, Revoked};

use crate::AppState;

/// Every socket keeps its read buffer, filled, for its whole life, so each idle subscriber
/// pays for it. Clients only send small messages (a ping is 30 bytes); a bigger one, up to
/// the 64 KiB limit, grows the buffer as it arrives.
const READ_BUFFER_BYTES: usize = 512;

/// The write buffer a socket fills before writing without a flush: several frames waiting
/// together leave in one system call.
const WRITE_BATCH_BYTES: usize = 8 * 1024;

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    /// Resume after this sequence number (the one the page's data was read at); absent: from
    /// now on.
    since: Option<i64>,
    /// `staff` for the backoffice (drafts and private fields); anything else is public.
    #[serde(default)]
    audience: Option<String>,
    /// An API token, for clients that cannot set an `Authorization` header on a WebSocket.
    #[serde(default)]
    access_token: Option<String>,
    /// The epoch of the `hello` that `since` came from.
    #[serde(default)]
    epoch: Option<String>,
}

pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Query(q): Query<LiveQuery>,
    parts: http::request::Parts,
) -> Result<Response, AppError> {
    let headers = &parts.headers;
    // A page on another site must not ride on the visitor's cookie (cross-site WebSocket
    // hijacking): browsers always send Origin on a WebSocket handshake.
    check_same_site(
        headers,
        &app::identity::server::access::auth(&state.engine).config,
    )
    .map_err(AppError::CrossSite)?;
    let staff = q.audience.as_deref() == Some("staff");
    // Any member may follow the backoffice feed: each event reaches them only if their role
    // may read its collection, with the fields it may see.
    let permission = if staff {
        Permission::FollowFeed
    } else {
        Permission::ReadPublic
    };
    let who = authorize(
        &state.engine,
        headers,
        q.access_token.as_deref(),
        permission,
    )
    .await?;
    let audience = match who.identity.as_ref().and_then(|i| i.role) {
        Some(role) if staff => Audience::Role(role),
        // FollowFeed was granted: there is a role.
        _ if staff => return Err(AppError::Forbidden),
        _ => Audience::Public,
    };
    let engine = state.engine.clone();
    let address = engine.gate().client_address(&engine, &parts);
    let slot = engine
        .sockets
        .take(&address, engine.live.max_sockets_per_address);
    Ok(ws
        .read_buffer_size(READ_BUFFER_BYTES)
        // Frames handed over together go out in one write; one alone is written at once.
        .write_buffer_size(WRITE_BATCH_BYTES)
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let timeout = engine.live.send_timeout;
            let out = Outgoing { socket, timeout };
            match slot {
                Some(slot) => session(out, engine, who, audience, q, slot).await,
                // A browser never sees an HTTP status on a WebSocket: the refusal is the
                // Close frame's code, which the page reads.
                None => {
                    tracing::info!(%address, "refused a live socket: too many from this address");
                    out.close(
                        close::TOO_MANY_SOCKETS,
                        "too many live connections from this address",
                    )
                    .await
                }
            }
        }))
}

async fn session(
    mut out: Outgoing<WebSocket>,
    engine: Engine,
    who: Principal,
    audience: Audience,
    q: LiveQuery,
    _slot: SocketSlot,
) {
    let org = who.org;
    // Signing out, revoking the token or changing the member's role closes the socket; the
    // browser reconnects with whatever rights it has now. Only a signed-in socket listens.
    let revocations = who.identity.as_ref().map(|_| {
        app::identity::server::access::auth(&engine)
            .revocations
            .subscribe()
    });
    let mut revoked = std::pin::pin!(next_revocation(revocations));
    let live = &engine.live;
    // Boxed, as the credential checks below: awaited inline, the biggest of these database
    // calls would set the size of every idle socket's task.
    let started = Box::pin(Subscription::start(
        &engine,
        org,
        audience,
        q.since,
        q.epoch.as_deref(),
    ))
    .await;
    let (greeting, mut sub) = match started {
        Ok(started) => started,
        Err(e) => {
            tracing::error!(error = %e, "cannot start live subscription");
            out.close(close::SERVER_ERROR, "cannot start the live feed")
                .await;
            return;
        }
    };
    if !out.send_all(greeting).await {
        return;
    }
    let mut ping = interval_at(
        Instant::now() + ping_phase(live.ping_every),
        live.ping_every,
    );
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    // Why the loop ended, for the Close frame; `None`: the client closed or vanished.
    let ended: Option<(u16, &str)> = loop {
        tokio::select! {
            frames = sub.next() => match frames {
                Ok(frames) if frames.is_empty() => break Some((close::GOING_AWAY, "the live feed ended")),
                Ok(frames) => {
                    if !out.send_all(frames).await {
                        // Gone, or too slow to take events: it resumes from the log when it
                        // reconnects. The Close frame gets a moment, not the send timeout.
                        tracing::debug!(org, last = sub.last_delivered(), "closing a live socket that does not read");
                        out.timeout = STALLED_CLOSE;
                        break Some((close::TOO_SLOW, "events were not read in time; resume"));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live subscription failed; the client will resume");
                    break Some((close::SERVER_ERROR, "the live feed failed; resume"));
                }
            },
            incoming = out.socket.next() => match incoming {
                // The socket answers a Close by itself.
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break None,
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    if let Ok(ClientMsg::Ping) = serde_json::from_str(&text) {
                        if !out.send(frame_of(&ServerMsg::Pong)).await {
                            break None;
                        }
                    }
                }
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            (revocation, receiver) = &mut revoked => {
                match (revocation, &who.identity) {
                    (Ok(r), Some(me)) if r.applies_to(me) => break Some(ACCESS_CHANGED),
                    // Missed some: check the credential against the database.
                    (Err(RecvError::Lagged(_)), Some(me)) if !Box::pin(still_valid(&engine, me)).await => break Some(ACCESS_CHANGED),
                    (Err(RecvError::Closed), _) => break Some((close::GOING_AWAY, "the server is stopping")),
                    _ => {}
                }
                revoked.set(next_revocation(Some(receiver)));
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > live.idle_timeout {
                    break Some((close::GOING_AWAY, "no answer to pings"));
                }
                // Revocations on another server process reach this one through the database.
                if let Some(me) = &who.identity {
                    if !Box::pin(still_valid(&engine, me)).await {
                        break Some(ACCESS_CHANGED);
                    }
                }
                if !out.send(frame_of(&ServerMsg::Ping)).await {
                    break None;
                }
            }
        }
    };
    match ended {
        Some((code, reason)) => out.close(code, reason).await,
        None => out.finish().await,
    }
    tracing::debug!(org, last = sub.last_delivered(), "live session ended");
}

const ACCESS_CHANGED: (u16, &str) = (
    close::ACCESS_CHANGED,
    "your access changed (signed out, password changed or role changed): reconnect",
);

/// How long a socket that stopped reading gets to take its Close frame.
const STALLED_CLOSE: Duration = Duration::from_secs(1);

/// How long a closing socket waits for the client's own Close frame. Dropping the connection
/// before it arrives can reset it, and the browser then reports 1006 (abnormal) instead of
/// the code and reason it was sent.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

/// When in the ping period this socket's pings fall. Sockets opened together (a server
/// restart, a load test) would otherwise ping together: thousands of pings, and the staff
/// sockets' credential checks, in one burst that holds up any live event behind it. The
/// golden ratio's multiples spread consecutive sockets evenly over the period.
fn ping_phase(every: Duration) -> Duration {
    static OPENED: AtomicU64 = AtomicU64::new(0);
    let n = OPENED.fetch_add(1, Ordering::Relaxed);
    every.mul_f64((n as f64 * 0.618_033_988_749_895).fract())
}

/// The next revocation, kept waiting across the session loop's turns: the channel is shared
/// by every signed-in socket, and a wait dropped and re-made at each delivery would take its
/// lock twice per delivery. Without a receiver (a public socket) it never ends.
async fn next_revocation(
    receiver: Option<broadcast::Receiver<Revoked>>,
) -> (Result<Revoked, RecvError>, broadcast::Receiver<Revoked>) {
    let Some(mut receiver) = receiver else {
        return std::future::pending().await;
    };
    (receiver.recv().await, receiver)
}

/// The socket, for sending. Each message must be taken within `timeout`: a client that stops
/// reading fills its TCP buffers, and then it is closed rather than holding its task. Not
/// split in halves: the session reads and writes from one task, and a split socket takes a
/// lock on every read and write.
struct Outgoing<S> {
    socket: S,
    timeout: Duration,
}

impl<S> Outgoing<S>
where
    S: futures::Sink<Message> + Unpin,
{
    /// Whether the frame was taken in time.
    async fn send(&mut self, frame: Utf8Bytes) -> bool {
        self.send_all(vec![frame]).await
    }

    /// Whether all the frames were taken in time; they are flushed together.
    async fn send_all(&mut self, frames: Vec<Utf8Bytes>) -> bool {
        let sink = &mut self.socket;
        within(self.timeout, async move {
            for frame in frames {
                sink.feed(Message::Text(frame)).await?;
            }
            sink.flush().await
        })
        .await
    }
}

impl Outgoing<WebSocket> {
    /// Close with `code` and `reason` and wait for the client's answering Close frame.
    async fn close(mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        if within(self.timeout, self.socket.send(Message::Close(Some(frame)))).await {
            self.finish().await;
        }
    }

    /// Let the closing handshake end (the client's Close, or the connection's end) before
    /// the connection is dropped.
    async fn finish(mut self) {
        let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
            // Sends the answer to a client's Close, which the socket queued by itself.
            let _ = self.socket.flush().await;
            while let Some(Ok(message)) = self.socket.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}

/// Whether `send` finished, successfully, within `limit`. Most sends finish on their first
/// poll (the socket has room), so the timer is only armed for one that has to wait: a timer
/// per frame would cost every delivery a trip through the timer wheel.
async fn within<F, E>(limit: Duration, send: F) -> bool
where
    F: std::future::Future<Output = Result<(), E>>,
{
    let mut send = std::pin::pin!(send);
    if let std::task::Poll::Ready(done) = futures::poll!(send.as_mut()) {
        return done.is_ok();
    }
    matches!(tokio::time::timeout(limit, send).await, Ok(Ok(())))
}

/// Whether the socket's credential still stands for the same organisation and role.
async fn still_valid(engine: &Engine, me: &Identity) -> bool {
    let Ok(mut conn) = engine.db.read.acquire().await else {
        return true; // a database hiccup is not a revocation
    };
    let now = match &me.credential {
        Credential::Session(hash) => sessions::resolve_session_hash(&mut conn, hash).await,
        Credential::Token { id, .. } => sessions::resolve_token_id(&mut conn, id).await,
    };
    match now {
        Ok(Some(now)) => now.org == me.org && now.role == me.role,
        Ok(None) => false,
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_opened_together_ping_spread_over_the_period() {
        let every = Duration::from_secs(15);
        let mut per_tenth = [0; 10];
        for _ in 0..1000 {
            let phase = ping_phase(every);
            assert!(phase < every, "{phase:?}");
            per_tenth[(phase.as_secs_f64() / 1.5) as usize] += 1;
        }
        assert!(
            per_tenth.iter().all(|n| (90..=110).contains(n)),
            "{per_tenth:?}"
        );
    }
}
